"""Related stories (``casebook.related.rank``): by shared themes, then newer first."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from casebook.related import rank


@dataclass(eq=False)  # hashed by identity, as Pelican's content is
class Story:
    name: str
    date: datetime.datetime
    tags: list = field(default_factory=list)


@dataclass(frozen=True)
class Theme:
    name: str


def story(name, day, *tags):
    return Story(name, datetime.datetime(2025, 1, day), [Theme(t) for t in tags])


def names(pairs):
    return [(a.name, score) for a, score in pairs]


def test_more_shared_themes_first_then_newer_and_never_itself():
    a = story("a", 1, "empathy", "loyalty", "training")
    b = story("b", 2, "empathy", "loyalty")
    c = story("c", 3, "empathy")
    d = story("d", 4, "loyalty", "training", "empathy")
    e = story("e", 5, "policies")
    ranking = rank([a, b, c, d, e], limit=10)
    assert names(ranking[a]) == [("d", 3), ("b", 2), ("c", 1)]
    assert names(ranking[c]) == [("d", 1), ("b", 1), ("a", 1)]
    assert ranking[e] == []


def test_the_limit_caps_each_list():
    stories = [story(str(n), n, "empathy") for n in range(1, 9)]
    ranking = rank(stories, limit=3)
    assert all(len(pairs) == 3 for pairs in ranking.values())
    assert names(ranking[stories[-1]]) == [("7", 1), ("6", 1), ("5", 1)]


def test_stories_without_themes_have_no_related_stories():
    lone = story("lone", 1)
    assert rank([lone, story("x", 2, "empathy")], limit=5)[lone] == []
