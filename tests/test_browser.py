"""Browser tier: the built site on 127.0.0.1, read in headless Chromium."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser


def no_sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def in_viewport(locator):
    return locator.evaluate(
        "el => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }"
    )


def test_reader_goes_home_article_tag_company_and_back(page, served_basic_site):
    page.goto(served_basic_site + "/")
    page.get_by_role("link", name="Greeting at the door").first.click()
    page.wait_for_url("**/stories/greeting-at-the-door/")
    assert page.get_by_role("heading", level=1).inner_text() == "Greeting at the door"
    page.locator("article.story").get_by_role("link", name="empowerment").click()
    page.wait_for_url("**/themes/empowerment/")
    assert page.get_by_role("heading", level=1).inner_text() == "Empowerment"
    page.get_by_role("link", name="Recovery at the front desk").first.click()
    page.locator("article.story").get_by_role("link", name="Marriott").click()
    page.wait_for_url("**/companies/marriott/")
    assert page.get_by_role("heading", level=1).inner_text() == "Marriott"
    page.get_by_role("link", name="Casebook").first.click()
    page.wait_for_url(served_basic_site + "/")
    assert "Ways in" in page.inner_text("main")


def test_skip_link_is_first_tab_stop_and_moves_focus_to_main(page, served_basic_site):
    page.goto(served_basic_site + "/stories/the-letter/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Skip to content"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


URLS = ["/", "/stories/lego-luka-jay-minifigure/", "/themes/service-recovery/",
        "/companies/disney/", "/companies/",
        "/lessons/", "/takeaways/", "/playbook/", "/themes/", "/archives/", "/about/", "/search/", "/404.html",
        "/takeaways/service-recovery/", "/lessons/training/", "/playbook/service-recovery/", "/playbook/complete/",
        "/companies/disney/customer-experience/"]


@pytest.mark.parametrize("width", [320, 375, 1280])
def test_no_page_scrolls_sideways(browser, served_real_site, width):
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        for url in URLS:
            assert page.goto(served_real_site + url).ok, url
            assert no_sideways_scroll(page), f"{url} scrolls sideways at {width}px"
    finally:
        context.close()


def test_lesson_index_link_lands_on_the_exact_callout_highlighted(page, served_basic_site):
    page.goto(served_basic_site + "/lessons/service-recovery/")
    page.locator("article.entry").get_by_role("link", name="Speed beats apology").click()
    page.wait_for_url("**/stories/recovery-at-the-front-desk/#speed-beats-apology")
    heading = page.locator("#speed-beats-apology")
    assert heading.is_visible(), "a collapsed lesson opens when linked to"
    assert in_viewport(heading), "the page is scrolled to the callout"
    aside = page.locator("aside:has(#speed-beats-apology)")
    background = aside.evaluate("el => getComputedStyle(el).backgroundColor")
    plain = page.locator("aside.callout-takeaway").evaluate("el => getComputedStyle(el).backgroundColor")
    assert background != plain, "the targeted callout is highlighted"


def test_article_callout_links_back_to_its_index_entry(page, served_basic_site):
    page.goto(served_basic_site + "/stories/greeting-at-the-door/")
    page.locator("aside:has(#greet)").get_by_role("link", name="All takeaways").click()
    page.wait_for_url("**/takeaways/first-impressions/#greeting-at-the-door--greet")
    entry = page.locator("#greeting-at-the-door--greet")
    assert entry.evaluate("el => el.matches(':target')")
    assert in_viewport(entry)


def test_site_works_without_javascript_and_makes_no_outside_request(browser, served_real_site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    requested = []
    page.on("request", lambda r: requested.append(r.url))
    try:
        for url in URLS:
            assert page.goto(served_real_site + url).ok, url
            assert page.locator("main h1").count() == 1
        outside = [u for u in requested if not u.startswith(served_real_site)]
        assert outside == []
    finally:
        context.close()


def test_dark_scheme_changes_colours(browser, served_basic_site):
    colours = []
    for scheme in ("light", "dark"):
        context = browser.new_context(color_scheme=scheme)
        page = context.new_page()
        page.goto(served_basic_site + "/")
        colours.append(page.evaluate("getComputedStyle(document.body).backgroundColor"))
        context.close()
    assert colours[0] != colours[1]


def test_playbook_print_button_prints_and_print_layout_hides_navigation(browser, served_real_site):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(served_real_site + "/playbook/service-recovery/")
        button = page.get_by_role("button", name="Print this chapter")
        button.wait_for(state="visible")
        page.evaluate("() => { window.printed = 0; window.print = () => { window.printed += 1; }; }")
        button.click()
        assert page.evaluate("window.printed") == 1
        page.emulate_media(media="print")
        assert not page.locator(".site-header").is_visible() and not button.is_visible()
        assert page.locator("article.entry").first.evaluate("el => getComputedStyle(el).breakInside") == "avoid"
        source = page.locator("article.entry .entry-source a").first
        assert "/stories/" in source.evaluate("el => getComputedStyle(el, '::after').content")
    finally:
        context.close()


def test_without_javascript_the_print_button_stays_hidden(browser, served_real_site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(served_real_site + "/playbook/service-recovery/")
        assert page.locator("button[data-print]").is_hidden()
        assert page.locator("article.entry").count() > 0
    finally:
        context.close()


def test_the_grid_scrolls_in_its_own_region_at_320px(browser, served_real_site):
    context = browser.new_context(viewport={"width": 320, "height": 800})
    page = context.new_page()
    try:
        page.goto(served_real_site + "/themes/")
        region = page.get_by_role("region", name=re.compile("Takeaways and lessons by theme and company"))
        region.focus()
        assert page.evaluate("document.activeElement.classList.contains('grid-scroll')")
        page.keyboard.press("ArrowRight")
        assert region.evaluate("el => el.scrollWidth > el.clientWidth")
        cell = page.locator("table.callout-grid td a").first
        href = cell.get_attribute("href")
        cell.click()
        page.wait_for_url("**" + href)
        assert page.locator("article.entry").count() > 0
    finally:
        context.close()


@pytest.mark.parametrize("url", ["/themes/", "/companies/"])
@pytest.mark.parametrize("width", [320, 375, 1280])
def test_the_grid_caption_and_note_wrap_within_the_screen(browser, served_real_site, url, width):
    """The caption stays within its scrolling box (held at its left edge while the
    table scrolls), the explanation is outside the box; neither is cut."""
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        page.goto(served_real_site + url)
        region = page.locator(".grid-scroll")
        caption = page.locator("table.callout-grid caption")
        note = page.locator(".grid-note")

        def inside():
            box, inner = region.bounding_box(), caption.bounding_box()
            return box["x"] <= inner["x"] and inner["x"] + inner["width"] <= box["x"] + box["width"]

        assert inside()
        note_box = note.bounding_box()
        assert note_box["x"] >= 0 and note_box["x"] + note_box["width"] <= width
        assert note.evaluate("el => el.scrollWidth <= el.clientWidth")
        assert caption.evaluate("el => el.scrollWidth <= el.clientWidth")
        if width < 1000:
            assert region.evaluate("el => el.scrollWidth > el.clientWidth"), "the table itself still scrolls"
        region.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
        assert inside()
        # the theme (row) names stay in view while the columns scroll
        header = page.locator("table.callout-grid tbody th").first.bounding_box()
        assert header["x"] >= region.bounding_box()["x"] - 1
    finally:
        context.close()

