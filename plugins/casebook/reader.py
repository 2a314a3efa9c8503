"""The Markdown reader of the site: Pelican's, plus what authors need.

- Metadata mistakes (missing title or date, a date that does not exist, an
  unknown ``Status:``, a ``{filename}`` link to a missing file) are recorded
  with their line. A file that is not UTF-8 text is read with its bad bytes
  replaced and reported, never dropped.
- YAML front matter (``---`` ... ``---``) is read with PyYAML into the same
  metadata as Pelican's ``Key: value`` header.
- ``Companies:`` becomes a list of :class:`Company`, like ``Tags:``.
- The callout records and problems the callouts extension adds to the
  document's metadata (``pelican.plugins.callouts.contracts``) are taken out
  of the header: the records are kept apart (a callout edit is not a header
  edit), the problems join the file's own.
- On a large build the Markdown work may already have been done by a worker
  process (``prefetch``): the reader then only assembles the result.
- HTML the site's policy forbids (scripts, event handlers, ``javascript:``
  URLs... see :mod:`casebook.html_policy`) is recorded with its line, and
  everything the reader returns is sanitised: the body, formatted metadata
  (the summary) and each callout's body, so no page, feed or export built
  from it, nor the content cache, holds anything executable.
"""

from __future__ import annotations

import difflib
import logging
import math
import os
import re
import warnings
from dataclasses import dataclass
from html.parser import HTMLParser

import docutils.nodes
from dateutil.parser import UnknownTimezoneWarning
from markdown import Markdown
from pelican.contents import Article
from pelican.plugins.callouts import contracts as callouts
from pelican.readers import (
    HTMLReader,
    MarkdownReader,
    PelicanHTMLTranslator,
    PelicanHTMLWriter,
    RstReader,
    ensure_metadata_list,
)
from pelican.urlwrappers import URLWrapper
from pelican.utils import pelican_open, slugify

from . import compat, headings, highlight, html_policy, imported, incremental, prefetch
from .anchors_ext import AuthorAnchorsExtension
from .companies import Company
from .problems import METADATA_KEY
from .source import (
    LINKS_KEY,
    link_records,
    metadata_header,
    path_metadata,
    read_text,
    repeated_key_message,
    repeated_keys,
    without_control_characters,
    yaml_front_matter,
)
from .typography import typographic

logger = logging.getLogger(__name__)

WORDS_PER_MINUTE = 230
# Metadata whose values each get a page of their own (a URL made from the name), by what the author calls them
LABEL_KINDS = {"tags": "theme", "category": "category", "author": "author", "authors": "author",
               "companies": "company"}
# What a slug may not hold as written: characters a URL path must escape, and spaces
URL_UNSAFE_RE = re.compile(r"""[\s"#%<>?\\^`{|}]""")
#: how a date is written: YYYY-MM-DD, then maybe a time (and a time zone)
ISO_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ].*)?")


def check_status(value) -> tuple[str, str | None]:
    """A known status as written; an unknown one is reported (the message) and
    kept out of production as a draft (Pelican would drop the file with a traceback)."""
    status = str(value).strip().lower()
    known = list(Article.allowed_statuses)
    if status in known:
        return status, None
    near = difflib.get_close_matches(status, known, n=1, cutoff=0.5)
    hint = f"did you mean {near[0]!r}? " if near else ""
    return "draft", (f"unknown Status {value!r} ({hint}known: {', '.join(sorted(known))}); "
                     "built as a draft until it is fixed")


def reading_minutes(words: int) -> int:
    return max(1, math.ceil(words / WORDS_PER_MINUTE))


@dataclass
class Converted:
    """What converting one file gives, as plain data: it may come from a worker process."""

    content: str
    meta: dict  # Markdown's raw "Key: value" header, {key: [values]}
    formatted: dict  # formatted fields (FORMATTED_FIELDS, e.g. summary) as HTML
    metadata: dict  # what extensions took from the body (callout records)
    problems: list  # (line, message)
    header: dict  # {key: (line, value)}
    words: int
    read: tuple | None  # for incremental rebuilds: incremental.read_record
    unreadable: bool = False  # binary, or unreadable front matter: no "missing title" on top of that


