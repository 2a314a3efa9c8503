"""Keeping a large build's memory and collection time small.

Each function works on Pelican's objects after the fact, at one point of the
build (the plugin's wiring calls them in order):

- from the start of a build: :func:`pause_collection` (no automatic
  collection while reading);
- as each story is read: :func:`pack_body` (its body kept compressed);
- after the articles are read: :func:`share_labels` (one object per tag,
  category, author and company), :func:`freeze_urls` (each URL computed
  once), :func:`index_listings` (a story found in a listing at once);
- once every generator's context is ready: :func:`freeze` (what was read stays
  alive to the end: out of the cyclic collector's reach);
- after each page is written: :func:`release_rendered_content`;
- after each feed is written: :func:`release_feed_content`;
- at the end: :func:`unfreeze`; at the process's exit: :func:`leave_at_exit`.
"""

from __future__ import annotations

import gc
from itertools import chain

from pelican.urlwrappers import URLWrapper

from . import compat, incremental

LABELS = ("tags", "category", "author", "authors", "companies")


def freeze_urls(generator):
    """Compute each article's URL once per build.

    Pelican formats ``url`` anew on every access (a relpath and a dict of
    fields each time), and listings, feeds and callout indexes ask for it tens
    of thousands of times. ``override_url`` is Pelican's own per-article URL
    override, so the frozen value is used everywhere. (Not ``save_as``: with
    ``override_save_as`` set, Pelican writes the page with ``override_output``,
    which may overwrite any file of the build.)
    """
    for article in generator.articles:
        article.override_url = article.url


class Listing(list):
    """A listing's stories (a tag's, a category's, an author's), answering
    ``in`` with a set lookup.

    Pelican writes each tag, category and author page from
    ``[a for a in dates if a in articles]``: a scan of the listing for every
    story of the site, tens of millions of comparisons at 5,000 stories (0.8 s
    for 15 tags, more with many tags; measured in docs/performance.md).
    Stories compare by identity (``Content`` defines no ``__eq__``), so a set
    of their ids answers the same; any change to the list drops the set, and
    it is made again when next asked.
    """

    def __init__(self, items=()):
        super().__init__(items)
        self._ids: set[int] | None = None

    def __contains__(self, item):
        if type(item).__eq__ is not object.__eq__:  # compares otherwise: as a list does
            return list.__contains__(self, item)
        if self._ids is None:
            self._ids = {id(member) for member in self}
        return id(item) in self._ids

    def __reduce_ex__(self, protocol):  # the ids are this process's: made again where it is loaded
        return (Listing, (list(self),))


def _dropping_ids(name):
    method = getattr(list, name)

    def changed(self, *args):
        self._ids = None
        return method(self, *args)

    changed.__name__ = name
    return changed


# every list method that changes which items it holds (sort and reverse do not)
for _name in ("__setitem__", "__delitem__", "__iadd__", "__imul__", "append", "extend", "insert", "remove", "pop",
              "clear"):
    setattr(Listing, _name, _dropping_ids(_name))


def index_listings(generator):
    """Each tag's, category's and author's stories as a :class:`Listing`, in
    the generator and in its context (which holds the same lists)."""
    generator.tags.update((tag, Listing(stories)) for tag, stories in generator.tags.items())
    for attribute in ("categories", "authors"):  # lists of (label, stories); the context holds the same list
        pairs = getattr(generator, attribute)
        pairs[:] = [(label, Listing(stories)) for label, stories in pairs]
    context = generator.context
    if isinstance(context.get("tags"), list):  # Pelican's context has the tags as a list of pairs
        context["tags"][:] = list(generator.tags.items())


#: the kinds of intrasite link that copy a file into the output (Pelican's ``get_static_links``)
STATIC_KINDS = frozenset({"static", "attach"})


def pack_body(content):
    """Keep a story's body compressed until it is shown (``compat.pack_body``,
    as it touches Pelican's private ``_content``). Pelican looks through every
    body for its ``{static}`` and ``{attach}`` links; a body our reader read
    comes with its links recorded (in the content cache too), so a body with
    none of those kinds is not looked through again."""
    links = incremental.recorded_links(content)
    known = None
    if links is not None and not any(kind in STATIC_KINDS for kind, _prefix, _path in links):
        known = ()
    compat.pack_body(content, known)


