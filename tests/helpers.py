"""Shared by the build and browser tests: build a site, read its pages, check links."""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

from bs4 import BeautifulSoup
from pelican import Pelican
from pelican.settings import read_settings

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


def broken_links(output: Path, siteurl: str = "") -> list[str]:
    """Every internal href/src and #fragment that does not resolve in ``output``."""
    ids_cache: dict[Path, set[str]] = {}

    def ids_of(path: Path) -> set[str]:
        if path not in ids_cache:
            ids_cache[path] = {el["id"] for el in soup(path).select("[id]")}
        return ids_cache[path]

    problems = []
    for path in html_pages(output):
        document = soup(path)
        ids_cache[path] = {el["id"] for el in document.select("[id]")}
        base = "/" + path.relative_to(output).as_posix()
        for el in document.select("[href], [src]"):
            if el.name == "link" and el.get("rel") and set(el["rel"]) & {"canonical", "alternate"}:
                continue
            ref = el.get("href") or el.get("src")
            if siteurl and ref.startswith(siteurl):
                ref = ref[len(siteurl):] or "/"
            parsed = urlparse(ref)
            if parsed.scheme or parsed.netloc or ref.startswith("mailto:"):
                continue
            url, fragment = urldefrag(ref)
            if not url:
                target = path
            else:
                absolute = url if url.startswith("/") else base.rsplit("/", 1)[0] + "/" + url
                target = page(output, unquote(absolute.split("?")[0]))
            if not target.exists():
                problems.append(f"{base}: {ref} -> missing {target.relative_to(output)}")
            elif fragment and target.suffix == ".html" and unquote(fragment) not in ids_of(target):
                problems.append(f"{base}: {ref} -> no #{fragment}")
    return problems


class ErrorRecords(logging.Handler):
    """Collects error-level records from every logger while a build runs."""

    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())
