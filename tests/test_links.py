"""Every link of a story is checked once everything is read: `path:line: message`
at error level, with the content cache or without, and no page, listing or feed
holds a `{filename}...` placeholder or a link to a page that is not published."""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import FIXTURES, ROOT, build, page, soup

from checks.site import broken_links

LINKS = FIXTURES / "links" / "content"
STORY = "stories/linker.md"
EVERY_BUILD = [
    (5, "broken internal link {filename}nope.md: no such file"),
    (10, "link {filename}skipped.md leads to a file this site does not build (it has 'Status: skip'): "
         "remove the link, or build the file"),
    (12, "link {category}nope leads nowhere: no published story has the category 'nope'"),
    (12, "link {tag}empathie leads nowhere: no published story has the tag 'empathie' (did you mean {tag}empathy?)"),
    (12, "unknown link placeholder {filenam} in {filenam}target.md (did you mean {filename}? known: {filename}, "
         "{static}, {attach}, {tag}, {category}, {author}, {index}): fix its spelling"),
    (14, "broken link images/gone.png: no such file in {root}/ (a relative link is looked up from there, "
         "then next to the story): fix the path"),
    (14, "broken link not-here.md: no such file in {root}/ (a relative link is looked up from there, "
         "then next to the story): fix the path"),
]
UNPUBLISHED = [("draft.md", "a draft ('Status: draft')"), ("hidden.md", "a hidden story ('Status: hidden')"),
               ("later.md", "a story scheduled for 2999-05-06")]
PRODUCTION_ONLY = [(10, f"link {{filename}}{name} leads to {what}, which this build does not publish: "
                        "remove the link, or publish that story first") for name, what in UNPUBLISHED]
DEVELOPMENT_WARNINGS = [(10, f"link {{filename}}{name} leads to {what}: production builds do not publish it, "
                             "so the link will be broken there") for name, what in UNPUBLISHED]
# a placeholder left in a link, in a page or escaped in a feed (the text of a
# code block, or of the problems a development page lists, may name one)
PLACEHOLDER_RE = re.compile(r"""(?:href|src|poster)\s*=\s*(?:["']|&quot;|&#34;|&#x22;)?[{|]\w*[|}]""")


def shown(content: Path) -> str:
    relative = str(content.relative_to(ROOT)) if content.is_relative_to(ROOT) else str(content)
    return relative


def lines(content: Path, expected, story=STORY):
    root = shown(content)
    return sorted(f"{root}/{story}:{line}: {message.replace('{root}', root)}" for line, message in expected)


def mistakes(log):
    return sorted(m for m in log if ".md:" in m)


def placeholders_left(output: Path) -> list[str]:
    found = []
    for path in output.rglob("*"):
        if path.suffix in (".html", ".xml", ".json") and PLACEHOLDER_RE.search(path.read_text()):
            found.append(str(path.relative_to(output)))
    return found


def test_production_reports_every_broken_link_on_its_line_and_publishes_none(tmp_path, error_log):
    out = tmp_path / "prod"
    build(LINKS, out, settings_file="publishconf.py")
    assert mistakes(error_log) == lines(LINKS, EVERY_BUILD + PRODUCTION_ONLY)
    assert placeholders_left(out) == []
    story = soup(page(out, "stories/linker/"))
    body = story.select_one(".article-body") or story
    hrefs = [a.get("href") for a in body.select("a")]
    assert not [h for h in hrefs if h and re.search(r"draft|hidden|later|skipped|nope|themes/empathie", h)]
    # the text of a link taken out stays; good links resolve
    assert {"draft", "future", "hidden", "skip", "t", "c", "b"} <= {a.get_text() for a in body.select("a:not([href])")}
    assert "https://casebook.example.org/stories/target/#still-here" in hrefs
    assert "https://casebook.example.org/themes/empathy/" in hrefs
    assert story.select_one('img[alt="a picture"]')["src"] == "https://casebook.example.org/images/pic.png"


def test_development_warns_of_links_to_stories_production_leaves_out(tmp_path, error_log, caplog):
    out = tmp_path / "dev"
    build(LINKS, out)
    assert mistakes(error_log) == lines(LINKS, EVERY_BUILD)
    warned = sorted(r.getMessage() for r in caplog.records if r.levelno == logging.WARNING and ".md:" in r.getMessage())
    assert warned == lines(LINKS, DEVELOPMENT_WARNINGS)
    assert [a["href"] for a in soup(page(out, "stories/linker/")).select("a") if a.get_text() == "draft"] == [
        "/drafts/draft/"]
    problems = soup(page(out, "stories/target/")).select_one(".build-problems")
    assert problems is not None and placeholders_left(out) == []
    assert not [r for r in caplog.records if "Unable to find" in r.getMessage() or "not recognized" in r.getMessage()]


