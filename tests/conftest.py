from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest
from helpers import FIXTURES, ROOT, ErrorRecords, build

from devkit import chromium
from devkit.server import serve


@pytest.fixture(scope="session")
def basic_site(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("basic") / "output"
    build(FIXTURES / "basic" / "content", output)
    return output


@pytest.fixture(scope="session")
def real_site(tmp_path_factory) -> Path:
    """The project's own content/, built with pelicanconf.py."""
    output = tmp_path_factory.mktemp("real") / "output"
    build(ROOT / "content", output)
    return output


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("hostile") / "output"
    build(FIXTURES / "hostile_input" / "content", output)
    return output


@pytest.fixture
def error_log():
    """Error-level log records of everything run inside the test."""
    handler = ErrorRecords()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield handler.messages
    finally:
        root.removeHandler(handler)


@pytest.fixture(scope="session")
def served_real_site(real_site):
    server, url = serve(real_site)
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def served_basic_site(basic_site):
    server, url = serve(basic_site)
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api")
    executable = chromium.find()
    if not executable:
        if os.environ.get("CI"):
            pytest.fail("no Chromium for the browser tests: run `invoke chromium` or set CHROMIUM_PATH")
        pytest.skip("no Chromium: set CHROMIUM_PATH")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=chromium.FLAGS)
        yield CspBypassingBrowser(browser)
        browser.close()


class CspBypassingBrowser:
    """The browser for tests that drive pages: Playwright's waiting helpers
    (``wait_for_function``) evaluate strings in the page, which the site's CSP
    forbids, so contexts bypass the CSP unless asked not to
    (``new_context(bypass_csp=False)``: test_security runs the site under it)."""

    def __init__(self, browser):
        self._browser = browser

    def new_context(self, **options):
        return self._browser.new_context(**{"bypass_csp": True, **options})

    def new_page(self, **options):
        return self._browser.new_page(**{"bypass_csp": True, **options})

    def __getattr__(self, name):
        return getattr(self._browser, name)


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()
