"""The answering layer of /search/: questions, typos, labels as words, suggestions,
filter counts, stale filters, one box, visible failure; on real builds in Chromium."""

from __future__ import annotations

import json
import shutil
from urllib.parse import parse_qs, quote, urlparse

import pytest
from helpers import FIXTURES, ROOT, build, soup
from helpers import page as page_file

from checks import search_relevance

pytestmark = pytest.mark.browser


def wait_answered(page, query):
    page.wait_for_function(
        "q => document.getElementById('search-results').dataset.query === q"
        " && document.getElementById('search').getAttribute('aria-busy') === 'false'",
        arg=query,
    )


def open_search(page, base, query, **filters):
    params = [f"q={quote(query)}"] + [f"{k}={quote(v)}" for k, vs in filters.items() for v in vs]
    page.goto(f"{base}/search/?{'&'.join(params)}")
    wait_answered(page, query)


def stories(page):
    links = page.eval_on_selector_all(".search-result .search-title a", "els => els.map(a => a.href)")
    return search_relevance.story_slugs(links)


# -- the vocabulary written at index time ------------------------------------------------
def test_vocabulary_holds_indexed_words_and_labels_with_their_pages(real_site):
    terms = json.loads((real_site / "search" / "terms.json").read_text())
    words = json.loads((real_site / "search" / "words.json").read_text())["words"]
    stories_built = list((real_site / "stories").glob("*/index.html"))
    assert terms["pages"] == len(stories_built)
    for group in ("themes", "companies"):
        assert terms[group]
        for label in terms[group]:
            listing = soup(page_file(real_site, label["url"]))
            # the count is the stories carrying the label, and its page lists them
            assert label["count"] == len(listing.select("main .card")) > 0, label
    assert len(words) == len(set(words)) and all(w == w.lower() for w in words)
    # words of story bodies, callout titles and titles are there; markup is not
    article = soup(page_file(real_site, "stories/lego-luka-jay-minifigure/"))
    # not indexed: SITE_SEARCH_EXCLUDE, and what the page marks data-pagefind-ignore (heading links)
    for excluded in article.select(".callout-links, .callout-badge, [data-pagefind-ignore]"):
        excluded.decompose()
    body_words = {w.lower() for w in search_relevance_words(article.select_one(".story-body").get_text(" "))}
    assert body_words <= set(words) | {w for w in body_words if len(w) < 3}
    assert "minifigure" in words and "href" not in words


def search_relevance_words(text):
    import re

    return re.findall(r"[^\W\d_]{3,}", text)


def test_production_vocabulary_leaves_out_drafts(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "basic" / "content", content)
    (content / "stories" / "secret-draft.md").write_text(
        "Title: Zanzibarian secrets\nDate: 2024-01-01\nCategory: Case studies\nTags: empathy\n"
        "Status: draft\nSummary: Unpublished.\n\nThe quixotically zanzibarian body.\n\n"
        "> [!lesson] Zanzibarian lesson\n> Never shown.\n",
        encoding="utf-8",
    )
    output = tmp_path / "output"
    build(content, output, "publishconf.py", SITEURL="http://127.0.0.1:1", FEED_DOMAIN="http://127.0.0.1:1")
    vocabulary = (output / "search" / "words.json").read_text() + (output / "search" / "terms.json").read_text()
    assert "zanzibarian" not in vocabulary.lower() and "quixotically" not in vocabulary


def test_labels_are_indexed_with_more_weight_than_the_body(real_site):
    article = soup(page_file(real_site, "stories/nail-salon-never-greeted/"))
    for chips in article.select("ul.chips"):
        assert chips.find_parent(attrs={"data-pagefind-ignore": True}) is None
        assert int(chips["data-pagefind-weight"]) > 1


# -- relevance on the production build ----------------------------------------------------
@pytest.fixture(scope="module")
def production(tmp_path_factory):
    server, base = search_relevance.production_site(tmp_path_factory.mktemp("production") / "output")
    yield base
    server.shutdown()


def test_reader_queries_reach_the_relevance_goals(browser, production):
    queries = search_relevance.load_queries()
    assert len(queries) >= 40
    answers = search_relevance.measure(browser, production, queries)
    results = search_relevance.score(queries, answers)
    misses = "\n".join(search_relevance.misses(queries, answers))
    assert results["all"]["success@5"] >= 0.95, misses
    assert results["all"]["success@1"] >= 0.8, misses


