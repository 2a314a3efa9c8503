"""Reading a story (#20): contents list, heading anchors, typographic titles,
updated date and edit link, 404 and search start content, Open Graph images.

Build tier: real Pelican builds of the fixtures and of content/, read with
BeautifulSoup. The browser tier is tests/test_reading_browser.py.
"""

from __future__ import annotations

import json
import shutil

import feedparser
import pytest
from casebook.headings import contents
from casebook.typography import typographic
from helpers import FIXTURES, ROOT, build, page, soup
from PIL import Image


def story_pages(output):
    return sorted((output / "stories").glob("*/index.html"))


def body_headings(document):
    """(id, text, callout type or "") of the story body's headings, in page order."""
    found = []
    for h in document.select(".story-body :is(h2, h3)[id]"):
        aside = h.find_parent("aside", class_="callout")
        if aside is not None and "callout-title" not in h.get("class", []):
            continue  # a heading inside a callout's body
        kind = aside["data-callout"] if aside is not None else ""
        for extra in h.select(".heading-anchor"):
            extra.extract()
        found.append((h["id"], h.get_text(" ", strip=True), kind))
    return found


# -- contents ------------------------------------------------------------------
def test_contents_list_follows_every_storys_headings_and_callouts(real_site):
    with_contents = 0
    for path in story_pages(real_site):
        document = soup(path)
        headings = body_headings(document)
        side = document.select_one("nav.contents-side")
        inline = document.select_one("details.contents-inline")
        if len(headings) < 3:
            assert side is None and inline is None, path
            continue
        with_contents += 1
        for nav in (side, inline):
            items = nav.select(".contents-list li")
            assert [li.a["href"] for li in items] == [f"#{i}" for i, _, _ in headings], path
            for li, (_, text, kind) in zip(items, headings, strict=True):
                badge = li.select_one(".callout-badge")
                if kind:
                    assert badge is not None and badge.get_text() in ("Takeaway", "Lesson"), (path, text)
                    badge.extract()
                else:
                    assert badge is None
                assert li.get_text(" ", strip=True) == text, path
        assert inline.find_parent("article") is not None and "open" not in inline.attrs
        # the side list comes right after the story's header in the page (keyboard order),
        # before its text; it is no part of the story for search
        header = document.select_one("article.story > header.story-head")
        following = [t for t in header.find_next_siblings() if t.name not in ("span",)]
        assert side.find_parent("div", class_="contents-rail") is following[0], path
        assert following[1] is inline and following[2]["class"] == ["story-body"], path
        assert side.get("data-pagefind-ignore") == "all"
    assert with_contents >= 3


def test_contents_data_is_in_page_order_and_plain_text():
    class C:
        def __init__(self, id, title, type):
            self.id, self.title, self.type = id, title, type

    deeper = {"level": 4, "id": "c", "name": "Deeper", "children": []}
    tokens = [{"level": 2, "id": "a", "name": "A &amp; B", "children": [
        {"level": 3, "id": "b", "name": "Deep", "children": [deeper]}]}]
    html = '<h2 id="a"></h2><aside><h2 id="t"></h2></aside><h3 id="b"></h3><h4 id="c"></h4>'
    assert contents(tokens, [C("t", "Take <this>", "takeaway"), C("gone", "x", "lesson")], html) == (
        (2, "a", "A & B", ""), (2, "t", "Take <this>", "takeaway"), (3, "b", "Deep", ""))


def test_each_body_heading_links_to_itself(real_site):
    count = 0
    for path in story_pages(real_site):
        for h in soup(path).select(".story-body > :is(h2, h3, h4)[id]"):
            anchor = h.select_one("a.heading-anchor")
            assert anchor is not None and anchor["href"] == f"#{h['id']}", path
            assert anchor.get_text(strip=True).endswith("Link to this section")
            count += 1
    assert count > 20


# -- typography ----------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ('"My pleasure": Chick-fil-A', "\u201cMy pleasure\u201d: Chick-fil-A"),
    ("Disney's lamp -- tipped", "Disney\u2019s lamp \u2014 tipped"),
    ("<b>bold</b> 'quoted'", "<b>bold</b> \u2018quoted\u2019"),
])
def test_titles_become_typographic_text(text, expected):
    assert typographic(text) == expected


