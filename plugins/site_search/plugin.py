"""Full-text search: index the written story pages with Pagefind's command line.

``python -m pagefind --site <output>`` from the ``pagefind[bin]`` package. Its
Python API is not used: its service answers each call after at least 100 ms
(it polls with ``asyncio.sleep(0.1)``), far too slow for a page a call.

Only story pages (and drafts, in development) are read: ``--glob`` from
ARTICLE_SAVE_AS and DRAFT_SAVE_AS. Theme, company and callout index pages hold
no indexed text but are large, and parsing them was a third of Pagefind's time.
Within a story only ``data-pagefind-body`` is indexed; the theme adds meta,
filters and the date sort.

Pagefind starts as soon as the last story page is written and runs in its own
process while Pelican writes the listing pages, index pages, feeds and
sitemap; the build waits for it at the end (``finalized``). A build that stops
early stops Pagefind too. Publish builds minify pages meanwhile: each file is
replaced whole, so Pagefind reads a page before or after, never half of one.

Named site_search, not search or pagefind, so it never shadows a package.
"""

from __future__ import annotations

import atexit
import logging
import os
import re
import subprocess
import sys
import tempfile
import time

from pelican import signals

logger = logging.getLogger(__name__)

DEFAULTS = {
    "SITE_SEARCH_INDEX": True,
    # ignored when indexing: the callouts' badges and link lines
    "SITE_SEARCH_EXCLUDE": ".callout-links, .callout-badge",
    "SITE_SEARCH_BUNDLE": "pagefind",
    # pages Pagefind reads, relative to the output; None: from ARTICLE_SAVE_AS
    "SITE_SEARCH_GLOB": None,
}


def pagefind_command(settings, output_path) -> list[str]:
    """The Pagefind command line for a build's settings (the benchmark runs it too)."""
    settings = {**DEFAULTS, **settings}
    glob = settings["SITE_SEARCH_GLOB"]
    if not glob:
        # story pages, and drafts where they are written (development)
        saved = [settings[k] for k in ("ARTICLE_SAVE_AS", "DRAFT_SAVE_AS") if settings.get(k)]
        glob = "{%s}" % ",".join(re.sub(r"\{[^}]*\}", "*", s) for s in saved)
    return [
        sys.executable, "-m", "pagefind",
        "--site", str(output_path),
        "--glob", glob,
        "--output-subdir", settings["SITE_SEARCH_BUNDLE"],
        "--exclude-selectors", settings["SITE_SEARCH_EXCLUDE"],
        "--force-language", settings.get("DEFAULT_LANG", "en"),
        "--silent",
    ]


class Indexer:
    """One Pagefind run per build, started once the story pages exist."""

    def __init__(self, pelican):
        self.settings = pelican.settings
        self.output_path = pelican.output_path
        self.pending: set[str] | None = None
        self.process: subprocess.Popen | None = None
        self.log = None
        self.started = 0.0

    # -- signals -------------------------------------------------------------
    def expect(self, generator):
        """The story pages this build writes: Pagefind starts when all exist."""
        self.pending = {
            os.path.abspath(os.path.join(self.output_path, a.save_as))
            for group in ("articles", "translations", "drafts", "drafts_translations")
            for a in getattr(generator, group, ())
            if a.save_as
        }

    def written(self, path):
        if self.pending:
            self.pending.discard(os.path.abspath(path))
            if not self.pending:
                self.start()

    def start(self):
        if self.process is not None:
            return
        self.log = tempfile.TemporaryFile()
        self.started = time.perf_counter()
        command = pagefind_command(self.settings, self.output_path)
        self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT)
        atexit.register(self.stop)

    def wait(self):
        if self.process is None and self.pending is not None and not self.pending:
            logger.info("site_search: no story pages, so no search index")
            return
        self.start()
        returncode = self.process.wait()
        atexit.unregister(self.stop)
        self.log.seek(0)
        output = self.log.read().decode(errors="replace").strip()
        self.log.close()
        if returncode != 0:
            logger.error("site_search: Pagefind failed (exit %d): %s", returncode, output)
            return
        logger.info("site_search: indexed %s in %.2f s (started %s)", self.output_path,
                    time.perf_counter() - self.started,
                    "with the last story page" if self.pending == set() else "at the end of the build")

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


_current: Indexer | None = None  # this build's; builds in one process run one after another


def initialize(pelican):
    global _current
    for key, value in DEFAULTS.items():
        pelican.settings.setdefault(key, value)
    _current = Indexer(pelican) if pelican.settings["SITE_SEARCH_INDEX"] else None


def expect(generator):
    if _current:
        _current.expect(generator)


def written(path, context=None):
    if _current:
        _current.written(path)


def start(generator, **_kwargs):
    if _current:
        _current.start()


def wait(pelican):
    global _current
    if _current:
        indexer, _current = _current, None
        indexer.wait()


def register():
    signals.initialized.connect(initialize)
    signals.article_generator_finalized.connect(expect)
    signals.content_written.connect(written)
    signals.article_writer_finalized.connect(start)
    signals.finalized.connect(wait)
