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
        f"{FAULTS}/loose.md:1: the build does not read this file: move it into {FAULTS}/stories/ or {FAULTS}/pages/",
        f"{FAULTS}/pages/about.md:1: missing 'Title:' in the metadata header",
        f"{FAULTS}/stories/missing-bits.md:1: missing 'Summary:' in the metadata header",
        f"{FAULTS}/stories/missing-bits.md:1: no lesson callout: add '> [!lesson] Title' and its text",
        f"{FAULTS}/stories/missing-bits.md:3: theme 'service recovrey' is not in the vocabulary "
        "(CASEBOOK_THEMES) (did you mean 'service recovery'?)",
        f"{FAULTS}/stories/missing-bits.md:4: company 'Chick-Fil-A' is spelled 'Chick-fil-A' elsewhere",
        f"{FAULTS}/stories/missing-bits.md:11: image without alt text: describe it inside ![...]",
        f"{FAULTS}/stories/missing-bits.md:13: image without alt text: add alt=\"...\" to the <img>",
        f"{FAULTS}/stories/missing-bits.md:15: broken internal link {{filename}}nowhere.md: no such file",
        f"{FAULTS}/stories/more/fine.md:1: duplicate slug 'fine' (also {FAULTS}/stories/fine.md)",
        f"{FAULTS}/stories/more/fine.md:1: no lesson callout: add '> [!lesson] Title' and its text",
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


FOREIGN = "tests/fixtures/foreign_lint/content"


def test_content_lint_reports_facts_on_foreign_content_and_never_crashes(monkeypatch):
    """Posts from another Pelican blog: every Markdown extension the build reads is
    linted; multi-line summaries, dates from file names, BOMs and Status: skip are
    valid; a tag listed twice is reported once, with a hint only for a likely typo;
    latin-1 and binary files and a ':' in a file name get a finding, not a traceback."""
    monkeypatch.chdir(ROOT)
    findings = lint.lint(ROOT / FOREIGN, lint.load_settings(ROOT / "pelicanconf.py"))
    stories = f"{FOREIGN}/stories"
    assert findings == [
        f"{stories}/binary.md:1: binary file, not Markdown text: remove it or give it another extension",
        f"{stories}/latin1.md:3: not UTF-8 text (byte 0xe9): save the file as UTF-8",
        f"{stories}/no-summary.markdown:1: missing 'Summary:' in the metadata header",
        f"{stories}/tag-twice.md:3: theme 'learning' is not in the vocabulary (CASEBOOK_THEMES)",
        f"{stories}/tag-twice.md:3: theme 'math' is not in the vocabulary (CASEBOOK_THEMES)",
        f"{stories}/time: 10:30.md:1: missing 'Summary:' in the metadata header",
        f"{stories}/typo.mkd:3: theme 'trainng' is not in the vocabulary (CASEBOOK_THEMES) (did you mean 'training'?)",
    ]


def test_content_lint_command_prints_findings_with_odd_file_names(monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    assert lint.main([str(ROOT / FOREIGN)]) == 1
    out = capsys.readouterr()
    assert f"{FOREIGN}/stories/time: 10:30.md:1: missing 'Summary:'" in out.out
    assert "Traceback" not in out.out + out.err and "content lint: 7 finding(s)" in out.err


def test_site_checks_accept_valid_html_they_did_not_write(basic_site, tmp_path):
    """An empty link, a link to an <a name> anchor, a stylesheet link without href,
    and a hidden (noindex) page left out of the sitemap are all fine."""
    output = tmp_path / "output"
    shutil.copytree(basic_site, output)
    about = output / "about" / "index.html"
    about.write_text(about.read_text().replace(
        "</main>", '<p><a href="">empty</a> <a href=" #legacy ">old anchor</a> <a name="legacy">here</a>'
        ' <a href="/hidden/">hidden</a></p><link rel="stylesheet"></main>'))
    (output / "hidden").mkdir()
    (output / "hidden" / "index.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><meta name="robots" content="noindex, nofollow">'
        '<title>x</title></head><body><a href="#top" name="top">top</a></body></html>')
    assert site.check(output, skip=("html",)) == {
        "links": [], "outside requests": [], "feeds": [], "sitemap": []
    }
