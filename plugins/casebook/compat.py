"""Every use of Pelican's private API, in one place.

Pelican marks these names private (a leading underscore): they may change in
any release without notice. Each function here says what it uses, why no
public API does the job, and was checked against :data:`PELICAN_CHECKED`.
``tests/test_compat.py`` fails with a clear message when another Pelican is
installed, and the plugin logs a warning at start-up: on an upgrade, re-read
each use below against the new Pelican, then update the version.

Nothing else in the project touches a private Pelican name.
"""

from __future__ import annotations

import functools
import html
import logging
import os
import pickle
import re
import types
import zlib

import pelican
from markupsafe import escape
from pelican.contents import Content
from pelican.readers import _DISCARD, DUPLICATES_DEFINITIONS_ALLOWED
from pelican.writers import Writer

logger = logging.getLogger(__name__)

#: the Pelican release every use below was read against
PELICAN_CHECKED = "4.12.0"

#: a metadata processor's value meaning "leave this key out" (``pelican.readers._DISCARD``);
#: a reader that processes metadata must return it for a value it rejects.
DISCARD = _DISCARD


def check_version() -> bool:
    """Warn (once per build) when the installed Pelican is not the checked one."""
    if pelican.__version__ == PELICAN_CHECKED:
        return True
    logger.warning(
        "casebook: Pelican %s is installed, but plugins/casebook/compat.py was checked against %s: "
        "re-check each use of Pelican's private API there", pelican.__version__, PELICAN_CHECKED)
    return False


# -- reading -------------------------------------------------------------------
def markdown_metadata(reader, source_path: str, meta: dict, formatted: dict) -> dict:
    """Metadata from Python-Markdown's ``Meta`` as ``MarkdownReader._parse_metadata``
    makes it, but with the formatted fields (``summary``) already converted in
    ``formatted``: our reader converts them where the body is converted (maybe
    in a worker process), and Pelican's method converts them itself. Keep in step
    with ``pelican.readers.MarkdownReader._parse_metadata``."""
    output = {}
    for name, value in meta.items():
        name = name.lower()
        if name in formatted:
            output[name] = reader.process_metadata(name, formatted[name])
        elif not DUPLICATES_DEFINITIONS_ALLOWED.get(name, True):
            if len(value) > 1:
                logger.warning("Duplicate definition of `%s` for %s. Using first one.", name, source_path)
            output[name] = reader.process_metadata(name, value[0])
        elif len(value) > 1:
            output[name] = reader.process_metadata(name, value)
        else:
            output[name] = reader.process_metadata(name, value[0])
    return output


# -- content -------------------------------------------------------------------
def label_slug(label) -> str:
    """A tag's (category's, author's, company's) slug, made as ``URLWrapper.slug``
    makes it (through its private ``_normalize_key``), without the path-less
    warning Pelican logs when it is empty: the reader reports that with its line."""
    return label._slug if label._slug is not None else label._normalize_key(label.name)


def intrasite_link_regex(settings):
    """Pelican's pattern for ``{filename}``-style links (``Content._get_intrasite_link_regex``):
    it is a method of content objects that reads only their settings, and no
    public function exposes it. Using it finds links exactly as Pelican does."""
    return Content._get_intrasite_link_regex(types.SimpleNamespace(settings=settings))


def resolve_links(content: Content, html: str, siteurl: str = "") -> str:
    """``html`` with its intrasite links resolved as ``content``'s own would be
    (``Content._update_content``, the step behind the public ``get_content``,
    which only works on the content's whole body)."""
    return content._update_content(html, siteurl)


def absolute_link_target(content: Content, what: str, path: str):
    """What a ``{filename}`` link to ``path`` from ``content`` leads to, when
    Pelican finds it at its first look (an absolute path, a key of the
    context's ``generated_content``, ``Content._link_replacer``); else None.
    Links that lead there resolve alike from any story (their fragments
    aside), wherever the story is."""
    if what != "filename" or not path.startswith("/"):
        return None
    return content._context.get("generated_content", {}).get(path[1:])


def body(content: Content) -> str:
    """A story's body as read, before links are resolved (``Content._content``;
    ``_get_content`` where a subclass overrides it, as Pelican's do)."""
    getter = getattr(content, "_get_content", None)
    return (getter() if getter is not None else content._content) or ""


