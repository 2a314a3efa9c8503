"""The Markdown reader of the site: Pelican's, plus what authors need.

- Metadata mistakes (missing title or date, a date that does not exist, a
  ``{filename}`` link to a missing file) are recorded with their line.
- ``Companies:`` becomes a list of :class:`Company`, like ``Tags:``.
- Per-document results that Markdown extensions leave on ``md`` are handed to
  plugins through the ``markdown_converted`` signal, before Pelican's summary
  conversion resets the Markdown instance.
"""

from __future__ import annotations

import logging
import math
import os
import re
from dataclasses import dataclass

from blinker import signal
from markdown import Markdown
from pelican.readers import _DISCARD, DUPLICATES_DEFINITIONS_ALLOWED, MarkdownReader, ensure_metadata_list
from pelican.utils import pelican_open, slugify

from . import headings, incremental, prefetch
from .companies import Company
from .problems import METADATA_KEY
from .typography import typographic

logger = logging.getLogger(__name__)

#: sent after the body is converted: sender=reader, md=, metadata=, problems=
markdown_converted = signal("casebook.markdown_converted")

HEADER_LINE_RE = re.compile(r"^([A-Za-z][\w-]*)\s*:\s*(.*)$")
LINK_RE = re.compile(r"\{(filename|static|attach)\}([^)\s\"'#?>]+)")
WORDS_PER_MINUTE = 230


def metadata_header(lines):
    """{key: (line, value)} of a Pelican "Key: value" header, and the index of the first body line."""
    meta = {}
    for index, line in enumerate(lines):
        if not line.strip():
            return meta, index
        m = HEADER_LINE_RE.match(line)
        if m:
            meta[m.group(1).lower()] = (index + 1, m.group(2).strip())
        elif not line.startswith((" ", "\t")):
            return meta, index
    return meta, len(lines)


def broken_links(lines, offset, source_path, content_root):
    """(line, message) for each ``{filename}``/``{static}`` link to a missing file."""
    found = []
    for number, line in enumerate(lines, start=offset + 1):
        if "{" not in line:
            continue
        for m in LINK_RE.finditer(line):
            target = m.group(2)
            if target.startswith("/"):
                full = os.path.join(content_root, target.lstrip("/"))
            else:
                full = os.path.join(os.path.dirname(source_path), target)
            # {filename}/_callouts/... and friends are registered by plugins
            if target.startswith("/_") or os.path.exists(full):
                continue
            found.append((number, f"broken internal link {{{m.group(1)}}}{target}: no such file"))
    return found


def reading_minutes(words: int) -> int:
    return max(1, math.ceil(words / WORDS_PER_MINUTE))


@dataclass
class Converted:
    """What converting one file gives, as plain data: it may come from a worker process."""

    content: str
    meta: dict  # Markdown's raw "Key: value" header, {key: [values]}
    formatted: dict  # formatted fields (FORMATTED_FIELDS, e.g. summary) as HTML
    metadata: dict  # what plugins added on markdown_converted (callout records)
    problems: list  # (line, message)
    header: dict  # {key: (line, value)}
    words: int
    read: tuple | None  # for incremental rebuilds: incremental.read_record


