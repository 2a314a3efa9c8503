"""The Markdown reader of the site: Pelican's, plus what authors need.

- Metadata mistakes (missing title or date, a date that does not exist, an
  unknown ``Status:``, a ``{filename}`` link to a missing file) are recorded
  with their line. A file that is not UTF-8 text is read with its bad bytes
  replaced and reported, never dropped.
- YAML front matter (``---`` ... ``---``) is read with PyYAML into the same
  metadata as Pelican's ``Key: value`` header.
- ``Companies:`` becomes a list of :class:`Company`, like ``Tags:``.
- Per-document results that Markdown extensions leave on ``md`` are handed to
  plugins through the ``markdown_converted`` signal, before Pelican's summary
  conversion resets the Markdown instance.
"""

from __future__ import annotations

import difflib
import logging
import math
import os
import re
from dataclasses import dataclass
from datetime import date

import yaml
from blinker import signal
from markdown import Markdown
from pelican.contents import Article
from pelican.readers import _DISCARD, DUPLICATES_DEFINITIONS_ALLOWED, MarkdownReader, ensure_metadata_list
from pelican.utils import slugify

from . import incremental, prefetch
from .companies import Company
from .problems import METADATA_KEY

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


def missing_link_targets(lines, offset, source_path, content_root):
    """(line, kind, target) for each ``{filename}``/``{static}``/``{attach}`` link to a missing file."""
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
            found.append((number, m.group(1), target))
    return found


def broken_link_problems(missing):
    return [(number, f"broken internal link {{{kind}}}{target}: no such file") for number, kind, target in missing]


def broken_links(lines, offset, source_path, content_root):
    """(line, message) for each ``{filename}``/``{static}`` link to a missing file."""
    return broken_link_problems(missing_link_targets(lines, offset, source_path, content_root))


def read_text(source_path) -> tuple[str, list, bool]:
    """(text, problems, unreadable): the file as UTF-8 text (a BOM is dropped).

    Bytes that are not UTF-8 are replaced (the story still builds, so it does
    not vanish from `make serve`) and reported on the line they are on; a
    binary file reads as empty.
    """
    with open(source_path, "rb") as fh:
        raw = fh.read()
    if b"\0" in raw:  # the whole file is the problem: its first line
        return "", [(1, "this is not a text file (it holds binary data): "
                           "only Markdown stories belong here; move the file out of content/")], True
    try:
        return raw.decode("utf-8-sig"), [], False
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        message = (f"the file is not UTF-8 text (byte 0x{raw[error.start]:02x} cannot be read): "
                   "save it with the UTF-8 encoding")
        return raw.decode("utf-8-sig", errors="replace"), [(line, message)], False


YAML_FENCE_RE = re.compile(r"^---\s*$")
YAML_END_RE = re.compile(r"^(---|\.\.\.)\s*$")


def yaml_front_matter(lines):
    """Read a YAML front matter block (``---`` ... ``---``) at the top of a file.

    None when there is none; else (meta, header, end, problems): ``meta`` in the
    shape Markdown's meta extension gives ({key: [value]}), or None when the
    block cannot be read; ``header`` as :func:`metadata_header` gives it; ``end``
    the index of the first line after the closing ``---``.
    """
    if not lines or not YAML_FENCE_RE.match(lines[0]):
        return None
    end = next((i for i in range(1, len(lines)) if YAML_END_RE.match(lines[i])), None)
    if end is None:
        return None, {}, 1, [(1, "YAML front matter opened with '---' is never closed: "
                               "end it with a line of '---' before the story")]
    header = {}
    for index in range(1, end):
        m = HEADER_LINE_RE.match(lines[index])
        if m:
            header[m.group(1).lower()] = (index + 1, m.group(2).strip())
    try:
        data = yaml.safe_load("\n".join(lines[1:end]))
    except yaml.YAMLError as error:
        # the context (e.g. where an unclosed list opened) is where the author looks
        mark = getattr(error, "context_mark", None) or getattr(error, "problem_mark", None)
        line = 2 + mark.line if mark is not None else 1
        reason = "; ".join(filter(None, (getattr(error, "context", None), getattr(error, "problem", None))))
        reason = reason or "not valid YAML"
        return None, header, end + 1, [(line, f"YAML front matter cannot be read ({reason}): "
                                            "fix it, or write the metadata as 'Key: value' lines")]
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return None, header, end + 1, [(2, "YAML front matter must be 'key: value' lines "
                                         "(e.g. 'title: ...', 'tags: [empathy, follow-up]')")]
    meta, problems = {}, []
    for key, value in data.items():
        name = str(key).lower()
        line = header.get(name, (2, ""))[0]
        if value is None:
            continue
        if isinstance(value, dict):
            problems.append((line, f"YAML key {key!r} holds a mapping: give it a text or a list"))
            continue
        items = value if isinstance(value, list) else [value]
        text = ", ".join(item.isoformat() if isinstance(item, date) else str(item) for item in items)
        meta[name] = [text]
        header.setdefault(name, (line, text))
    return meta, header, end + 1, problems