def has_body(content: Content) -> bool:
    """Whether ``content`` has a body of its own (stories and pages do, static files do not)."""
    return isinstance(getattr(content, "_content", None), str) or isinstance(
        vars(content).get("_get_content"), PackedBody)


#: attributes of a content object that hold the build rather than the content
#: (``_context``: the shared context; ``_content``: the body as read; a packed
#: body's reader and static links, see :func:`pack_body`)
CONTENT_INTERNALS = frozenset({"_context", "_content", "_get_content", "get_static_links", "_link_replacer"})

#: bodies shorter than this stay as they are: packing saves little on them
PACK_MIN_CHARS = 2048


class PackedBody:
    """A body kept compressed (zlib), given back whole when it is called."""

    __slots__ = ("packed",)

    def __init__(self, text: str):
        self.packed = zlib.compress(text.encode("utf-8"), 1)

    def __call__(self) -> str:
        return zlib.decompress(self.packed).decode("utf-8")


class StaticLinks:
    """A packed body's ``{static}`` and ``{attach}`` targets, found before it was packed."""

    __slots__ = ("links",)

    def __init__(self, links):
        self.links = frozenset(links)

    def __call__(self) -> set[str]:
        return set(self.links)


def known_static_links(content: Content) -> frozenset[str] | None:
    """The ``{static}`` and ``{attach}`` targets of a packed body, found before
    it was packed (None: its body is not packed, look through it)."""
    links = vars(content).get("get_static_links")
    return links.links if isinstance(links, StaticLinks) else None


def pack_body(content: Content, static_links=None) -> None:
    """Keep a long body compressed until it is shown (on ``content_object_init``).

    A story's body is the largest thing a build keeps, once for each story
    from the moment it is read to the end of the build, and it is shown
    (rendered with links resolved) by the story's page and a few feeds
    only. Compressed it weighs about a third (zlib at its fastest level: a
    few tens of microseconds a story each way). Pelican reads the body from
    ``Content._content``, except where a subclass gives ``_get_content()``,
    which ``get_content`` calls instead (its hook for bodies made otherwise):
    the body moves there. The one other reader of ``_content``,
    ``get_static_links`` (asked once by the generator, right after this
    signal), answers from the links found now; ``_content`` is None after,
    so anything else that read it would not get the body (no code of Pelican's,
    of its plugins in use or of ours does). Both stand-ins pickle, as Pelican's
    ``generator`` caching layer would need. ``static_links``: those links when
    the caller already knows them (Pelican looks through the body otherwise).
    """
    text = vars(content).get("_content")
    if not isinstance(text, str) or len(text) < PACK_MIN_CHARS or hasattr(type(content), "_get_content"):
        return
    content.get_static_links = StaticLinks(content.get_static_links() if static_links is None else static_links)
    content._get_content = _packed(text)
    content._content = None


# Bodies as the content cache gives them back (:func:`keep_cache_packed`), by
# the identity of the text: packed already, they are not packed again.
_unpacked: dict[int, tuple[str, PackedBody]] = {}
# Bodies packed in a build that saves the content cache, by the identity of the
# text the cache holds: saved as they are kept (None: this build saves none).
_packed_for_cache: dict[int, tuple[str, PackedBody]] | None = None


def _known_or_packed(hit: tuple[str, PackedBody] | None, text: str) -> PackedBody:
    """The body packed already for this very text (ids are reused once a text is gone), or packed now."""
    return hit[1] if hit is not None and hit[0] is text else PackedBody(text)


def _packed(text: str) -> PackedBody:
    body = _known_or_packed(_unpacked.pop(id(text), None), text)
    if _packed_for_cache is not None:  # the cache holds the text until it is saved, so holding it here costs nothing
        _packed_for_cache[id(text)] = (text, body)
    return body


def forget_rendered_content(content: Content) -> None:
    """Drop Pelican's memoized body with links resolved (``memoized``'s ``cache``
    on ``get_content``, keyed by ``(content, siteurl)``): nothing public
    releases it, and on a large site those copies are most of the memory that
    grows while pages are written. A later ``get_content`` makes it again."""
    content.get_content.cache.pop((content, content.get_siteurl()), None)


