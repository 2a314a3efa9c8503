"""Rewrite a page only when what it shows has changed.

Editing one story with a warm content cache used to rewrite the whole site:
on a large site most of a rebuild was rendering pages identical to the ones
already on disk. Every page the writer renders (story pages, each page of a
listing, the callout indexes) now gets a fingerprint of what it is rendered
from, and a page whose fingerprint matches the last build's is kept as the last
build wrote it instead of rendered again.

A page's fingerprint is made of:

* the site: the theme's files, the plugins' code, the versions of the packages
  that render, and the settings;
* the template's name and the value of every name it reads, found by reading
  the template (with what it extends, includes and imports) with Jinja's
  ``meta`` module. A template whose includes cannot be followed reads
  everything. So a story page depends on its story, not on the list of all
  stories; the second page of a theme depends on the stories on that page.

Content in those values is counted by digests computed once per build
(:class:`Inputs`), mostly from what the reader recorded when it read the file
(``read_record``, kept with it in the content cache):

* the **heading** of a story (or page, or static file): what a link to it
  shows, which is its metadata (header, reading time), URL and summary;
* its **card**: the heading and what plugins took from its body (callouts),
  which is what a listing shows. Neither includes the body or ``PAGE_ONLY``
  metadata (word count, modification time), shown on the story's own page only;
* the **story** itself, for the page it is the ``article`` (or ``page``) of:
  its card, its body, the targets its intrasite links resolve to, and every
  attribute plugins set on it (neighbours, related stories and lessons), other
  stories counting by their cards.

A callout entry counts by its story's heading and its own record, so editing
one callout leaves the index of the other kind alone. One page of a listing
counts by the stories on it and its place in the listing.

So editing a story's body re-renders its page alone; editing its title, tags
or callouts re-renders the pages that show them (neighbours, related lists,
the pages of its themes that list it, the callout indexes); touching the theme,
a plugin or a setting re-renders everything. That holds as long as only
``article.html`` and ``page.html`` read a story's body or ``PAGE_ONLY``
metadata, and only of their own ``article`` or ``page``; a test reads the
templates to check it.

Which page was written from which fingerprint is kept in the content cache
folder (``pages.json``) with each file's size and modification time, so a file
changed or removed since (another build into the same folder, a hand edit) is
rendered again. The last build's output is ``CASEBOOK_REUSE_FROM`` (by default
the output folder itself; ``invoke build`` builds into a fresh folder and names
the live one), and a file kept from another folder is hard-linked, or copied
where links are not possible; a file of the live site is never written
through. Pelican's writer goes on as for a rendered page (its guard against
writing a file twice, ``content_written``), so the sitemap and the search index
see every page.

It is on with the content cache (``LOAD_CONTENT_CACHE``, ``CACHE_CONTENT``)
unless ``CASEBOOK_REUSE_PAGES`` is false. Feeds are always written afresh.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
import logging
import os
import re
import shutil
import types
from importlib import metadata
from pathlib import Path
from urllib.parse import urlparse

from jinja2 import meta
from pelican.contents import Content
from pelican.paginator import Page
from pelican.urlwrappers import URLWrapper
from pelican.utils import sanitised_join
from pelican.writers import Writer

logger = logging.getLogger(__name__)

DEFAULTS = {
    "CASEBOOK_REUSE_PAGES": True,
    "CASEBOOK_REUSE_FROM": None,  # where the last build's pages are; None: OUTPUT_PATH
}

MANIFEST = "pages.json"
# The reader's record of a file (read_record), in its metadata, with the metadata keys it covers.
READ_KEY = "casebook_read"
MANIFEST_VERSION = 2

# Settings and context values no page shows: the build's own bookkeeping
# (rendered fragments, where it writes and reads from, the page Pelican's
# writer was last on).
BOOKKEEPING = frozenset({"CASEBOOK_FRAGMENTS", "OUTPUT_PATH", "CASEBOOK_REUSE_FROM", "localsiteurl"})
# Metadata shown on the story's own page only, so not part of its card (with
# DEFAULT_DATE = "fs", Pelican sets "modified" to the source file's time).
PAGE_ONLY = frozenset({"word_count", "modified"})
# What only a story's own page may read of it: its body and PAGE_ONLY metadata.
BODY_ATTRIBUTES = frozenset({"content", "_content", "get_content", "locale_modified", *PAGE_ONLY})
# The names under which a page's own story or page is given to its template.
SUBJECTS = ("article", "page")
# Metadata no page shows (authors' mistakes, reported by the build).
NOT_SHOWN = frozenset({"author_problems"})
# A story's attributes that are not what its page shows, or are counted
# otherwise: settings and shared context (the site digest), its body (counted
# with its link targets), its metadata (its card; Pelican also sets each item
# as an attribute) and its callouts' entries (made from its callouts, URL and title).
STORY_INTERNALS = frozenset({"settings", "_context", "_content", "metadata", "callout_entries"})
# What objects (a pager's pages, say) hold of the build: the site digest counts it.
SHARED_STATE = frozenset({"settings", "context"})
# Packages whose version changes what a page looks like.
RENDERING_PACKAGES = ("pelican", "jinja2", "markupsafe", "markdown", "pymdown-extensions", "minify-html")
# Lists and dicts at least this long are digested once per build (they recur:
# the settings, the menu, a theme's stories on each of its pages).
MEMO_LENGTH = 8

_ADDRESS = re.compile(r" at 0x[0-9a-f]+")


def _digest(*parts) -> bytes:
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).digest()


def _hash_files(digest, folder: Path):
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(folder)).encode())
            digest.update(path.read_bytes())


def template_reads(environment, name, parsed=None) -> frozenset[str] | None:
    """The names a template reads from its context, with the templates it
    extends, includes and imports; None when one of those is not a plain name.
    ``parsed`` remembers each file's (names, references) between calls."""
    parsed = {} if parsed is None else parsed
    names: set[str] = set()
    seen, todo = set(), [name]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        if current not in parsed:
            ast = environment.parse(environment.loader.get_source(environment, current)[0])
            parsed[current] = (meta.find_undeclared_variables(ast), list(meta.find_referenced_templates(ast)))
        read, referenced = parsed[current]
        if None in referenced:
            return None
        names |= read
        todo.extend(referenced)
    return frozenset(names)


