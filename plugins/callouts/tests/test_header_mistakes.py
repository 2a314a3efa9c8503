"""Unit tier: callout headers and ids an author got almost right are reported with
their line, never passed over as a plain quote or left in the title."""

import markdown
import pytest
from bs4 import BeautifulSoup
from pelican.plugins.callouts.markdown_ext import CalloutsExtension


def convert(source):
    md = markdown.Markdown(extensions=[CalloutsExtension(), "toc", "fenced_code"])
    html = md.convert(source)
    return md, BeautifulSoup(html, "html.parser")


def problems(md):
    return [(p.line, p.message) for p in md.callout_problems]


@pytest.mark.parametrize("header", [
    "> [!takeaway Missing the bracket",
    "> [! takeaway] A space after the mark",
    "> [!] No type at all",
    ">[!take away] A space inside the type",
])
def test_a_quote_that_starts_like_a_callout_is_reported_on_its_line(header):
    md, doc = convert(f"Intro.\n\n{header}\n> Body.\n")
    assert doc.select("blockquote") and not doc.select("aside")
    (found,) = problems(md)
    assert found[0] == 3 and "starts like a callout but is not one" in found[1]


def test_a_header_inside_code_or_an_ordinary_quote_is_not_reported():
    md, _ = convert("```\n> [!takeaway oops\n```\n\n> Just a quote\n> with [!bang] inside.\n")
    assert problems(md) == []


@pytest.mark.parametrize("written", ["123", "", "héllo wörld", 'a"b<c>', "-lead"])
def test_an_explicit_id_no_page_can_use_is_reported_and_taken_out_of_the_title(written):
    md, doc = convert(f"> [!lesson] Listen first {{#{written}}}\n> Then act.\n")
    heading = doc.select_one("h2.callout-title")
    assert heading.get_text() == "Listen first"
    assert heading["id"] == "listen-first"
    ((line, message),) = problems(md)
    assert line == 1 and "is not one an HTML page can use" in message


def test_an_explicit_id_a_heading_or_callout_already_has_is_reported_and_made_unique():
    source = ("## Own world\n\n> [!lesson] First {#own-world}\n> Body.\n\n"
              "> [!takeaway] Answer letters as letters\n> Body.\n\n"
              "> [!lesson] Second {#answer-letters-as-letters}\n> Body.\n")
    md, doc = convert(source)
    ids = [el["id"] for el in doc.select("[id]")]
    assert len(ids) == len(set(ids)), ids
    found = problems(md)
    assert (3, "callout id 'own-world' is already an id on this page (a heading's, an anchor's or the "
               "page's own): choose another") in found
    assert any(line == 9 and "the callout on line 6's" in message for line, message in found)


def test_a_callout_inside_an_html_block_is_reported_as_such():
    md, doc = convert("Intro.\n\n<details>\n<summary>More</summary>\n\n> [!takeaway] Hidden away\n> Body.\n\n"
                      "</details>\n")
    assert not doc.select("aside")
    ((line, message),) = problems(md)
    assert line == 6 and "inside an HTML block" in message
