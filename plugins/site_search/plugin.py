"""Full-text search: index the written site with Pagefind's command line.

Pagefind runs once per build, after Pelican (and minification) have written
every page: ``python -m pagefind --site <output>`` from the ``pagefind[bin]``
package. Only elements marked ``data-pagefind-body`` (article bodies) are
indexed; the theme adds meta, filters and the date sort. Its Python API is not
used: it waits about 100 ms per call (see shared/FINDINGS.md).

Named site_search, not search or pagefind, so it never shadows a package.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import time

from pelican import signals

logger = logging.getLogger(__name__)

DEFAULTS = {
    "SITE_SEARCH_INDEX": True,
    # ignored when indexing: the callouts' badges and link lines
    "SITE_SEARCH_EXCLUDE": ".callout-links, .callout-badge",
    "SITE_SEARCH_BUNDLE": "pagefind",
}


def initialize(pelican):
    for key, value in DEFAULTS.items():
        pelican.settings.setdefault(key, value)


def index_site(pelican):
    settings = pelican.settings
    if not settings["SITE_SEARCH_INDEX"]:
        return
    command = [
        sys.executable, "-m", "pagefind",
        "--site", pelican.output_path,
        "--output-subdir", settings["SITE_SEARCH_BUNDLE"],
        "--exclude-selectors", settings["SITE_SEARCH_EXCLUDE"],
        "--force-language", settings.get("DEFAULT_LANG", "en"),
        "--silent",
    ]
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        logger.error("site_search: Pagefind failed (exit %d): %s", result.returncode,
                     (result.stderr or result.stdout).strip())
        return
    logger.info("site_search: indexed %s in %.2f s", pelican.output_path, time.perf_counter() - started)


def register():
    signals.initialized.connect(initialize)
    signals.finalized.connect(index_site)
