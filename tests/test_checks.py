"""`make check` itself: fixtures with known faults give exactly the expected findings."""

from __future__ import annotations

import shutil

import pytest
from helpers import ROOT

from checks import lint, site

FAULTS = "tests/fixtures/lint_faults/content"


def test_content_lint_reports_exactly_the_known_faults(monkeypatch):
    monkeypatch.chdir(ROOT)
    settings = lint.load_settings(ROOT / "pelicanconf.py")
    findings = lint.lint(ROOT / FAULTS, settings)
    assert findings == [
        f"{FAULTS}/pages/about.md:1: missing 'Title:' in the metadata header",
        f"{FAULTS}/stories/missing-bits.md:1: missing 'Summary:' in the metadata header",
        f"{FAULTS}/stories/missing-bits.md:1: no lesson callout: add '> [!lesson] Title' and its text",
        f"{FAULTS}/stories/missing-bits.md:3: theme 'service recovrey' is not in the vocabulary "
        "(CASEBOOK_THEMES) (did you mean 'service recovery'?)",
        f"{FAULTS}/stories/missing-bits.md:4: company 'Chick-Fil-A' is spelled 'Chick-fil-A' elsewhere",
        f"{FAULTS}/stories/missing-bits.md:11: image without alt text: describe it inside ![...]",
        f"{FAULTS}/stories/missing-bits.md:13: image without alt text: add alt=\"...\" to the <img>",
        f"{FAULTS}/stories/missing-bits.md:15: broken internal link {{filename}}nowhere.md: no such file",
        f"{FAULTS}/sub/fine.md:1: duplicate slug 'fine' (also {FAULTS}/stories/fine.md)",
        f"{FAULTS}/sub/fine.md:1: no lesson callout: add '> [!lesson] Title' and its text",
    ]


def test_content_lint_passes_on_the_library(monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    assert lint.main([str(ROOT / "content")]) == 0
    assert capsys.readouterr().out == ""


@pytest.fixture
def faulty_site(basic_site, tmp_path):
    output = tmp_path / "output"
    shutil.copytree(basic_site, output)
    about = output / "about" / "index.html"
    html = about.read_text()
    html = html.replace("</main>", '<p><a href="/nowhere/">x</a> <a href="/takeaways/#no-such-entry">y</a></p>'
                        '<script src="https://cdn.example.com/lib.js"></script></main>')
    about.write_text(html)
    (output / "extra").mkdir()
    (output / "extra" / "index.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><title>x</title></head><body><p><div>bad nesting</p></body></html>'
    )
    (output / "feeds" / "broken.atom.xml").write_text("<feed><entry>")
    return output


def test_site_checks_report_exactly_the_known_faults(faulty_site):
    results = site.check(faulty_site, skip=("html",))
    assert results["links"] == [
        "/about/index.html: link /nowhere/ leads nowhere (nowhere/index.html is missing)",
        "/about/index.html: link /takeaways/#no-such-entry points to a missing #no-such-entry",
    ]
    assert results["outside requests"] == [
        "/about/index.html: loads https://cdn.example.com/lib.js from another host"
    ]
    assert len(results["feeds"]) == 1 and results["feeds"][0].startswith("/feeds/broken.atom.xml: feed does not parse")
    assert results["sitemap"] == ["sitemap.xml does not list /extra/index.html"]


@pytest.mark.skipif(not shutil.which("java"), reason="the Nu HTML Checker needs Java")
def test_html_validation_finds_invalid_markup_and_passes_the_real_site(faulty_site, real_site):
    problems = site.validate_html(faulty_site)
    assert any("/extra/index.html" in p for p in problems)
    assert not any("/about/" in p for p in problems)
    assert site.validate_html(real_site) == []


def test_site_checks_pass_on_the_real_build(real_site):
    assert site.check(real_site, skip=("html",)) == {
        "links": [], "outside requests": [], "feeds": [], "sitemap": []
    }