# -- questions, typos, labels -------------------------------------------------------------
def test_a_question_whose_words_no_story_holds_together_still_answers(page, served_real_site):
    query = "how do I recover after a mistake?"
    open_search(page, served_real_site, query)
    found = stories(page)
    assert found
    # every story shown holds at least one of the question's meaningful words
    texts = " ".join(page.locator(".search-excerpt mark").all_inner_texts()).lower()
    assert "recover" in texts or "mistake" in texts


def test_a_misspelled_company_is_corrected_with_a_did_you_mean_link(page, served_real_site):
    open_search(page, served_real_site, "mariott")
    assert stories(page)[0] == "marriott-courtyard-recovery"
    note = page.locator("#search-correction")
    assert note.is_visible() and "mariott" in note.inner_text()
    link = note.get_by_role("link")
    assert parse_qs(urlparse(link.get_attribute("href")).query)["q"] == ["Marriott"]
    link.click()
    wait_answered(page, "Marriott")
    assert not page.locator("#search-correction").is_visible()
    assert stories(page)[0] == "marriott-courtyard-recovery"


def test_a_misspelled_word_inside_a_question_is_corrected(page, served_real_site):
    open_search(page, served_real_site, "what did the stroler attendant do")
    assert stories(page)[0] == "disney-world-stroller-attendant"
    assert "stroller" in page.locator("#search-correction").inner_text()


def test_a_correctly_spelled_word_is_never_corrected(page, served_real_site):
    for query in ("minifigure", "recovery", "greet customers"):
        open_search(page, served_real_site, query)
        assert stories(page)
        assert not page.locator("#search-correction").is_visible(), query


def test_every_theme_lists_its_own_stories_first(page, served_real_site, real_site):
    terms = json.loads((real_site / "search" / "terms.json").read_text())
    for theme in terms["themes"]:
        listing = soup(page_file(real_site, theme["url"]))
        tagged = {a["href"].rstrip("/").rsplit("/", 1)[-1] for a in listing.select("main .card-title a")}
        open_search(page, served_real_site, theme["name"])
        while page.locator(".search-more").is_visible():
            shown = page.locator(".search-result").count()
            page.locator(".search-more").click()
            page.wait_for_function(f"document.querySelectorAll('.search-result').length > {shown}")
        found = stories(page)
        assert set(found[: len(tagged)]) == tagged, theme["name"]


# -- suggestions -----------------------------------------------------------------------------
def test_typing_suggests_matching_themes_and_companies_as_links(page, served_real_site):
    page.goto(served_real_site + "/search/")
    page.locator("#search-q").type("loyal")
    wait_answered(page, "loyal")
    links = page.locator("#search-suggest a")
    assert "loyalty" in links.all_inner_texts()
    href = links.filter(has_text="loyalty").first.get_attribute("href")
    assert href.endswith("/themes/loyalty/")
    page.locator("#search-q").fill("")
    page.locator("#search-q").type("nords")
    wait_answered(page, "nords")
    assert "Nordstrom" in page.locator("#search-suggest a").all_inner_texts()


def test_no_results_names_the_query_and_offers_the_nearest_themes(page, served_real_site):
    query = "qwxz vbnm"
    open_search(page, served_real_site, query)
    assert page.locator(".search-result").count() == 0
    assert query in page.locator("#search-status").inner_text()
    themes = page.locator("#search-suggest a")
    assert themes.count() >= 1
    assert all("/themes/" in href for href in themes.evaluate_all("els => els.map(a => a.href)"))


# -- filters ---------------------------------------------------------------------------------
def count_of(page, group, value):
    label = page.locator(f'label.search-option:has(input[name="{group}"][value="{value}"])')
    return int(label.locator(".search-count").inner_text().strip("()"))


def test_filter_counts_are_those_of_the_current_query(page, served_real_site):
    open_search(page, served_real_site, "minifigure")
    page.locator("#search-filter-toggle summary").click()
    page.wait_for_selector("#search-filters input")
    wait_answered(page, "minifigure")
    assert count_of(page, "company", "Lego") == len(stories(page)) >= 1
    assert count_of(page, "company", "Disney") == 0
    # a question answered by the any-word fallback counts its own stories
    query = "minifigure stroller"
    page.fill("#search-q", query)
    page.keyboard.press("Enter")
    wait_answered(page, query)
    page.wait_for_function("() => document.querySelector('label.search-option input[value=\"Disney\"]')"
                           ".parentElement.querySelector('.search-count').textContent !== '(0)'")
    assert count_of(page, "company", "Lego") >= 1 and count_of(page, "company", "Disney") >= 1
    assert count_of(page, "company", "Marriott") == 0


