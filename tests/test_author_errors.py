"""Authors' mistakes: `path:line: message` at error level; strict builds fail cleanly."""

from __future__ import annotations

import subprocess
import sys

import pytest
from helpers import FIXTURES, ROOT, build, page, soup

BAD = FIXTURES / "bad_input" / "content"
EXPECTED = [
    "bad-callouts.md:9: unknown callout type 'takaway' (did you mean 'takeaway'? known: lesson, takeaway)",
    "bad-callouts.md:12: lesson callout has no title: write it after [!lesson]",
    "bad-callouts.md:15: takeaway callout 'Nothing inside' has an empty body",
    "bad-callouts.md:20: duplicate callout id 'same' (already used on line 17)",
    "bad-callouts.md:25: lesson callout 'Nested in a list' is nested inside a list or quote and cannot be indexed",
    "bad-callouts.md:28: broken internal link {filename}no-such-story.md: no such file",
    "bad-date.md:2: Date '2013-02-30' is not a real date: use YYYY-MM-DD",
    "no-title.md:1: missing 'Title:' in the metadata header",
]


# read in the build's process, and by worker processes (as large sites are)
READING = {"in process": {"CASEBOOK_READ_WORKERS": 1},
           "by workers": {"CASEBOOK_READ_WORKERS": 2, "CASEBOOK_PARALLEL_READ_MIN": 0}}


@pytest.mark.parametrize("reading", READING.values(), ids=READING.keys())
def test_normal_build_reports_each_mistake_and_still_renders_every_page(tmp_path, error_log, reading):
    build(BAD, tmp_path / "out", **reading)
    for expected in EXPECTED:
        assert any(expected in message for message in error_log), expected
    assert all("stories/" in m for m in error_log if ".md:" in m)
    # nothing is lost: each article is still on the site
    assert page(tmp_path / "out", "stories/bad-callouts/").exists()
    assert page(tmp_path / "out", "stories/bad-date/").exists()
    assert page(tmp_path / "out", "stories/no-title/").exists()
    document = soup(page(tmp_path / "out", "stories/bad-callouts/"))
    assert len(document.select("aside.callout")) == 6