class DroppedLinks:
    """A content's ``_link_replacer`` that takes out the links it cannot
    resolve (see :func:`drop_links`) and leaves every other to Pelican's."""

    __slots__ = ("content", "links")

    def __init__(self, content: Content, links):
        self.content = content
        self.links = frozenset(links)

    def __call__(self, siteurl: str, m) -> str:
        placeholder = _PLACEHOLDER_RE.match(m.group("path"))
        key = (placeholder.group(1), placeholder.group(2)) if placeholder else None
        if key not in self.links and (key is None or (key[0], html.unescape(key[1])) not in self.links):
            return type(self.content)._link_replacer(self.content, siteurl, m)
        if key[0] in ("static", "attach"):  # as the reader leaves a missing file: a plain relative link
            return "".join((m.group("markup"), m.group("quote"), m.group("value"), m.group("quote")))
        # the attribute goes, the element and its text stay
        return _LINK_ATTRIBUTE_END_RE.sub("", m.group("markup"))


_PLACEHOLDER_RE = re.compile(r"^[{|](\w*)[|}](.*)$", re.S)
_LINK_ATTRIBUTE_END_RE = re.compile(r"\s+[\w-]+\s*=\s*$")


def drop_links(content: Content, links) -> None:
    """Have ``content`` take out its intrasite links ``links`` (``(kind, target)``
    as written after the placeholder) wherever it is shown: its body, its
    summary, listings and feeds. Pelican resolves every such link of a content
    in ``Content._link_replacer`` (called by ``_update_content``, behind the
    public ``get_content`` and ``refresh_metadata_intersite_links``), and an
    unresolvable one is left as written (``href="{filename}x.md"``) with a
    warning; no public hook sees it. The instance's own attribute wins over
    the class's method. Called before anything is shown (a shown body is
    forgotten, to be made again)."""
    content._link_replacer = DroppedLinks(content, links)
    forget_rendered_content(content)


# -- writing -------------------------------------------------------------------
class HookedWriter(Writer):
    """Pelican's writer with two public hooks on its private file handling.

    ``Writer._open_w`` opens every file the writer writes and refuses a file
    already written in this build (``_written_files``). A subclass overrides
    :meth:`skip_file` to have a file's opening write nothing (it is already
    right on disk), and asks :meth:`already_written` instead of reading the set.
    """

    def skip_file(self, path: str) -> bool:
        """True: the next opening of ``path`` for writing writes nothing."""
        return False

    def already_written(self, path: str) -> bool:
        return path in self._written_files

    def claim(self, path: str) -> None:
        """Count ``path`` as written in this build without writing it (it is
        already right on disk): a later write of it is refused as usual."""
        self._written_files.add(path)

    def _add_item_to_the_feed(self, feed, item):
        # Pelican reads a feed item's title as markup (``Markup(item.title).striptags()``),
        # so a story titled "Why <b> tags fail" would lose a word; this site's titles
        # are text (see ``typography``): escaped, striptags gives them back as written
        if isinstance(item, Content) and isinstance(getattr(item, "title", None), str):
            item = _TextTitle(item)
        return super()._add_item_to_the_feed(feed, item)

    def _open_w(self, filename, encoding, override=False):
        if self.skip_file(filename):
            self._written_files.add(filename)  # Pelican's guard against writing a file twice
            return open(os.devnull, "w", encoding=encoding)
        return super()._open_w(filename, encoding, override)


class _TextTitle:
    """A story as Pelican's feed writer reads it, with its title escaped."""

    def __init__(self, story: Content):
        self._story = story
        self.title = str(escape(story.title))

    def __getattr__(self, name):
        return getattr(self._story, name)


def save_as_unreferenced(content: Content) -> str:
    """Where ``content`` is to be written, without marking a static file's
    location as referenced: ``Static.save_as`` sets ``_output_location_referenced``,
    after which an ``{attach}`` link to the file can no longer move it next to
    the story that attaches it. Checking URLs is not a reference."""
    return Content.save_as.fget(content)


def story_pages(generators) -> list:
    """The stories whose pages ``ArticlesGenerator.generate_articles`` writes,
    in the order it writes them (its loop over ``translations``, ``articles``,
    ``hidden_translations`` and ``hidden_articles``; no public API says which
    stories it writes, nor in which order). Keep in step with that loop: the
    parallel writer checks each page against this list and renders serially
    from the first that differs."""
    from pelican.generators import ArticlesGenerator

    for generator in generators:
        if isinstance(generator, ArticlesGenerator):
            return [*generator.translations, *generator.articles,
                    *generator.hidden_translations, *generator.hidden_articles]
    return []


