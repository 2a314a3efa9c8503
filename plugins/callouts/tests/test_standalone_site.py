"""The callouts plugin on a site that is not Casebook: Pelican's own test content,
its default theme, and no other plugin than this one."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pelican
import pytest
from bs4 import BeautifulSoup

PELICAN_CONTENT = Path(pelican.__file__).parent / "tests" / "content"
# Markdown articles of Pelican's own tests that its default settings publish
TAKEN = ["article_with_md_extension.md", "article_with_markdown_and_footnote.md",
         "article_with_markdown_and_summary_metadata_single.md", "article_with_markdown_markup_extensions.md"]

STORY = """\
Title: Answering a complaint the same day
Date: 2024-03-04
Tags: service recovery, speed

A shop answered every complaint before closing time.

> [!takeaway] Answer before the day ends
> A same-day answer told customers they were heard.

> [!lesson]- Speed is a form of respect {#speed}
> Waiting costs the customer; answering early returns the time.
"""

BAD = """\
Title: A callout with a typo
Date: 2024-03-05
Tags: speed

> [!takaway] Misspelt type
> Body.
"""

SETTINGS = """\
PATH = {content!r}
OUTPUT_PATH = {output!r}
PLUGIN_PATHS = []
PLUGINS = ["pelican.plugins.callouts"]
SITEURL = ""
TIMEZONE = "UTC"
DEFAULT_DATE = "fs"  # two of Pelican's own test articles have no date
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False
"""


def site(tmp_path: Path, *extra: tuple[str, str]) -> tuple[Path, Path, Path]:
    content, output = tmp_path / "content", tmp_path / "output"
    content.mkdir()
    for name in TAKEN:
        shutil.copy(PELICAN_CONTENT / name, content / name)
    (content / "complaints.md").write_text(STORY, encoding="utf-8")
    for name, text in extra:
        (content / name).write_text(text, encoding="utf-8")
    settings = tmp_path / "settings.py"
    settings.write_text(SETTINGS.format(content=str(content), output=str(output)), encoding="utf-8")
    return content, output, settings


def pelican_run(settings: Path, *args: str) -> subprocess.CompletedProcess:
    # a process of its own: plugin receivers stay connected for the life of a process
    return subprocess.run([sys.executable, "-m", "pelican", "-s", str(settings), "--log-handler", "plain", *args],
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    content, output, settings = site(tmp_path_factory.mktemp("standalone"))
    result = pelican_run(settings)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    return output


def test_the_plugin_builds_its_pages_with_any_theme(built):
    data = json.loads((built / "callouts.json").read_text(encoding="utf-8"))
    assert {c["title"] for c in data["callouts"]} == {"Answer before the day ends", "Speed is a form of respect"}
    for record in data["callouts"]:
        page, _, anchor = record["index_url"].lstrip("/").partition("#")
        # Pelican's default URLs name the file; ours end in a folder
        target = built / page if page.endswith(".html") else built / page / "index.html"
        html = BeautifulSoup(target.read_text(encoding="utf-8"), "html.parser")
        assert html.find(id=anchor) is not None, record["index_url"]
    overview = BeautifulSoup((built / "takeaways" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert "Answer before the day ends" in overview.get_text()
    assert (built / "playbook" / "index.html").exists()


def test_the_story_keeps_its_callouts_and_pelicans_own_articles_are_untouched(built):
    story = next(built.rglob("answering-a-complaint-the-same-day.html"))
    html = BeautifulSoup(story.read_text(encoding="utf-8"), "html.parser")
    assert html.select_one("aside.callout-takeaway h2").get_text() == "Answer before the day ends"
    assert html.select_one("aside.callout-lesson details") is not None
    assert html.find(id="speed") is not None
    footnote = next(built.rglob("article-with-markdown-containing-footnotes.html"))
    assert "footnote" in footnote.read_text(encoding="utf-8")


def test_a_mistake_is_reported_with_its_line_and_stops_a_strict_build(tmp_path):
    _content, _output, settings = site(tmp_path, ("typo.md", BAD))
    result = pelican_run(settings, "--fatal", "errors")
    printed = result.stdout + result.stderr
    assert result.returncode == 1
    assert "Traceback" not in printed
    assert "typo.md:5: unknown callout type 'takaway'" in printed
