"""Metadata slips in every format (Markdown "Key: value", YAML front matter, reST, HTML):
each is a `path:line: message` error, the strict build lists all of them without a
traceback, and every story is still built, with what the message says it used.

The stories are written by the test: some hold control characters.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import feedparser
import pytest
from helpers import ROOT, build, page, soup

STORIES = {
    "dup.md": ("Title: A\nTitle: B\nDate: 2025-02-03\nTags: empathy\nTags: loyalty\nSummary: one\nSummary: two\n"
               "Companies: Lego\nCompanies: Disney\nStatus: published\nStatus: draft\nSlug: dup-x\nSlug: dup-y\n"
               "Date: 2025-02-04\n\nBody.\n"),
    "continued.md": "Title: A title\n    on two lines\nDate: 2025-02-03\nTags: empathy,\n    loyalty\n\nBody.\n",
    "yaml-words.md": "---\ntitle: Yes\ndate: 2025-02-03\ntags: [empathy, no, null]\ncompanies: [Off]\n---\n\nBody.\n",
    "yaml-slips.md": "---\ntitle: YAML slips\ntitle: other\ndate:\nmodified: 2025-02-30\n---\n\nBody.\n",
    "yaml-tagged.md": "---\ntitle: Tagged\ndate: !!timestamp 2025-02-30\n---\n\nBody.\n",
    "not-iso.md": "Title: Not ISO\nDate: 25-02-03\n\nBody.\n",
    "dotted.md": "Title: Dotted\nDate: 03.02.2025\nModified: 02/03/2025\n\nBody.\n",
    "zone.md": "Title: Zone\nDate: 2025-02-03 10:00 PST\n\nBody.\n",
    "fine-dates.md": "Title: Fine dates\nDate: 2025-02-03T10:00+01:00\nModified: 2025-02-04 09:30 UTC\n\nBody.\n",
    "control.md": ("Title: Ctrl\x01 title\nDate: 2025-02-03\nTags: emp\x02athy\nCompanies: Le\x03go\n"
                   "Summary: A sum\x04mary.\n\nBody \x05here.\n"),
    "companies-rst.rst": "Lego in reST\n############\n\n:date: 2025-02-03\n:companies: Lego\n\nBody.\n",
    "slips-rst.rst": ("Slips in reST\n#############\n\n:date: 2025-02-30\n:tags: empathy\n:tags: loyalty\n\n"
                  "Body with *unclosed.\n\nA control \x01 character.\n"),
    "companies-html.html": ('<html>\n<head>\n<title>Companies in HTML</title>\n'
                            '<meta name="date" content="2025-02-03">\n'
                       '<meta name="companies" content="Lego, Disney">\n</head>\n<body><p>Body.</p></body>\n</html>\n'),
    "slips-html.html": ('<html>\n<head>\n<title>Slips in HTML</title>\n<meta name="date" content="2025-13-03">\n'
                   '<meta name="title" content="Other">\n<meta name="tags" content="empathy">\n'
                   '<meta name="keywords" content="loyalty">\n</head>\n<body><p>Body\x01.</p></body>\n</html>\n'),
}

ISO = "is not written YYYY-MM-DD (optionally with a time, e.g. 2025-05-06 14:30)"
CONTROL = "removed (invisible, and not allowed in a page or feed): check the text around it"
EXPECTED = [
    "control.md:1: control character U+0001 " + CONTROL,
    "control.md:3: control character U+0002 " + CONTROL,
    "control.md:4: control character U+0003 " + CONTROL,
    "control.md:5: control character U+0004 " + CONTROL,
    "control.md:7: control character U+0005 " + CONTROL,
    "dotted.md:2: Date '03.02.2025' " + ISO + ": read as 2025-03-02 until it is fixed",
    "dotted.md:3: Modified '02/03/2025' " + ISO + ": read as 2025-02-03 until it is fixed",
    "dup.md:2: 'Title:' is given again (first on line 1): the first one, 'A', is used; remove the other",
    "dup.md:5: 'Tags:' is given again (first on line 4): the first one, 'empathy', is used; remove the other",
    "dup.md:7: 'Summary:' is given again (first on line 6): the first one, 'one', is used; remove the other",
    "dup.md:9: 'Companies:' is given again (first on line 8): the first one, 'Lego', is used; remove the other",
    "dup.md:11: 'Status:' is given again (first on line 10): the first one, 'published', is used; remove the other",
    "dup.md:13: 'Slug:' is given again (first on line 12): the first one, 'dup-x', is used; remove the other",
    "dup.md:14: 'Date:' is given again (first on line 3): the first one, '2025-02-03', is used; remove the other",
    "not-iso.md:2: Date '25-02-03' " + ISO + ": read as 2003-02-25 until it is fixed",
    "slips-html.html:4: Date '2025-13-03' is not a real date: use YYYY-MM-DD",
    "slips-html.html:5: <meta name=\"title\"> is given again (first on line 3): the first one, 'Slips in HTML', "
    "is used; remove the other",
    "slips-html.html:7: <meta name=\"keywords\"> is given again (first on line 6): the first one, 'empathy', is used; "
    "remove the other",
    "slips-html.html:9: control character U+0001 " + CONTROL,
    "slips-rst.rst:4: Date '2025-02-30' is not a real date: use YYYY-MM-DD",
    "slips-rst.rst:6: :tags: is given again (first on line 5): the first one, 'empathy', is used; remove the other",
    "slips-rst.rst:8: reStructuredText warning: Inline emphasis start-string without end-string: fix the markup",
    "slips-rst.rst:10: control character U+0001 " + CONTROL,
    "yaml-slips.md:3: 'title:' is given again (first on line 2): the first one, 'YAML slips', is used; "
    "remove the other",
    "yaml-slips.md:4: 'Date:' is empty: write the date as YYYY-MM-DD (optionally with a time, e.g. 2025-05-06 14:30)",
    "yaml-slips.md:5: Modified '2025-02-30' is not a real date: use YYYY-MM-DD",
    "yaml-tagged.md:3: YAML front matter cannot be read (day is out of range for month): fix the value, "
    "or write the metadata as 'Key: value' lines",
    "zone.md:2: Date '2025-02-03 10:00 PST' has a time zone that is not known: write it as an offset "
    "(e.g. 2025-02-03 10:00-08:00) or leave it out for the site's (UTC); read as 2025-02-03 10:00 UTC "
    "until it is fixed",
]


@pytest.fixture
def content(tmp_path) -> Path:
    stories = tmp_path / "content" / "stories"
    stories.mkdir(parents=True)
    for name, text in STORIES.items():
        (stories / name).write_text(text, encoding="utf-8")
    return tmp_path / "content"


def test_strict_build_lists_every_slip_with_its_line_and_no_traceback(content, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "pelican", str(content), "-s", str(ROOT / "pelicanconf.py"),
         "-o", str(tmp_path / "out"), "--fatal", "errors", "--log-handler", "plain"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 1
    assert "Traceback" not in output and "Could not process" not in output
    prefix = f"{content}/stories/"
    found = sorted(line.split(prefix, 1)[1] for line in output.splitlines() if prefix in line)
    assert found == sorted(EXPECTED)


def test_every_story_is_built_with_what_its_message_says(content, tmp_path, error_log):
    output = tmp_path / "out"
    build(content, output)
    assert sorted(m.split("/stories/", 1)[1] for m in error_log if "/stories/" in m) == sorted(EXPECTED)

    def story(slug):
        return soup(page(output, f"stories/{slug}/"))

    def themes(document):
        return [a.get_text() for a in document.select('ul[aria-label="Themes"] a')]

    def companies(document):
        return [a.get_text() for a in document.select(".chips-company a")]

    def date(document):
        return document.select_one("time")["datetime"]

    dup = story("dup-x")  # the first Slug:
    assert (dup.h1.get_text(), themes(dup), companies(dup)) == ("A", ["empathy"], ["Lego"])
    assert date(dup).startswith("2025-02-03")
    continued = story("continued")
    assert (continued.h1.get_text(), themes(continued)) == ("A title on two lines", ["empathy", "loyalty"])
    words = story("yaml-words")  # YAML's booleans and null are the words written
    assert (words.h1.get_text(), themes(words), companies(words)) == ("Yes", ["empathy", "no", "null"], ["Off"])
    assert story("yaml-slips").h1.get_text() == "YAML slips"
    assert date(story("not-iso")).startswith("2003-02-25")
    assert date(story("zone")).startswith("2025-02-03T10:00")
    assert date(story("fine-dates")) == "2025-02-03T10:00:00+01:00"
    control = story("control")
    assert (control.h1.get_text(), themes(control), companies(control)) == ("Ctrl title", ["empathy"], ["Lego"])
    assert companies(story("companies-rst")) == ["Lego"]
    assert companies(story("companies-html")) == ["Lego", "Disney"]
    slips = story("slips-rst")
    assert "Body with *unclosed." in slips.select_one("main").get_text()
    assert not slips.select(".system-message, .problematic")
    assert themes(slips) == ["empathy"]
    html_slips = story("slips-html")
    assert (html_slips.h1.get_text(), themes(html_slips)) == ("Slips in HTML", ["empathy"])
    for feed in (output / "feeds").glob("*.xml"):
        assert not feedparser.parse(feed.read_text()).bozo, feed
    assert (output / "companies" / "lego" / "index.html").exists()


def test_a_rest_field_list_in_the_body_is_text_not_metadata():
    from casebook.reader import CasebookRstReader

    text = ("A story\n#######\n\n:date: 2025-02-03\n:tags: empathy,\n  loyalty\n\nBody text.\n\n"
            ":date: 2020-01-01\n:tags: a field list the story shows\n")
    fields = [(line, key) for line, key, _written, _value in CasebookRstReader.metadata_lines(text)]
    assert fields == [(4, "date"), (5, "tags")]
