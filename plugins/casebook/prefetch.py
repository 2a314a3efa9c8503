"""Convert the stories' Markdown on every core, ahead of Pelican's reading loop.

Pelican reads one file after another, and converting Markdown is most of a
large build. When the articles generator is made, the story files it is about
to read (those the content cache cannot answer) are handed to a pool of
worker processes, one per core. Pelican then reads in its own order as
before; for each prefetched file the reader takes the worker's result
(:class:`casebook.reader.Converted`, plain data) instead of converting it, and
builds the metadata objects itself. A file a worker could not convert is
converted in the build's own process, so its error is the usual one.

Workers are forked (they inherit the plugins and settings), so this runs only
where ``fork`` exists, and only for builds with at least
``CASEBOOK_PARALLEL_READ_MIN`` files to convert. ``CASEBOOK_READ_WORKERS = 1``
turns it off.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

from . import compat

logger = logging.getLogger(__name__)

DEFAULTS = {
    "CASEBOOK_READ_WORKERS": None,  # None: one per core
    "CASEBOOK_PARALLEL_READ_MIN": 200,  # fewer files to convert: not worth starting workers
}

_pool: ProcessPoolExecutor | None = None
_pending: dict = {}  # absolute path -> Future
_reader = None  # the reader a forked worker converts with


def _convert(path):
    return _reader.convert(path)


def start(generator, reader_class):
    """On article_generator_init: submit the files this build will convert with
    a reader of ``reader_class``."""
    global _pool, _reader
    stop()
    settings = generator.settings
    workers = settings["CASEBOOK_READ_WORKERS"] or os.cpu_count() or 1
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return
    readers = generator.readers
    paths, reader = [], None
    for relative in generator.get_files(settings["ARTICLE_PATHS"], exclude=settings["ARTICLE_EXCLUDES"]):
        path = os.path.abspath(os.path.join(generator.path, relative))
        ext = os.path.splitext(path)[1][1:]
        if not isinstance(readers.readers.get(ext), reader_class):
            continue
        reader = readers.readers[ext]
        if compat.is_cached(readers, path):
            continue  # Pelican's content cache answers for it: nothing to convert
        paths.append(path)
    if not paths or len(paths) < settings["CASEBOOK_PARALLEL_READ_MIN"]:
        return
    _reader = reader
    _pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"))
    for path in paths:
        _pending[path] = _pool.submit(_convert, path)
    logger.debug("casebook: converting %d files on %d workers", len(paths), workers)


def result(source_path):
    """The worker's result for this file, or None: then the caller converts it."""
    future = _pending.pop(os.path.abspath(source_path), None)
    if future is None:
        return None
    try:
        return future.result()
    except Exception:  # the build's own process converts it again and reports it as usual
        return None
    finally:
        if not _pending:
            stop()


def stop(*_args):
    global _pool, _reader
    _pending.clear()
    if _pool is not None:
        _pool.shutdown(wait=False, cancel_futures=True)
    _pool = _reader = None
