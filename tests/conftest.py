from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest
from devkit import chromium
from devkit.server import serve
from helpers import FIXTURES, ROOT, ErrorRecords, build


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
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()