def _shown_date(value) -> str:
    return f"{value:%Y-%m-%d}" if (value.hour, value.minute, value.second) == (0, 0, 0) else f"{value:%Y-%m-%d %H:%M}"


class CheckedMetadata:
    """Metadata processing shared by every format's reader (Markdown, reST, HTML):
    typographic titles, companies as :class:`Company`, statuses, slugs and dates
    checked, control characters removed. A mistake is recorded with the line of its
    key (``self._meta``: ``{key: (line, value)}``) while a file is read
    (``_reading``); Pelican also processes what it takes from a file's path
    before reading it, and those values are only checked."""

    _problems: list | None = None
    _meta: dict = {}  # noqa: RUF012 (replaced for each file)
    _taken: dict = {}  # noqa: RUF012 (replaced for each file) {key: value processed first}

    def _reading(self, header) -> None:
        self._problems, self._meta, self._taken = [], header, {}

    def _read(self) -> tuple:
        problems, self._problems, self._taken = self._problems or [], None, {}
        return tuple(problems)

    def process_metadata(self, name, value):
        if self._problems is not None and name in self._taken:
            return self._taken[name]  # a key given twice: reported where it was found, the first one used
        value = self._processed(name, _without_controls(value))
        if self._problems is not None:
            self._taken[name] = value
        return value

    def _processed(self, name, value):
        if name == "title":
            return typographic(super().process_metadata(name, value))
        if name == "companies":
            return self._with_urls(name, [Company(c, self.settings) for c in ensure_metadata_list(value)])
        if name in LABEL_KINDS:
            return self._with_urls(name, super().process_metadata(name, value))
        if name in ("date", "modified"):
            return self._date(name, value)
        if name == "status":
            return self._status(value)
        if name == "slug" and not value.strip():
            self._problem("slug", "'Slug:' is empty: write one (letters, digits, '-') or remove the line")
            return compat.DISCARD
        if name == "slug" and (re.search(r"[/\\]", value) or value.strip() in (".", "..")):
            self._problem("slug", f"Slug {value!r} must be one part of a URL (letters, digits, '-'): "
                                  "remove the '/'")
            return compat.DISCARD
        if name == "slug" and URL_UNSAFE_RE.search(value.strip()):
            fixed = slugify(value, regex_subs=self.settings.get("SLUG_REGEX_SUBSTITUTIONS", []))
            if not fixed.strip("-"):
                self._problem("slug", f"Slug {value!r} has no letter or digit to make a URL from: "
                                      "write one (letters, digits, '-') or remove the line")
                return compat.DISCARD
            self._problem("slug", f"Slug {value!r} cannot be part of a URL as written (spaces, quotes, "
                                  f"'#', '?'...): write 'Slug: {fixed}' (used meanwhile)")
            return fixed
        return super().process_metadata(name, value)

    def _with_urls(self, name, value):
        """``value`` (a label or a list of them: themes, companies...) without those
        whose name makes no URL (no letter or digit), each reported: Pelican would
        give it an empty slug, and its page the URL of the site's list of them."""
        labels = value if isinstance(value, list) else [value]
        kept = []
        for label in labels:
            if isinstance(label, URLWrapper) and not compat.label_slug(label).strip("-"):
                self._problem(name, f"{LABEL_KINDS[name]} {label.name!r} has no letter or digit to make its "
                                    "page's URL from: rename it (left out until then)")
            else:
                kept.append(label)
        if isinstance(value, list):
            return kept or compat.DISCARD
        return value if kept else compat.DISCARD

    def _date(self, name, value):
        """A date as Pelican reads it, written YYYY-MM-DD (maybe with a time and a time
        zone): a date that does not exist is left out (the story is dated by its file);
        one written otherwise, or with a time zone dateutil does not know, is reported
        and used as read."""
        label = name.title()
        if isinstance(value, str) and not value.strip():
            self._problem(name, f"'{label}:' is empty: write the date as YYYY-MM-DD "
                                "(optionally with a time, e.g. 2025-05-06 14:30)")
            return compat.DISCARD
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", UnknownTimezoneWarning)
            try:
                date = super().process_metadata(name, value)
            except (ValueError, OverflowError):
                self._problem(name, f"{label} {value!r} is not a real date: use YYYY-MM-DD")
                return compat.DISCARD
        zone = self.settings.get("TIMEZONE") or "UTC"
        if any(issubclass(w.category, UnknownTimezoneWarning) for w in caught):
            self._problem(name, f"{label} {value!r} has a time zone that is not known: write it as an offset "
                                f"(e.g. {date:%Y-%m-%d %H:%M}-08:00) or leave it out for the site's ({zone}); "
                                f"read as {_shown_date(date)} {zone} until it is fixed")
        elif isinstance(value, str) and not ISO_DATE_RE.fullmatch(value.strip().replace("_", " ")):
            self._problem(name, f"{label} {value!r} is not written YYYY-MM-DD (optionally with a time, "
                                f"e.g. 2025-05-06 14:30): read as {_shown_date(date)} until it is fixed")
        return date

    def _status(self, value):
        status, message = check_status(value)
        if message:
            self._problem("status", message)
        return status

    def _problem(self, key, message):
        if self._problems is not None:
            self._problems.append((self._meta.get(key, (1, ""))[0], message))


