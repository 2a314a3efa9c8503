"""Rewrite a story page only when what it shows has changed.

Editing one story with a warm content cache used to rewrite all the story
pages: on a large site most of a rebuild was rendering pages identical to the
ones already on disk. Each story page now gets a fingerprint of everything it
is rendered from, and a page whose fingerprint matches the last build's is
taken as it is from the last build's output instead of rendered again.

A story page's fingerprint covers:

* the site: the theme's files, the plugins' code, the Pelican and Jinja
  versions, and every value of the shared context except the whole-site
  collections in ``SITE_COLLECTIONS`` (settings, ``pages`` for the menu,
  ``callout_types`` ...);
* the story: its content with intrasite links resolved, its summary and every
  attribute set on it (metadata, callouts, related stories and lessons,
  previous and next story). Another story it refers to counts by its URL and
  title, which is what a story page shows of it.

So editing a story's body rewrites its page alone; retitling it also rewrites
the pages that link to it by title (neighbours, related lists); touching the
theme, a plugin or a setting rewrites every page. The story template and its
macros may read only these. A template that shows a whole-site collection on
story pages (say ``articles|length``) must take that collection out of
``SITE_COLLECTIONS``.

Which page was written from which fingerprint is kept in the content cache
folder (``pages.json``) with each file's size and modification time, so a
page changed or removed since (another build into the same folder, a hand
edit) is rendered again. The last build's output is ``CASEBOOK_REUSE_FROM``
(by default the output folder itself; ``invoke build`` builds into a fresh
folder and names the live one), and a page taken from another folder is
hard-linked, or copied where links are not possible.

It is on with the content cache (``LOAD_CONTENT_CACHE``, ``CACHE_CONTENT``)
unless ``CASEBOOK_REUSE_PAGES`` is false; other pages (listings, indexes,
feeds) are always written afresh.
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
from importlib import metadata
from pathlib import Path

from pelican import signals
from pelican.contents import Content
from pelican.urlwrappers import URLWrapper
from pelican.utils import sanitised_join
from pelican.writers import Writer

logger = logging.getLogger(__name__)

DEFAULTS = {
    "CASEBOOK_REUSE_PAGES": True,
    "CASEBOOK_REUSE_FROM": None,  # where the last build's pages are; None: OUTPUT_PATH
}

MANIFEST = "pages.json"

# Shared-context values a story page does not show: whole-site collections
# (each page shows its own story, its neighbours and related stories, which
# the story's own fingerprint covers) and where this build writes.
SITE_COLLECTIONS = frozenset({
    # Pelican's
    "articles", "dates", "drafts", "drafts_translations", "hidden_articles", "hidden_translations",
    "translations", "tags", "categories", "authors", "period_archives", "related_posts",
    "hidden_pages", "draft_pages", "staticfiles", "generated_content", "static_content", "static_links",
    # our plugins' (companies, callouts, rendered fragments)
    "companies", "callout_index", "callout_themes", "CASEBOOK_FRAGMENTS",
    # where this build writes and reads from
    "OUTPUT_PATH", "CASEBOOK_REUSE_FROM",
})
# The attributes of a story that are not what it shows: the settings and shared
# context (the site fingerprint covers them), its raw Markdown output (its
# content is counted with links resolved) and its metadata (Pelican sets every
# item as an attribute too; the summary is counted as shown) and its callouts'
# entries (made from its callouts, URL and title, all counted).
STORY_INTERNALS = frozenset({"settings", "_context", "_content", "metadata", "callout_entries"})
# The writer's keyword arguments of a story page; a write with any other is not reused.
STORY_PAGE_ARGUMENTS = frozenset({"article", "category", "blog"})

_ADDRESS = re.compile(r" at 0x[0-9a-f]+")


def plain(value, depth=0):
    """``value`` as nested tuples of plain values, the same from one build to the next."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if depth > 8:
        return type(value).__name__
    depth += 1
    if isinstance(value, Content):
        return ("content", value.url, getattr(value, "title", None))
    shown = getattr(value, "fingerprint", None)
    if callable(shown) and not isinstance(value, type):  # what a page shows of a record
        return shown()
    if isinstance(value, URLWrapper):
        return (type(value).__name__, value.name, value.url)
    if isinstance(value, (list, tuple)):
        return tuple(plain(item, depth) for item in value)
    if isinstance(value, dict):
        return tuple(sorted((str(key), plain(item, depth)) for key, item in value.items()))
    if isinstance(value, (set, frozenset)):
        return tuple(sorted(repr(plain(item, depth)) for item in value))
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, re.Pattern):
        return ("re", value.pattern, value.flags)
    if isinstance(value, type) or callable(value) and hasattr(value, "__qualname__"):
        return ("code", getattr(value, "__module__", ""), value.__qualname__)
    name = type(value).__name__
    if dataclasses.is_dataclass(value):
        text = repr(value)  # a dataclass's repr shows every field (quicker than walking them)
        if not _ADDRESS.search(text):
            return (name, text)
        return (name, tuple(plain(getattr(value, f.name), depth) for f in dataclasses.fields(value)))
    slots = getattr(type(value), "__slots__", ())
    if slots:  # private slots are caches (say, an entry's resolved HTML)
        return (name, tuple(plain(getattr(value, s, None), depth) for s in slots if not s.startswith("_")))
    text = repr(value)
    if not _ADDRESS.search(text):
        return (name, text)
    if hasattr(value, "__dict__"):
        return (name, plain({k: v for k, v in vars(value).items() if not k.startswith("_")}, depth))
    return (name, _ADDRESS.sub("", text))


