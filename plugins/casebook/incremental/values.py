"""Any value a page is made from, as plain data the same from one build to the next.

:func:`digest` hashes such data; :class:`Plain` turns values (settings,
stories, labels, records, pages of a listing) into it, remembering the values
that recur by identity. Content objects are counted by what a subclass says
(:meth:`Plain.content`).
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import os
import re
import types

from pelican.contents import Content
from pelican.paginator import Page
from pelican.plugins.callouts.contracts import Fingerprinted
from pelican.urlwrappers import URLWrapper

# Lists and dicts at least this long are digested once per build (they recur:
# the settings, the menu, a theme's stories on each of its pages).
MEMO_LENGTH = 8
# What objects (a pager's pages, say) hold of the build: the site digest counts it.
SHARED_STATE = frozenset({"settings", "context"})

_ADDRESS = re.compile(r" at 0x[0-9a-f]+")


def digest(*parts) -> bytes:
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).digest()


class ByIdentity(dict):
    """What was computed of objects, by their identity: each is kept alive here
    with its value, so its identity is not reused while this table lives (the
    objects a build's pages are made from do not change once pages are written)."""

    def of(self, obj, make):
        """``make(obj)``, computed once for this very object."""
        hit = self.get(id(obj))
        if hit is None:
            hit = self[id(obj)] = (obj, make(obj))
        return hit[1]


class Plain:
    """Turns values into plain data. Values are remembered by identity and kept
    alive here, so an identity is never reused while this object lives."""

    def __init__(self):
        # plain(): a value's digest (a ByIdentity, looked up inline: the hottest path of a rebuild)
        self.memo = ByIdentity()

    def content(self, value: Content):
        """What a story, page or static file counts as inside another value."""
        return (type(value).__name__, value.source_path)

    def heading(self, value: Content):
        """What a record that names a story shows of it."""
        return self.content(value)

    # -- any value -------------------------------------------------------------
    def plain(self, value, depth=0):
        """``value`` as nested tuples of plain values, the same from one build to the next."""
        if value is None or isinstance(value, (str, int, float, bool)):
            return value
        if isinstance(value, Content):  # a story recurs on many pages: counted once
            hit = self.memo.get(id(value))
            if hit is None:
                hit = self.memo[id(value)] = (value, self.content(value))
            return hit[1]
        if depth > 8:
            return type(value).__name__
        if isinstance(value, (list, tuple, dict)):
            remember = len(value) >= MEMO_LENGTH
        else:  # labels and records (callout entries) recur on many pages
            remember = isinstance(value, (URLWrapper, Fingerprinted))
        if not remember:
            return self._plain(value, depth + 1)
        key = id(value)
        hit = self.memo.get(key)
        if hit is None:  # a digest: pages that show it count 16 bytes, not the whole value again
            hit = self.memo[key] = (value, digest(self._plain(value, depth + 1)))
        return hit[1]

    def _plain(self, value, depth):
        plain = self.plain
        if isinstance(value, URLWrapper):
            return (type(value).__name__, value.name, value.url)
        if isinstance(value, (list, tuple)):
            # most items of a long list are remembered already (stories, records): looked up here
            memo = self.memo
            return tuple(hit[1] if (hit := memo.get(id(item))) is not None else plain(item, depth) for item in value)
        if isinstance(value, dict):
            return tuple(sorted((str(key), plain(item, depth)) for key, item in value.items()))
        if isinstance(value, Fingerprinted) and not isinstance(value, type):
            # what a page shows of a record (a callout entry): the stories it
            # names count by their headings
            return tuple(self.heading(item) if isinstance(item, Content) else plain(item, depth)
                         for item in value.fingerprint())
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