def unlink_missing_static_files(html, missing):
    """The HTML with each ``{static}``/``{attach}`` link of ``missing`` (from
    :func:`missing_link_targets`) made a plain relative link: Pelican would
    otherwise look the file up (its date, with ``DEFAULT_DATE = "fs"``) and
    stop with a traceback. The link is reported as broken all the same."""
    for _line, kind, target in missing:
        if kind in ("static", "attach"):
            html = html.replace(f"{{{kind}}}{target}", target)
    return html


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
    unreadable: bool = False  # binary, or unreadable front matter: no "missing title" on top of that


class CasebookMarkdownReader(MarkdownReader):
    def read(self, source_path):
        converted = prefetch.take(source_path) or self.convert(source_path)
        return self.finish(source_path, converted)

    def convert(self, source_path) -> Converted:
        """The Markdown work for one file; needs nothing from the rest of the build."""
        self._source_path = source_path
        md = Markdown(**self.settings["MARKDOWN"])
        md.document_key = self._document_key(source_path)
        text, problems, unreadable = read_text(source_path)
        lines = text.split("\n")
        front = yaml_front_matter(lines)
        if front is None:
            header, body_start = metadata_header(lines)
            content = md.convert(text)
            meta = None
        else:
            meta, header, body_start, yaml_problems = front
            problems += yaml_problems
            if meta is None:  # reported: no "missing title" on top of that
                meta, unreadable = {}, True
            # blank lines in place of the front matter keep callouts' line numbers
            content = md.convert("\n" * body_start + "\n".join(lines[body_start:]))
        body = lines[body_start:]
        missing = missing_link_targets(body, body_start, source_path, self.settings["PATH"])
        problems += broken_link_problems(missing)
        content = unlink_missing_static_files(content, missing)
        metadata = {}
        markdown_converted.send(self, md=md, metadata=metadata, problems=problems)
        if meta is None:
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
        return Converted(content, meta, formatted, metadata, problems, header, words, read, unreadable)

    def finish(self, source_path, converted: Converted):
        self._source_path = source_path
        self._problems = list(converted.problems)
        self._meta = converted.header
        metadata = dict(converted.metadata)
        metadata.update(self._metadata_from(converted.meta, converted.formatted))
        self._check_required(metadata, source_path, report=not converted.unreadable)
        metadata["word_count"] = converted.words
        metadata["reading_minutes"] = reading_minutes(converted.words)
        if "slug" in self._meta:
            metadata["casebook_slug_line"] = self._meta["slug"][0]  # for URL collisions (paths.py)
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
        if name == "companies":
            return [Company(c, self.settings) for c in ensure_metadata_list(value)] or _DISCARD
        if name in ("date", "modified"):
            try:
                return super().process_metadata(name, value)
            except (ValueError, OverflowError):
                self._problem(name, f"{name.title()} {value!r} is not a real date: use YYYY-MM-DD")
                return _DISCARD
        if name == "status":
            return self._status(value)
        if name == "slug" and not value.strip():
            self._problem("slug", "'Slug:' is empty: write one (letters, digits, '-') or remove the line")
            return _DISCARD
        if name == "slug" and (re.search(r"[/\\]", value) or value.strip() in (".", "..")):
            self._problem("slug", f"Slug {value!r} must be one part of a URL (letters, digits, '-'): "
                                  "remove the '/'")
            return _DISCARD
        return super().process_metadata(name, value)

    def _status(self, value):
        """A known status as written; an unknown one is reported and kept out of
        production as a draft (Pelican would drop the file with a traceback)."""
        status = str(value).strip().lower()
        known = [s for s in Article.allowed_statuses if s != "skip"]  # "skip": Pelican-internal
        if status in known:
            return status
        near = difflib.get_close_matches(status, known, n=1, cutoff=0.5)
        hint = f"did you mean {near[0]!r}? " if near else ""
        self._problem("status", f"unknown Status {value!r} ({hint}known: {', '.join(sorted(known))}); "
                                "built as a draft until it is fixed")
        return "draft"

    # -- checks ----------------------------------------------------------
    def _check_required(self, metadata, source_path, report=True):
        if not metadata.get("title"):
            if report:
                self._problems.append((1, "missing 'Title:' in the metadata header"))
            stem = os.path.splitext(os.path.basename(source_path))[0]
            metadata["title"] = stem.replace("-", " ").replace("_", " ").capitalize()
        if report and "date" not in metadata and "date" not in self._meta and not self._is_page(source_path):
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
