"""Callouts across a site: index pages, playbook, JSON, feed.

Each callout is parsed once, while its article's Markdown is converted
(``markdown_ext``), and its record reaches the article's metadata with the rest
of it (``contracts.RECORDS_KEY``), so it is cached with it. Everything here
reads those records; no article HTML is parsed again.

What other plugins may build on is in ``contracts``.
"""

from __future__ import annotations

import heapq
import json
import logging
import os
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial

from markupsafe import escape
from pelican import signals
from pelican.generators import Generator
from pelican.utils import get_relative_path, path_to_url, sanitised_join, slugify

from . import contracts
from .markdown_ext import DEFAULT_TYPES, CalloutsExtension

logger = logging.getLogger(__name__)

#: pseudo source path under which index pages are linkable with {filename}
LINK_PREFIX = "_callouts/"

DEFAULTS = {
    "CALLOUTS_TYPES": DEFAULT_TYPES,
    "CALLOUTS_INDEX_URL": "{slug}/",
    "CALLOUTS_INDEX_SAVE_AS": "{slug}/index.html",
    "CALLOUTS_PLAYBOOK_URL": "playbook/",
    "CALLOUTS_PLAYBOOK_SAVE_AS": "playbook/index.html",
    "CALLOUTS_JSON_SAVE_AS": "callouts.json",
    "CALLOUTS_FEED_ATOM": "feeds/callouts.atom.xml",
}


@dataclass(frozen=True)
class CalloutType:
    name: str
    label: str
    plural: str
    description: str
    url: str
    save_as: str


class Entry(contracts.Fingerprinted):
    """A callout with the article it belongs to, as index pages show it.

    Its body (with intrasite links resolved) is computed once and
    shared by the index pages, the playbook, the JSON export and the feed.
    """

    __slots__ = ("_context", "_html", "article", "callout", "type")

    def __init__(self, callout, article, type, context):
        self.callout = callout
        self.article = article
        self.type = type
        self._context = context  # the build's shared context: what links resolve against
        self._html = None

    def fingerprint(self):
        """What a page that lists this entry shows of it (see casebook.incremental)."""
        # its story (counted by its heading), the callout and, if its body
        # links elsewhere, that body with the links resolved
        html = self.html
        return (self.article, self.callout, None if html is self.callout.html else html)

    @property
    def url(self):
        # made when asked (a few times a build): a large site has tens of thousands
        return f"{self.article.url}#{self.callout.id}"

    @property
    def html(self):
        if self._html is None:
            html = self.callout.html
            # only bodies that link elsewhere need Pelican's link replacement
            if "{" in html or "|" in html:
                html = resolve_links(self.article, html, self._context)
            self._html = html
        return self._html


def resolve_links(article, html: str, context) -> str:
    """``html`` with its intrasite links (``{filename}`` ...) resolved as they
    would be in ``article``'s own content: Pelican's public way to resolve them
    is a content object's ``get_content``, so ``html`` gets one of its own, with
    the article's metadata, address and source."""
    metadata = {**article.metadata, "url": article.url, "save_as": article.save_as}
    copy = type(article)(html, metadata=metadata, settings=article.settings,
                         source_path=article.source_path, context=context)
    return copy.get_content(article.get_siteurl())


@dataclass
class LinkTarget:
    """Something Pelican's {filename} links can point at: only needs a url."""

    url: str


# -- settings --------------------------------------------------------------
def _types_from(settings) -> list[CalloutType]:
    raw = settings["CALLOUTS_TYPES"]
    if not isinstance(raw, dict) or not raw:
        logger.error("callouts: CALLOUTS_TYPES must be a non-empty dict; using the default types")
        raw = DEFAULT_TYPES
    types = []
    for name, info in raw.items():
        if not isinstance(info, dict):
            logger.error("callouts: CALLOUTS_TYPES[%r] must be a dict with label, plural, description", name)
            info = {}
        label = str(info.get("label") or name.title())
        plural = str(info.get("plural") or label + "s")
        fields = {"slug": slugify(plural), "name": name}
        types.append(
            CalloutType(
                name=name.lower(),
                label=label,
                plural=plural,
                description=str(info.get("description", "")),
                url=settings["CALLOUTS_INDEX_URL"].format(**fields),
                save_as=settings["CALLOUTS_INDEX_SAVE_AS"].format(**fields),
            )
        )
    return types


