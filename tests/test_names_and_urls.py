"""Names that make URLs (themes, companies, categories, authors, slugs) and files
the build would pass over: each mistake is `path:line`, the story is still built
where its name says, and no page takes the URL of the site's own lists."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from xml.etree import ElementTree

import pytest
from helpers import ROOT, build, page, soup


def write(folder, name, text):
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


@pytest.fixture
def content(tmp_path):
    folder = tmp_path / "content"
    write(folder, "stories/labels.md", """
        Title: Labels without letters
        Date: 2025-03-01
        Tags: empathy, !!!, ---
        Companies: Acme, ???
        Category: ...
        Author: ***
        Summary: A story whose theme and company lists hold names that make no URL.

        Body text.

        > [!takeaway] Keep the named themes
        > The others are reported.
        """)
    write(folder, "stories/spaced.md", """
        Title: A slug with spaces
        Date: 2025-03-02
        Slug: my story?
        Tags: empathy
        Summary: Its slug cannot be a URL as written.

        Body text.
        """)
    write(folder, "stories/Shouting.MD", """
        Title: An upper-case extension
        Date: 2025-03-03
        Tags: empathy

        Pelican would pass over this file without a word.
        """)
    write(folder, "stories/plain.md", """
        Title: Why <b> tags & "quotes" stay text
        Date: 2025-03-04
        Tags: empathy
        Summary: A title with characters that look like markup.

        Body text.
        """)
    return folder


def test_names_that_make_no_url_are_reported_and_left_out(content, tmp_path, error_log):
    out = tmp_path / "out"
    build(content, out)
    expected = [
        "stories/labels.md:3: theme '!!!' has no letter or digit to make its page's URL from",
        "stories/labels.md:3: theme '---' has no letter or digit",
        "stories/labels.md:4: company '???' has no letter or digit",
        "stories/labels.md:5: category '...' has no letter or digit",
        "stories/labels.md:6: author '***' has no letter or digit",
        "stories/spaced.md:3: Slug 'my story?' cannot be part of a URL as written",
        "stories/Shouting.MD:1: not built: Pelican reads '.md' files",
    ]
    for message in expected:
        assert any(message in logged for logged in error_log), (message, error_log)
    # the stories are built, with the names that make URLs
    assert page(out, "stories/labels/").exists()
    assert page(out, "stories/my-story/").exists()
    assert page(out, "companies/acme/").exists()
    assert "Keep the named themes" in page(out, "takeaways/empathy/").read_text()
    # no page at an empty or dash-only slug: the lists of themes and companies are the site's own
    assert not (out / "themes" / "-").exists()
    assert "Labels without letters" in page(out, "themes/empathy/").read_text()


def test_strict_build_lists_them_without_a_traceback(content, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "pelican", str(content), "-s", str(ROOT / "pelicanconf.py"),
         "-o", str(tmp_path / "out"), "--fatal", "errors", "--log-handler", "plain",
         "-e", "CACHE_CONTENT=false", "LOAD_CONTENT_CACHE=false"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 1
    assert "Traceback" not in output
    assert "labels.md:3: theme '!!!'" in output
    assert "Shouting.MD:1: not built" in output


def test_feed_titles_are_the_titles_as_written(content, tmp_path):
    out = tmp_path / "out"
    build(content, out)
    feed = ElementTree.parse(out / "feeds" / "all.atom.xml")
    titles = [e.text for e in feed.iter("{http://www.w3.org/2005/Atom}title")]
    story_title = soup(page(out, "stories/plain/")).select_one("h1").get_text()
    assert story_title in titles, (story_title, titles)
    assert any("<b> tags &" in t for t in titles if t)


def test_a_hidden_story_is_left_out_of_the_search_index(tmp_path):
    folder = tmp_path / "content"
    write(folder, "stories/listed.md", """
        Title: Listed
        Date: 2025-03-01
        Tags: empathy

        Body.
        """)
    write(folder, "stories/unlisted.md", """
        Title: Unlisted
        Date: 2025-03-02
        Status: hidden
        Tags: empathy

        Body.
        """)
    out = tmp_path / "out"
    build(folder, out, SITE_SEARCH_INDEX=False)
    assert soup(page(out, "stories/listed/")).select("article[data-pagefind-body]")
    hidden = soup(page(out, "stories/unlisted/"))
    assert hidden.select("article.story") and not hidden.select("[data-pagefind-body]")
