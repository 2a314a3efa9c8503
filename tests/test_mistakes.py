"""Every authoring mistake gets a clear answer (issue #16).

Each row is a small site with one kind of mistake, built the way `make build`
builds (``devkit.staging.build_site``: strict, into a fresh folder swapped in on
success) over a good site: the build fails with exactly the expected
``path:line: message`` lines, no traceback, and the good site untouched. A
non-strict build (what `make serve` runs) of the same site still writes every
page it can, with the mistakes listed on it.

Sites whose files git cannot carry everywhere (names differing only in case,
bytes that are not UTF-8) are written into a temporary folder by the test.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import FIXTURES, ROOT, build, page, soup

from devkit.staging import build_site

MISTAKES = FIXTURES / "mistakes"
BASIC = FIXTURES / "basic" / "content"
GOOD_STORY = (BASIC / "stories" / "the-letter.md").read_text()


def shown(path: Path) -> str:
    """A path as the build prints it (relative to the project when inside it)."""
    relative = os.path.relpath(path, ROOT)
    return str(path) if relative.startswith("..") else relative


def story(title, extra=""):
    return (f"Title: {title}\nDate: 2024-03-01\nCategory: Case studies\nTags: empathy\n"
            f"Summary: A story.\n{extra}\n> [!lesson] A lesson\n> Its text.\n")


def case_and_slugs(root: Path):
    (root / "stories").mkdir(parents=True)
    (root / "stories" / "Refund.md").write_text(story("Refund, first"))
    (root / "stories" / "refund.md").write_text(story("Refund, second"))
    (root / "stories" / "a.md").write_text(story("A", "Slug: same\n"))
    (root / "stories" / "b.md").write_text(story("B", "Slug: same\n"))
    (root / "stories" / "c.md").write_text(story("C", "Slug: Same\n"))
    (root / "stories" / "d.md").write_text(story("D", "Slug:\n"))
    (root / "stories" / "e.md").write_text(story("E", "Slug: ../../up\n"))
    return [
        ("stories/b.md", 6, "its URL /stories/same/ is already used by {root}/stories/a.md: "
                            "give one of them another file name or 'Slug:'"),
        ("stories/c.md", 6, "its URL /stories/Same/ is already used by {root}/stories/a.md "
                            "(URLs that differ only in case are one file on most hosts): "
                            "give one of them another file name or 'Slug:'"),
        ("stories/d.md", 6, "'Slug:' is empty: write one (letters, digits, '-') or remove the line"),
        ("stories/e.md", 6, "Slug '../../up' must be one part of a URL (letters, digits, '-'): remove the '/'"),
        ("stories/refund.md", 1, "its URL /stories/refund/ is already used by {root}/stories/Refund.md: "
                                 "give one of them another file name or 'Slug:'"),
    ]


def encodings(root: Path):
    (root / "stories").mkdir(parents=True)
    (root / "stories" / "latin1.md").write_bytes(story("Latin-1").replace("A story.", "Caf\xe9 au lait.")
                                                 .encode("latin-1"))
    (root / "stories" / "binary.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (root / "stories" / "bom.md").write_text("\ufeff" + story("With a byte order mark"), encoding="utf-8")
    return [
        ("stories/binary.md", 1, "this is not a text file (it holds binary data): "
                                 "only Markdown stories belong here; move the file out of content/"),
        ("stories/latin1.md", 5, "the file is not UTF-8 text (byte 0xe9 cannot be read): "
                                 "save it with the UTF-8 encoding"),
    ]


def fixture(name, expected):
    def make(root: Path):
        shutil.copytree(MISTAKES / name / "content", root)
        return expected
    return make


ROWS = {
    "not UTF-8 or binary": encodings,
    "same URL twice": case_and_slugs,
    "status typo": fixture("status_typo", [
        ("stories/typo-status.md", 6, "unknown Status 'publsihed' (did you mean 'published'? "
                                      "known: draft, hidden, published, skip); built as a draft until it is fixed"),
    ]),
    "static link to a missing file": fixture("missing_static", [
        ("stories/missing-files.md", 9, "broken internal link {static}/images/no-such-chart.png: no such file"),
        ("stories/missing-files.md", 11, "broken internal link {attach}forms/no-such-form.pdf: no such file"),
    ]),
    "slug of a page the site makes": fixture("site_urls", [
        (f"pages/{name}.md", line,
         f"its URL /{url}/ is one the site makes itself: rename the file or set another 'Slug:'")
        for name, line, url in (("our-lessons", 2, "lessons"), ("search", 1, "search"), ("themes", 1, "themes"))
    ]),
    "empty slug": fixture("empty_slugs", [
        ("stories/!!!.md", 1, "this file's name has no letter or digit to make its URL from: "
                              "rename it (e.g. my-story.md) or add a 'Slug: my-story' line"),
        ("stories/🎉.md", 1, "this file's name has no letter or digit to make its URL from: "
                             "rename it (e.g. my-story.md) or add a 'Slug: my-story' line"),
    ]),
    "file outside stories/ and pages/": fixture("loose_files", [
        ("left-here.md", 1, "not built: only {root}/stories/ (stories) and {root}/pages/ (pages) are read; "
                            "move the file into one of them"),
        ("notes/idea.md", 1, "not built: only {root}/stories/ (stories) and {root}/pages/ (pages) are read; "
                             "move the file into one of them"),
    ]),
    "YAML front matter that cannot be read": fixture("yaml_errors", [
        ("stories/bad-yaml.md", 4, "YAML front matter cannot be read (while parsing a flow sequence; "
                                   "expected ',' or ']', but got ':'): "
                                   "fix it, or write the metadata as 'Key: value' lines"),
        ("stories/unclosed-yaml.md", 1, "YAML front matter opened with '---' is never closed: "
                                        "end it with a line of '---' before the story"),
    ]),
}


def snapshot(folder: Path) -> dict:
    return {str(p.relative_to(folder)): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def good_site(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("good") / "output"
    assert build_site(output, content=BASIC)
    return output


@pytest.fixture(params=list(ROWS), ids=list(ROWS))
def row(request, tmp_path):
    root = tmp_path / "site" / "content"
    expected = ROWS[request.param](root)
    shown_root = shown(root)
    lines = [f"{shown_root}/{path}:{line}: {message.replace('{root}', shown_root)}" for path, line, message in expected]
    return root, lines


def test_strict_build_lists_every_mistake_and_leaves_the_site_alone(row, good_site, tmp_path, capfd):
    content, expected = row
    output = tmp_path / "output"
    shutil.copytree(good_site, output)
    before = snapshot(output)
    assert build_site(output, content=content) is False
    captured = capfd.readouterr()
    printed = captured.out + captured.err
    assert "Traceback" not in printed
    assert [line for line in printed.splitlines() if ".md:" in line] == expected
    assert f"build failed (exit 1): {output} left as it was" in printed
    assert snapshot(output) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output", "site"], "no half-written folder left"


def test_normal_build_writes_what_it_can_and_lists_the_mistakes_on_every_page(row, tmp_path, error_log):
    content, expected = row
    output = tmp_path / "out"
    build(content, output)
    assert [m for m in error_log if ".md:" in m] == expected
    home = soup(page(output, ""))
    listed = [" ".join(li.get_text().split()) for li in home.select(".build-problems li")]
    assert listed == [" ".join(line.split()) for line in expected]
    assert not (output / "stories" / "index.html").exists(), "nothing published at /stories//"


def test_a_story_that_is_not_utf8_still_builds_and_says_so(tmp_path):
    encodings(tmp_path / "content")
    build(tmp_path / "content", tmp_path / "out")
    latin = soup(page(tmp_path / "out", "stories/latin1/"))
    assert latin.h1.get_text() == "Latin-1"
    assert "latin1.md:5: the file is not UTF-8 text" in latin.select_one(".build-problems").get_text()
    assert soup(page(tmp_path / "out", "stories/bom/")).h1.get_text() == "With a byte order mark"


def test_a_misspelled_status_is_kept_out_of_production(tmp_path):
    content = MISTAKES / "status_typo" / "content"
    build(content, tmp_path / "dev")
    assert page(tmp_path / "dev", "drafts/typo-status/").exists()
    problems = soup(page(tmp_path / "dev", "stories/good/")).select(".build-problems a")
    assert [a["href"] for a in problems] == ["/drafts/typo-status/"]
    build(content, tmp_path / "prod", settings_file="publishconf.py")
    assert not list((tmp_path / "prod").rglob("*typo-status*"))
    assert not [p for p in (tmp_path / "prod").rglob("*.html") if soup(p).select(".build-problems")]


def test_the_site_keeps_its_own_pages_when_a_page_takes_their_url(tmp_path):
    build(MISTAKES / "site_urls" / "content", tmp_path / "out")
    assert soup(page(tmp_path / "out", "search/")).select("form[role=search], input[type=search]")
    assert soup(page(tmp_path / "out", "themes/")).h1.get_text() != "A page called themes"
    assert page(tmp_path / "out", "about/").exists()


def test_the_sites_own_urls_come_from_its_settings(tmp_path, error_log):
    content = tmp_path / "content"
    shutil.copytree(MISTAKES / "site_urls" / "content", content)
    (content / "pages" / "themes.md").unlink()
    (content / "pages" / "find.md").write_text("Title: Find\n\nText.\n")
    (content / "pages" / "tips.md").write_text("Title: Tips\n\nText.\n")
    types = {"takeaway": {"label": "Takeaway"}, "lesson": {"label": "Lesson"}, "tip": {"label": "Tip"}}
    build(content, tmp_path / "out", SEARCH_URL="find/", SEARCH_SAVE_AS="find/index.html", CALLOUTS_TYPES=types)
    assert [m.split("/pages/", 1)[1] for m in error_log if ".md:" in m] == [
        "find.md:1: its URL /find/ is one the site makes itself: rename the file or set another 'Slug:'",
        "our-lessons.md:2: its URL /lessons/ is one the site makes itself: rename the file or set another 'Slug:'",
        "tips.md:1: its URL /tips/ is one the site makes itself: rename the file or set another 'Slug:'",
    ]
    assert soup(page(tmp_path / "out", "search/")).h1.get_text() == "A page called search"


def test_yaml_front_matter_is_read_as_metadata(tmp_path, capfd):
    output = tmp_path / "output"
    assert build_site(output, content=MISTAKES / "yaml_front_matter" / "content")
    assert "Traceback" not in capfd.readouterr().err
    article = soup(page(output, "stories/yaml-story/"))
    assert article.h1.get_text() == "A story with YAML front matter: it works"
    assert [a.get_text() for a in article.select('ul[aria-label="Themes"] a')] == ["empathy", "follow-up"]
    assert [a.get_text() for a in article.select(".chips-company a")] == ["Lego", "Disney"]
    assert "2024" in article.select_one("time").get_text()
    assert "title:" not in article.select_one("main").get_text()


def test_a_future_date_schedules_the_story(tmp_path):
    content = MISTAKES / "future_date" / "content"
    dev = tmp_path / "dev"
    assert build_site(dev, content=content)
    banner = soup(page(dev, "drafts/next-launch/")).select_one(".draft-banner").get_text()
    assert banner.startswith("Scheduled for 6 May 2999")
    home = soup(page(dev, ""))
    assert [li.get_text(" ", strip=True) for li in home.select(".drafts li")] == [
        "A story dated in the future (scheduled for 6 May 2999)"]
    assert not page(dev, "stories/next-launch/").exists()
    assert "next-launch" not in (dev / "feeds" / "all.atom.xml").read_text()
    prod = tmp_path / "prod"
    build(content, prod, settings_file="publishconf.py")
    for path in prod.rglob("*"):
        if path.suffix in (".html", ".xml", ".json", ".txt"):
            assert "next-launch" not in path.read_text() and "dated in the future" not in path.read_text(), path


def test_production_pages_never_list_problems(tmp_path):
    build(FIXTURES / "bad_input" / "content", tmp_path / "prod", settings_file="publishconf.py")
    pages = list((tmp_path / "prod").rglob("*.html"))
    assert pages and not [p for p in pages if "build-problems" in p.read_text()]


# -- the content cache, concurrent and interrupted builds ------------------------

def test_a_damaged_content_cache_file_is_discarded_with_a_warning(tmp_path, caplog):
    cache = tmp_path / "cache"
    settings = {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True, "CACHE_PATH": str(cache)}
    build(BASIC, tmp_path / "out", **settings)
    [readers] = cache.rglob("ArticlesGenerator-Readers")
    whole = readers.read_bytes()
    for damaged, reason in ((b"", "it is empty"), (whole[: len(whole) // 2], "it was cut short"),
                            (b"not a pickle at all.", "it is not a pickle")):
        readers.write_bytes(damaged)
        caplog.clear()
        shutil.rmtree(tmp_path / "out")
        build(BASIC, tmp_path / "out", **settings)
        warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING" and "cache" in r.getMessage()]
        assert warnings == [f"content cache file {readers} is damaged ({reason}): discarded, "
                            "so this build reads every file again"]
        assert page(tmp_path / "out", "stories/the-letter/").exists()
        assert readers.read_bytes()[-1:] == b".", "saved whole again"
    assert not list(cache.rglob("*.tmp")), "no partial cache file left"


def build_in_process(output: Path, content: Path) -> subprocess.Popen:
    code = ("import sys; from pathlib import Path; from devkit.staging import build_site; "
            "sys.exit(0 if build_site(Path(sys.argv[2]), content=Path(sys.argv[3])) else 1)")
    return subprocess.Popen([sys.executable, "-c", code, str(ROOT), str(output), str(content)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def test_builds_started_together_all_succeed_one_after_another(tmp_path):
    output = tmp_path / "output"
    builds = [build_in_process(output, BASIC) for _ in range(3)]
    results = [(b.wait(timeout=300), b.stdout.read()) for b in builds]
    assert [code for code, _ in results] == [0, 0, 0], results
    assert not any("Traceback" in text for _, text in results)
    assert any("another build is running" in text for _, text in results)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output"]
    assert page(output, "stories/the-letter/").exists()


def test_a_build_stopped_with_sigterm_leaves_no_folder_behind(tmp_path, good_site):
    import signal
    import time

    output = tmp_path / "output"
    shutil.copytree(good_site, output)
    before = snapshot(output)
    running = build_in_process(output, ROOT / "content")
    staging = output.with_name(f"output.building-{running.pid}")
    deadline = time.monotonic() + 120
    while not staging.exists() and running.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert staging.exists(), "the build writes into its own folder"
    running.send_signal(signal.SIGTERM)
    running.wait(timeout=60)
    printed = running.stdout.read()
    assert "Traceback" not in printed and f"build stopped: {output} left as it was" in printed
    assert running.returncode == 130
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output"]
    assert snapshot(output) == before


def test_a_folder_left_by_a_killed_build_is_removed_by_the_next(tmp_path, capfd):
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(gone.stdout)
    output = tmp_path / "output"
    left = output.with_name(f"output.building-{dead_pid}")
    (left / "stories").mkdir(parents=True)
    (left / "stories" / "half.html").write_text("<p>half")
    assert build_site(output, content=BASIC)
    assert f"removing output.building-{dead_pid}" in capfd.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output"]


# -- make serve -----------------------------------------------------------------

def test_serve_on_a_busy_port_says_so_in_one_line(tmp_path):
    import socket

    with socket.create_server(("127.0.0.1", 0)) as busy:
        port = busy.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "invoke", "serve", "--port", str(port)],
                                cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"cannot serve on http://127.0.0.1:{port}: it is in use (another make serve?); try make serve PORT={port + 1}"]
    assert not (tmp_path / "output").exists()


def run_with_terminal(args) -> str:
    """Run a command with a pseudo-terminal as its stdout and stderr; what it printed."""
    import pty

    leader, follower = pty.openpty()
    process = subprocess.Popen(args, stdout=follower, stderr=follower, cwd=ROOT)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed: the command is done
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=120)
    os.close(leader)
    return b"".join(chunks).decode("utf-8", "replace")


def test_progress_is_shown_on_a_terminal_only(tmp_path):
    command = [sys.executable, "-m", "pelican", str(BASIC), "-s", str(ROOT / "pelicanconf.py"),
               "-o", str(tmp_path / "out"), "--log-handler", "plain",
               "-e", "CACHE_CONTENT=false", "LOAD_CONTENT_CACHE=false"]
    on_terminal = run_with_terminal(command)
    assert "reading" in on_terminal and "4/4" in on_terminal  # three stories and a page
    assert "writing" in on_terminal
    assert "reading" not in run_with_terminal([*command, "-q"])
    logged = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert "reading" not in logged.stdout + logged.stderr


def test_serve_shows_the_builds_mistakes_on_the_page_until_they_are_fixed(tmp_path, page):
    import socket
    import time
    import urllib.request

    content = tmp_path / "content"
    shutil.copytree(BASIC, content)
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    # tasks.py as `invoke serve` runs it, with this test's content and output folders
    code = ("import runpy, sys; from pathlib import Path; serve = runpy.run_path(sys.argv[1] + '/tasks.py')['serve']; "
            "serve.body.__globals__.update(CONTENT=Path(sys.argv[2]), OUTPUT=Path(sys.argv[3])); "
            "serve.body(None, port=int(sys.argv[4]))")
    server = subprocess.Popen([sys.executable, "-c", code, str(ROOT), str(content), str(tmp_path / "output"),
                               str(port)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/stories/greeting-at-the-door/"

    def wait_until(condition, what):
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                page.goto(url)
                if condition():
                    return
            except Exception:  # the server is starting or swapping in a build
                pass
            time.sleep(0.3)
        pytest.fail(f"gave up waiting: {what}")

    try:
        wait_until(lambda: page.locator("h1").count() == 1, "the site is served")
        assert page.locator(".build-problems").count() == 0
        story = content / "stories" / "the-letter.md"
        story.write_text(GOOD_STORY.replace("[!lesson]", "[!lesnon]"))
        wait_until(lambda: page.locator(".build-problems").count() == 1, "the mistake is listed")
        item = page.locator(".build-problems li")
        assert " ".join(item.inner_text().split()) == (
            f"{story}:10: unknown callout type 'lesnon' (did you mean 'lesson'? known: lesson, takeaway)")
        item.locator("a").click()
        page.wait_for_url(f"http://127.0.0.1:{port}/stories/the-letter/")
        story.write_text(GOOD_STORY)
        wait_until(lambda: page.locator(".build-problems").count() == 0 and page.locator("h1").count() == 1,
                   "the list is gone after the fix")
    finally:
        server.terminate()
        server.wait(timeout=30)
    with pytest.raises(OSError):
        urllib.request.urlopen(url, timeout=2)
