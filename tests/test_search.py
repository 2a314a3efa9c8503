"""Search: the Pagefind index of the real build, driven through /search/ in Chromium."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from helpers import page as page_file
from helpers import soup

pytestmark = pytest.mark.browser


def results(page):
    page.wait_for_function("document.getElementById('search-status').textContent !== ''")
    return page.locator(".search-result")


def search(page, base, query="", **filters):
    params = [f"q={quote(query)}"] + [f"{k}={quote(v)}" for k, vs in filters.items() for v in vs]
    page.goto(f"{base}/search/?{'&'.join(params)}")
    return results(page)


def search_all(page, base, query="", **filters):
    """Every result: "Show more results" is pressed until none are left."""
    found = search(page, base, query, **filters)
    more = page.locator(".search-more")
    while more.is_visible():
        shown = found.count()
        more.click()
        page.wait_for_function(f"document.querySelectorAll('.search-result').length > {shown}")
    return found


def test_index_covers_article_bodies_only(real_site):
    bundle = real_site / "pagefind"
    assert (bundle / "pagefind.js").exists()
    # Pagefind reads the story pages only, not the listing and index pages, and
    # one record per callout of theirs
    entry = json.loads((bundle / "pagefind-entry.json").read_text())
    stories = list((real_site / "stories").glob("*/index.html"))
    callouts = sum(len(soup(path).select("aside.callout")) for path in stories)
    assert len(stories) > 20 and callouts > 20
    assert entry["languages"]["en"]["page_count"] == len(stories) + callouts
    # the folder Pagefind read (story pages and callout records) is gone
    assert not list(real_site.parent.glob(f".{real_site.name}.search-*"))
    article = soup(page_file(real_site, "stories/lego-luka-jay-minifigure/"))
    assert article.select_one("[data-pagefind-body]").name == "article"
    assert {el["data-pagefind-filter"] for el in article.select("a[data-pagefind-filter]")} == {"company", "theme"}
    home = soup(page_file(real_site, ""))
    assert not home.select("[data-pagefind-body]")


def test_luka_finds_the_lego_story(page, served_real_site):
    found = search(page, served_real_site, "Luka")
    assert "Lego\u2019s letter to Luka" in found.first.inner_text()  # a typographic apostrophe
    assert found.first.locator("mark").first.inner_text() == "Luka"


def test_stroller_finds_disney(page, served_real_site):
    found = search(page, served_real_site, "stroller")
    texts = found.all_inner_texts()
    assert any("stroller attendant" in t.lower() and "Disney" in t for t in texts)


def test_a_takeaway_title_opens_the_article_at_that_takeaway(page, served_real_site):
    found = search(page, served_real_site, "answer letters as letters")
    takeaway = found.filter(has_text="Takeaway").first
    assert "Answer letters as letters, not as tickets" in takeaway.inner_text()
    takeaway.get_by_role("link").click()
    page.wait_for_url("**/stories/lego-luka-jay-minifigure/#answer-letters-as-letters-not-as-tickets")
    heading = page.locator("#answer-letters-as-letters-not-as-tickets")
    assert heading.evaluate("el => el.matches(':target')")
    in_view = "el => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }"
    assert heading.evaluate(in_view)


def companies_of(found):
    return [t.split("\n")[-1] for t in found.all_inner_texts()]


def test_company_filters_narrow_and_combine_with_or(page, served_real_site):
    everything = search_all(page, served_real_site, "customer").count()
    disney = search_all(page, served_real_site, "customer", company=["Disney"])
    only_disney = disney.count()  # a locator re-queries: keep the number
    assert 0 < only_disney < everything
    assert all("Disney" in line for line in companies_of(disney))
    both = search_all(page, served_real_site, "customer", company=["Disney", "Marriott"])
    lines = companies_of(both)
    assert both.count() > only_disney
    assert any("Marriott" in line for line in lines) and any("Disney" in line for line in lines)


def test_kind_filter_keeps_only_that_kind(page, served_real_site):
    lessons = search(page, served_real_site, "customer", kind=["Lesson"])
    badges = set(lessons.locator(".callout-badge").all_inner_texts())
    assert badges == {"LESSON"} or badges == {"Lesson"}


def test_the_url_restores_a_search_and_back_forward_work(page, served_real_site):
    search(page, served_real_site, "stroller", company=["Disney"])
    assert page.locator("#search-q").input_value() == "stroller"
    assert page.locator('input[name="company"][value="Disney"]').is_checked()
    page.fill("#search-q", "Luka")
    page.locator("#search-form button").click()
    page.wait_for_url("**q=Luka**")
    page.wait_for_function("document.getElementById('search-status').textContent.includes('Luka')")
    page.go_back()
    page.wait_for_function("document.getElementById('search-q').value === 'stroller'")
    page.wait_for_function("document.getElementById('search-status').textContent.includes('stroller')")
    page.go_forward()
    page.wait_for_function("document.getElementById('search-q').value === 'Luka'")


def test_keyboard_slash_arrows_and_enter(page, served_real_site):
    page.goto(served_real_site + "/stories/lego-luka-jay-minifigure/")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "site-search-q"
    page.keyboard.type("customer")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=customer")
    results(page)
    page.focus("#search-q")
    page.keyboard.press("ArrowDown")
    first = page.evaluate("document.activeElement.href")
    page.keyboard.press("ArrowDown")
    second = page.evaluate("document.activeElement.href")
    assert first != second and "/stories/" in second
    page.keyboard.press("Enter")
    page.wait_for_url(second)


def test_result_count_is_announced(page, served_real_site):
    search(page, served_real_site, "stroller")
    status = page.locator("#search-status")
    assert status.get_attribute("role") == "status" and status.get_attribute("aria-live") == "polite"
    assert "result" in status.inner_text()


HOSTILE = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'


def test_hostile_queries_execute_nothing_and_show_as_text(page, served_real_site):
    page.goto(f"{served_real_site}/search/?q={quote(HOSTILE)}&company={quote(HOSTILE)}")
    results(page)
    assert page.evaluate("window.__xss") is None
    assert page.locator("#search-results img, #search-results script").count() == 0
    assert HOSTILE in page.locator("#search-status").inner_text()
    page.fill("#search-q", '"><svg onload="window.__xss=3">')
    page.wait_for_function("document.getElementById('search-status').textContent.includes('svg')")
    assert page.evaluate("window.__xss") is None


def test_hostile_indexed_strings_render_as_text(browser, hostile_site):
    from devkit.server import serve

    server, base = serve(hostile_site)
    page = browser.new_page()
    try:
        found = search(page, base, "quotes")
        assert found.count() >= 1
        assert page.evaluate("window.__xss") is None
        assert page.locator("#search-results img, #search-results script, #search-results b").count() == 0
        assert any("<b>bold</b>" in text for text in found.all_inner_texts())
    finally:
        page.close()
        server.shutdown()


def test_search_assets_load_only_when_searching(page, served_real_site):
    requested = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(served_real_site + "/stories/lego-luka-jay-minifigure/")
    page.wait_for_load_state("networkidle")
    assert not [u for u in requested if "pagefind" in u or "search.js" in u]
    search(page, served_real_site, "Luka")
    assert any("pagefind" in u for u in requested)


def test_the_empty_search_page_loads_its_answering_code_on_the_first_keystroke(page, served_real_site):
    """Only the page's small script runs on arrival; the keystrokes typed while the
    answering code and Pagefind load are not lost."""
    requested = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(served_real_site + "/search/")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.activeElement.id") == "search-q"
    assert any("/js/search.js" in u for u in requested)
    assert not [u for u in requested if "pagefind" in u or "search-engine" in u]
    page.keyboard.type("stroller", delay=5)
    page.wait_for_function("document.getElementById('search-results').dataset.query === 'stroller'")
    assert "stroller" in page.locator("#search-status").inner_text()
    assert any("search-engine" in u for u in requested) and any("pagefind" in u for u in requested)


LAYOUT_SHIFT = """() => new Promise((done) => {
    let total = 0;
    new PerformanceObserver((list) => {
        for (const e of list.getEntries()) if (!e.hadRecentInput) total += e.value;
    }).observe({type: "layout-shift", buffered: true});
    setTimeout(() => done(total), 300);
})"""


@pytest.mark.parametrize("width", [412, 1280])
def test_the_search_page_does_not_move_when_its_script_runs(browser, served_real_site, width):
    """The form and the start content are painted with the page (no cumulative layout shift)."""
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        page.goto(served_real_site + "/search/")
        page.wait_for_load_state("networkidle")
        assert page.evaluate(LAYOUT_SHIFT) < 0.01
    finally:
        context.close()


def test_without_javascript_the_page_says_so_and_offers_links(browser, served_real_site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(served_real_site + "/search/?q=Luka")
        text = page.inner_text("main")
        assert "Search needs JavaScript" in text
        for name in ("Themes", "Companies", "Lessons", "Takeaways"):
            assert page.locator("main").get_by_role("link", name=name).count() == 1
        assert not page.locator("#search").is_visible()
    finally:
        context.close()


def test_search_page_fits_320px(browser, served_real_site):
    context = browser.new_context(viewport={"width": 320, "height": 700})
    page = context.new_page()
    try:
        search(page, served_real_site, "customer")
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    finally:
        context.close()
