"""Pelican's content cache, made safe to lose.

Pelican writes its cache files in place and stops with ``EOFError`` on a
cache file that is empty or cut short (a build killed while saving, a full
disk): every build then failed until ``make clean``. Here:

* before Pelican loads the cache (on ``initialized``), a file that is empty
  or does not end as a pickle does is discarded with a warning: the build
  reads every file again instead of failing;
* the readers' cache is saved to a temporary file that replaces the old one
  only once complete (``os.replace``), so a reader never sees half a file
  (``compat.keep_cache_packed``: it needs Pelican's private cache fields).
"""

from __future__ import annotations

import gzip
import logging
import os

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