def link_targets(settings, html) -> list[tuple[str, str, str]]:
    """The intrasite links of ``html`` (found with Pelican's own pattern), each
    as (kind, prefix as written, path): fragments and queries are part of the
    text, not of what a link resolves to."""
    if not html or ("{" not in html and "|" not in html):
        return []
    # Pelican's pattern is a method of content objects that reads only their settings
    hrefs = Content._get_intrasite_link_regex(types.SimpleNamespace(settings=settings))
    found = set()
    for m in hrefs.finditer(html):
        path, value = m.group("path"), m.group("value")
        found.add((m.group("what"), path[: len(path) - len(value)], urlparse(value).path))
    return sorted(found)


def enabled(settings) -> bool:
    """Pages are kept in builds that use the content cache, unless turned off."""
    return bool(settings.get("CASEBOOK_REUSE_PAGES", DEFAULTS["CASEBOOK_REUSE_PAGES"])
                and (settings.get("LOAD_CONTENT_CACHE") or settings.get("CACHE_CONTENT")))


def read_record(settings, html, header, records) -> tuple | None:
    """What incremental rebuilds need of a file, made when it is read: digests
    of its ``header`` (the metadata as written, before Pelican turns it into
    objects, minus ``PAGE_ONLY``) and of the ``records`` plugins took from its
    body (callouts), and the intrasite links of its body. None in builds that
    keep no pages."""
    if not enabled(settings):
        return None
    inputs = Inputs(settings)
    return (_digest(inputs.plain(header)), _digest(inputs.plain(records)), link_targets(settings, html))


_SHARED: dict = {}


def _shared(value):
    """One object for equal records across files: pickled together in the
    content cache, they stay one object when it is loaded again."""
    return _SHARED.setdefault(value, value)


def keep_record(metadata: dict, record: tuple | None):
    """Store a file's ``read_record`` in its metadata (so the content cache keeps
    it), with the metadata keys it covers: everything the reader returned."""
    if record is not None:
        header, records, links = record
        keys = _shared(tuple(sorted([*metadata, READ_KEY])))
        metadata[READ_KEY] = {"header": header, "records": records, "keys": keys,
                              "links": _shared(tuple(_shared(link) for link in links))}


