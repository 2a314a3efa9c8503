"""Build tier: real Pelican builds of fixture sites and of content/."""

from __future__ import annotations

import json
import shutil

import feedparser
import pytest
from helpers import FIXTURES, broken_links, build, page, soup

PAGE_TYPES = {
    "home": "",
    "article": "stories/recovery-at-the-front-desk/",
    "tags": "themes/",
    "tag": "themes/empowerment/",
    "categories": "categories/",
    "category": "categories/case-studies/",
    "archives": "archives/",
    "year archive": "archives/2024/",
    "companies": "companies/",
    "company": "companies/marriott/",
    "about": "about/",
    "404": "404.html",
    "takeaways": "takeaways/",
    "lessons": "lessons/",
    "playbook": "playbook/",
}


@pytest.mark.parametrize("kind, url", PAGE_TYPES.items())
def test_every_page_type_is_written_with_one_main_and_title(basic_site, kind, url):
    document = soup(page(basic_site, url))
    assert len(document.select("main#main")) == 1
    assert document.title.get_text().strip()
    assert document.select_one("a.skip-link")["href"] == "#main"
    assert document.select_one("h1").get_text().strip()


@pytest.mark.parametrize("url", ["", "themes/empowerment/", "companies/lego/", "takeaways/", "playbook/",
                                 "archives/2024/", "about/", "stories/the-letter/", "search/"])
def test_each_page_names_itself_as_canonical(basic_site, url):
    assert soup(page(basic_site, url)).select_one('link[rel="canonical"]')["href"] == "/" + url


@pytest.mark.parametrize(
    "url, current",
    [
        ("themes/", ("Themes", "page")),
        ("themes/service-recovery/", ("Themes", "true")),
        ("companies/", ("Companies", "page")),
        ("archives/", ("Stories", "page")),
        ("lessons/", ("Lessons", "page")),
        ("playbook/", ("Playbook", "page")),
        ("", None),
    ],
)
def test_main_navigation_marks_the_current_page_or_section(basic_site, url, current):
    marked = [(a.get_text(strip=True), a["aria-current"])
              for a in soup(page(basic_site, url)).select(".site-nav a[aria-current]")]
    assert marked == ([current] if current else [])


def test_machine_readable_files_exist(basic_site):
    for name in ("sitemap.xml", "robots.txt", "feeds/all.atom.xml", "feeds/callouts.atom.xml",
                 "feeds/themes/empowerment.atom.xml", "callouts.json"):
        assert (basic_site / name).stat().st_size > 0, name
    assert "Sitemap: /sitemap.xml" in (basic_site / "robots.txt").read_text()
    sitemap = (basic_site / "sitemap.xml").read_text()
    assert "stories/the-letter/" in sitemap


def test_every_internal_link_and_anchor_resolves_in_fixture_site(basic_site):
    assert broken_links(basic_site) == []


def test_every_internal_link_and_anchor_resolves_in_real_site(real_site):
    assert broken_links(real_site) == []


def test_article_page_shows_everything_a_reader_expects(basic_site):
    document = soup(page(basic_site, "stories/greeting-at-the-door/"))
    story = document.select_one("article.story")
    assert story.h1.get_text() == "Greeting at the door"
    assert story.select_one("time")["datetime"].startswith("2024-05-10")
    assert "1 min read" in story.select_one(".meta").get_text()
    assert [a.get_text() for a in story.select(".chips-company a")] == ["Disney", "Marriott"]
    assert [a.get_text() for a in story.select('ul[aria-label="Themes"] a')] == ["first impressions", "empowerment"]
    assert "first ten seconds" in story.select_one(".summary").get_text()
    assert document.select_one('a[rel="prev"]')["href"] == "/stories/recovery-at-the-front-desk/"
    related = [a.get_text() for a in document.select("#related-stories + ul a")]
    assert related == ["Recovery at the front desk"]
    assert document.select_one('link[rel="canonical"]')["href"] == "/stories/greeting-at-the-door/"
    assert document.select_one('meta[property="og:type"]')["content"] == "article"


