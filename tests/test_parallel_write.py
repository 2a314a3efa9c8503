"""Story pages rendered on every core (``casebook.parallel_write``): the same
site, the same messages and the same incremental records as on one core."""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from casebook import parallel_write
from helpers import FIXTURES, ROOT, build

from benchmarks.corpus import write_corpus

# the sitemap dates listing pages with the time of the build: left out
VOLATILE = {"sitemap.xml"}
ONE_CORE = {"CASEBOOK_WRITE_WORKERS": 1}
WORKERS = {"CASEBOOK_WRITE_WORKERS": 3, "CASEBOOK_PARALLEL_WRITE_MIN": 0}


def files(output: Path) -> dict[Path, bytes]:
    return {p.relative_to(output): p.read_bytes() for p in output.rglob("*")
            if p.is_file() and p.name not in VOLATILE}


@pytest.fixture(scope="module")
def content(tmp_path_factory) -> Path:
    """A blog as Pelican users write it (translations, images, a date in a file
    name), a hidden story, a story attaching a file, and generated stories."""
    folder = tmp_path_factory.mktemp("parallel")
    shutil.copytree(FIXTURES / "pelican_blog" / "content", folder / "content")
    stories = folder / "content" / "stories"
    write_corpus(24, folder / "corpus")
    for path in (folder / "corpus" / "pelican" / "stories").glob("*.md"):
        shutil.copy(path, stories / path.name)
    (stories / "hidden-one.md").write_text(
        "Title: Not listed\nDate: 2024-01-02\nStatus: hidden\nTags: empathy\n\nA hidden story.\n")
    shutil.copy(stories / "chart.png", stories / "own-chart.png")
    (stories / "attached.md").write_text(
        "Title: The chart, attached\nDate: 2024-01-03\nTags: empathy\n\n"
        "![The queue chart]({attach}own-chart.png)\n\n> [!takeaway] Charts travel with their story\n"
        "> An attached file is published next to the story that links it.\n")
    return folder / "content"


def build_messages(content: Path, output: Path, workers: dict) -> list[str]:
    """The warnings and errors of a build run as ``pelican`` runs it (Pelican
    logs each warning once per process: each build has its own), without feeds,
    so that links are first resolved while story pages are rendered."""
    settings = {"CACHE_CONTENT": False, "LOAD_CONTENT_CACHE": False, "SITE_SEARCH_INDEX": False,
                "FEED_ALL_ATOM": None, "TAG_FEED_ATOM": None, "CALLOUTS_FEED_ATOM": None, **workers}
    result = subprocess.run(
        [sys.executable, "-m", "pelican", str(content), "-s", str(ROOT / "pelicanconf.py"), "-o", str(output),
         "--log-handler", "plain", "-e", *(f"{key}={json.dumps(value)}" for key, value in settings.items())],
        capture_output=True, text=True, cwd=ROOT, timeout=300)
    # the plain handler prints warnings and errors (the default level), and nothing else, on stderr
    return sorted(result.stderr.replace(str(content), "CONTENT").splitlines())


def test_story_pages_on_workers_are_the_pages_of_one_core(content, tmp_path, caplog):
    build(content, tmp_path / "one", SITE_SEARCH_INDEX=False, **ONE_CORE)
    with caplog.at_level(logging.DEBUG, logger="casebook.parallel_write"):
        build(content, tmp_path / "workers", SITE_SEARCH_INDEX=False, **WORKERS)
    one, workers = files(tmp_path / "one"), files(tmp_path / "workers")
    assert one.keys() == workers.keys() and len(one) > 40
    assert [p for p in one if one[p] != workers[p]] == []
    # the attached chart moved next to its story in both builds
    assert Path("stories/attached/own-chart.png") in one
    logged = [r.getMessage() for r in caplog.records if r.name == "casebook.parallel_write"]
    assert logged == ["casebook: rendering 30 story pages on 3 processes"]