class Inputs:
    """Digests of what pages are rendered from, each computed once per build.

    Objects are remembered by identity and kept alive here, so an identity is
    never reused within the build; the values pages are made from (stories,
    collections, settings) do not change once pages are being written.
    """

    def __init__(self, settings):
        self.settings = settings
        self.memo: dict[int, tuple[object, object]] = {}  # plain(): its value's digest
        self.values: dict[int, tuple[object, bytes]] = {}  # page(): a context value's digest
        self.cards: dict[int, tuple[Content, bytes]] = {}
        self.links: dict[tuple, str] = {}
        self.reads: dict[tuple, frozenset[str] | None] = {}
        self.parsed: dict[str, tuple] = {}
        self.site_digest: bytes | None = None

    def page(self, template, context) -> str:
        """The fingerprint of the page ``context["output_file"]``, rendered from
        ``template`` (None: from every value of ``context``)."""
        if template is None:
            names, template_name = None, None
        else:
            template_name = template.name
            key = (id(template.environment), template_name)
            if key not in self.reads:
                self.reads[key] = template_reads(template.environment, template_name, self.parsed)
            names = self.reads[key]
        keys = sorted((context.keys() if names is None else names & context.keys()) - BOOKKEEPING)
        values = tuple((key, self.value(key, context[key])) for key in keys)
        return _digest(self.site(), template_name, values).hex()

    def value(self, name, value):
        if value is None or isinstance(value, (str, int, float, bool)):
            return value
        if name in SUBJECTS and isinstance(value, Content):
            return self.story(value)
        # the shared context's values are the same objects on every page
        hit = self.values.get(id(value))
        if hit is None:
            hit = self.values[id(value)] = (value, _digest(self.plain(value)))
        return hit[1]

    def site(self) -> bytes:
        if self.site_digest is None:
            settings = self.settings
            digest = hashlib.blake2b(digest_size=16)
            folders = [settings["THEME"], *settings.get("THEME_TEMPLATES_OVERRIDES", ()),
                       *settings.get("PLUGIN_PATHS", ())]
            for folder in folders:
                if os.path.isdir(folder):
                    _hash_files(digest, Path(folder))
            for package in RENDERING_PACKAGES:
                try:
                    digest.update(f"{package} {metadata.version(package)}".encode())
                except metadata.PackageNotFoundError:
                    digest.update(package.encode())
            digest.update(repr(self.plain({k: v for k, v in settings.items() if k not in BOOKKEEPING})).encode())
            self.site_digest = digest.digest()
        return self.site_digest

    # -- one piece of content ------------------------------------------------
    def card(self, content: Content) -> bytes:
        """What other pages show of a story, page or static file: its heading
        (``heading``) and what plugins took from its body (callouts)."""
        return self._cards(content)[1]

    def heading(self, content: Content) -> bytes:
        """What a link to a story (or a callout of it) shows: its title, URL,
        date, themes, summary ... but not its callouts."""
        return self._cards(content)[0]

    def _cards(self, content: Content) -> tuple[bytes, bytes]:
        hit = self.cards.get(id(content))
        if hit is not None:
            return hit[1]
        data = content.metadata
        record = data.get(READ_KEY)
        summary = data.get("summary")
        if isinstance(summary, str):
            summary = self.resolve(content, link_targets(content.settings, summary))
        elif isinstance(getattr(content, "_content", None), str):
            summary = content.summary  # made from the body: counted as shown
        shown = (type(content).__name__, content.source_path, content.url, summary)
        if isinstance(record, dict):  # the reader's digests, and what was added since
            covered = frozenset(record["keys"])
            added = {k: v for k, v in data.items() if k not in covered and k not in PAGE_ONLY and k not in NOT_SHOWN}
            heading = _digest(shown, record["header"], self.plain(added))
            value = (heading, _digest(heading, record["records"]))
        else:  # read otherwise: all of its metadata, in both
            card = _digest(shown, self.plain({k: v for k, v in data.items()
                                               if k not in PAGE_ONLY and k not in NOT_SHOWN}))
            value = (card, card)
        self.cards[id(content)] = (content, value)
        return value

    def story(self, content: Content) -> bytes:
        """What a story's (or page's) own page shows of it."""
        body = (content._get_content() if hasattr(content, "_get_content") else content._content) or ""
        record = content.metadata.get(READ_KEY)
        links = record["links"] if isinstance(record, dict) else link_targets(content.settings, body)
        own = {k: v for k, v in vars(content).items()
               if k not in STORY_INTERNALS and (k not in content.metadata or k in PAGE_ONLY)}
        return _digest(self.card(content), hashlib.blake2b(body.encode(), digest_size=16).digest(),
                       self.resolve(content, links), self.plain(own))

    def resolve(self, content: Content, links) -> tuple:
        """Where ``link_targets`` of ``content`` point, as Pelican resolves them:
        each distinct target once per build, by Pelican's own link replacement
        on a one-link snippet."""
        resolved = []
        for what, prefix, path in links:
            key = (content.relative_dir, what, path)
            target = self.links.get(key) if what != "attach" else None  # attach moves the file: each time
            if target is None:
                target = self.links[key] = content._update_content(f'<a href="{prefix}{path}">', "")
            resolved.append(target)
        return tuple(resolved)

    # -- any value -------------------------------------------------------------
    def plain(self, value, depth=0):
        """``value`` as nested tuples of plain values, the same from one build to the next."""
        if value is None or isinstance(value, (str, int, float, bool)):
            return value
        if isinstance(value, Content):
            return self.card(value)
        if depth > 8:
            return type(value).__name__
        if isinstance(value, (list, tuple, dict)):
            remember = len(value) >= MEMO_LENGTH
        else:  # labels and records (callout entries) recur on many pages
            remember = isinstance(value, URLWrapper) or hasattr(value, "fingerprint")
        if not remember:
            return self._plain(value, depth + 1)
        key = id(value)
        hit = self.memo.get(key)
        if hit is None:  # a digest: pages that show it count 16 bytes, not the whole value again
            hit = self.memo[key] = (value, _digest(self._plain(value, depth + 1)))
        return hit[1]

    def _plain(self, value, depth):
        plain = self.plain
        if isinstance(value, URLWrapper):
            return (type(value).__name__, value.name, value.url)
        if isinstance(value, (list, tuple)):
            return tuple(plain(item, depth) for item in value)
        if isinstance(value, dict):
            return tuple(sorted((str(key), plain(item, depth)) for key, item in value.items()))
        shown = getattr(value, "fingerprint", None)
        if callable(shown) and not isinstance(value, type):
            # what a page shows of a record (a callout entry): the stories it
            # names count by their headings
            return tuple(self.heading(item) if isinstance(item, Content) else plain(item, depth)
                         for item in shown())
        if isinstance(value, (set, frozenset)):
            return tuple(sorted(repr(plain(item, depth)) for item in value))
        if isinstance(value, (datetime.date, datetime.time)):
            return value.isoformat()
        if isinstance(value, re.Pattern):
            return ("re", value.pattern, value.flags)
        if isinstance(value, type) or callable(value) and hasattr(value, "__qualname__"):
            return ("code", getattr(value, "__module__", ""), value.__qualname__)
        if isinstance(value, os.PathLike):
            return ("path", os.fspath(value))
        if isinstance(value, types.ModuleType):
            return ("module", value.__name__)
        name = type(value).__name__
        if isinstance(value, Page):  # one page of a listing: its stories and its place among the others
            paginator = value.paginator
            return (name, value.full_name, value.base_url, value.number, paginator.per_page, paginator.orphans,
                    paginator.count, plain(value.object_list, depth))
        if dataclasses.is_dataclass(value):
            text = repr(value)  # a dataclass's repr shows every field (quicker than walking them)
            if not _ADDRESS.search(text):
                return (name, text)
            return (name, tuple(plain(getattr(value, f.name), depth) for f in dataclasses.fields(value)))
        if hasattr(value, "__dict__"):  # its state, not its repr (which may show less, like "<Page 2 of 5>")
            state = {k: v for k, v in vars(value).items() if not k.startswith("_") and k not in SHARED_STATE}
            return (name, self._plain(state, depth))
        slots = [s for s in getattr(type(value), "__slots__", ()) if not s.startswith("_")]
        if slots:  # private slots are caches (say, an entry's resolved HTML)
            return (name, tuple(plain(getattr(value, s, None), depth) for s in slots))
        return (name, _ADDRESS.sub("", repr(value)))