def _without_controls(value):
    if isinstance(value, str):
        return without_control_characters(value)[0]
    if isinstance(value, list):
        return [_without_controls(item) for item in value]
    return value


class CasebookMarkdownReader(CheckedMetadata, MarkdownReader):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._converters: dict[bool, Markdown] = {}  # see _markdown

    def read(self, source_path):
        converted = prefetch.result(source_path) or self.convert(source_path)
        return self.assemble(source_path, converted)

    def _markdown(self, fields: bool = False) -> Markdown:
        """This reader's converter, reset for a new document: one for bodies, one
        (without the metadata header) for formatted fields. Pelican makes a new
        ``Markdown`` for each file, which costs as much as converting a short
        story; every extension in use clears its state in ``reset()``, and a test
        checks that a converter used for many files gives what a new one gives."""
        md = self._converters.get(fields)
        if md is None:
            options = self.settings["MARKDOWN"]
            anchors = AuthorAnchorsExtension(reserved=self.settings.get("CASEBOOK_PAGE_IDS") or ())
            md = Markdown(**{**options, "extensions": [*options.get("extensions", ()), anchors]})
            if fields:  # as Pelican's MarkdownReader does: no metadata extraction in fields
                md.preprocessors.deregister("meta")
            self._converters[fields] = md
        return md.reset()

    def convert(self, source_path) -> Converted:
        """The Markdown work for one file; needs nothing from the rest of the build."""
        try:
            return self._convert(source_path)
        except BaseException:
            # A conversion that failed halfway may leave state that reset() does
            # not clear (the block parser's nesting): the next file starts afresh.
            self._converters.clear()
            raise

    def _convert(self, source_path) -> Converted:
        md = self._markdown()
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
        toc_tokens = getattr(md, "toc_tokens", [])  # before the next document resets it
        written = content  # its links as written, checked once everything is read (casebook.links)
        content = imported.site_relative_links(content, source_path, self.settings["PATH"])
        content = highlight.scroll_by_keyboard(content, highlight.code_class(self.settings))
        body = lines[body_start:]
        md_meta = dict(getattr(md, "Meta", {}))
        # the callouts extension's results travel in Meta, one value each
        records = md_meta.pop(callouts.RECORDS_KEY, [[]])[0]
        problems.extend(md_meta.pop(callouts.PROBLEMS_KEY, [()])[0])
        if meta is None:
            meta, repeated = self._first_values(md_meta, lines)
            problems += repeated
        policy = html_policy.policy_for(self.settings)
        problems += policy.locate(policy.find(content), lines, body_start)
        content = policy.clean(content)
        for callout in records:
            # em, strong, code and text only, whatever the extension let through
            title_html = policy.clean_title(callout.title_html)
            callout.title_html = callout.title if title_html == callout.title else title_html
            # HTML typed into the title (shown as text) is reported; markup in its code is an example
            found = policy.find_in_value(html_policy.text_outside_code(title_html))
            problems += [(callout.line, f"in a callout title, {f.message}") for f in found]
            callout.html = policy.clean(callout.html)
        metadata = {callouts.RECORDS_KEY: records}
        formatted = {}
        fields = self.settings["FORMATTED_FIELDS"]
        for name, value in meta.items():
            if name.lower() in fields:
                field_md = self._markdown(fields=True)
                field_md.document_key = md.document_key
                formatted[name.lower()] = field_md.convert("\n".join(value))
        problems += self._metadata_problems(policy, meta, header, formatted)
        formatted = {name: policy.clean(html) for name, html in formatted.items()}
        # stored with the plugins' records, so a change reaches the pages that show them
        metadata.update(imported.summary_fields(content, formatted.get("summary"), self.settings))
        metadata["has_code"] = highlight.has_code(content, highlight.code_class(self.settings))
        words = sum(len(line.split()) for line in body)
        # what other pages may show of it: everything but its body and word count
        read = incremental.read_record(self.settings, content, (meta, formatted, reading_minutes(words)), metadata)
        # its contents list: made from the body, so counted with it, not with what listings show
        metadata["contents"] = headings.contents(toc_tokens, metadata.get("callouts", ()), content)
        metadata[LINKS_KEY] = link_records((written, *formatted.values()), lines)
        return Converted(content, meta, formatted, metadata, problems, header, words, read, unreadable)

    def _first_values(self, md_meta, lines):
        """Markdown's header ({key: [value per line]}) with each key's first occurrence
        only (the others reported on their line; Pelican would take a list, which no
        field expects, or join them), its lines joined by spaces but in formatted
        fields (the summary), which Markdown converts line by line."""
        meta, problems = {}, []
        repeated = repeated_keys(lines)
        fields = self.settings["FORMATTED_FIELDS"]
        for key, values in md_meta.items():
            if key in repeated:
                (first_line, written, count), others = repeated[key]
                values = values[:count]
                problems += [(line, repeated_key_message(written, first_line, " ".join(values))) for line in others]
            meta[key] = values if key in fields or len(values) < 2 else [" ".join(v for v in values if v)]
        return meta, problems

    @staticmethod
    def _metadata_problems(policy, meta, header, formatted):
        """(line, message) for forbidden HTML in the metadata, as written or
        (formatted fields such as the summary) as converted."""
        found = []
        for key, values in meta.items():
            key = key.lower()
            line = header.get(key, (1, ""))[0]
            if key in formatted:
                findings = policy.find(formatted[key])
            else:
                findings = [f for value in values for f in policy.find_in_value(value)]
            found += [(line, f"in '{key.title()}:', {f.message}") for f in findings]
        return found

    def assemble(self, source_path, converted: Converted):
        """Content and metadata objects from a conversion (this process's or a worker's)."""
        self._reading(converted.header)
        try:  # this file's state never outlives it, even if something below fails
            self._problems += converted.problems
            metadata = dict(converted.metadata)
            metadata.update(compat.markdown_metadata(self, source_path, converted.meta, converted.formatted))
        except BaseException:
            self._read()
            raise
        self._check_required(metadata, source_path, report=not converted.unreadable)
        metadata["word_count"] = converted.words
        # Modified: as written (with DEFAULT_DATE = "fs" Pelican sets it from the file's mtime)
        metadata["modified_given"] = "modified" in converted.meta
        metadata["reading_minutes"] = reading_minutes(converted.words)
        if "slug" in self._meta:
            metadata["casebook_slug_line"] = self._meta["slug"][0]  # for URL collisions (paths.py)
        if "modified" in converted.header and metadata.get("modified", compat.DISCARD) is not compat.DISCARD:
            # Pelican also sets "modified" to the file's time: "Updated" shows only the written one
            metadata["updated"] = metadata["modified"]
        metadata[METADATA_KEY] = self._read() or ()  # one empty tuple for the many files without any
        incremental.record_in(metadata, converted.read)
        return converted.content, metadata

    # -- checks ----------------------------------------------------------
    def _check_required(self, metadata, source_path, report=True):
        if not metadata.get("title"):
            if report:
                self._problems.append((1, "missing 'Title:' in the metadata header"))
            stem = os.path.splitext(os.path.basename(source_path))[0]
            metadata["title"] = stem.replace("-", " ").replace("_", " ").capitalize()
        if (report and "date" not in metadata and "date" not in self._meta and not self._is_page(source_path)
                and "date" not in path_metadata(source_path, self.settings)):
            self._problems.append((1, "missing 'Date:' in the metadata header (YYYY-MM-DD)"))

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


