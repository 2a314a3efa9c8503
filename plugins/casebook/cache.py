"""Pelican's content cache, made safe to lose.

Pelican writes its cache files in place and stops with ``EOFError`` on a
cache file that is empty or cut short (a build killed while saving, a full
disk): every build then failed until ``make clean``. Here:

* before Pelican loads the cache (on ``initialized``), a file that is empty
  or does not end as a pickle does is discarded with a warning: the build
  reads every file again instead of failing;
* the readers' cache is saved to a temporary file that replaces the old one
  only once complete (``os.replace``), so a reader never sees half a file
  (``compat.keep_cache_packed``: it needs Pelican's private cache fields);
* a story given back by the cache has its relative links made again against
  the files that exist now (:func:`refresh_links`), as the reader makes them,
  and a ``{static}`` link to a file deleted since is no file to copy
  (:func:`forget_missing_static_files`: Pelican would stop with a traceback
  looking it up). Its links are checked like any story's (``casebook.links``),
  so a build reports the same mistakes with the cache or without.
"""

from __future__ import annotations

import gzip
import logging
import os

from . import imported
from .source import LINKS_KEY

logger = logging.getLogger(__name__)

PICKLE_START = b"\x80"  # the PROTO opcode that starts every pickle of protocol 2 and later
PICKLE_STOP = b"."  # every pickle ends with the STOP opcode


def damage(path: str, gzipped: bool) -> str | None:
    """Why the cache file at ``path`` cannot be loaded, or None when it looks whole."""
    try:
        if os.path.getsize(path) == 0:
            return "it is empty"
        if gzipped:
            first = last = b""
            with gzip.open(path, "rb") as fh:
                while chunk := fh.read(1 << 20):
                    first, last = first or chunk[:1], chunk[-1:]
        else:
            with open(path, "rb") as fh:
                first = fh.read(1)
                fh.seek(-1, os.SEEK_END)
                last = fh.read(1)
    except (OSError, EOFError) as error:
        return f"it cannot be read: {error}"
    if first != PICKLE_START:
        return "it is not a pickle"
    return None if last == PICKLE_STOP else "it was cut short"


def discard_damaged(settings) -> None:
    """On ``initialized``, once CACHE_PATH is final: drop cache files Pelican could not load."""
    folder = settings.get("CACHE_PATH")
    if not (settings.get("LOAD_CONTENT_CACHE") and folder and os.path.isdir(folder)):
        return
    for entry in os.scandir(folder):
        if not entry.is_file() or entry.name.endswith((".json", ".tmp")):
            continue
        reason = damage(entry.path, bool(settings.get("GZIP_CACHE")))
        if reason:
            logger.warning("content cache file %s is damaged (%s): discarded, so this build reads "
                           "every file again", entry.path, reason)
            try:
                os.unlink(entry.path)
            except OSError:
                pass


def refresh_links(text: str, metadata: dict, source_path: str, settings) -> str:
    """A cached body's relative links as the reader would make them now (a
    link to a content file added since becomes a ``{static}``/``{filename}``
    link); ``text`` itself when it has none. Only stories whose recorded links
    (``source.LINKS_KEY``) hold a relative one are looked through."""
    records = metadata.get(LINKS_KEY) if isinstance(metadata, dict) else None
    if not records or not any(kind == "" for _line, kind, _target in records):
        return text
    refreshed = imported.site_relative_links(text, source_path, settings["PATH"])
    return text if refreshed == text else refreshed


def forget_missing_static_files(generator) -> None:
    """On ``page_generator_finalized``, the last before the static files are
    read: a ``{static}``/``{attach}`` link to a file that does not exist is
    not a file to copy (Pelican would stop with ``FileNotFoundError`` reading
    it). The link is reported and made a plain one (``casebook.links``)."""
    linked = generator.context.get("static_links")
    if not linked:
        return
    root = generator.settings["PATH"]
    gone = {path for path in linked if not os.path.isfile(os.path.join(root, path))}
    linked -= gone