def test_a_filter_value_the_site_no_longer_has_is_shown_and_can_be_removed(page, served_real_site):
    open_search(page, served_real_site, "stroller", company=["Disneyland Paris"])
    stale = page.locator("#search-stale")
    assert stale.is_visible() and "Disneyland Paris" in stale.inner_text()
    # it is not applied: the stroller story is still found
    assert "disney-world-stroller-attendant" in stories(page)
    stale.get_by_role("button", name="Remove this filter").click()
    page.wait_for_function("!location.search.includes('company')")
    assert not stale.is_visible()
    assert "disney-world-stroller-attendant" in stories(page)


# -- one box, keyboard ------------------------------------------------------------------------
def test_the_search_page_has_one_search_box_and_slash_focuses_it(page, served_real_site):
    page.goto(served_real_site + "/search/")
    assert page.locator("[role=search]").count() == 1
    assert page.locator("input[type=search]").count() == 1
    page.locator("h1").click()
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "search-q"


# -- failure and console ---------------------------------------------------------------------
def assert_unavailable(page):
    page.wait_for_selector("#search-unavailable", state="visible")
    assert "unavailable" in page.locator("#search-status").inner_text()
    box = page.locator("#search-unavailable")
    for name in ("Themes", "Companies", "Takeaways", "Lessons"):
        assert box.get_by_role("link", name=name).count() == 1


def test_a_content_security_policy_without_wasm_shows_search_is_unavailable(browser, served_real_site):
    context = browser.new_context(bypass_csp=False)  # the policy applies: that is the test
    page = context.new_page()

    def strict(route):
        response = route.fetch()
        headers = {**response.headers, "content-security-policy": "default-src 'self'; script-src 'self'"}
        route.fulfill(response=response, headers=headers)

    page.route(served_real_site + "/search/**", strict)
    page.goto(served_real_site + "/search/?q=stroller")
    try:
        assert_unavailable(page)
    finally:
        context.close()


def test_a_missing_index_shows_search_is_unavailable(page, served_real_site):
    page.route("**/pagefind/**", lambda route: route.fulfill(status=404, body="missing"))
    page.goto(served_real_site + "/search/")
    page.locator("#search-q").type("stroller")
    assert_unavailable(page)


def test_searching_logs_no_warning(page, served_real_site):
    messages = []
    page.on("console", lambda m: messages.append(f"{m.type}: {m.text}") if m.type in ("warning", "error") else None)
    open_search(page, served_real_site, "nordstorm")
    page.locator("#search-q").fill("")
    page.locator("#search-q").type("how should we greet customers")
    wait_answered(page, "how should we greet customers")
    assert messages == []


# -- hostile input in the new parts ----------------------------------------------------------
HOSTILE = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'


def test_hostile_queries_and_filters_stay_text_in_suggestions_corrections_and_stale_filters(page, served_real_site):
    query = f"mariott {HOSTILE}"
    open_search(page, served_real_site, query, company=[HOSTILE], theme=['"><svg onload="window.__xss=3">'])
    assert page.evaluate("window.__xss") is None
    for box in ("#search-stale", "#search-suggest", "#search-correction", "#search-status"):
        assert page.locator(f"{box} img, {box} script, {box} svg").count() == 0
    assert HOSTILE in page.locator("#search-stale").inner_text()
    assert "svg onload" in page.locator("#search-stale").inner_text()
    correction = page.locator("#search-correction")
    if correction.is_visible():
        assert HOSTILE in correction.inner_text()


def test_hostile_theme_and_company_names_suggest_as_text(browser, hostile_site):
    from devkit.server import serve

    terms = json.loads((hostile_site / "search" / "terms.json").read_text())
    assert any("<script>" in t["name"] for t in terms["themes"])
    server, base = serve(hostile_site)
    page = browser.new_page()
    try:
        for query in ("script", "jerry"):
            page.goto(base + "/search/")
            page.locator("#search-q").type(query)
            wait_answered(page, query)
            suggest = page.locator("#search-suggest")
            assert suggest.locator("a").count() >= 1, query
            assert suggest.locator("script, img, i, b").count() == 0
        assert page.evaluate("window.__xss") is None
    finally:
        page.close()
        server.shutdown()


