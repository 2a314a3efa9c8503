"""Callouts across the site: collections by theme, playbook, JSON, feed.

Each callout is parsed once, while its article's Markdown is converted
(``markdown_ext``), and its record reaches the article's metadata with the rest
of it (``contracts.RECORDS_KEY``), so it is cached with it. Everything here
reads those records; no article HTML is parsed again. What other plugins may
build on is in ``contracts``.

Every callout is shown in full on the page of each of its story's themes
(``/takeaways/<theme>/``, one per type), in that theme's playbook chapter
(``/playbook/<theme>/``, both types) and on the page of each of its story's
companies for that theme (``/companies/<company>/<theme>/``). These
*collections* list stories oldest first (a new story adds to a collection's
last page, leaving the others as they were) and are paginated with Pelican's
own paginator (``CALLOUTS_PER_PAGE`` callouts a page), so no page grows with
the site. A callout's *canonical* entry is the one on its type's page of its
story's first theme: its story's "All takeaways" link and ``index_url`` in
``callouts.json`` lead there, to the very page of the pagination that holds it.
``/takeaways/``, ``/lessons/`` and ``/playbook/`` are overviews of the themes.
"""

from __future__ import annotations

import heapq
import json
import logging
import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from itertools import groupby
from operator import attrgetter

from jinja2 import ChoiceLoader, PackageLoader
from markupsafe import escape
from pelican import signals
from pelican.generators import Generator
from pelican.paginator import Paginator
from pelican.utils import sanitised_join, slugify

from . import contracts
from .markdown_ext import DEFAULT_TYPES, CalloutsExtension

logger = logging.getLogger(__name__)

LINK_PREFIX = contracts.LINK_PREFIX

DEFAULTS = {
    "CALLOUTS_TYPES": DEFAULT_TYPES,
    "CALLOUTS_INDEX_URL": "{slug}/",
    "CALLOUTS_INDEX_SAVE_AS": "{slug}/index.html",
    "CALLOUTS_PLAYBOOK_URL": "playbook/",
    "CALLOUTS_PLAYBOOK_SAVE_AS": "playbook/index.html",
    "CALLOUTS_JSON_SAVE_AS": "callouts.json",
    "CALLOUTS_FEED_ATOM": "feeds/callouts.atom.xml",
    # one type's callouts of one theme; {type}: the type's index slug, {theme}: the theme's slug
    "CALLOUTS_THEME_URL": "{type}/{theme}/",
    "CALLOUTS_THEME_SAVE_AS": "{type}/{theme}/index.html",
    # one theme's chapter of the playbook (every type)
    "CALLOUTS_CHAPTER_URL": "playbook/{theme}/",
    "CALLOUTS_CHAPTER_SAVE_AS": "playbook/{theme}/index.html",
    # the whole playbook as one document, written only while it has at most CALLOUTS_BOOK_MAX callouts
    "CALLOUTS_BOOK_URL": "playbook/complete/",
    "CALLOUTS_BOOK_SAVE_AS": "playbook/complete/index.html",
    "CALLOUTS_BOOK_MAX": 150,
    # the callouts of one company's stories on one theme (every type); {company}: the company's slug.
    # "" writes none (the grid's cells then link nowhere)
    "CALLOUTS_COMPANY_THEME_URL": "companies/{company}/{theme}/",
    "CALLOUTS_COMPANY_THEME_SAVE_AS": "companies/{company}/{theme}/index.html",
    # callouts on one page of a collection (Pelican's paginator, PAGINATION_PATTERNS)
    "CALLOUTS_PER_PAGE": 200,
    # callouts shown as examples of a theme on the overview pages
    "CALLOUTS_EXAMPLES": 3,
}

