"""Unit tier: the callout extension on Markdown strings (no Pelican)."""

import markdown
import pytest
from bs4 import BeautifulSoup
from markdown.test_tools import TestCase
from pelican.plugins.callouts.markdown_ext import CalloutsExtension


def convert(source, **config):
    md = markdown.Markdown(extensions=[CalloutsExtension(**config), "toc", "fenced_code"])
    html = md.convert(source)
    return md, BeautifulSoup(html, "html.parser")


def test_takeaway_becomes_labelled_aside_with_badge_heading_and_self_link():
    md, doc = convert("> [!takeaway] Give the front line authority\n> Staff fix it on the spot.")
    aside = doc.select_one("aside.callout.callout-takeaway")
    heading = aside.select_one("h2.callout-title")
    assert heading.get_text() == "Give the front line authority"
    assert heading["id"] == "give-the-front-line-authority"
    assert aside["aria-labelledby"] == heading["id"]
    assert aside.select_one(".callout-badge").get_text() == "Takeaway"
    assert aside.select_one("a.callout-self")["href"] == "#give-the-front-line-authority"
    assert aside.select_one(".callout-body p").get_text() == "Staff fix it on the spot."


class TestRendering(TestCase):
    def test_exact_markup_of_a_lesson(self):
        self.assertMarkdownRenders(
            "> [!lesson] Listen first\n> Then act.",
            '<aside aria-labelledby="listen-first" class="callout callout-lesson" data-callout="lesson">'
            '<div class="callout-head"><span class="callout-badge">Lesson</span>'
            '<h2 class="callout-title" id="listen-first">Listen first</h2></div>'
            '<div class="callout-body"><p>Then act.</p>\n</div>'
            '<p class="callout-links"><a class="callout-self" href="#listen-first">Link to this lesson</a></p>'
            "</aside>",
            extensions=[CalloutsExtension()],
        )


def test_collapsible_callout_uses_details_and_plus_starts_open():
    _, doc = convert("> [!lesson]- Closed one\n> Body.\n\n> [!lesson]+ Open one\n> Body.")
    closed, opened = doc.select("aside details")
    assert closed.summary.select_one("h2").get_text() == "Closed one"
    assert not closed.has_attr("open")
    assert opened.has_attr("open")


def test_records_each_callout_with_line_text_and_html():
    md, _ = convert("Intro\n\n> [!takeaway] First *one*\n> Body with **bold**.\n\n> [!lesson] Second\n> More.")
    first, second = md.callouts
    assert (first.type, first.id, first.title, first.line) == ("takeaway", "first-one", "First one", 3)
    assert first.title_html == "First <em>one</em>"
    assert first.text == "Body with bold."
    assert first.html.strip() == "<p>Body with <strong>bold</strong>.</p>"
    assert (second.type, second.line) == ("lesson", 6)


def test_explicit_id_overrides_and_duplicate_titles_get_unique_ids():
    md, doc = convert(
        "> [!takeaway] Same {#mine}\n> a\n\n> [!takeaway] Same\n> b\n\n> [!takeaway] Same\n> c\n\n# Same"
    )
    assert [c.id for c in md.callouts] == ["mine", "same-2", "same-3"]  # the heading keeps 'same'
    ids = [el["id"] for el in doc.select("[id]")]
    assert len(ids) == len(set(ids)), "a heading must not reuse a callout id"


def test_index_link_uses_configured_href_and_document_key():
    md = markdown.Markdown(extensions=[CalloutsExtension(index_href=lambda kind, anchor: f"/{kind}s/#{anchor}")])
    md.document_key = "lego-luka"
    doc = BeautifulSoup(md.convert("> [!lesson] Be human\n> Text."), "html.parser")
    assert doc.select_one("a.callout-index")["href"] == "/lessons/#lego-luka--be-human"
    assert md.callouts[0].anchor == "lego-luka--be-human"


@pytest.mark.parametrize(
    "source, line, message",
    [
        ("> [!takaway] T\n> b", 1, "unknown callout type 'takaway' (did you mean 'takeaway'?"),
        ("x\n\n> [!lesson]\n> b", 3, "lesson callout has no title"),
        ("> [!lesson] Alone", 1, "has an empty body"),
        ("> [!lesson] A {#x}\n> a\n\n> [!lesson] B {#x}\n> b", 4, "duplicate callout id 'x' (already used on line 1)"),
        ("- item\n\n    > [!lesson] Deep\n    > b", 3, "nested inside a list or quote"),
        ("> quote\n> [!lesson] Late\n> b", 2, "not at the start of a quote block"),
    ],
)
def test_author_mistakes_are_recorded_with_their_line(source, line, message):
    md, _ = convert(source)
    assert [(p.line, message in p.message) for p in md.callout_problems] == [(line, True)]


def test_nested_and_unknown_callouts_render_but_are_not_indexed():
    md, doc = convert("> [!tip] Unknown\n> b\n\n- x\n\n    > [!lesson] Deep\n    > b",
                      index_href=lambda kind, anchor: f"/{kind}s/#{anchor}")
    assert md.callouts == []
    assert len(doc.select("aside.callout")) == 2
    # no link to an entry that no index holds
    assert not doc.select("a.callout-index")


def test_callout_inside_code_is_left_alone():
    md, doc = convert("```\n> [!lesson] Example\n```\n")
    assert md.callouts == [] and md.callout_problems == []
    assert doc.code.get_text() == "> [!lesson] Example\n"


def test_raw_html_in_a_title_is_shown_as_text():
    md, doc = convert('> [!takeaway] Use <b>bold</b> & <img src=x onerror="alert(1)">\n> b')
    heading = doc.select_one("h2")
    assert heading.get_text() == 'Use <b>bold</b> & <img src=x onerror="alert(1)">'
    assert heading.find("b") is None and doc.find("img") is None
    assert md.callouts[0].title == 'Use <b>bold</b> & <img src=x onerror="alert(1)">'


def test_a_configured_third_type_works_without_code_change():
    types = {"tip": {"label": "Tip", "plural": "Tips"}}
    md, doc = convert("> [!tip] Smile\n> b", types=types)
    assert md.callouts[0].type == "tip"
    assert doc.select_one(".callout-badge").get_text() == "Tip"


def test_results_are_cleared_when_markdown_is_reset():
    md, _ = convert("> [!lesson] A\n> b\n\n> [!nope] B\n> c")
    assert md.callouts and md.callout_problems
    md.reset()
    assert md.callouts == [] and md.callout_problems == []


def test_a_callout_comes_back_whole_from_a_pickle_new_or_old():
    """Callouts are kept in Pelican's content cache: one pickled now comes back
    equal, field for field, and so does one pickled as the dataclass's state
    (the form older caches hold)."""
    import copyreg
    import pickle
    from dataclasses import fields

    md = markdown.Markdown(extensions=[CalloutsExtension()])
    md.document_key = "a-story"
    md.convert("> [!lesson]- Own the <em>fix</em>\n> Say what you will do, then do it.\n")
    callout = md.callouts[0]
    assert callout.scope == "a-story"

    class AsOlderCaches:
        def __reduce__(self):
            return copyreg._reconstructor, (type(callout), object, None), callout.__getstate__()

    for data in (pickle.dumps(callout, pickle.HIGHEST_PROTOCOL), pickle.dumps(AsOlderCaches())):
        again = pickle.loads(data)
        assert type(again) is type(callout) and again == callout
        assert [getattr(again, f.name) for f in fields(callout)] == [getattr(callout, f.name) for f in fields(callout)]
        assert again.collapsible and again.anchor == callout.anchor