# -- the content cache ------------------------------------------------------------
def save_cache_atomically(readers) -> None:
    """Save a ``Readers`` cache whole or not at all (replaces its ``save_cache``),
    then let go of what it holds.

    ``FileDataCacher`` keeps its data in ``_cache``, its file in ``_cache_path``,
    its opener (gzip or not) in ``_cache_open`` and whether to save in
    ``_cache_data_policy``, and writes the file in place: a build stopped while
    saving left a file every later build failed on.

    Pelican saves it once its generator has read every file, and kept it to the
    end of the build: every story's body as read, which the story no longer
    holds whole (:func:`pack_body`). Once saved it is emptied, and a second save
    (none is made) would not overwrite the file with nothing.
    """
    try:
        _save_cache(readers)
    finally:
        readers._cache = {}
        readers.save_cache = _saved
        _unpacked.clear()  # bodies read but made into no story
        if _packed_for_cache is not None:
            _packed_for_cache.clear()


def _saved() -> None:
    """A readers' cache already saved and emptied: nothing to save."""


def _save_cache(readers) -> None:
    if not readers._cache_data_policy:
        return
    path = readers._cache_path
    partial = f"{path}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with readers._cache_open(partial, "wb") as fh:
            pickle.dump({source: _packed_entry(entry) for source, entry in readers._cache.items()}, fh)
        os.replace(partial, path)
    except (OSError, pickle.PicklingError, TypeError) as error:
        logger.warning("Could not save the content cache %s: %s", path, error)
        try:
            os.unlink(partial)
        except OSError:
            pass


def _packed_entry(entry):
    """A readers' cache entry (``(stamp, (body, metadata))``, ``FileStampDataCacher``)
    with its body as the story keeps it (:func:`pack_body`), to be saved."""
    try:
        stamp, (text, metadata) = entry
    except (TypeError, ValueError):
        return entry
    if not isinstance(text, str) or len(text) < PACK_MIN_CHARS:
        return entry
    return (stamp, (_known_or_packed((_packed_for_cache or {}).get(id(text)), text), metadata))


def _cached_data(readers, source_path, default=None):
    """``Readers.get_cached_data``, a packed body given back whole; remembered,
    so that :func:`pack_body` keeps it as it was packed."""
    data = type(readers).get_cached_data(readers, source_path, default)
    if isinstance(data, tuple) and len(data) == 2 and isinstance(data[0], PackedBody):
        packed, metadata = data
        text = packed()
        refreshed = _refresh(readers, text, metadata, source_path)
        if refreshed is text:
            _unpacked[id(text)] = (text, packed)
        return (refreshed, metadata)
    if isinstance(data, tuple) and len(data) == 2 and isinstance(data[0], str):
        return (_refresh(readers, data[0], data[1], source_path), data[1])
    return data


def _refresh(readers, text, metadata, source_path):
    from .cache import refresh_links  # casebook.cache imports nothing of Pelican's private API

    return refresh_links(text, metadata, source_path, readers.settings)


def is_cached(readers, source_path) -> bool:
    """Whether the content cache answers for ``source_path`` (its body left packed)."""
    return type(readers).get_cached_data(readers, source_path, None) is not None


def keep_cache_packed(readers) -> None:
    """On ``readers_init``: the readers' cache is saved whole or not at all, and
    keeps each long body as the story does, compressed (:class:`PackedBody`).

    The cache held every body as read (70 MB at 5,000 stories), pickled on
    every build and loaded on the next, and each body loaded was compressed
    again when its story was made. Now the file holds the compressed bodies
    (about a third), a body given back by ``get_cached_data`` is the one a
    story keeps, and the body of a file read anew is saved as its story packed
    it. An older cache (bodies as text) is read as before."""
    global _packed_for_cache
    _unpacked.clear()
    # Pelican sets ``_cache_data_policy`` after this signal, from these settings
    settings = readers.settings
    saves = settings.get("CONTENT_CACHING_LAYER") == "reader" and settings.get("CACHE_CONTENT")
    _packed_for_cache = {} if saves else None
    readers.get_cached_data = functools.partial(_cached_data, readers)
    readers.save_cache = lambda: save_cache_atomically(readers)