def test_the_vendored_library_matches_its_npm_package():
    vendored = ROOT / "theme" / "static" / "js" / "vendor" / "fastest-levenshtein.js"
    lock = json.loads((ROOT / "package-lock.json").read_text())
    assert lock["packages"]["node_modules/fastest-levenshtein"]["version"] == "1.0.16"
    installed = ROOT / "node_modules" / "fastest-levenshtein" / "esm" / "mod.js"
    if not installed.exists():
        pytest.skip("npm packages not installed (npm ci)")
    assert vendored.read_bytes() == installed.read_bytes()


def test_a_bad_vocabulary_setting_is_reported_and_replaced(tmp_path, error_log):
    settings = build(FIXTURES / "basic" / "content", tmp_path / "output",
                     SITE_SEARCH_VOCABULARY_SIZE="many", SITE_SEARCH_TERM_WEIGHT=11)
    assert any("SITE_SEARCH_VOCABULARY_SIZE" in m and "'many'" in m for m in error_log)
    assert any("SITE_SEARCH_TERM_WEIGHT" in m for m in error_log)
    assert settings["SITE_SEARCH_VOCABULARY_SIZE"] == 4000
    words = json.loads((tmp_path / "output" / "search" / "words.json").read_text())["words"]
    assert 0 < len(words) <= 4000


def test_the_empty_search_page_focuses_its_box(page, served_real_site):
    page.goto(served_real_site + "/search/")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'search-q'")


# -- callouts as results of their own ----------------------------------------------------
def results_of(page):
    """(badge, title, href, excerpt) of every result shown."""
    return page.eval_on_selector_all(".search-result", """els => els.map(li => [
        li.querySelector('.callout-badge').textContent.trim().toLowerCase(),
        li.querySelector('.search-title a').textContent,
        li.querySelector('.search-title a').href,
        li.querySelector('.search-excerpt').textContent])""")


def show_all(page):
    more = page.locator(".search-more")
    while more.is_visible():
        shown = page.locator(".search-result").count()
        more.click()
        page.wait_for_function(f"document.querySelectorAll('.search-result').length > {shown}")


def stories_with(real_site, **labels):
    """Slugs of the built stories carrying a theme or company (their chips)."""
    found = set()
    for path in (real_site / "stories").glob("*/index.html"):
        article = soup(path)
        for group, name in labels.items():
            if name in [a.get_text() for a in article.select(f'a[data-pagefind-filter="{group}"]')]:
                found.add(path.parent.name)
    return found


def callouts_of(real_site, slug, kind):
    article = soup(page_file(real_site, f"stories/{slug}/"))
    return [a.select_one(".callout-title").get_text() for a in article.select(f"aside.callout-{kind}")]


def test_a_kind_filter_lists_every_callout_of_that_kind_holding_the_query(page, served_real_site, real_site):
    # a story's themes and companies are its callouts' words too
    open_search(page, served_real_site, "recovery", kind=["Takeaway"])
    found = results_of(page)
    recovery = stories_with(real_site, theme="service recovery")
    assert len(recovery) >= 4
    assert {r[0] for r in found} == {"takeaway"}
    assert {slug for slug in stories(page)} >= recovery
    assert count_of(page, "kind", "Takeaway") == len(found)

    open_search(page, served_real_site, "nordstrom", kind=["Takeaway"])
    own = callouts_of(real_site, "nordstrom-rule-one-lower-the-shield", "takeaway")
    assert results_of(page)[0][1] == own[0]

    open_search(page, served_real_site, "disney", kind=["Lesson"])
    show_all(page)
    disney = stories_with(real_site, company="Disney")
    lessons = [title for slug in disney for title in callouts_of(real_site, slug, "lesson")]
    assert sorted(r[1] for r in results_of(page)) == sorted(lessons)
    assert count_of(page, "kind", "Lesson") == len(lessons)
    # with no kind chosen, the kinds' counts are what choosing each would list
    open_search(page, served_real_site, "disney", company=["Disney"])
    assert count_of(page, "kind", "Lesson") == len(lessons)
    assert count_of(page, "kind", "Case study") == len(disney) == len(stories(page))