def _hash_files(digest, folder: Path):
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(folder)).encode())
            digest.update(path.read_bytes())


def site_fingerprint(context) -> bytes:
    digest = hashlib.blake2b(digest_size=16)
    folders = [context["THEME"], *context.get("THEME_TEMPLATES_OVERRIDES", ()), *context.get("PLUGIN_PATHS", ())]
    for folder in folders:
        if os.path.isdir(folder):
            _hash_files(digest, Path(folder))
    for package in ("pelican", "jinja2", "markupsafe"):
        digest.update(metadata.version(package).encode())
    shared = {key: value for key, value in context.items() if key not in SITE_COLLECTIONS}
    digest.update(repr(plain(shared)).encode())
    return digest.digest()


def story_fingerprint(site: bytes, name: str, article, relative_urls: bool) -> str:
    digest = hashlib.blake2b(site, digest_size=16)
    fields = {key: value for key, value in vars(article).items() if key not in STORY_INTERNALS}
    digest.update(repr((name, relative_urls, article.summary, plain(fields))).encode())
    digest.update(article.content.encode())
    return digest.hexdigest()


class Pages:
    """This build's story pages: which can be taken from the last build, which were written."""

    def __init__(self, settings, output_path):
        self.output = output_path
        self.source = settings.get("CASEBOOK_REUSE_FROM") or output_path
        self.manifest = os.path.join(settings["CACHE_PATH"], MANIFEST)
        self.save_manifest = bool(settings.get("CACHE_CONTENT"))
        self.last = self._load() if settings.get("LOAD_CONTENT_CACHE") else {}
        self.fingerprints: dict[str, str] = {}  # output name -> fingerprint, this build
        self.reused: set[str] = set()  # absolute paths in this output
        self.site: bytes | None = None

    def _load(self) -> dict:
        try:
            with open(self.manifest, encoding="utf-8") as fh:
                return json.load(fh)
        except (OSError, ValueError):
            return {}

    def take(self, name, article, context, relative_urls) -> str | None:
        """The page's path in this output when the last build's is still right, else None."""
        if self.site is None:
            self.site = site_fingerprint(context)
        fingerprint = self.fingerprints[name] = story_fingerprint(self.site, name, article, relative_urls)
        record = self.last.get(name)
        if not record or record[0] != fingerprint:
            return None
        source = os.path.join(self.source, name)
        try:
            stat = os.stat(source)
        except OSError:
            return None
        if [stat.st_size, stat.st_mtime_ns] != record[1:]:
            return None
        target = sanitised_join(self.output, name)
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
            json.dump(records, fh)
        os.replace(partial, self.manifest)
        logger.info("Story pages: %d rendered, %d unchanged", len(records) - len(self.reused), len(self.reused))


_current: Pages | None = None  # this build's; builds in one process run one after another


class StoryPageWriter(Writer):
    """Pelican's writer, taking unchanged story pages from the last build."""

    def __init__(self, output_path, settings=None):
        global _current
        super().__init__(output_path, settings)
        self.pages = _current = Pages(self.settings, output_path)

    def write_file(self, name, template, context, relative_urls=False, paginated=None,
                   template_name=None, override_output=False, url=None, **kwargs):
        if not name or "article" not in kwargs or not STORY_PAGE_ARGUMENTS.issuperset(kwargs):
            return super().write_file(name, template, context, relative_urls, paginated,
                                      template_name, override_output, url, **kwargs)
        path = self.pages.take(name, kwargs["article"], context, relative_urls)
        if path is None:
            return super().write_file(name, template, context, relative_urls, paginated,
                                      template_name, override_output, url, **kwargs)
        self._written_files.add(path)  # Pelican's guard against writing a file twice
        logger.info('Unchanged "%s"', path)
        # what Pelican sends for a written page, for plugins that list them (sitemap, search)
        local = {**context, "localsiteurl": context.get("localsiteurl"), "output_file": name, **kwargs}
        signals.content_written.send(path, context=local)


def writer_class(pelican):
    """On get_writer: story pages are reused in builds that use the content cache."""
    settings = pelican.settings
    if settings["CASEBOOK_REUSE_PAGES"] and (settings.get("LOAD_CONTENT_CACHE") or settings.get("CACHE_CONTENT")):
        return StoryPageWriter
    return None


def reused() -> set[str]:
    """Pages of this build's output taken whole from the last build."""
    return _current.reused if _current else set()


def finish(pelican):
    global _current
    if _current:
        pages, _current = _current, None
        pages.save()