class Pages:
    """This build's pages: which can be kept from the last build, which were rendered."""

    def __init__(self, settings, output_path):
        self.output = output_path
        self.source = settings.get("CASEBOOK_REUSE_FROM") or output_path
        self.manifest = os.path.join(settings["CACHE_PATH"], MANIFEST)
        self.save_manifest = bool(settings.get("CACHE_CONTENT"))
        self.last = self._load() if settings.get("LOAD_CONTENT_CACHE") else {}
        self.inputs = Inputs(settings)
        self.fingerprints: dict[str, str] = {}  # output name -> fingerprint, this build
        self.reused: set[str] = set()  # absolute paths in this output

    def _load(self) -> dict:
        try:
            with open(self.manifest, encoding="utf-8") as fh:
                saved = json.load(fh)
        except (OSError, ValueError):
            return {}
        if not isinstance(saved, dict) or saved.get("version") != MANIFEST_VERSION:
            return {}
        return saved.get("pages", {})

    def take(self, name, fingerprint, taken) -> str | None:
        """The page's path in this output when the last build's file is still
        right (now in place), else None. ``taken(path)``: written already in this build."""
        self.fingerprints[name] = fingerprint
        record = self.last.get(name)
        if not record or record[0] != fingerprint:
            return None
        source = os.path.join(self.source, name)
        target = sanitised_join(self.output, name)
        try:
            stat = os.stat(source)
        except OSError:
            return None
        if [stat.st_size, stat.st_mtime_ns] != record[1:] or taken(target):
            return None
        if not os.path.exists(target) or not os.path.samefile(source, target):
            os.makedirs(os.path.dirname(target), exist_ok=True)
            if os.path.lexists(target):
                os.unlink(target)  # never write through a file that may be linked elsewhere
            try:
                os.link(source, target)
            except OSError:
                shutil.copy2(source, target)
        self.reused.add(target)
        return target

    def save(self):
        """After the build: each page's fingerprint with its file as it is now."""
        if not self.save_manifest:
            return
        records = {}
        for name, fingerprint in self.fingerprints.items():
            try:
                stat = os.stat(os.path.join(self.output, name))
            except OSError:
                continue
            records[name] = [fingerprint, stat.st_size, stat.st_mtime_ns]
        os.makedirs(os.path.dirname(self.manifest), exist_ok=True)
        partial = f"{self.manifest}.{os.getpid()}"
        with open(partial, "w", encoding="utf-8") as fh:
            json.dump({"version": MANIFEST_VERSION, "pages": records}, fh)
        os.replace(partial, self.manifest)
        logger.info("Pages: %d rendered, %d unchanged", len(records) - len(self.reused), len(self.reused))


