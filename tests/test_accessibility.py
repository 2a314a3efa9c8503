"""axe-core (through axe-playwright-python) reports no violation on any page type."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

PAGES = {
    "home": "/",
    "article": "/stories/lego-luka-jay-minifigure/",
    "collapsible callouts and related": "/stories/marriott-courtyard-recovery/",
    "tag": "/themes/service-recovery/",
    "tags": "/themes/",
    "company": "/companies/disney/",
    "companies": "/companies/",
    "lessons": "/lessons/",
    "takeaways": "/takeaways/",
    "playbook": "/playbook/",
    "takeaways of a theme": "/takeaways/service-recovery/",
    "lessons of a theme": "/lessons/training/",
    "playbook chapter": "/playbook/service-recovery/",
    "whole playbook": "/playbook/complete/",
    "company on a theme": "/companies/disney/customer-experience/",
    "search": "/search/?q=customer",
    "archives": "/archives/",
    "about": "/about/",
    "404": "/404.html",
}


@pytest.fixture(scope="module")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name, url", PAGES.items())
def test_axe_finds_no_violations(browser, served_real_site, axe, name, url, scheme):
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    try:
        assert page.goto(served_real_site + url).ok
        if "q=" in url:
            page.wait_for_function("document.getElementById('search-status').textContent !== ''")
        results = axe.run(page)
        assert results.violations_count == 0, results.generate_report()
    finally:
        context.close()