def test_callouts_in_articles_link_to_their_index_entries(basic_site):
    document = soup(page(basic_site, "stories/greeting-at-the-door/"))
    aside = document.select_one("aside.callout-takeaway")
    assert aside.select_one("h2")["id"] == "greet"
    href = aside.select_one("a.callout-index")["href"]
    # its canonical entry: on the takeaways page of the story's first theme
    assert href == "/takeaways/first-impressions/#greeting-at-the-door--greet"
    index = soup(page(basic_site, "takeaways/first-impressions/"))
    entry = index.select_one("#greeting-at-the-door--greet")
    assert entry.select_one("a")["href"] == "/stories/greeting-at-the-door/#greet"


def article_callouts(output):
    found = []
    for path in (output / "stories").rglob("index.html"):
        for aside in soup(path).select("aside.callout"):
            found.append((aside["data-callout"], aside.select_one(".callout-title").get_text()))
    return sorted(found)


@pytest.mark.parametrize("site", ["basic_site", "real_site"])
def test_each_index_lists_every_callout_of_its_type_and_json_counts_them_all(site, request):
    output = request.getfixturevalue(site)
    in_articles = article_callouts(output)
    data = json.loads((output / "callouts.json").read_text())
    assert data["count"] == len(data["callouts"]) == len(in_articles)
    assert sorted((c["type"], c["title"]) for c in data["callouts"]) == in_articles
    for kind, plural in (("takeaway", "takeaways"), ("lesson", "lessons")):
        index = soup(page(output, f"{plural}/"))
        listed = set()
        for link in index.select("nav.toc a"):
            theme = soup(page(output, link["href"].lstrip("/")))
            listed |= {el.select_one(".entry-title a").get_text(" ", strip=True)
                       for el in theme.select("article.entry")}
        assert sorted(listed) == sorted(title for k, title in in_articles if k == kind)
        themes = [a.get_text() for a in index.select("nav.toc a")]
        assert themes == sorted(themes, key=str.lower) and themes


def test_json_record_has_the_documented_fields(basic_site):
    record = json.loads((basic_site / "callouts.json").read_text())["callouts"][0]
    assert set(record) >= {"id", "type", "title", "text", "html", "url", "article", "date", "companies", "tags"}
    assert record["url"].endswith("#" + record["id"])