def index_href(kind: str, anchor: str) -> str:
    """Where an article's callout links to its entry on the type's index page."""
    return f"{{filename}}/{LINK_PREFIX}{kind}#{anchor}"


def initialize(pelican):
    settings = pelican.settings
    for key, value in DEFAULTS.items():
        settings.setdefault(key, value)
    types = _types_from(settings)
    settings["CALLOUTS_TYPE_LIST"] = types
    extension = CalloutsExtension(
        types={t.name: {"label": t.label, "plural": t.plural} for t in types},
        index_href=index_href,
    )
    # A copy: the user's MARKDOWN dict is left as written.
    markdown = dict(settings.get("MARKDOWN", {}))
    markdown["extensions"] = [*markdown.get("extensions", []), extension]
    settings["MARKDOWN"] = markdown


# -- reading -----------------------------------------------------------------
def report_problems(generators):
    """Authors' mistakes in callouts, from every file read (a reader that
    reports them itself takes them out of the metadata first)."""
    contracts.report(contracts.collect(generators, contracts.PROBLEMS_KEY))


# -- generating ----------------------------------------------------------------
class CalloutsGenerator(Generator):
    def generate_context(self):
        settings = self.settings
        self.types = settings["CALLOUTS_TYPE_LIST"]
        by_name = {t.name: t for t in self.types}
        linkable = self.context.setdefault("generated_content", {})
        for t in self.types:
            linkable[LINK_PREFIX + t.name] = LinkTarget(t.url)
        linkable[LINK_PREFIX + "playbook"] = LinkTarget(settings["CALLOUTS_PLAYBOOK_URL"])

        articles = self.context.get("articles", ())
        self.entries = []
        for article in articles:
            # one Entry per callout, shared by every page that shows it
            article.callout_entries = [
                Entry(c, article, by_name[c.type], self.context) for c in getattr(article, contracts.RECORDS_KEY, ())
                if c.type in by_name
            ]
            self.entries.extend(article.callout_entries)
        for t in self.types:
            entries = [e for e in self.entries if e.type is t]
            self.context.setdefault("callout_index", {})[t.name] = {
                "type": t,
                "entries": entries,
                "themes": group_by_theme(entries),
            }
        self.context["callout_types"] = self.types
        self.context["callout_themes"] = group_by_theme(self.entries, primary_only=True)
        self.context["CALLOUTS_PLAYBOOK_URL"] = settings["CALLOUTS_PLAYBOOK_URL"]
        contracts.entries_ready.send(self)

    def generate_output(self, writer):
        template = self.get_template("callouts")
        for t in self.types:
            index = self.context["callout_index"][t.name]
            self.stream_page(writer, t.save_as, template, url=t.url, callout_type=t,
                             entries=index["entries"], themes=index["themes"], template_name="callouts")
        if self.settings["CALLOUTS_PLAYBOOK_SAVE_AS"]:
            self.stream_page(writer, self.settings["CALLOUTS_PLAYBOOK_SAVE_AS"], self.get_template("playbook"),
                             url=self.settings["CALLOUTS_PLAYBOOK_URL"], template_name="playbook")
        if self.settings["CALLOUTS_JSON_SAVE_AS"]:
            self.write_json(writer, self.settings["CALLOUTS_JSON_SAVE_AS"])
        if self.settings["CALLOUTS_FEED_ATOM"]:
            # only the newest FEED_MAX_ITEMS are written: only those become feed items
            limit = self.settings.get("FEED_MAX_ITEMS") or len(self.entries)
            newest = heapq.nlargest(limit, self.entries, key=lambda e: e.article.date)
            writer.write_feed([FeedItem(e, self.settings) for e in newest], self.context,
                              self.settings["CALLOUTS_FEED_ATOM"], feed_title="Takeaways and lessons")

    def stream_page(self, writer, save_as, template, **kwargs):
        """Write a page as Pelican's ``Writer.write_file`` does, but piece by piece.

        The index pages and the playbook hold every callout: on a large site
        they are tens of megabytes, and rendering them whole (then encoding the
        whole string) set the build's peak memory. Jinja's ``generate`` yields
        the page in pieces, written as they come.
        """
        context = self.context.copy()
        if self.settings["RELATIVE_URLS"]:
            context["SITEURL"] = context["localsiteurl"] = path_to_url(get_relative_path(save_as))
        context["output_file"] = save_as
        context.update(kwargs)
        kept = self.kept(writer, template, context)
        with self.output_file(save_as, kept) as (path, fh):
            if not kept:
                for piece in template.generate(context):
                    fh.write(piece)
        signals.content_written.send(path, context=context)

    @staticmethod
    def kept(writer, template, context) -> bool:
        """Whether the site's writer keeps the file ``context["output_file"]``
        as the last build wrote it (a ``contracts.PageKeeper``: nothing it is
        made from has changed); then it is not written."""
        return isinstance(writer, contracts.PageKeeper) and writer.keep(template, context)

    @contextmanager
    def output_file(self, save_as, kept=False):
        """A file of the output to write (None when ``kept``): written beside
        its place and moved there whole, so a file that is a link to the last
        build's output is replaced, never written through."""
        path = sanitised_join(self.output_path, save_as)
        if kept:
            yield path, None
            return
        os.makedirs(os.path.dirname(path), exist_ok=True)
        partial = f"{path}.{os.getpid()}.partial"
        try:
            with open(partial, "w", encoding="utf-8") as fh:
                yield path, fh
            os.replace(partial, path)
        finally:
            if os.path.exists(partial):
                os.unlink(partial)
        logger.info('Writing "%s"', path)

    def write_json(self, writer, save_as):
        """/callouts.json, one record at a time (the C encoder for each)."""
        siteurl = self.settings["SITEURL"]
        dumps = partial(json.dumps, ensure_ascii=False, separators=(",", ":"))
        kept = self.kept(writer, None, {"output_file": save_as, "SITEURL": siteurl, "entries": self.entries})
        with self.output_file(save_as, kept) as (_path, fh):
            if kept:
                return
            fh.write(f'{{"version":1,"count":{len(self.entries)},"callouts":[')
            for n, e in enumerate(self.entries):
                record = {
                    "id": e.callout.id,
                    "type": e.callout.type,
                    "title": e.callout.title,
                    "text": e.callout.text,
                    "html": e.html,
                    "url": f"{siteurl}/{e.url}",
                    "index_url": f"{siteurl}/{e.type.url}#{e.callout.anchor}",
                    "article": {"title": e.article.title, "url": f"{siteurl}/{e.article.url}"},
                    "date": e.article.date.date().isoformat(),
                    "companies": [c.name for c in getattr(e.article, "companies", ())],
                    "tags": [t.name for t in getattr(e.article, "tags", ())],
                }
                fh.write(("," if n else "") + dumps(record))
            fh.write("]}")


