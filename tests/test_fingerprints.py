"""The pure parts of incremental rebuilds: what a template reads, values as plain data."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from casebook.incremental.fingerprints import template_reads
from casebook.incremental.records import link_targets
from casebook.incremental.values import Plain, digest
from jinja2 import DictLoader, Environment
from pelican.plugins.callouts.contracts import Fingerprinted
from pelican.settings import DEFAULT_CONFIG
from pelican.urlwrappers import Tag

TEMPLATES = {
    "base.html": "{{ SITENAME }}{% block content %}{% endblock %}{% include 'footer.html' %}",
    "footer.html": "{{ FEED }}",
    "macros.html": "{% macro card(a) %}{{ a.title }}{{ SITEURL }}{% endmacro %}",
    "article.html": "{% extends 'base.html' %}{% import 'macros.html' as m %}"
                    "{% block content %}{{ m.card(article) }}{% set local = 1 %}{{ local }}{% endblock %}",
    "dynamic.html": "{% include page_name %}{{ article }}",
}


def environment():
    return Environment(loader=DictLoader(TEMPLATES))


def test_template_reads_follows_extends_includes_and_imports():
    reads = template_reads(environment(), "article.html")
    # Jinja counts a name imported outside a child's blocks as read inside them:
    # harmless, a page's fingerprint takes only the names its context has
    assert reads - {"m"} == {"SITENAME", "FEED", "SITEURL", "article"}


def test_template_reads_gives_up_on_a_computed_template_name():
    # a page whose template cannot be followed depends on all of its context
    assert template_reads(environment(), "dynamic.html") is None


def test_template_reads_parses_each_file_once():
    parsed = {}
    template_reads(environment(), "article.html", parsed)
    assert set(parsed) == {"article.html", "base.html", "footer.html", "macros.html"}
    parsed["footer.html"] = (frozenset({"CHANGED"}), [])
    assert "CHANGED" in template_reads(environment(), "article.html", parsed)


@dataclass
class Record:
    name: str
    when: datetime.date


class Shown(Fingerprinted):
    __slots__ = ("title", "cache")

    def __init__(self, title):
        self.title = title
        self.cache = object()  # not what a page shows

    def fingerprint(self):
        return (self.title,)


def test_plain_values_are_the_same_from_one_build_to_the_next():
    settings = dict(DEFAULT_CONFIG)
    value = {"b": [1, 2.5, None], "a": {"x", "y"}, "r": Record("n", datetime.date(2025, 1, 2)),
             "tag": Tag("Service recovery", settings), "obj": object()}
    first, second = Plain().plain(value), Plain().plain(dict(reversed(list(value.items()))))
    assert first == second  # key order, set order and object addresses do not count
    assert "0x" not in repr(first)
    assert digest(first) == digest(second)


def test_a_changed_value_changes_its_digest():
    plain = Plain().plain
    first, second = Record("n", datetime.date(2025, 1, 2)), Record("n", datetime.date(2025, 1, 3))
    assert digest(plain(first)) != digest(plain(second))
    settings = dict(DEFAULT_CONFIG)
    assert plain(Tag("empathy", settings)) != plain(Tag("loyalty", settings))


def test_a_fingerprinted_record_counts_by_what_it_shows():
    plain = Plain().plain
    assert plain(Shown("A")) == plain(Shown("A")) != plain(Shown("B"))


def test_long_lists_are_digested_once_and_remembered():
    plain = Plain()
    items = list(range(20))
    assert plain.plain(items) == plain.plain(items)
    assert isinstance(plain.plain(items), bytes) and id(items) in plain.memo


def test_link_targets_lists_each_intrasite_link_without_its_fragment():
    settings = dict(DEFAULT_CONFIG)
    html = ('<a href="{filename}other.md#part">x</a> <img src="{static}/images/a.png?v=1"> '
            '<a href="{filename}other.md">again</a> <a href="https://example.org">out</a>')
    assert link_targets(settings, html) == [("filename", "{filename}", "other.md"),
                                            ("static", "{static}", "/images/a.png")]
    assert link_targets(settings, "<p>no links</p>") == []


def test_recorded_links_stand_only_for_the_body_they_were_found_in():
    """A story's links as the reader recorded them (they spare a look through
    the body) are given only while its body is the one read: a plugin that
    changed it since gets None, and the body is looked through again."""
    from casebook.incremental.records import READ_KEY, read_record, record_in, recorded_links
    from pelican.contents import Article

    settings = {**DEFAULT_CONFIG, "CACHE_CONTENT": True}
    html = '<p><a href="{filename}other.md">x</a> <img src="{static}/a.png"></p>'
    metadata = {"title": "T"}
    record_in(metadata, read_record(settings, html, ({}, {}, 1), []))
    story = Article(html, metadata=metadata, settings=settings, source_path="/c/s.md", context={})
    assert recorded_links(story) == (("filename", "{filename}", "other.md"), ("static", "{static}", "/a.png"))
    story._content = html.replace("{static}/a.png", "{static}/b.png")
    assert recorded_links(story) is None
    del metadata[READ_KEY]
    assert recorded_links(story) is None  # read by another reader: nothing recorded