#: the templates of the paginated collections
COLLECTION_TEMPLATES = ("callout_theme", "playbook_chapter", "company_callouts")


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

    __slots__ = ("_context", "_html", "article", "callout", "canonical", "index_page", "type")

    def __init__(self, callout, article, type, context):
        self.callout = callout
        self.article = article
        self.type = type
        self._context = context  # the build's shared context: what links resolve against
        self._html = None
        #: the URL of the collection page holding the canonical entry (set once they are paginated)
        self.index_page = type.url
        #: the collection that holds it (its type's of its story's first theme), until it is paginated
        self.canonical = None

    @property
    def index_url(self):
        return f"{self.index_page}#{self.callout.anchor}"

    def fingerprint(self):
        """What a page that lists this entry shows of it (see casebook.incremental)."""
        # its story (counted by its heading), what pages show of the callout
        # (in line: each callout has one entry) and, if its body links
        # elsewhere, that body with the links resolved
        html = self.html
        return (self.article, *self.callout.fingerprint(), None if html is self.callout.html else html)

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
    """Where an article's callout links to its canonical entry: a link Pelican
    resolves to the collection page that holds it (see ``generate_context``)."""
    return f"{{filename}}/{LINK_PREFIX}{kind}/{anchor}#{anchor}"


def capfirst(text) -> str:
    """A name as written, with its first letter capitalised (a heading's start)."""
    text = str(text)
    return text[:1].upper() + text[1:]


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
    # copies, likewise
    per_page = settings["CALLOUTS_PER_PAGE"]
    if not isinstance(per_page, int) or isinstance(per_page, bool) or per_page < 1:
        logger.error("callouts: CALLOUTS_PER_PAGE must be a positive whole number; using %d",
                     DEFAULTS["CALLOUTS_PER_PAGE"])
        per_page = settings["CALLOUTS_PER_PAGE"] = DEFAULTS["CALLOUTS_PER_PAGE"]
    paginated = dict(settings.get("PAGINATED_TEMPLATES") or {})
    for name in COLLECTION_TEMPLATES:
        paginated.setdefault(name, per_page)
    settings["PAGINATED_TEMPLATES"] = paginated
    settings["JINJA_FILTERS"] = {**settings.get("JINJA_FILTERS", {}), "capfirst": capfirst}


# -- reading -----------------------------------------------------------------
def report_problems(generators):
    """Authors' mistakes in callouts, from every file read (a reader that
    reports them itself takes them out of the metadata first)."""
    contracts.report(contracts.collect(generators, contracts.PROBLEMS_KEY))


# -- generating ----------------------------------------------------------------
@dataclass(eq=False)
class Collection:
    """One paginated listing of callouts in full: a type's callouts of a theme,
    a theme's playbook chapter, or a company's callouts of a theme."""

    template: str
    tag: object
    url: str
    save_as: str
    entries: list
    type: CalloutType | None = None
    company: object | None = None
    _counts: tuple | None = field(default=None, repr=False, compare=False)

    def counts(self, types) -> tuple:
        """(type, number of its callouts here) for each type, in the types' order
        (counted once: a collection's entries are final once collected, and the
        overviews, the grid and the collection's own pages all ask)."""
        if self._counts is None or self._counts[0] is not types:
            found = {}
            for entry in self.entries:
                found[entry.type.name] = found.get(entry.type.name, 0) + 1
            self._counts = (types, tuple((t, found.get(t.name, 0)) for t in types))
        return self._counts[1]


@dataclass(eq=False)
class Summary:
    """A collection as an overview lists it: what, where, how many, a few examples."""

    tag: object
    url: str
    count: int
    counts: tuple
    examples: list


@dataclass(eq=False)
class GridRow:
    """One theme's row of the theme × company grid. Each cell: (link or None,
    (type, count) pairs, weight 1-4), or None where there is nothing."""

    tag: object
    cells: list  # one per company, in the grid's order
    unnamed: tuple | None  # from the theme's stories that name no company (no page lists only those)
    total: tuple  # every callout on the theme, linking to its playbook chapter