def test_callout_feed_parses_and_holds_every_callout(basic_site):
    feed = feedparser.parse((basic_site / "feeds" / "callouts.atom.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert len(feed.entries) == 5
    assert {e.title for e in feed.entries} >= {"Takeaway: Greet everyone", "Lesson: Speed beats apology"}
    assert all("#" in e.link for e in feed.entries)


def test_every_feed_parses(basic_site):
    for path in (basic_site / "feeds").rglob("*.xml"):
        feed = feedparser.parse(path.read_bytes())
        assert not feed.bozo and feed.entries, path


def test_tag_and_company_pages_list_their_callouts(basic_site):
    tag = soup(page(basic_site, "themes/empowerment/"))
    linked = {a["href"] for a in tag.select(".entries a")}
    assert "/stories/greeting-at-the-door/#greet" in linked
    assert "/stories/recovery-at-the-front-desk/#let-the-clerk-decide" in linked
    assert tag.select_one(".lede").get_text() == (
        "Giving front-line staff the authority to solve a problem where it happens."
    )
    company = soup(page(basic_site, "companies/lego/"))
    assert "/stories/the-letter/#answer-the-person-not-the-ticket" in [a["href"] for a in company.select(".entries a")]


def test_long_listings_are_split_into_linked_pages(tmp_path):
    """A theme, category, company or year of a large site: DEFAULT_PAGINATION stories a page."""
    output = tmp_path / "out"
    build(FIXTURES / "basic" / "content", output, DEFAULT_PAGINATION=1, SITE_SEARCH_INDEX=False)
    listing = "categories/case-studies/"
    seen, titles, url = [], set(), listing
    while url:
        document = soup(page(output, url))
        titles.add(document.title.get_text())
        seen += [a["href"] for a in document.select(".card-title a")]
        pager = document.select_one("nav.pager")
        assert pager.select_one("span").get_text().startswith(f"Page {len(titles)} of 3")
        next_link = pager.select_one("a[rel=next]")
        url = next_link["href"].lstrip("/") if next_link else None
    # every story once, newest first; each page its own title
    assert len(seen) == len(set(seen)) == 3 and len(titles) == 3
    assert soup(page(output, listing + "page/3/")).select_one("a[rel=prev]")["href"] == "/" + listing + "page/2/"
    # a theme page's callouts are those of the stories on it
    theme = soup(page(output, "themes/empowerment/page/2/"))
    story = theme.select_one(".card-title a")["href"]
    assert {a["href"].split("#")[0] for a in theme.select(".entries a")} == {story}
    assert broken_links(output) == []


def test_short_listings_have_no_pager(basic_site):
    assert soup(page(basic_site, "categories/case-studies/")).select_one("nav.pager") is None


def test_articles_end_with_related_lessons_from_other_stories(basic_site):
    document = soup(page(basic_site, "stories/recovery-at-the-front-desk/"))
    links = [a["href"] for a in document.select("#related-lessons + ul a")]
    assert links == ["/stories/greeting-at-the-door/#greet", "/stories/greeting-at-the-door/#setting-speaks-first"]


def test_playbook_is_a_chapter_per_theme_with_print_styles(basic_site):
    document = soup(page(basic_site, "playbook/"))
    assert [a.get_text() for a in document.select("nav.toc a")] == [
        "Empathy", "Empowerment", "First impressions", "Service recovery"
    ]
    chapter = soup(page(basic_site, "playbook/service-recovery/"))
    titles = [el.get_text(" ", strip=True) for el in chapter.select("article.entry .entry-title")]
    assert len(titles) == len(set(titles)) > 0
    css = (basic_site / "theme" / "css" / "site.css").read_text()
    assert "@media print" in css and "break-before: page" in css


def test_a_third_callout_type_is_one_setting(tmp_path):
    content = tmp_path / "content"
    (content / "stories").mkdir(parents=True)
    (content / "stories" / "tip.md").write_text(
        "Title: Tips\nDate: 2024-01-01\nTags: empathy\nSummary: s\n\n> [!tip] Smile first\n> It helps.\n"
    )
    types = {"takeaway": {"label": "Takeaway", "plural": "Takeaways", "description": "d"},
             "tip": {"label": "Tip", "plural": "Tips", "description": "Small things."}}
    build(content, tmp_path / "out", CALLOUTS_TYPES=types)
    index = soup(page(tmp_path / "out", "tips/"))
    assert index.h1.get_text() == "Tips"
    assert index.select_one(".entries a")["href"] == "/stories/tip/#smile-first"
    theme = soup(page(tmp_path / "out", "tips/empathy/"))
    assert theme.select_one("article.entry .entry-title a")["href"] == "/stories/tip/#smile-first"


def test_publish_build_has_absolute_urls_and_json_ld(tmp_path, monkeypatch):
    monkeypatch.setenv("SITEURL", "https://example.org/casebook")
    output = tmp_path / "out"
    build(FIXTURES / "basic" / "content", output, settings_file="publishconf.py",
          SITEURL="https://example.org/casebook", FEED_DOMAIN="https://example.org/casebook")
    document = soup(page(output, "stories/the-letter/"))
    assert document.select_one('link[rel="canonical"]')["href"] == (
        "https://example.org/casebook/stories/the-letter/"
    )
    data = json.loads(document.select_one('script[type="application/ld+json"]').string)
    assert data["@type"] == "Article" and data["headline"] == "The letter from Luka"
    assert data["datePublished"].startswith("2023-11-20")
    assert broken_links(output, siteurl="https://example.org/casebook") == []
    # minified, with cache-busted asset URLs
    html = page(output, "stories/the-letter/").read_text()
    assert "\n  " not in html and html.startswith("<!doctype html>")
    stylesheet = document.select_one('link[rel="stylesheet"]')["href"]
    assert stylesheet.startswith("https://example.org/casebook/theme/css/site.css?v=")
    assert "\n" not in (output / "theme" / "css" / "site.css").read_text().strip()
    assert not (output / "drafts").exists()


def test_content_cache_keeps_callouts_and_errors(tmp_path, error_log):
    content = tmp_path / "content"
    (content / "stories").mkdir(parents=True)
    (content / "stories" / "a.md").write_text(
        "Title: A\nDate: 2024-01-01\nTags: empathy\nSummary: s\n\n> [!lesson] Kept\n> b\n\n> [!lessn] Bad\n> b\n"
    )
    settings = dict(CACHE_CONTENT=True, LOAD_CONTENT_CACHE=True, CACHE_PATH=str(tmp_path / "cache"))
    for _ in range(2):
        error_log.clear()
        build(content, tmp_path / "out", **settings)
        assert any("a.md:9: unknown callout type 'lessn'" in m for m in error_log)
        data = json.loads((tmp_path / "out" / "callouts.json").read_text())
        assert [c["title"] for c in data["callouts"]] == ["Kept"]
    assert any((tmp_path / "cache").rglob("*Readers*"))


def test_feeds_let_go_of_the_story_copies_they_memoize(monkeypatch):
    """Writing a feed memoizes each of its stories' content with links resolved
    (every story links to its callouts' collections); the copies go once the
    feed is written, not when the story's own page is (issue #21)."""
    from types import SimpleNamespace

    from casebook import memory

    released = []
    stories = [SimpleNamespace(url=f"stories/s{i}/") for i in range(3)]
    feed = SimpleNamespace(items=[{"link": "https://example.org/stories/s2/"},
                                  {"link": "https://example.org/stories/s0/?ref=feed"}])
    monkeypatch.setattr(memory.compat, "forget_rendered_content", released.append)
    context = {"articles": stories, "SITEURL": "https://example.org"}
    memory.release_feed_content(context, feed)
    assert released == [stories[2], stories[0]]
    released.clear()
    # a link made otherwise: every story's copy goes
    memory.release_feed_content(context, SimpleNamespace(items=[{"link": "elsewhere"}]))
    assert released == stories
    memory.unfreeze()


def test_a_listing_answers_in_as_its_list_does_before_and_after_changes():
    """Tag, category and author listings answer ``in`` from a set (Pelican
    tests every story of the site against each listing): the answer is the
    list's, for stories (equal only to themselves), for values that compare
    otherwise, after every kind of change, and once pickled."""
    import pickle

    from casebook.memory import Listing
    from pelican.contents import Article
    from pelican.urlwrappers import Tag

    stories = [Article(f"body {i}", metadata={"title": f"Story {i}"}) for i in range(6)]
    listing = Listing(stories[:3])
    assert [s in listing for s in stories] == [True, True, True, False, False, False]
    assert Article("body 0", metadata={"title": "Story 0"}) not in listing  # equal fields, another story
    changes = [("append", stories[3]), ("remove", stories[0]), ("insert", 0, stories[4]), ("pop",),
               ("extend", [stories[5]]), ("__setitem__", 0, stories[0]), ("__delitem__", 1), ("__iadd__", [stories[1]]),
               ("__imul__", 0), ("append", stories[2]), ("clear",)]
    mirror = list(listing)
    for name, *args in changes:
        getattr(listing, name)(*args)
        getattr(mirror, name)(*args)
        assert [s in listing for s in stories] == [s in mirror for s in stories], name
    settings = {"TAG_URL": "tag/{slug}/", "TAG_SAVE_AS": "", "SLUGIFY_SOURCE": "title"}
    labels = Listing([Tag("Empathy", settings)])
    assert Tag("empathy", settings) in labels  # a label equal by its name, as in a list
    again = pickle.loads(pickle.dumps(Listing(stories[:2])))
    assert type(again) is Listing and len(again) == 2 and again[0] in again and stories[0] not in again


def test_theme_and_category_pages_list_the_stories_pelican_would(tmp_path):
    """The listings Pelican's loops test every story against are
    :class:`Listing` objects now: each theme and category page still lists
    exactly its stories, newest first."""
    content = tmp_path / "content"
    (content / "stories").mkdir(parents=True)
    for n, (tags, category) in enumerate([("empathy, training", "Hotels"), ("empathy", "Retail"),
                                          ("training", "Hotels")]):
        (content / "stories" / f"s{n}.md").write_text(
            f"Title: Story {n}\nDate: 2024-01-0{n + 1}\nTags: {tags}\nCategory: {category}\nSummary: s\n\nText.\n")
    build(content, tmp_path / "out")

    def listed(url):
        links = [a["href"] for a in soup(tmp_path / "out" / url / "index.html").select("main a[href*='stories/s']")]
        return [link.rstrip("/").rsplit("/", 1)[-1] for link in dict.fromkeys(links)]

    assert listed("themes/empathy") == ["s1", "s0"]
    assert listed("themes/training") == ["s2", "s0"]
    assert listed("categories/hotels") == ["s2", "s0"]
    assert listed("categories/retail") == ["s1"]


@pytest.mark.parametrize("cached", [False, True], ids=["no cache", "from the content cache"])
def test_long_bodies_are_kept_packed_and_shown_whole(tmp_path, cached):
    """A story's body is kept compressed from the moment it is read (it was the
    largest thing a build kept, issue #21): its page, its feed entry and the
    static files it links to are those of the body as written. With the
    content cache, the links the reader recorded stand for a look through the
    body: checked on a build read wholly from the cache."""
    from casebook import compat
    from pelican import signals

    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "basic" / "content", content)
    (content / "files").mkdir()  # not a static folder: copied only because the story links to it
    (content / "files" / "desk.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (content / "stories" / "attached.txt").write_text("the form\n")
    paragraphs = "\n\n".join(f"Paragraph {i}: the guest at the desk was {'very ' * 40}patient." for i in range(12))
    (content / "stories" / "long-wait.md").write_text(
        "Title: The long wait\nDate: 2024-03-01\nTags: empathy\nSummary: A long one.\n\n"
        f"![The desk]({{static}}/files/desk.png)\n\n{paragraphs}\n\n[The form]({{attach}}attached.txt)\n")
    seen = {}

    def inspect(generator):
        story = next(a for a in generator.articles if a.slug == "long-wait")
        seen.update(packed=isinstance(vars(story).get("_get_content"), compat.PackedBody),
                    raw=vars(story).get("_content"), body=compat.body(story))

    cache = {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True, "CACHE_PATH": str(tmp_path / "cache")} if cached else {}
    if cached:  # the first build fills the cache; the one checked reads every story from it
        build(content, tmp_path / "first", **cache)
    signals.article_generator_finalized.connect(inspect)
    try:
        build(content, tmp_path / "output", **cache)
    finally:
        signals.article_generator_finalized.disconnect(inspect)
    assert seen["packed"] and seen["raw"] is None
    assert seen["body"].count("Paragraph") == 12 and "{static}/files/desk.png" in seen["body"]
    output = tmp_path / "output"
    story = soup(page(output, "stories/long-wait/"))
    assert len(story.select(".story p")) >= 12 and "Paragraph 11:" in story.get_text()
    assert (output / "files" / "desk.png").exists(), "a packed body's static links are still found"
    href = story.find("a", string="The form")["href"]
    assert (output / href.lstrip("/")).read_text() == "the form\n"
    feed = feedparser.parse((output / "feeds" / "all.atom.xml").read_text())
    entry = next(e for e in feed.entries if e.title == "The long wait")
    assert "Paragraph 11:" in entry.content[0].value


def test_a_build_pauses_the_collector_while_reading_and_leaves_it_as_it_found_it(tmp_path):
    """Automatic collection is off while stories are read (they live to the
    end of the build); once the build ends the collector runs again and holds
    nothing frozen, so a process that builds again (``make serve``) frees what
    the last build left. A build that stopped halfway leaves its pause to the
    next build, which undoes it first."""
    import gc

    from pelican import signals

    content = tmp_path / "content"
    (content / "stories").mkdir(parents=True)
    for n in range(3):
        (content / "stories" / f"s{n}.md").write_text(
            f"Title: Story {n}\nDate: 2024-01-0{n + 1}\nTags: empathy\nSummary: s\n\n> [!lesson] Kept {n}\n> b\n")
    while_reading = []

    def read(generator, metadata=None):
        while_reading.append(gc.isenabled())

    def stop(generator):
        raise RuntimeError("a build stopped halfway by the test")

    def cached_build():
        build(content, tmp_path / "out", CACHE_CONTENT=True, LOAD_CONTENT_CACHE=True,
              CACHE_PATH=str(tmp_path / "cache"))

    signals.article_generator_context.connect(read)
    try:
        for _ in range(2):
            cached_build()
            assert gc.isenabled() and gc.get_freeze_count() == 0
        assert while_reading == [False] * 6
        signals.article_generator_finalized.connect(stop)
        try:
            with pytest.raises(RuntimeError, match="stopped halfway"):
                cached_build()
        finally:
            signals.article_generator_finalized.disconnect(stop)
        cached_build()
        assert gc.isenabled() and gc.get_freeze_count() == 0
    finally:
        signals.article_generator_context.disconnect(read)
        gc.unfreeze()
        gc.enable()