def group_by_theme(entries, primary_only=False):
    """[(tag, [entry])], tags by name.

    An entry is *primary* under its article's first tag: that is where its
    full text and its anchor live; under its other tags it is listed briefly
    (the ``theme_entries`` macro tells them apart).
    """
    themes = {}
    for entry in entries:
        tags = getattr(entry.article, "tags", ())
        for tag in tags[:1] if primary_only else tags:
            themes.setdefault(tag, []).append(entry)
    return sorted(themes.items(), key=lambda item: item[0].name.lower())


class FeedItem:
    """An entry shaped as Pelican's feed writer expects a piece of content."""

    def __init__(self, entry: Entry, settings):
        self._entry = entry
        self._settings = settings
        article = entry.article
        # Pelican's writer reads titles as markup: escape ours so they stay text
        self.title = str(escape(f"{entry.type.label}: {entry.callout.title}"))
        self.url = entry.url
        self.date = article.date
        self.summary = None
        self.tags = list(getattr(article, "tags", ()))
        self.category = article.category

    def get_content(self, siteurl):
        article = self._entry.article
        source = str(escape(article.title))
        body = self._entry.html
        return f'{body}<p>From <a href="{siteurl}/{article.url}">{source}</a></p>'


def get_generators(pelican):
    return CalloutsGenerator


def register():
    signals.initialized.connect(initialize)
    signals.get_generators.connect(get_generators)
    signals.all_generators_finalized.connect(report_problems)
