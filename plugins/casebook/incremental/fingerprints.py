"""Fingerprints of pages: what each page is rendered from, as one digest.

A page's fingerprint is made of the site (the template folder's files, the
plugins' code, the versions of the packages that render, the settings), the
template's name and the value of every name the template reads
(:func:`template_reads`). Content in those values counts by digests computed
once per build (:class:`Inputs`), mostly from the reader's records.
"""

from __future__ import annotations

import hashlib
import os
import sys
from importlib import metadata
from pathlib import Path

from jinja2 import meta
from pelican.contents import Content

from .. import compat, fragments, problems
from .records import READ_KEY, link_targets, recorded_links
from .values import ByIdentity, Plain, digest

# Settings and context values no page shows: the build's own bookkeeping
# (rendered fragments, where it writes and reads from, the page Pelican's
# writer was last on).
BOOKKEEPING = frozenset({fragments.CACHE_KEY, "OUTPUT_PATH", "CASEBOOK_REUSE_FROM", "localsiteurl"})
# Metadata shown on the story's own page only, so not part of its card (with
# DEFAULT_DATE = "fs", Pelican sets "modified" to the source file's time).
PAGE_ONLY = frozenset({"word_count", "modified"})
# What only a story's own page may read of it: its body and PAGE_ONLY metadata.
BODY_ATTRIBUTES = frozenset({"content", "get_content", "locale_modified", *compat.CONTENT_INTERNALS, *PAGE_ONLY})
# The names under which a page's own story or page is given to its template.
SUBJECTS = ("article", "page")
# Metadata no page shows (authors' mistakes, reported by the build).
NOT_SHOWN = frozenset({problems.METADATA_KEY})
# A story's attributes that are not what its page shows, or are counted
# otherwise: settings and shared context (the site digest), its body (counted
# with its link targets), its metadata (its card; Pelican also sets each item
# as an attribute) and its callouts' entries (made from its callouts, URL and title).
STORY_INTERNALS = frozenset({"settings", "metadata", "callout_entries", *compat.CONTENT_INTERNALS})
# Packages whose version changes what a page looks like.
RENDERING_PACKAGES = ("pelican", "jinja2", "markupsafe", "markdown", "pymdown-extensions", "minify-html")



def hash_files(digest, folder: Path):
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(folder)).encode())
            digest.update(path.read_bytes())


def plugin_folders(settings) -> list[Path]:
    """The folders of the build's plugins' code (packages: their own folder)."""
    folders = []
    for name in settings.get("PLUGINS") or ():
        module = sys.modules.get(name) if isinstance(name, str) else name
        path = getattr(module, "__file__", None)
        if path:
            folders.append(Path(path).parent if Path(path).name == "__init__.py" else Path(path))
    return folders


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


#: what Pelican's feed writer takes from the context (beside the settings, counted with the site)
FEED_CONTEXT = ("SITEURL", "FEED_DOMAIN", "SITENAME", "SITESUBTITLE")