class CasebookMarkdownReader(MarkdownReader):
    def read(self, source_path):
        converted = prefetch.take(source_path) or self.convert(source_path)
        return self.finish(source_path, converted)

    def convert(self, source_path) -> Converted:
        """The Markdown work for one file; needs nothing from the rest of the build."""
        self._source_path = source_path
        md = Markdown(**self.settings["MARKDOWN"])
        md.document_key = self._document_key(source_path)
        with pelican_open(source_path) as text:
            lines = text.split("\n")
            header, body_start = metadata_header(lines)
            content = md.convert(text)
        toc_tokens = getattr(md, "toc_tokens", [])  # before md.reset() below clears it
        body = lines[body_start:]
        problems = broken_links(body, body_start, source_path, self.settings["PATH"])
        metadata = {}
        markdown_converted.send(self, md=md, metadata=metadata, problems=problems)
        meta = getattr(md, "Meta", {})
        formatted = {}
        fields = self.settings["FORMATTED_FIELDS"]
        if any(name.lower() in fields for name in meta):
            # as Pelican's MarkdownReader does: no metadata extraction in fields
            md.preprocessors.deregister("meta")
            for name, value in meta.items():
                if name.lower() in fields:
                    md.reset()
                    formatted[name.lower()] = md.convert("\n".join(value))
        words = sum(len(line.split()) for line in body)
        # what other pages may show of it: everything but its body and word count
        read = incremental.read_record(self.settings, content, (meta, formatted, reading_minutes(words)), metadata)
        # its contents list: made from the body, so counted with it, not with what listings show
        metadata["contents"] = headings.contents(toc_tokens, metadata.get("callouts", ()), content)
        return Converted(content, meta, formatted, metadata, problems, header, words, read)

    def finish(self, source_path, converted: Converted):
        self._source_path = source_path
        self._problems = list(converted.problems)
        self._meta = converted.header
        metadata = dict(converted.metadata)
        metadata.update(self._metadata_from(converted.meta, converted.formatted))
        self._check_required(metadata, source_path)
        metadata["word_count"] = converted.words
        metadata["reading_minutes"] = reading_minutes(converted.words)
        if "modified" in converted.header and metadata.get("modified", _DISCARD) is not _DISCARD:
            # Pelican also sets "modified" to the file's time: "Updated" shows only the written one
            metadata["updated"] = metadata["modified"]
        metadata[METADATA_KEY] = self._problems or ()  # one empty tuple for the many files without any
        incremental.keep_record(metadata, converted.read)
        return converted.content, metadata

    def _metadata_from(self, meta, formatted):
        """Pelican's MarkdownReader._parse_metadata, with formatted fields already converted."""
        output = {}
        for name, value in meta.items():
            name = name.lower()
            if name in formatted:
                output[name] = self.process_metadata(name, formatted[name])
            elif not DUPLICATES_DEFINITIONS_ALLOWED.get(name, True):
                if len(value) > 1:
                    logger.warning("Duplicate definition of `%s` for %s. Using first one.", name, self._source_path)
                output[name] = self.process_metadata(name, value[0])
            elif len(value) > 1:
                output[name] = self.process_metadata(name, value)
            else:
                output[name] = self.process_metadata(name, value[0])
        return output

    def process_metadata(self, name, value):
        if name == "title":
            return typographic(super().process_metadata(name, value))
        if name == "companies":
            return [Company(c, self.settings) for c in ensure_metadata_list(value)] or _DISCARD
        if name in ("date", "modified"):
            try:
                return super().process_metadata(name, value)
            except (ValueError, OverflowError):
                self._problem(name, f"{name.title()} {value!r} is not a real date: use YYYY-MM-DD")
                return _DISCARD
        return super().process_metadata(name, value)

    # -- checks ----------------------------------------------------------
    def _check_required(self, metadata, source_path):
        if not metadata.get("title"):
            self._problems.append((1, "missing 'Title:' in the metadata header"))
            stem = os.path.splitext(os.path.basename(source_path))[0]
            metadata["title"] = stem.replace("-", " ").replace("_", " ").capitalize()
        if "date" not in metadata and "date" not in self._meta and not self._is_page(source_path):
            self._problems.append((1, "missing 'Date:' in the metadata header (YYYY-MM-DD)"))

    def _problem(self, key, message):
        self._problems.append((self._meta.get(key, (1, ""))[0], message))

    # -- helpers -----------------------------------------------------------

    def _content_folder(self, source_path):
        """(kind, path inside its folder): kind is "article", "page" or "" for elsewhere."""
        relative = os.path.relpath(source_path, self.settings["PATH"])
        for kind, key in (("article", "ARTICLE_PATHS"), ("page", "PAGE_PATHS")):
            for folder in self.settings.get(key, ()):
                prefix = folder.rstrip("/") + os.sep
                if relative.startswith(prefix):
                    return kind, relative[len(prefix):]
        return "", relative

    def _is_page(self, source_path):
        return self._content_folder(source_path)[0] == "page"

    def _document_key(self, source_path):
        """A readable key, unique per source file: its path inside its content folder."""
        relative = self._content_folder(source_path)[1]
        stem = os.path.splitext(relative)[0].replace(os.sep, "-")
        return slugify(stem, regex_subs=self.settings.get("SLUG_REGEX_SUBSTITUTIONS", []))
