"""Shared by the build and browser tests: build a site, read its pages, check links."""

from __future__ import annotations

import logging
from pathlib import Path

from pelican import Pelican
from pelican.plugins.sitemap import sitemap
from pelican.settings import read_settings

# one link checker and one HTML reader, shared with `make check`
from checks.site import broken_links, soup, target_file  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"


def build(content: Path, output: Path, settings_file: str = "pelicanconf.py", **override):
    """A real Pelican build with the project's own settings, into ``output``."""
    settings = read_settings(
        path=str(ROOT / settings_file),
        override={
            "PATH": str(content),
            "OUTPUT_PATH": str(output),
            "CACHE_CONTENT": False,
            "LOAD_CONTENT_CACHE": False,
            **override,
        },
    )
    # pelican-sitemap waits for the Pelican instance that started first to finish;
    # one whose build stopped (a test of a failing build, in this same process)
    # would keep every later sitemap from being written
    sitemap.generator._main_pelican = None
    Pelican(settings).run()
    return settings


def page(output: Path, url_path: str) -> Path:
    """The file that serves a site-relative URL such as ``themes/empathy/``."""
    return target_file(output, url_path or "/")


class ErrorRecords(logging.Handler):
    """Collects error-level records from every logger while a build runs."""

    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())