class Inputs(Plain):
    """Digests of what pages are rendered from, each computed once per build.

    Objects are remembered by identity and kept alive here, so an identity is
    never reused within the build; the values pages are made from (stories,
    collections, settings) do not change once pages are being written.
    """

    def __init__(self, settings):
        super().__init__()
        self.settings = settings
        self.values = ByIdentity()  # page(): a context value's digest
        self.cards = ByIdentity()  # a piece of content: its heading and card
        self.stories = ByIdentity()  # a story: what its own page shows of it
        self.links: dict[tuple, tuple[object, str]] = {}
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
        return digest(self.site(), template_name, values).hex()

    def feed(self, items, context, path, url, feed_type, feed_title) -> str:
        """The fingerprint of a feed of ``items``: each story as its own page
        shows it (its body with links resolved, its heading), any other item
        (a callout) by its state and the content it gives the feed; the
        context values a feed's header shows; the site."""
        siteurl = context.get("SITEURL", "")
        shown = []
        for item in items:
            if isinstance(item, Content):
                shown.append(self.story(item))
            else:
                get_content = getattr(item, "get_content", None)
                shown.append(digest(self.plain(item), get_content(siteurl) if get_content else None))
        header = tuple((key, self.value(key, context.get(key))) for key in FEED_CONTEXT)
        return digest(self.site(), "feed", path, url, feed_type, feed_title, header, tuple(shown)).hex()

    def value(self, name, value):
        if value is None or isinstance(value, (str, int, float, bool)):
            return value
        if name in SUBJECTS and isinstance(value, Content):
            return self.story(value)
        # the shared context's values are the same objects on every page
        return self.values.of(value, self._digest)

    def _digest(self, value) -> bytes:
        return digest(self.plain(value))

    def site(self) -> bytes:
        if self.site_digest is None:
            settings = self.settings
            code = hashlib.blake2b(digest_size=16)
            folders = [settings["THEME"], *settings.get("THEME_TEMPLATES_OVERRIDES", ()), *plugin_folders(settings)]
            for folder in folders:
                if os.path.isdir(folder):
                    hash_files(code, Path(folder))
            for package in RENDERING_PACKAGES:
                try:
                    code.update(f"{package} {metadata.version(package)}".encode())
                except metadata.PackageNotFoundError:
                    code.update(package.encode())
            code.update(repr(self.plain({k: v for k, v in settings.items() if k not in BOOKKEEPING})).encode())
            self.site_digest = code.digest()
        return self.site_digest

    # -- one piece of content ------------------------------------------------
    def content(self, value: Content) -> bytes:
        return self.card(value)

    def card(self, content: Content) -> bytes:
        """What other pages show of a story, page or static file: its heading
        (``heading``) and what plugins took from its body (callouts)."""
        return self._cards(content)[1]

    def heading(self, content: Content) -> bytes:
        """What a link to a story (or a callout of it) shows: its title, URL,
        date, themes, summary ... but not its callouts."""
        return self._cards(content)[0]

    def _cards(self, content: Content) -> tuple[bytes, bytes]:
        return self.cards.of(content, self._make_cards)

    def _make_cards(self, content: Content) -> tuple[bytes, bytes]:
        data = content.metadata
        record = data.get(READ_KEY)
        summary = data.get("summary")
        if isinstance(summary, str):
            summary = self.resolve(content, link_targets(content.settings, summary))
        elif compat.has_body(content):
            summary = content.summary  # made from the body: counted as shown
        shown = (type(content).__name__, content.source_path, content.url, summary)
        if isinstance(record, dict):  # the reader's digests, and what was added since
            covered = frozenset(record["keys"])
            added = {k: v for k, v in data.items() if k not in covered and k not in PAGE_ONLY and k not in NOT_SHOWN}
            heading = digest(shown, record["header"], self.plain(added))
            return heading, digest(heading, record["records"])
        # read otherwise: all of its metadata, in both
        card = digest(shown, self.plain({k: v for k, v in data.items() if k not in PAGE_ONLY and k not in NOT_SHOWN}))
        return card, card

    def story(self, content: Content) -> bytes:
        """What a story's (or page's) own page shows of it (once per build: the
        feeds that hold a story ask before its page does)."""
        return self.stories.of(content, self._story)

    def _story(self, content: Content) -> bytes:
        body = compat.body(content)
        links = recorded_links(content, body)
        if links is None:  # not read by our reader, or changed since
            links = link_targets(content.settings, body)
        own = {k: v for k, v in vars(content).items()
               if k not in STORY_INTERNALS and (k not in content.metadata or k in PAGE_ONLY)}
        return digest(self.card(content), hashlib.blake2b(body.encode(), digest_size=16).digest(),
                       self.resolve(content, links), self.plain(own))

    def resolve(self, content: Content, links) -> tuple:
        """Where ``link_targets`` of ``content`` point, as Pelican resolves them:
        each distinct target once per build, by Pelican's own link replacement
        on a one-link snippet. A link to something Pelican finds by its absolute
        path (a story, a callout's collection page) resolves alike from every
        story: one resolution per thing linked to (a large site's stories link
        to tens of thousands of callout entries, on a few hundred pages)."""
        resolved = []
        folder = None
        for what, prefix, path in links:
            linked = compat.absolute_link_target(content, what, path)
            if linked is not None:
                key = (what, prefix, id(linked))
            else:
                if folder is None:  # Pelican works it out from the paths on each access
                    folder = content.relative_dir
                key = (folder, what, path)
            hit = self.links.get(key) if what != "attach" else None  # attach moves the file: each time
            if hit is None:
                # the object linked to is kept with its resolution: its id is not reused this build
                hit = self.links[key] = (linked, compat.resolve_links(content, f'<a href="{prefix}{path}">'))
            resolved.append(hit[1])
        return tuple(resolved)
