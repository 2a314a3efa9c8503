"""Shared by the build and browser tests: build a site, read its pages, check links."""

from __future__ import annotations

import logging
from pathlib import Path

from bs4 import BeautifulSoup
from pelican import Pelican
from pelican.settings import read_settings

from checks.site import broken_links  # noqa: F401  (one link checker, shared with `make check`)

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
    Pelican(settings).run()
    return settings


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def page(output: Path, url_path: str) -> Path:
    """The file that serves a site-relative URL such as ``themes/empathy/``."""
    target = output / url_path.lstrip("/")
    return target / "index.html" if url_path.endswith("/") or target.is_dir() else target


def html_pages(output: Path):
    return sorted(p for p in output.rglob("*.html"))


class ErrorRecords(logging.Handler):
    """Collects error-level records from every logger while a build runs."""

    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())