_current: Pages | None = None  # this build's; builds in one process run one after another


class ReusingWriter(Writer):
    """Pelican's writer, keeping the pages whose inputs have not changed since the last build."""

    def __init__(self, output_path, settings=None):
        global _current
        super().__init__(output_path, settings)
        self.pages = _current = Pages(self.settings, output_path)
        self._kept: set[str] = set()

    def write_file(self, name, template, context, relative_urls=False, paginated=None,
                   template_name=None, override_output=False, url=None, **kwargs):
        if name and not override_output:
            template = KeptOrRendered(template, self)
        return super().write_file(name, template, context, relative_urls, paginated,
                                  template_name, override_output, url, **kwargs)

    def keep(self, template, context) -> bool:
        """Whether the page ``context["output_file"]``, from ``template`` (None:
        from all of ``context``), is kept as the last build wrote it. If so, the
        next opening of its file for writing (``_open_w``) writes nothing."""
        fingerprint = self.pages.inputs.page(template, context)
        path = self.pages.take(context["output_file"], fingerprint, self._written_files.__contains__)
        if path is None:
            return False
        self._kept.add(path)
        logger.info('Unchanged "%s"', path)
        return True

    def _open_w(self, filename, encoding, override=False):
        if filename in self._kept:
            self._kept.discard(filename)
            self._written_files.add(filename)  # Pelican's guard against writing a file twice
            return open(os.devnull, "w", encoding=encoding)
        return super()._open_w(filename, encoding, override)


class KeptOrRendered:
    """A template as Pelican's writer uses it (``render``), rendering nothing
    for a page the writer keeps from the last build."""

    def __init__(self, template, writer: ReusingWriter):
        self.template = template
        self.writer = writer

    def render(self, context):
        if self.writer.keep(self.template, context):
            return ""
        return self.template.render(context)

    def __getattr__(self, name):
        return getattr(self.template, name)


def writer_class(pelican):
    """On get_writer: the writer that keeps pages, where they are kept."""
    return ReusingWriter if enabled(pelican.settings) else None


def reused() -> set[str]:
    """Pages of this build's output kept whole from the last build."""
    return _current.reused if _current else set()


def finish(pelican):
    global _current
    if _current:
        pages, _current = _current, None
        pages.save()