class OtherFormats(CheckedMetadata):
    """Pelican's reST and HTML readers, checked and completed as our Markdown reader is:
    their metadata processed by the same code (:class:`CheckedMetadata`: companies,
    dates, statuses, slugs...), a key given twice reported (the first one used), a
    missing title or date is a ``path:line`` problem (vanilla Pelican drops such a post;
    with DEFAULT_DATE = "fs" it would be published silently), and the plain-text excerpt,
    lead summary, code flag and reading time are recorded the same way, and the
    site's HTML policy holds as for Markdown (problems located, HTML cleaned)."""

    _content_folder = CasebookMarkdownReader._content_folder
    _is_page = CasebookMarkdownReader._is_page
    _repeated: frozenset = frozenset()

    def process_metadata(self, name, value):
        if isinstance(value, list) and name in self._repeated:  # HTML: <meta> given twice, as a list
            value = value[0]
        return super().process_metadata(name, value)

    def read(self, source_path):
        with pelican_open(source_path) as text:
            lines = text.split("\n")
        header, repeated = {}, []
        for number, key, written, value in self.metadata_lines(text):
            if key in header:
                repeated.append((number, written, key))
            else:
                header[key] = (number, value)
        self._repeated = frozenset(key for _n, _w, key in repeated)
        self._reading(header)
        for number, written, key in repeated:
            first_line, value = header[key]
            self._problems.append((number, f"{written} is given again (first on line {first_line}): "
                                           f"the first one, {value!r}, is used; remove the other"))
        self._problems += without_control_characters(text)[1]
        try:
            content, metadata = super().read(source_path)
        finally:
            problems = list(self._read()) + self._markup_problems()
        content = _without_controls(content)
        if isinstance(metadata.get("title"), str):
            metadata["title"] = _without_controls(metadata["title"])
        problems += list(metadata.get(METADATA_KEY, ()))
        # the site's HTML policy holds for every format: found on its source line, then cleaned
        policy = html_policy.policy_for(self.settings)
        problems += policy.locate(policy.find(content), lines)
        content = policy.clean(content)
        if isinstance(metadata.get("summary"), str):
            metadata["summary"] = policy.clean(metadata["summary"])
        # its links, checked once everything is read, as a Markdown story's (casebook.links)
        summary = metadata.get("summary")
        metadata[LINKS_KEY] = link_records((content, summary if isinstance(summary, str) else None), lines)
        if not metadata.get("title"):
            problems.append((1, "missing title in the metadata"))
            stem = os.path.splitext(os.path.basename(source_path))[0]
            metadata["title"] = stem.replace("-", " ").replace("_", " ").capitalize()
        if ("date" not in metadata and "date" not in header and not self._is_page(source_path)
                and "date" not in path_metadata(source_path, self.settings)):
            problems.append((1, "missing date in the metadata (YYYY-MM-DD)"))
        given = metadata.get("summary")
        metadata.update(imported.summary_fields(content, given if isinstance(given, str) else None, self.settings))
        metadata["has_code"] = highlight.has_code(content, highlight.code_class(self.settings))
        words = len(imported.plain_text(content).split())
        metadata["word_count"] = words
        metadata["reading_minutes"] = reading_minutes(words)
        metadata["modified_given"] = "modified" in metadata
        metadata[METADATA_KEY] = tuple(sorted(problems))
        return content, metadata

    @staticmethod
    def metadata_lines(text: str):
        """(line, key, the key as written, value) of each metadata field of the source."""
        raise NotImplementedError

    def _markup_problems(self) -> list:
        return []