def test_titles_are_typographic_everywhere_and_stay_plain_text(real_site):
    url = "stories/chick-fil-a-my-pleasure/"
    title = "\u201cMy pleasure\u201d: Chick-fil-A and the difference between service and experience"
    document = soup(page(real_site, url))
    assert document.h1.get_text() == title
    assert document.title.get_text().startswith(title)
    assert document.select_one('meta[property="og:title"]')["content"].startswith(title)
    assert title in [a.get_text() for a in soup(page(real_site, "archives/")).select(".archive a")]
    assert title in [a.get_text() for a in soup(page(real_site, "themes/consistency/")).select(".card-title a")]
    feed = feedparser.parse(str(real_site / "feeds" / "all.atom.xml"))
    assert title in [e.title for e in feed.entries]
    exported = json.loads((real_site / "callouts.json").read_text())
    titles = {c["article"]["title"] for c in exported["callouts"]}
    assert title in titles
    assert not any("&#" in t or "&rsquo;" in t or '"' in t for t in titles), "plain text, curly quotes"


def test_hostile_titles_stay_escaped_text(hostile_site, tmp_path):
    path = next((hostile_site / "stories").glob("hostile/index.html"))
    document = soup(path)
    h1 = document.h1
    assert h1.find("img") is None and h1.find("b") is None
    assert "<img src=x onerror=" in h1.get_text() and "\u201cquotes\u201d" in h1.get_text()
    assert not [s for s in document.select("script") if "__xss" in s.get_text()]
    assert not document.select("img[onerror]")
    og_title = document.select_one('meta[property="og:title"]')["content"]
    assert "<img" in og_title  # the attribute holds the text as written, escaped in the file
    assert "&lt;img" in path.read_text() and 'onerror="window.__xss=1">' not in path.read_text()
    # the production build's card names the title in its alt text, as written and escaped
    published = tmp_path / "published"
    build(FIXTURES / "hostile_input" / "content", published, settings_file="publishconf.py", CASEBOOK_MINIFY=False)
    path = published / "stories" / "hostile" / "index.html"
    alt = soup(path).select_one('meta[property="og:image:alt"]')["content"]
    assert "<img" in alt and "&lt;img" in path.read_text() and 'onerror="window.__xss=1">' not in path.read_text()


# -- updated date, edit link ---------------------------------------------------
def test_updated_date_only_when_written_and_edit_link_from_setting(tmp_path):
    output = tmp_path / "output"
    build(FIXTURES / "basic" / "content", output, REPOSITORY_EDIT_URL="https://example.org/repo/edit/main/content/")
    greeting = soup(page(output, "stories/greeting-at-the-door/"))
    updated = [t for t in greeting.select(".story-head .meta time")
               if t.find_previous(string=True).strip().endswith("Updated")]
    assert [t["datetime"][:10] for t in updated] == ["2024-06-20"]
    assert "Updated 20 June 2024" in greeting.select_one(".story-head .meta").get_text(" ", strip=True)
    letter = soup(page(output, "stories/the-letter/"))
    assert "Updated" not in letter.select_one(".story-head .meta").get_text()
    edit = letter.select_one(".edit-link a")
    assert edit["href"] == "https://example.org/repo/edit/main/content/stories/the-letter.md"
    assert edit.get_text() == "Edit this story"


def test_no_edit_link_when_the_setting_is_unset(basic_site):
    assert soup(page(basic_site, "stories/the-letter/")).select(".edit-link") == []


# -- 404 and the search page's start -----------------------------------------
@pytest.mark.parametrize("url, box", [("404.html", True), ("search/", False)])
def test_404_and_search_pages_offer_search_themes_and_newest_stories(real_site, url, box):
    document = soup(page(real_site, url))
    main = document.main
    forms = main.select('form[role="search"]')
    assert forms and all(f.get("action", "/search/") == "/search/" for f in forms)
    assert bool(main.select_one("#start-q")) == box
    # as written in the chips; capitalised where the themes page starts a heading with them
    themes = {a.get_text().lower() for a in main.select('[aria-labelledby="start-themes"] a')}
    all_themes = {a.get_text(strip=True).lower() for a in soup(page(real_site, "themes/")).select(".way strong")}
    assert themes == all_themes
    newest = [a["href"] for a in main.select('[aria-labelledby="start-newest"] .archive a')]
    by_date = sorted(story_pages(real_site), key=lambda p: soup(p).select_one(".story-head time")["datetime"],
                     reverse=True)
    assert newest == ["/" + p.parent.relative_to(real_site).as_posix() + "/" for p in by_date[:5]]


# -- Open Graph images ---------------------------------------------------------
def test_every_published_story_has_an_open_graph_image_of_its_stated_size(tmp_path):
    site = "https://casebook.example.org"
    published = tmp_path / "published"
    build(ROOT / "content", published, settings_file="publishconf.py", SITEURL=site, FEED_DOMAIN=site,
          CASEBOOK_MINIFY=False)
    pages = story_pages(published)
    for path in pages:
        document = soup(path)
        meta = {m["property"]: m["content"] for m in document.select("meta[property^='og:image']")}
        assert meta["og:image"].startswith(site + "/og/"), "Open Graph wants an absolute URL"
        image = published / meta["og:image"].removeprefix(site + "/")
        with Image.open(image) as png:
            assert png.format == "PNG"
            assert png.size == (int(meta["og:image:width"]), int(meta["og:image:height"])) == (1200, 630)
            assert len(png.convert("L").getcolors(maxcolors=1 << 16)) > 10, "something is drawn on it"
        assert document.h1.get_text() in meta["og:image:alt"]
    assert len(list((published / "og").glob("*.png"))) == len(pages)


