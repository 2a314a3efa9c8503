"""Fragments (``casebook.fragments``): a page-independent piece rendered once per build."""

from __future__ import annotations

from casebook.fragments import CACHE_KEY, once, once_each
from helpers import FIXTURES, build
from jinja2 import Environment

TEMPLATE = """
{%- macro card(item, level) %}[{{ count() }}:{{ item.name }}:{{ level }}]{% endmacro -%}
{%- for item in items %}{{ once(card, item, 2) }}{% endfor %}|{{ once(card, items[0], 3) }}"""


def render(items, cache):
    calls = []
    env = Environment(autoescape=True)
    env.globals.update(once=once, count=lambda: calls.append(1) or len(calls))
    context = {"items": items} if cache is None else {"items": items, CACHE_KEY: cache}
    return env.from_string(TEMPLATE).render(context), len(calls)


def test_once_renders_each_macro_and_arguments_once_per_build():
    a, b = {"name": "A"}, {"name": "B"}
    cache = {}
    html, calls = render([a, b, a, b], cache)
    # the same object with the same arguments reuses the first rendering;
    # other arguments render anew
    assert html == "[1:A:2][2:B:2][1:A:2][2:B:2]|[3:A:3]"
    assert calls == 3
    # a later page of the same build reuses everything
    again, calls = render([a, b], cache)
    assert again == "[1:A:2][2:B:2]|[3:A:3]" and calls == 0


def test_once_keys_records_by_identity_not_equality():
    # two records that compare equal are still two callouts
    html, calls = render([{"name": "A"}, {"name": "A"}], {})
    assert calls == 3 and html.startswith("[1:A:2][2:A:2]")


def test_without_a_build_cache_every_call_renders():
    # as with RELATIVE_URLS, where every page has its own SITEURL
    html, calls = render([{"name": "A"}, {"name": "A"}], None)
    assert calls == 3


def test_relative_urls_build_shares_nothing_and_stays_correct(tmp_path):
    output = tmp_path / "out"
    build(FIXTURES / "basic" / "content", output, RELATIVE_URLS=True, SITE_SEARCH_INDEX=False)
    theme = (output / "themes").iterdir().__next__() / "index.html"
    # one level down: every link on a theme page starts with ../../
    text = theme.read_text()
    assert 'href="../../stories/' in text and 'href="/stories/' not in text


def test_once_each_renders_a_list_sharing_the_fragments_of_once():
    a, b = {"name": "A"}, {"name": "B"}
    calls = []
    env = Environment(autoescape=True)
    env.globals.update(once=once, once_each=once_each, count=lambda: calls.append(1) or len(calls))
    template = env.from_string(
        "{%- macro card(item, level) %}<{{ count() }}:{{ item.name }}:{{ level }}>{% endmacro -%}"
        "{{ once(card, items[0], 2) }}|{{ once_each(card, items, 2) }}|{{ once_each(card, items, 3) }}")
    html = template.render({"items": [a, b], CACHE_KEY: {}})
    assert html == "<1:A:2>|<1:A:2><2:B:2>|<3:A:3><4:B:3>"
    assert len(calls) == 4
    # without a cache (relative URLs) every item renders every time
    calls.clear()
    assert template.render({"items": [a, b]}).count("<") == 5 and len(calls) == 5


def test_once_each_with_a_scope_keeps_fragments_only_while_the_scope_lasts():
    """Collections are written theme by theme: an entry's fragment is reused by
    the pages of one theme and let go when the next theme's pages start."""
    a, b = {"name": "A"}, {"name": "B"}
    calls = []
    env = Environment(autoescape=True)
    env.globals.update(once_each=once_each, count=lambda: calls.append(1) or len(calls))
    template = env.from_string(
        "{%- macro entry(item, level) %}<{{ count() }}:{{ item.name }}>{% endmacro -%}"
        "{{ once_each(entry, items, 2, scope=theme) }}")
    cache = {}

    def page(items, theme):
        return template.render({"items": items, "theme": theme, CACHE_KEY: cache})

    assert page([a, b], "empathy") == "<1:A><2:B>"
    assert page([b], "empathy") == "<2:B>"  # same theme: reused
    assert page([a], "loyalty") == "<3:A>"  # another theme: rendered again ...
    assert len(cache["entry"]) == 1  # ... and the last theme's fragments are gone
    assert page([a], "loyalty") == "<3:A>" and len(calls) == 3