class _QuietTranslator(PelicanHTMLTranslator):
    """Docutils' messages are the author's mistakes, reported with their line, not boxes
    on the page; the text they point at is shown as written."""

    def visit_system_message(self, node):
        raise docutils.nodes.SkipNode

    def visit_problematic(self, node):
        self.body.append(self.encode(node.astext()))
        raise docutils.nodes.SkipNode


class _CollectingWriter(PelicanHTMLWriter):
    """Pelican's HTML writer, which also hands docutils' messages (warnings and
    errors, kept in the document) to ``found``."""

    def __init__(self, found: list):
        super().__init__()
        self.translator_class = _QuietTranslator
        self.found = found

    def translate(self):
        for message in self.document.findall(docutils.nodes.system_message):
            text = message.children[0].astext() if message.children else ""
            self.found.append((message.get("line") or 1, message["type"].lower(), text))
        super().translate()


class CasebookRstReader(OtherFormats, RstReader):
    FIELD_RE = re.compile(r"^:([^:\s][^:]*):(?:\s+(.*)|$)")
    # a section title's underline or overline: one punctuation character, repeated
    ADORNMENT_RE = re.compile(r"^([!-/:-@\[-`{-~])\1{2,}\s*$")

    @classmethod
    def metadata_lines(cls, text):
        """The fields of the docinfo block (the field list right after the title, which
        docutils reads as metadata); a field list in the body is the story's text."""
        lines = text.split("\n")
        started = False
        for index, line in enumerate(lines):
            m = cls.FIELD_RE.match(line)
            if m:
                started = True
                yield index + 1, m.group(1).strip().lower(), f":{m.group(1)}:", (m.group(2) or "").strip()
            elif not line.strip() or (started and line[:1].isspace()):
                continue  # a blank line, or a field's value going on
            elif not started and (cls.ADORNMENT_RE.match(line) or
                                  index + 1 < len(lines) and cls.ADORNMENT_RE.match(lines[index + 1])):
                continue  # the title, its underline or overline
            else:
                break  # the body

    def __init__(self, settings):
        # docutils' warnings and errors do not stop the file (Pelican's halt_level 2 drops
        # it with a traceback): they stay in the document, to be reported
        user = settings.get("DOCUTILS_SETTINGS") or {}
        super().__init__({**settings, "DOCUTILS_SETTINGS": {**user, "halt_level": 5, "report_level": 2}})
        self._docutils_messages: list = []
        self.writer_class = lambda: _CollectingWriter(self._docutils_messages)

    def read(self, source_path):
        self._docutils_messages.clear()
        return super().read(source_path)

    def _markup_problems(self) -> list:
        return [(line, f"reStructuredText {kind}: {text.rstrip('.')}: fix the markup")
                for line, kind, text in self._docutils_messages]


class _HeadFields(HTMLParser):
    """The <title> and <meta name> of an HTML story, with their lines."""

    def __init__(self):
        super().__init__()
        self.found = []
        self._title = None

    def handle_data(self, data):
        if self._title is not None:
            self._title += data

    def handle_endtag(self, tag):
        if tag == "title" and self._title is not None:
            self.found.append((self._title_line, "title", "<title>", self._title.strip()))
            self._title = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        line = self.getpos()[0]
        if tag == "title":
            self._title, self._title_line = "", line
        elif tag == "meta" and attrs.get("name"):
            name = attrs["name"].strip().lower()
            value = attrs.get("content") or attrs.get("contents") or ""
            # keywords are tags, as Pelican's reader reads them
            self.found.append((line, "tags" if name == "keywords" else name, f'<meta name="{attrs["name"]}">', value))


class CasebookHTMLReader(OtherFormats, HTMLReader):
    @staticmethod
    def metadata_lines(text):
        parser = _HeadFields()
        parser.feed(text)
        parser.close()
        return parser.found