def test_open_graph_images_are_drawn_again_only_for_changed_stories(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "basic" / "content", content)
    output, cache = tmp_path / "output", tmp_path / "cache"
    settings = dict(CACHE_CONTENT=True, LOAD_CONTENT_CACHE=True, CACHE_PATH=str(cache), CASEBOOK_OG_IMAGES=True)

    def cached():
        return {p.name: p.stat().st_mtime_ns for p in cache.rglob("og/*.png")}

    build(content, output, **settings)
    first = cached()
    assert len(first) == 3
    images = {p.name: p.read_bytes() for p in (output / "og").glob("*.png")}
    build(content, output, **settings)
    assert cached() == first, "nothing redrawn"
    assert {p.name: p.read_bytes() for p in (output / "og").glob("*.png")} == images
    story = content / "stories" / "the-letter.md"
    story.write_text(story.read_text().replace("Title: The letter from Luka", "Title: The long letter from Luka"))
    build(content, output, **settings)
    after = cached()
    assert len(after) == 4 and all(after[name] == first[name] for name in first), "one new drawing"
    assert (output / "og" / "the-letter.png").read_bytes() != images["the-letter.png"]
    assert (output / "og" / "greeting-at-the-door.png").read_bytes() == images["greeting-at-the-door.png"]


def test_a_development_build_draws_no_open_graph_image(basic_site):
    """Its og:image could only be a relative URL, which Open Graph does not accept."""
    assert not (basic_site / "og").exists()
    assert soup(page(basic_site, "stories/the-letter/")).select("meta[property^='og:image']") == []


def test_archives_put_dates_in_a_column_of_their_own(real_site):
    items = soup(page(real_site, "archives/")).select(".archive li")
    assert items and all(li.contents[0].name == "time" and "archive-date" in li.contents[0]["class"] for li in items)


def test_many_cards_are_drawn_on_every_core_alike(tmp_path):
    from casebook import social

    texts = [(f"Story number {i} -- with \u201cquotes\u201d", "Disney, Marriott", "Casebook") for i in range(4)]
    serial = [(text, str(tmp_path / f"s{i}.png")) for i, text in enumerate(texts)]
    forked = [(text, str(tmp_path / f"f{i}.png")) for i, text in enumerate(texts)]
    social.draw_all(serial, {"CASEBOOK_PARALLEL_READ_MIN": 1000})
    social.draw_all(forked, {"CASEBOOK_PARALLEL_READ_MIN": 2, "CASEBOOK_READ_WORKERS": 2})
    for (_, a), (_, b) in zip(serial, forked, strict=True):
        assert open(a, "rb").read() == open(b, "rb").read()
    assert len({open(a, "rb").read() for _, a in serial}) == 4


@pytest.mark.parametrize("drafts_written", [True, False])
def test_a_draft_gets_a_card_only_where_drafts_are_written(tmp_path, drafts_written):
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "basic" / "content", content)
    (content / "stories" / "secret-plan.md").write_text(
        "Title: Secret plan\nDate: 2024-01-01\nStatus: draft\nTags: empathy\nSummary: Not yet.\n\nBody.\n")
    output = tmp_path / "output"
    build(content, output, CASEBOOK_OG_IMAGES=True,
          **({} if drafts_written else {"DRAFT_SAVE_AS": "", "DRAFT_URL": ""}))
    assert (output / "og" / "secret-plan.png").exists() == drafts_written
    assert (output / "og" / "the-letter.png").exists()


def test_archives_are_paginated_and_list_every_story_once(tmp_path):
    """On a large site /archives/ is cut into pages (PAGINATED_TEMPLATES), each under the page budget."""
    output = tmp_path / "output"
    paginated = {"tag": None, "category": None, "company": None, "period_archives": None, "archives": 2}
    build(FIXTURES / "basic" / "content", output, SITE_SEARCH_INDEX=False, PAGINATED_TEMPLATES=paginated)
    seen, url = [], "archives/"
    while url:
        listing = soup(page(output, url))
        seen += [a.get_text() for a in listing.select(".archive a")]
        older = listing.select_one(".pager a[rel=next]")
        url = older["href"].lstrip("/") if older else None
    assert sorted(seen) == ["Greeting at the door", "Recovery at the front desk", "The letter from Luka"]
    assert "page 2 of 2" in soup(page(output, "archives/page/2/")).title.get_text()
