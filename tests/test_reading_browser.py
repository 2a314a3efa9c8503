"""Reading a story (#20) in headless Chromium: contents list, copy links,
targets, the header at every width, the colour-scheme picker, axe."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

STORY = "/stories/chick-fil-a-my-pleasure/"
PHONE = {"is_mobile": True, "has_touch": True}


@pytest.fixture
def context_for(browser):
    made = []

    def make(width=1280, height=800, **options):
        context = browser.new_context(viewport={"width": width, "height": height}, **options)
        made.append(context)
        return context.new_page()

    yield make
    for context in made:
        context.close()


def test_side_contents_marks_the_section_being_read(context_for, served_real_site):
    page = context_for(1280, 700)
    page.goto(served_real_site + STORY)
    side = page.locator("nav.contents-side")
    assert side.is_visible() and not page.locator("details.contents-inline").is_visible()
    links = side.locator("a")
    ids = [href[1:] for href in links.evaluate_all("els => els.map(a => a.getAttribute('href'))")]
    assert len(ids) >= 3
    for target in ids:
        page.locator(f"[id='{target}']").evaluate(
            "el => window.scrollTo(0, el.getBoundingClientRect().top + scrollY - 40)")
        page.wait_for_function(
            "id => document.querySelector(`.contents-side a[href='#${id}']`).getAttribute('aria-current') === 'true'",
            arg=target)
        assert side.locator("a[aria-current]").count() == 1
        assert side.is_visible(), "the list stays in view (sticky)"
        box = side.bounding_box()
        assert 0 <= box["y"] < 700


def test_side_contents_is_reached_by_keyboard_right_after_the_story_heading(context_for, served_real_site):
    """Tab goes from the story's header to its contents list, then into its text
    (the list is not left for after every link of the story), though it is shown beside it."""
    page = context_for(1280, 800)
    page.goto(served_real_site + STORY)
    where = ("() => { const a = document.activeElement;"
             " return a.closest('.contents-side') ? 'contents' : a.closest('.story-body') ? 'body'"
             " : a.closest('.story-head') ? 'head' : 'other'; }")
    order = []
    for _ in range(60):
        page.keyboard.press("Tab")
        order.append(page.evaluate(where))
        if order[-1] == "body":
            break
    assert "contents" in order and order[-1] == "body", order
    first = order.index("contents")
    assert order[first - 1] == "head", "straight after the story's header"
    count = page.locator(".contents-side a").count()
    assert order[first:first + count] == ["contents"] * count and order[first + count] == "body"
    # and it is still shown beside the text, at its top
    side, text = page.locator("nav.contents-side").bounding_box(), page.locator("article.story h1").bounding_box()
    assert side["x"] >= text["x"] + text["width"] and side["y"] <= text["y"]


def test_phone_contents_is_collapsed_at_the_top_and_opens(context_for, served_real_site):
    page = context_for(375, 800, **PHONE)
    page.goto(served_real_site + STORY)
    assert not page.locator("nav.contents-side").is_visible()
    inline = page.locator("details.contents-inline")
    body_top = page.locator(".story-body").bounding_box()["y"]
    assert inline.bounding_box()["y"] < body_top
    assert not inline.locator(".contents-list").is_visible()
    inline.locator("summary").click()
    first = inline.locator(".contents-list a").first
    assert first.is_visible()
    first.click()
    target = first.get_attribute("href")
    assert page.evaluate("location.hash") == target


@pytest.mark.parametrize("selector, kind", [
    (".story-body > h2", "section"),
    ("aside.callout-takeaway", "takeaway"),
])
def test_copy_link_copies_the_absolute_url_and_says_so(context_for, served_real_site, selector, kind):
    page = context_for(1280, 800, permissions=["clipboard-read", "clipboard-write"])
    page.goto(served_real_site + STORY)
    block = page.locator(selector).first
    target = block.evaluate("el => el.id || el.querySelector('.callout-title').id")
    button = block.get_by_role("button", name=f"Copy link to this {kind}")
    block.hover()
    button.click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == f"{served_real_site}{STORY}#{target}"
    page.wait_for_function("[...document.querySelectorAll('[role=status]')].some(s => s.textContent === 'Link copied')")
    live = page.locator("[role=status]", has_text="Link copied")
    assert live.get_attribute("aria-live") == "polite"


def test_heading_anchor_is_reachable_by_keyboard_and_shown_on_focus(context_for, served_real_site):
    page = context_for()
    page.goto(served_real_site + STORY)
    anchor = page.locator(".story-body > h2 .heading-anchor").first
    assert anchor.evaluate("el => getComputedStyle(el).opacity") == "0"
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('heading-anchor')"):
            break
    else:
        pytest.fail("no heading anchor in the tab order")
    focused = page.locator(":focus")
    assert focused.evaluate("el => getComputedStyle(el).opacity") == "1"
    assert focused.get_attribute("href") == "#" + focused.evaluate("el => el.closest('h2, h3').id")


def test_without_javascript_the_plain_links_remain(context_for, served_real_site):
    page = context_for(java_script_enabled=False)
    page.goto(served_real_site + STORY)
    assert page.locator(".copy-link").count() == 0
    assert page.locator(".story-body .heading-anchor").count() >= 3
    assert page.locator("a.callout-self").count() >= 2
    assert not page.locator(".scheme").is_visible(), "the colour picker needs JavaScript"


@pytest.mark.parametrize("target", ["heading", "callout"])
def test_linked_target_keeps_a_margin_and_is_highlighted(context_for, served_real_site, target):
    page = context_for(1280, 700)
    page.goto(served_real_site + STORY)
    selector = ".story-body > h2" if target == "heading" else "aside.callout .callout-title"
    element_id = page.locator(selector).nth(1 if target == "heading" else 0).get_attribute("id")
    page.goto(f"{served_real_site}{STORY}#{element_id}")
    element = page.locator(f"[id='{element_id}']")
    top = element.evaluate("el => el.getBoundingClientRect().top")
    assert 12 <= top < 200, "not flush against the top edge"
    highlighted = element if target == "heading" else page.locator(f"aside:has([id='{element_id}'])")
    assert highlighted.evaluate(
        "el => getComputedStyle(el).animationName !== 'none' || getComputedStyle(el).outlineStyle !== 'none'")


def placeholder_fits(page, selector="#site-search-q"):
    """The placeholder's width in the box's font against the room inside the box."""
    return page.locator(selector).evaluate("""el => {
        const s = getComputedStyle(el);
        const c = document.createElement('canvas').getContext('2d');
        c.font = `${s.fontStyle} ${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
        const room = el.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
        return [c.measureText(el.placeholder).width, room];
    }""")


@pytest.mark.parametrize("width", [320, 375, 1280])
@pytest.mark.parametrize("device", ["keyboard", "phone"])
def test_header_shows_whole_placeholder_and_key_hint_only_with_a_keyboard(context_for, served_real_site, width, device):
    page = context_for(width, 800, **(PHONE if device == "phone" else {}))
    for url in ("/", STORY, "/archives/"):
        page.goto(served_real_site + url)
        text, room = placeholder_fits(page)
        assert page.locator("#site-search-q").get_attribute("placeholder")
        assert text <= room, f"placeholder cut at {width}px ({text:.0f} > {room:.0f})"
        hint = page.locator(".site-search .search-key")
        if device == "phone" or width < 480:
            assert not hint.is_visible()
        else:
            assert hint.is_visible()
            hint_box, box = hint.bounding_box(), page.locator("#site-search-q").bounding_box()
            assert box["x"] + box["width"] - text >= hint_box["x"] - box["x"] >= text, "the hint sits after the text"
    page.goto(served_real_site + "/404.html")
    text, room = placeholder_fits(page, "#start-q")
    assert text <= room, f"the 404 page's box cuts its placeholder at {width}px"


@pytest.mark.parametrize("javascript", [True, False])
@pytest.mark.parametrize("width, tallest", [(320, 150), (375, 120)])
def test_phone_header_shows_every_menu_link_without_scrolling(context_for, served_real_site, width, tallest,
                                                              javascript):
    """The menu wraps: every link is in view as the page opens (no sideways strip to
    discover, nothing hidden behind JavaScript), the colour picker covers none of them,
    and the header stays short (two lines of menu at 375 px, three at 320 px)."""
    page = context_for(width, 800, java_script_enabled=javascript, **PHONE)
    page.goto(served_real_site + STORY)
    assert page.locator(".site-header").bounding_box()["height"] <= tallest
    menu = page.locator(".site-nav ul")
    assert menu.evaluate("ul => ul.scrollWidth <= ul.clientWidth && getComputedStyle(ul).overflowX === 'visible'")
    links = page.locator(".site-nav a")
    assert links.count() >= 7
    for i in range(links.count()):
        link = links.nth(i)
        box = link.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width and box["y"] >= 0, link.inner_text()
        assert box["height"] >= 24, "a target of 24 px at least"
        # nothing covers it (the colour picker sits in the room left after the last link)
        assert link.evaluate("a => { const r = a.getBoundingClientRect();"
                             " return a.contains(document.elementFromPoint(r.left + 2, r.top + r.height / 2))"
                             " && a.contains(document.elementFromPoint(r.right - 2, r.top + r.height / 2)); }"), \
            link.inner_text()
    scheme = page.locator(".scheme")
    assert scheme.is_visible() == javascript
    if javascript:
        box = scheme.bounding_box()
        assert box["x"] + box["width"] <= width
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    links.last.click()
    page.wait_for_url("**/about/")


def test_desktop_menu_is_one_line_beside_nothing_else(context_for, served_real_site):
    page = context_for(1280, 800)
    page.goto(served_real_site + STORY)
    tops = page.locator(".site-nav a").evaluate_all("els => els.map(a => Math.round(a.getBoundingClientRect().top))")
    assert len(set(tops)) == 1
    search, scheme = page.locator(".site-search").bounding_box(), page.locator(".scheme").bounding_box()
    assert abs(search["y"] - scheme["y"]) < 20 and scheme["y"] + scheme["height"] <= tops[0], \
        "the colour picker stays beside the search box, above the menu"


@pytest.mark.parametrize("width", [320, 375, 1280])
def test_archive_titles_line_up_beside_their_dates(context_for, served_real_site, width):
    page = context_for(width, 800)
    page.goto(served_real_site + "/archives/")
    lefts = page.locator(".archive li > a").evaluate_all(
        "els => els.map(a => Math.round(a.getBoundingClientRect().left))")
    dates = page.locator(".archive li > time").evaluate_all(
        "els => els.map(t => [Math.round(t.getBoundingClientRect().left), "
        "Math.round(t.getBoundingClientRect().right)])")
    assert len(set(lefts)) == 1, "every title starts at the same place"
    assert all(right <= lefts[0] for _, right in dates), "no title wraps under its date"


def scheme_state(page):
    return page.evaluate(
        "[document.documentElement.dataset.scheme || 'system', getComputedStyle(document.body).backgroundColor]")


def test_scheme_choice_persists_across_reload_without_a_flash(context_for, served_real_site):
    page = context_for(color_scheme="light")
    # what the page looks like when <body> first appears, before anything is painted
    page.add_init_script("""
        new MutationObserver((_, observer) => {
          if (document.body) {
            window.__schemeAtBody = document.documentElement.dataset.scheme || 'system';
            observer.disconnect();
          }
        }).observe(document, {childList: true, subtree: true});
    """)
    page.goto(served_real_site + STORY)
    light = scheme_state(page)
    assert light[0] == "system"
    page.select_option("#scheme-choice", "dark")
    dark = scheme_state(page)
    assert dark[0] == "dark" and dark[1] != light[1]
    for url in (STORY, "/archives/"):
        page.goto(served_real_site + url)
        assert page.evaluate("window.__schemeAtBody") == "dark", "set before the body is parsed"
        assert scheme_state(page) == dark
        assert page.locator("#scheme-choice").input_value() == "dark"
    page.select_option("#scheme-choice", "system")
    page.reload()
    assert scheme_state(page) == light
    assert page.evaluate("window.__schemeAtBody") == "system"


def test_light_choice_overrides_a_dark_system(context_for, served_real_site):
    page = context_for(color_scheme="dark")
    page.goto(served_real_site + "/")
    system_dark = scheme_state(page)[1]
    page.select_option("#scheme-choice", "light")
    page.reload()
    assert scheme_state(page)[0] == "light" and scheme_state(page)[1] != system_dark


AXE_PAGES = {
    "story with contents": STORY,
    "archives": "/archives/",
    "404": "/404.html",
    "search start": "/search/",
}


@pytest.fixture(scope="module")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.mark.parametrize("width, scheme", [(320, "light"), (375, "dark"), (1280, "picked-dark"), (375, "picked-light")])
@pytest.mark.parametrize("name, url", AXE_PAGES.items())
def test_axe_finds_nothing_on_reading_pages(context_for, served_real_site, axe, name, url, width, scheme):
    system = "dark" if scheme == "picked-light" else ("light" if scheme.startswith("picked") else scheme)
    page = context_for(width, 800, color_scheme=system, **(PHONE if width < 480 else {}))
    page.goto(served_real_site + url)
    if scheme.startswith("picked-"):
        page.select_option("#scheme-choice", scheme.split("-")[1])
    if page.locator("details.contents-inline").is_visible():
        page.locator("details.contents-inline summary").click()
    results = axe.run(page)
    assert results.violations_count == 0, results.generate_report()