def test_strict_production_build_fails_on_broken_links_without_a_traceback(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "pelican", str(LINKS), "-s", str(ROOT / "publishconf.py"), "-o", str(tmp_path / "out"),
         "--fatal", "errors", "--log-handler", "plain", "-e", "CACHE_CONTENT=false", "LOAD_CONTENT_CACHE=false"],
        cwd=ROOT, capture_output=True, text=True, timeout=180)
    output = result.stdout + result.stderr
    assert result.returncode == 1
    assert "Traceback" not in output
    assert sorted(line for line in output.splitlines() if ".md:" in line) == lines(LINKS, EVERY_BUILD + PRODUCTION_ONLY)


GONE = [
    (7, "broken internal link {filename}target.md#still-here: no such file"),
    (7, "broken internal link {filename}target.md: no such file"),
    (8, "broken internal link {static}/images/pic.png: no such file"),
    (8, "broken link ../images/pic.png: no such file in {root}/ (a relative link is looked up from there, "
        "then next to the story): fix the path"),
]


def test_the_content_cache_reports_what_a_build_without_it_reports(tmp_path, caplog):
    content = tmp_path / "content"
    shutil.copytree(LINKS, content)
    cached = {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True, "CACHE_PATH": str(tmp_path / "cache")}

    def errors(**settings):
        caplog.clear()
        out = tmp_path / "out"
        shutil.rmtree(out, ignore_errors=True)
        build(content, out, **settings)  # a traceback fails the test
        assert placeholders_left(out) == [], settings
        return mistakes(r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR)

    assert errors(**cached) == errors() == lines(content, EVERY_BUILD)
    assert errors(**cached) == lines(content, EVERY_BUILD), "read from the cache"
    (content / "images" / "pic.png").unlink()
    (content / "stories" / "target.md").unlink()
    expected = lines(content, EVERY_BUILD + GONE)
    assert errors(**cached) == expected, "the cached story's links are checked against the files of this build"
    assert errors() == expected
    shutil.copy(LINKS / "images" / "pic.png", content / "images" / "pic.png")
    shutil.copy(LINKS / "stories" / "target.md", content / "stories" / "target.md")
    assert errors(**cached) == lines(content, EVERY_BUILD)
    img = soup(page(tmp_path / "out", "stories/linker/")).select('img[alt="the same"]')
    assert [i["src"] for i in img] == ["/images/pic.png"]


def test_a_relative_link_to_a_file_added_later_resolves_from_the_cache(tmp_path):
    content = tmp_path / "content"
    (content / "stories").mkdir(parents=True)
    (content / "stories" / "a.md").write_text("Title: A\nDate: 2024-03-01\n\n![pic](../images/new.png)\n")
    cached = {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True, "CACHE_PATH": str(tmp_path / "cache")}
    build(content, tmp_path / "out", **cached)
    (content / "images").mkdir()
    shutil.copy(LINKS / "images" / "pic.png", content / "images" / "new.png")
    build(content, tmp_path / "out2", **cached)
    assert soup(page(tmp_path / "out2", "stories/a/")).img["src"] == "/images/new.png"
    assert (tmp_path / "out2" / "images" / "new.png").exists()


def test_a_nested_callout_leaves_no_placeholder(tmp_path, caplog):
    out = tmp_path / "out"
    build(FIXTURES / "bad_input" / "content", out)
    assert [p for p in placeholders_left(out) if "_callouts" in (out / p).read_text()] == []
    assert not [r for r in caplog.records if "Unable to find" in r.getMessage()]


@pytest.mark.parametrize("settings_file", ["pelicanconf.py", "publishconf.py"])
def test_the_site_check_finds_the_dead_relative_links(tmp_path, settings_file):
    out = tmp_path / "out"
    build(LINKS, out, settings_file=settings_file)
    found = broken_links(out)
    assert any("not-here.md leads nowhere" in f for f in found)
    assert any("images/gone.png leads nowhere" in f for f in found)


def test_links_of_rest_and_html_stories_are_checked_as_markdown_ones(tmp_path, error_log):
    content = tmp_path / "content"
    (content / "stories").mkdir(parents=True)
    (content / "stories" / "target.md").write_text("Title: Target\nDate: 2025-01-01\nTags: empathy\n\nHere.\n")
    (content / "stories" / "rest.rst").write_text(
        "A reST story\n############\n\n:date: 2025-02-03\n:tags: empathy\n\n"
        "See `the target <{filename}target.md>`_ and `nothing <{filename}nope.md>`_.\n")
    (content / "stories" / "page.html").write_text(
        '<html><head><title>An HTML story</title><meta name="date" content="2025-02-04">'
        '<meta name="tags" content="empathy"></head>\n<body>\n<p>See <a href="{filename}gone.md">gone</a>.</p>\n'
        "</body></html>\n")
    out = tmp_path / "out"
    build(content, out, SITE_SEARCH_INDEX=False)
    found = mistakes(error_log)
    assert any(m.endswith("stories/rest.rst:7: broken internal link {filename}nope.md: no such file") for m in found), \
        error_log
    assert any(m.endswith("stories/page.html:3: broken internal link {filename}gone.md: no such file")
               for m in found), error_log
    assert placeholders_left(out) == []
    assert soup(page(out, "stories/rest/")).select_one('a[href$="/stories/target/"]')