@pytest.mark.parametrize("reading", READING.values(), ids=READING.keys())
def test_strict_build_fails_with_every_message_and_no_traceback(tmp_path, reading):
    result = subprocess.run(
        [sys.executable, "-m", "pelican", str(BAD), "-s", str(ROOT / "pelicanconf.py"),
         "-o", str(tmp_path / "out"), "--fatal", "errors", "--log-handler", "plain",
         "-e", *(f"{k}={v}" for k, v in reading.items())],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 1
    assert "Traceback" not in output
    for expected in EXPECTED:
        assert f"tests/fixtures/bad_input/content/stories/{expected}" in output, expected


def test_failed_build_keeps_the_last_good_site(tmp_path):
    from devkit.staging import build_site

    output = tmp_path / "output"
    assert build_site(output, content=FIXTURES / "basic" / "content")
    good = (output / "index.html").read_text()
    assert not build_site(output, content=BAD)
    assert (output / "index.html").read_text() == good
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output"], "no half-written folder left"


HOSTILE_TITLE = '<img src=x onerror="window.__xss=1"> & "quotes" <b>bold</b>'
def plain_quotes(text):
    """Typography (smarty in callout titles, smartypants in story titles) curls quotes."""
    return text.replace("\u201c", '"').replace("\u201d", '"').replace("\u2019", "'")


HOSTILE_CALLOUT = 'Use <script>window.__xss=3</script> & "quotes" <img src=x onerror="window.__xss=4">'


def test_no_page_carries_injected_markup(hostile_site):
    for path in hostile_site.rglob("*.html"):
        document = soup(path)
        assert not document.select("img[onerror], b, i"), path
        assert not [s for s in document.select("script") if "__xss" in (s.string or "")], path


def test_hostile_strings_read_as_written_on_every_page(hostile_site):
    article = soup(page(hostile_site, "stories/hostile/"))
    assert plain_quotes(article.h1.get_text()) == HOSTILE_TITLE
    assert plain_quotes(article.title.get_text()).startswith(HOSTILE_TITLE)
    assert [a.get_text() for a in article.select('ul[aria-label="Themes"] a')] == [
        "<script>window.__xss=2</script>", "a & b"
    ]
    assert article.select_one(".chips-company a").get_text() == "Ben & Jerry's <i>Inc</i>"
    assert plain_quotes(article.select_one("aside.callout-takeaway h2").get_text()) == HOSTILE_CALLOUT
    index = soup(page(hostile_site, "takeaways/"))
    assert HOSTILE_CALLOUT in [plain_quotes(a.get_text()) for a in index.select(".summaries .entries a")]
    assert "<script>window.__xss=2</script>" in [a.get_text() for a in index.select("nav.toc a")]
    # the callout's canonical entry, on its first theme's page, and the grid's theme and company
    canonical = article.select_one("aside.callout-takeaway a.callout-index")["href"]
    entry = soup(page(hostile_site, canonical.split("#")[0].lstrip("/"))).find(id=canonical.split("#")[1])
    assert plain_quotes(entry.select_one(".entry-title a").get_text()) == HOSTILE_CALLOUT
    grid = soup(page(hostile_site, "themes/")).select_one("table.callout-grid")
    assert "Ben & Jerry's <i>Inc</i>" in [th.get_text() for th in grid.select("thead th")]
    neighbour = soup(page(hostile_site, "stories/plain/"))
    assert plain_quotes(neighbour.select_one("#related-stories + ul a").get_text()) == HOSTILE_TITLE


def test_hostile_strings_survive_json_and_feed_as_text(hostile_site):
    import json

    import feedparser

    data = json.loads((hostile_site / "callouts.json").read_text())
    titles = {plain_quotes(c["title"]) for c in data["callouts"]}
    assert HOSTILE_CALLOUT in titles
    assert {plain_quotes(c["article"]["title"]) for c in data["callouts"]} >= {HOSTILE_TITLE}
    raw = (hostile_site / "feeds" / "callouts.atom.xml").read_text()
    assert "<script>" not in raw and "<img" not in raw
    feed = feedparser.parse(raw)
    assert not feed.bozo
    assert "Takeaway: " + HOSTILE_CALLOUT in {plain_quotes(e.title) for e in feed.entries}


def test_new_post_scaffold_builds_as_a_draft_and_never_overwrites(tmp_path, error_log):
    from devkit import scaffold

    (tmp_path / "content" / "stories").mkdir(parents=True)
    path = scaffold.new_post(tmp_path / "content", "Lego answers Luka", companies="Lego", tags="empathy, follow-up")
    assert path == tmp_path / "content" / "stories" / "lego-answers-luka.md"
    text = path.read_text()
    assert "Companies: Lego" in text and "Tags: empathy, follow-up" in text
    assert "> [!takeaway]" in text and "> [!lesson]" in text
    with pytest.raises(scaffold.ScaffoldError, match="already exists"):
        scaffold.new_post(tmp_path / "content", "Lego answers Luka")
    assert path.read_text() == text
    build(tmp_path / "content", tmp_path / "out")
    assert error_log == []
    draft = soup(page(tmp_path / "out", "drafts/lego-answers-luka/"))
    assert "Draft" in draft.select_one(".draft-banner").get_text()
    home = soup(page(tmp_path / "out", ""))
    assert [a["href"] for a in home.select(".drafts a")] == ["/drafts/lego-answers-luka/"]
    build(tmp_path / "content", tmp_path / "published", settings_file="publishconf.py")
    assert not (tmp_path / "published" / "drafts").exists()
    assert not soup(page(tmp_path / "published", "")).select(".drafts")