def test_filters_alone_list_callouts_newest_first(page, served_real_site, real_site):
    page.goto(f"{served_real_site}/search/?company=Disney&kind=Lesson")
    wait_answered(page, "")
    show_all(page)
    found = results_of(page)
    disney = stories_with(real_site, company="Disney")
    assert {r[0] for r in found} == {"lesson"} and len(found) == len(disney)
    assert "No results" not in page.locator("#search-status").inner_text()
    assert count_of(page, "kind", "Lesson") == len(found)

    def day(href):
        slug = href.split("/stories/", 1)[1].split("/", 1)[0]
        return soup(page_file(real_site, f"stories/{slug}/")).select_one("time")["datetime"]

    days = [day(r[2]) for r in found]
    assert days == sorted(days, reverse=True)
    page.goto(f"{served_real_site}/search/?kind=Lesson")
    wait_answered(page, "")
    assert page.locator(".search-result").count() >= 5
    assert {r[0] for r in results_of(page)} == {"lesson"}


def test_a_callout_result_holds_only_the_callouts_own_text(page, served_real_site, real_site):
    import re

    def words(text):
        return {w.lower() for w in re.findall(r"[^\W_]+", text)}

    for query in ("what did disney do", "first told", "disney"):
        open_search(page, served_real_site, query)
        for badge, title, href, excerpt in results_of(page):
            assert "First told" not in excerpt, (query, title)
            if badge == "case study":
                continue
            slug, anchor = href.split("/stories/", 1)[1].split("/#", 1)
            article = soup(page_file(real_site, f"stories/{slug}/"))
            aside = article.select_one(f'aside[aria-labelledby="{anchor}"]')
            for excluded in aside.select(".callout-links, .callout-badge"):
                excluded.decompose()
            labels = " ".join(a.get_text() for a in article.select("a[data-pagefind-filter]"))
            assert words(excerpt) <= words(aside.get_text(" ") + " " + labels), (query, title, excerpt)


def test_a_real_word_is_not_replaced_by_another(page, served_real_site):
    for query, meant in (("kids", "kiss"), ("red tape", "take"), ("upset client yelling at me", "telling")):
        open_search(page, served_real_site, query)
        assert not page.locator("#search-correction").is_visible(), query
        assert meant not in page.locator("#search-status").inner_text(), query
        assert query in page.locator("#search-status").inner_text()


def test_a_word_made_of_a_name_and_more_finds_the_name(page, served_real_site):
    open_search(page, served_real_site, "disneyland")
    assert stories(page) and all(slug.startswith("disney") for slug in stories(page))
    assert "Disney" in page.locator("#search-correction").inner_text()


def test_a_label_named_in_a_query_ranks_its_stories_first(page, served_real_site):
    for query, first in (("first impression", "nail-salon-never-greeted"),
                         ("nordstrom return policy", "nordstrom-rule-one-lower-the-shield")):
        open_search(page, served_real_site, query)
        assert stories(page)[0] == first, query


def test_no_results_says_so_before_the_nearest_themes(page, served_real_site):
    open_search(page, served_real_site, "qwxz vbnm")
    following = page.evaluate("document.getElementById('search-status')"
                              ".compareDocumentPosition(document.getElementById('search-suggest'))")
    assert following & 4  # Node.DOCUMENT_POSITION_FOLLOWING
    open_search(page, served_real_site, "stroller")
    preceding = page.evaluate("document.getElementById('search-status')"
                              ".compareDocumentPosition(document.getElementById('search-suggest'))")
    assert preceding & 2


def test_arriving_with_a_query_the_arrow_keys_move_into_the_results(page, served_real_site):
    open_search(page, served_real_site, "greet")
    assert page.locator("#search-help .search-keys").is_visible()
    page.keyboard.press("ArrowDown")
    first = page.locator(".search-result .search-title a").first.get_attribute("href")
    assert page.evaluate("document.activeElement.getAttribute('href')") == first


def test_a_touch_phone_is_not_told_about_keys(browser, served_real_site):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        page.goto(served_real_site + "/search/")
        assert page.locator("#search-help").is_visible()
        assert not page.locator("#search-help .search-keys").is_visible()
    finally:
        context.close()