def test_messages_are_the_same_with_workers(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "bad_input" / "content", content)
    write_corpus(6, tmp_path / "corpus")
    for path in (tmp_path / "corpus" / "pelican" / "stories").glob("*.md"):
        shutil.copy(path, content / "stories" / path.name)
    # the oldest story is the last page: a worker renders it
    (content / "stories" / "links-nowhere.md").write_text(
        "Title: Links nowhere\nDate: 1999-01-04\nTags: empathy\n\nSee [the other]({filename}nowhere.md).\n")
    one = build_messages(content, tmp_path / "one", ONE_CORE)
    workers = build_messages(content, tmp_path / "workers", WORKERS)
    assert one == workers
    assert any("links-nowhere.md:5: " in line and "nowhere.md" in line for line in one)
    assert sum(line.startswith("CONTENT/stories/") for line in one) >= 5  # authors' mistakes


def test_what_a_worker_logs_while_rendering_is_logged_once_by_the_build(content, tmp_path, monkeypatch, caplog):
    """A page's warnings, logged while it is rendered, reach the build's log
    once, whichever process rendered it (a worker's log is replayed)."""
    from jinja2.environment import Template

    render = Template.render
    current = {}

    def warning_render(self, *args, **kwargs):
        page = dict(*args, **kwargs).get("output_file", "")
        if page.startswith("stories/"):
            # named by build (Pelican logs a message once per process) and by the process that renders
            logging.getLogger("tests.render").warning("%s %d %s", current["build"], os.getpid(), page)
        return render(self, *args, **kwargs)

    monkeypatch.setattr(Template, "render", warning_render)
    pages, processes = {}, {}
    for name, settings in (("one", ONE_CORE), ("workers", WORKERS)):
        current["build"] = name
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="tests.render"):
            build(content, tmp_path / name, SITE_SEARCH_INDEX=False, **settings)
        logged = [r.getMessage().split(" ") for r in caplog.records if r.name == "tests.render"]
        pages[name] = sorted(page for _build, _pid, page in logged)
        processes[name] = {pid for _build, pid, _page in logged}
    assert len(pages["one"]) == 30 and len(set(pages["one"])) == 30
    assert pages["workers"] == pages["one"]
    assert len(processes["one"]) == 1 and len(processes["workers"]) == 3


def test_a_worker_that_dies_leaves_its_pages_to_the_build(content, tmp_path, monkeypatch, caplog):
    def die(self, done, error=""):
        os._exit(3)  # no result: as if the worker were killed

    build(content, tmp_path / "one", SITE_SEARCH_INDEX=False, **ONE_CORE)
    monkeypatch.setattr(parallel_write.StoryPages, "finish", die)
    with caplog.at_level(logging.DEBUG, logger="casebook.parallel_write"):
        build(content, tmp_path / "workers", SITE_SEARCH_INDEX=False, **WORKERS)
    assert files(tmp_path / "one") == files(tmp_path / "workers")
    stopped = [r.getMessage() for r in caplog.records if "rendering them here" in r.getMessage()]
    assert len(stopped) == 2  # each worker's block, rendered by the build itself


def test_a_warm_rebuild_with_workers_keeps_what_workers_wrote(content, tmp_path, caplog):
    cache = {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True, "CACHE_PATH": str(tmp_path / "cache")}
    output = tmp_path / "site"
    build(content, output, SITE_SEARCH_INDEX=False, **cache, **WORKERS)
    first = {p: p.stat().st_mtime_ns for p in output.rglob("*.html")}
    with caplog.at_level(logging.INFO, logger="casebook.incremental.manifest"):
        build(content, output, SITE_SEARCH_INDEX=False, **cache, **WORKERS)
    # every page, the workers' included, was recorded by the first build and kept by the second
    assert {p: p.stat().st_mtime_ns for p in output.rglob("*.html")} == first
    summary = [r.getMessage() for r in caplog.records if r.getMessage().startswith("Pages:")]
    assert summary and summary[-1].startswith("Pages: 0 rendered")