def share_labels(generator):
    """One object per tag, category, author and company, shared by its stories.

    Pelican's reader makes a new Tag for every story that names it, each with
    its own attribute dict (which grows once its URL is formatted): tens of
    thousands of equal objects on a large site. Equal means same class and
    name, so every page shows exactly the name its story gave.
    """
    shared = {}

    def one(label):
        return shared.setdefault((type(label), label.name), label)

    for article in chain(generator.articles, generator.translations, generator.drafts,
                         generator.drafts_translations, generator.hidden_articles, generator.hidden_translations):
        for key in LABELS:
            value = getattr(article, key, None)
            if isinstance(value, URLWrapper):
                value = one(value)
            elif isinstance(value, list) and value and all(isinstance(v, URLWrapper) for v in value):
                value = [one(v) for v in value]
            else:
                continue
            setattr(article, key, value)
            if key in article.metadata:
                article.metadata[key] = value


# Whether a build's pause (or freeze) is in force, not yet undone by
# unfreeze(); and whether automatic collection was on before it.
_paused = False
_enabled_before = True


def pause_collection():
    """From the start of a build until what it read is frozen (:func:`freeze`),
    no automatic collection. Reading makes objects that live until the build
    ends (from the content cache, or read anew): the cyclic collector, set off
    by their number, walks all of them again each time and finds next to
    nothing (measured at 5,000 stories: six full collections, about 0.5 s of
    a warm rebuild). A build that stopped before its end (an exception;
    ``pelican --autoreload`` goes on to the next) left its pause or freeze:
    the next build undoes it first and collects what that build left."""
    global _paused, _enabled_before
    if _paused:
        gc.unfreeze()
        gc.collect()  # runs whether or not automatic collection is on
    else:
        _enabled_before = gc.isenabled()
    _paused = True
    gc.disable()


def freeze():
    """What was read stays alive until the build ends: move it out of the
    cyclic collector's reach, so each full collection while pages are written
    does not walk the whole site again (measured in docs/performance.md).
    Reading leaves next to no cyclic garbage (a collection here found 44
    objects after a full build of 5,000 stories, 131 after a warm one): it
    is frozen with the rest, and collected once the build ends (:func:`unfreeze`)."""
    gc.freeze()
    if _enabled_before:
        gc.enable()


def release_rendered_content(context):
    """Once a story's page is written, drop Pelican's memoized copy of its
    content with links resolved (about 9 KB a story): nothing else shows a
    story's whole content but the feeds, which ask again for a few. Kept, the
    copies were the largest growth of memory while pages are written."""
    article = (context or {}).get("article")
    if article is not None:
        compat.forget_rendered_content(article)


_stories_by_url: dict = {}


def release_feed_content(context, feed):
    """Once a feed is written, drop the copies of its stories' content with
    links resolved that writing it memoized (see above).

    Feeds are written before any story page, and every story's content has
    links to resolve (its callouts link to their collections), so Pelican
    memoizes a copy for each story a feed holds: with a feed per theme, most
    stories of the site, all held until their own pages are written. That was
    the largest part of what the build kept while writing on a site with many
    themes (docs/performance.md); now a feed's copies go with it. A story's
    page makes its copy again, and lets it go (:func:`release_rendered_content`).
    """
    articles = (context or {}).get("articles") or ()
    if not articles:
        return
    if _stories_by_url.get("for") is not articles:  # once per build
        _stories_by_url.clear()
        _stories_by_url.update({"for": articles, "by_url": {a.url: a for a in articles}})
    by_url = _stories_by_url["by_url"]
    site = str(context.get("SITEURL") or "").rstrip("/") + "/"
    for item in getattr(feed, "items", ()):
        link = str(item.get("link") or "").removesuffix("?ref=feed").partition("#")[0]
        article = by_url.get(link[len(site):] if link.startswith(site) else link.lstrip("/"))
        if article is None:  # a link made otherwise: let every story's copy go
            for article in articles:
                compat.forget_rendered_content(article)
            return
        compat.forget_rendered_content(article)


def unfreeze():
    """At the end of a build: the collector as the build found it."""
    global _paused
    gc.unfreeze()
    if _enabled_before:
        gc.enable()
    _paused = False
    _stories_by_url.clear()


def leave_at_exit():
    """At the process's exit, out of the collector's reach (``atexit``):
    Python's last collection walks every object left to find cycles to free
    (0.25 s after a build of 5,000 stories), while the system takes the whole
    memory back anyway. Frozen objects are not walked; an object in a cycle
    then goes without its finalizer, as a process that exits may (a file
    left open in a cycle is not flushed: the build closes what it writes)."""
    gc.freeze()