class CalloutsGenerator(Generator):
    """The collections, overviews, playbook, JSON and feed. Its templates come
    from the site's theme; a template the theme lacks comes from the plugin's own
    (``templates/`` beside this module), so any Pelican theme works."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.env.loader = ChoiceLoader([self.env.loader, PackageLoader(__package__, "templates")])

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

        self.collections = self.collect(articles)
        self.place_canonical_entries(linkable)
        self.summarise()
        self.context["callout_types"] = self.types
        self.context["callout_labels"] = {t.name: t.label for t in self.types}
        self.context["CALLOUTS_PLAYBOOK_URL"] = settings["CALLOUTS_PLAYBOOK_URL"]
        contracts.entries_ready.send(self)

    # -- grouping ------------------------------------------------------------
    def collect(self, articles) -> list[Collection]:
        """Every collection, each listing its stories oldest first."""
        settings = self.settings
        by_type: dict[tuple, Collection] = {}
        chapters: dict[object, Collection] = {}
        pairs: dict[tuple, Collection] = {}
        for article in reversed(articles):  # Pelican's list is newest first
            entries = article.callout_entries
            if not entries:
                continue
            companies = list(dict.fromkeys(getattr(article, "companies", ())))
            for n, tag in enumerate(dict.fromkeys(getattr(article, "tags", ()))):
                fields = {"theme": tag.slug}
                chapter = chapters.get(tag)
                if chapter is None:
                    chapter = chapters[tag] = Collection(
                        "playbook_chapter", tag, settings["CALLOUTS_CHAPTER_URL"].format(**fields),
                        settings["CALLOUTS_CHAPTER_SAVE_AS"].format(**fields), [])
                chapter.entries.extend(entries)
                for entry in entries:
                    key = (entry.type.name, tag)
                    listing = by_type.get(key)
                    if listing is None:
                        type_fields = {**fields, "type": slugify(entry.type.plural)}
                        listing = by_type[key] = Collection(
                            "callout_theme", tag, settings["CALLOUTS_THEME_URL"].format(**type_fields),
                            settings["CALLOUTS_THEME_SAVE_AS"].format(**type_fields), [], type=entry.type)
                    listing.entries.append(entry)
                    if n == 0:
                        entry.canonical = listing
                for company in companies if settings["CALLOUTS_COMPANY_THEME_SAVE_AS"] else ():
                    pair = pairs.get((company, tag))
                    if pair is None:
                        company_fields = {**fields, "company": company.slug}
                        pair = pairs[company, tag] = Collection(
                            "company_callouts", tag, settings["CALLOUTS_COMPANY_THEME_URL"].format(**company_fields),
                            settings["CALLOUTS_COMPANY_THEME_SAVE_AS"].format(**company_fields), [],
                            company=company)
                    pair.entries.extend(entries)
        self.by_type, self.chapters, self.pairs = by_type, chapters, pairs
        # written theme by theme: a theme's collections show the same entries,
        # so what is rendered for them (a cache scoped to the theme) can be let
        # go before the next theme's
        by_theme: dict[object, list[Collection]] = {}
        for collection in (*by_type.values(), *chapters.values(), *pairs.values()):
            by_theme.setdefault(collection.tag, []).append(collection)
        return [collection for group in by_theme.values() for collection in group]

    def paginate(self, collection: Collection):
        """The pages of a collection, as Pelican's writer paginates its template."""
        settings = self.settings
        per_page = None  # a template left out of PAGINATED_TEMPLATES: one page
        if collection.template in settings["PAGINATED_TEMPLATES"]:
            per_page = settings["PAGINATED_TEMPLATES"][collection.template] or settings["DEFAULT_PAGINATION"]
        paginator = Paginator(collection.save_as, collection.url, collection.entries, self.settings, per_page)
        return [paginator.page(number) for number in paginator.page_range]

    def place_canonical_entries(self, linkable):
        """Each callout's canonical entry: on its type's page of its story's first
        theme, on the page of that listing that holds it; the link its story's
        callout makes (``index_href``) resolves there. A story without a theme
        keeps its callouts' canonical entries on the type's overview page."""
        for listing in self.by_type.values():
            for page in self.paginate(listing):
                for entry in page.object_list:
                    if entry.canonical is listing:
                        entry.index_page = page.url
                        entry.canonical = None
        # one target per collection page, shared by the callouts on it (a large
        # site has tens of thousands of callouts and a few hundred such pages)
        targets: dict[str, LinkTarget] = {}
        for entry in self.entries:
            target = targets.get(entry.index_page)
            if target is None:
                target = targets[entry.index_page] = LinkTarget(entry.index_page)
            linkable[f"{LINK_PREFIX}{entry.type.name}/{entry.callout.anchor}"] = target

    def summarise(self):
        """What the overviews, theme and company pages and the grid show."""
        settings, types, context = self.settings, self.types, self.context
        examples = settings["CALLOUTS_EXAMPLES"]

        def summary(collection, examples=examples):
            return Summary(collection.tag, collection.url, len(collection.entries),
                           collection.counts(types), collection.entries[:examples])

        def by_count(summaries):
            return sorted(summaries, key=lambda s: (-s.count, s.tag.name.lower()))

        index = {}
        for t in types:
            listed = [summary(c) for (name, _tag), c in self.by_type.items() if name == t.name]
            index[t.name] = {"type": t, "themes": by_count(listed),
                             "alphabetical": sorted(listed, key=lambda s: s.tag.name.lower()),
                             "count": sum(1 for e in self.entries if e.type is t),
                             "unthemed": [e for e in self.entries
                                          if e.type is t and not getattr(e.article, "tags", ())]}
        context["callout_index"] = index
        context["callout_counts"] = {name: value["count"] for name, value in index.items()}

        # the playbook's contents show no examples (so a callout edit leaves them as they are)
        chapters = sorted((summary(c, 0) for c in self.chapters.values()), key=lambda s: s.tag.name.lower())
        context["playbook_chapters"] = chapters
        book_size = sum(s.count for s in chapters)
        self.book = book_size and book_size <= settings["CALLOUTS_BOOK_MAX"]
        context["playbook_book_url"] = settings["CALLOUTS_BOOK_URL"] if self.book else None

        # a theme's links to its collections (theme pages)
        links = {}
        for (name, tag), listing in self.by_type.items():
            links.setdefault(tag.name, {})[name] = (listing.url, len(listing.entries))
        for tag, chapter in self.chapters.items():
            links.setdefault(tag.name, {})["playbook"] = (chapter.url, len(chapter.entries))
        context["callout_theme_links"] = links

        # a company's callouts by theme (company pages), and the grid
        companies = {}
        for (company, _tag), pair in self.pairs.items():
            companies.setdefault(company, []).append(summary(pair))
        context["callouts_by_company"] = {c.name: by_count(s) for c, s in companies.items()}
        context["callout_grid"] = self.grid(companies)

    def grid(self, companies) -> dict:
        """The theme × company grid: for each theme (a GridRow), its callouts from each
        company's stories, from its stories that name no company, and in all (its
        playbook chapter), so a theme whose stories name no company does not look empty.
        A story naming two companies counts under each, and once in all."""
        types = self.types

        def counts(entries):
            found = {}
            for entry in entries:
                found[entry.type.name] = found.get(entry.type.name, 0) + 1
            return tuple((t, found.get(t.name, 0)) for t in types)

        def weight(size, most):
            """a cell's weight on the grid: 1 to 4, by its share of the largest cell"""
            return -(-4 * size // most)

        tags = sorted(self.chapters, key=lambda tag: tag.name.lower())
        columns = sorted(companies, key=lambda c: c.name.lower())
        unnamed = {tag: [e for e in self.chapters[tag].entries if not getattr(e.article, "companies", None)]
                   for tag in tags}
        most = max([len(pair.entries) for pair in self.pairs.values()]
                   + [len(entries) for entries in unnamed.values()] + [1])
        most_in_all = max([len(chapter.entries) for chapter in self.chapters.values()] + [1])
        rows = []
        for tag in tags:
            cells = []
            for company in columns:
                pair = self.pairs.get((company, tag))
                cells.append((pair.url, pair.counts(types), weight(len(pair.entries), most)) if pair else None)
            chapter, none_named = self.chapters[tag], unnamed[tag]
            rows.append(GridRow(
                tag, cells,
                (None, counts(none_named), weight(len(none_named), most)) if none_named else None,
                (chapter.url, chapter.counts(types), weight(len(chapter.entries), most_in_all))))
        return {"types": types, "companies": columns, "rows": rows,
                "unnamed": any(unnamed.values())}

    # -- writing ---------------------------------------------------------------
    def generate_output(self, writer):
        settings = self.settings
        write = partial(writer.write_file, relative_urls=settings["RELATIVE_URLS"])
        template = self.get_template("callouts")
        for t in self.types:
            index = self.context["callout_index"][t.name]
            write(t.save_as, template, self.context, url=t.url, callout_type=t, template_name="callouts",
                  themes=index["themes"], alphabetical=index["alphabetical"], total=index["count"],
                  unthemed=index["unthemed"])
        templates = {name: self.get_template(name) for name in COLLECTION_TEMPLATES}
        for collection in self.collections:
            # Pelican's writer paginates `entries`: each page shows only its own callouts
            write(collection.save_as, templates[collection.template], self.context,
                  paginated={"entries": collection.entries}, url=collection.url,
                  template_name=collection.template, tag=collection.tag, callout_type=collection.type,
                  company=collection.company, counts=collection.counts(self.types))
        if settings["CALLOUTS_PLAYBOOK_SAVE_AS"]:
            write(settings["CALLOUTS_PLAYBOOK_SAVE_AS"], self.get_template("playbook"), self.context,
                  url=settings["CALLOUTS_PLAYBOOK_URL"], template_name="playbook")
        if self.book and settings["CALLOUTS_BOOK_SAVE_AS"]:
            chapters = [(tag, self.chapters[tag].entries) for tag in
                        sorted(self.chapters, key=lambda tag: tag.name.lower())]
            write(settings["CALLOUTS_BOOK_SAVE_AS"], self.get_template("playbook_book"), self.context,
                  url=settings["CALLOUTS_BOOK_URL"], template_name="playbook_book", chapters=chapters)
        if settings["CALLOUTS_JSON_SAVE_AS"]:
            self.write_json(writer, settings["CALLOUTS_JSON_SAVE_AS"])
        if settings["CALLOUTS_FEED_ATOM"]:
            # only the newest FEED_MAX_ITEMS are written: only those become feed items
            limit = settings.get("FEED_MAX_ITEMS") or len(self.entries)
            newest = heapq.nlargest(limit, self.entries, key=lambda e: e.article.date)
            writer.write_feed([FeedItem(e, settings) for e in newest], self.context,
                              settings["CALLOUTS_FEED_ATOM"], feed_title="Takeaways and lessons")

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
        kept = self.kept(writer, None, {"output_file": save_as, "SITEURL": siteurl, "entries": self.entries,
                                        "index_urls": [e.index_page for e in self.entries]})
        with self.output_file(save_as, kept) as (_path, fh):
            if kept:
                return
            fh.write(f'{{"version":1,"count":{len(self.entries)},"callouts":[')
            separator = ""
            # a story's entries are listed together: what they share is encoded once
            for article, entries in groupby(self.entries, key=attrgetter("article")):
                shared = dumps({
                    "article": {"title": article.title, "url": f"{siteurl}/{article.url}"},
                    "date": article.date.date().isoformat(),
                    "companies": [c.name for c in getattr(article, "companies", ())],
                    "tags": [t.name for t in getattr(article, "tags", ())],
                })[1:]  # its fields, and the record's closing brace
                for e in entries:
                    own = dumps({
                        "id": e.callout.id,
                        "type": e.callout.type,
                        "title": e.callout.title,
                        "text": e.callout.text,
                        "html": e.html,
                        "url": f"{siteurl}/{e.url}",
                        "index_url": f"{siteurl}/{e.index_url}",
                    })[:-1]
                    fh.write(f"{separator}{own},{shared}")
                    separator = ","
            fh.write("]}")




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
