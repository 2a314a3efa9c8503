"""The search index (``site_search``): Pagefind over the story pages, alongside the build."""

from __future__ import annotations

import json
import logging

from helpers import FIXTURES, build
from site_search.plugin import pagefind_command


def test_search_index_starts_with_the_last_story_page(tmp_path, caplog):
    output = tmp_path / "out"
    with caplog.at_level(logging.INFO, logger="site_search.plugin"):
        build(FIXTURES / "basic" / "content", output)
    started = [r.getMessage() for r in caplog.records if r.name == "site_search.plugin"]
    assert any("started with the last story page" in m for m in started), started
    entry = json.loads((output / "pagefind" / "pagefind-entry.json").read_text())
    stories = list((output / "stories").glob("*/index.html"))
    # one record per story page, and one per callout of theirs (plugins/site_search)
    callouts = sum(path.read_text().count("data-callout=") for path in stories)
    assert entry["languages"]["en"]["page_count"] == len(stories) + callouts
    assert len(stories) > 0


def test_pagefind_reads_story_pages_only_and_drafts_where_they_are_written():
    settings = {"ARTICLE_SAVE_AS": "stories/{slug}/index.html", "DRAFT_SAVE_AS": "drafts/{slug}/index.html"}
    command = pagefind_command(settings, "out")
    assert command[command.index("--glob") + 1] == "{stories/*/index.html,drafts/*/index.html}"
    production = pagefind_command({**settings, "DRAFT_SAVE_AS": ""}, "out")
    assert production[production.index("--glob") + 1] == "{stories/*/index.html}"
    chosen = pagefind_command({**settings, "SITE_SEARCH_GLOB": "a/**/*.html"}, "out")
    assert chosen[chosen.index("--glob") + 1] == "a/**/*.html"


def test_the_dictionary_keeps_only_words_the_page_could_take_for_typos():
    from site_search.plugin import confusable

    known = {"kiss", "child", "children", "front", "line", "empowered", "disney"}
    common = ["kids", "frontline", "empowering", "elephant", "children", "disnye"]
    # near a known word, a form of one, or two joined; a far word is never corrected anyway
    assert confusable(common, known) == ["kids", "frontline", "empowering", "children", "disnye"]


def test_callouts_are_records_of_their_own_and_the_credit_line_is_not_indexed(real_site):
    from site_search.plugin import read_fragments

    fragments = list(read_fragments(real_site / "pagefind"))
    callouts = [f for f in fragments if f["meta"].get("target")]
    stories = [f for f in fragments if not f["meta"].get("target")]
    assert callouts and stories
    assert {k for f in callouts for k in f["filters"]["kind"]} == {"Takeaway", "Lesson"}
    assert all(f["filters"]["kind"] == ["Case study"] for f in stories)
    assert not any("First told by" in f["content"] for f in fragments)
    for f in callouts:
        assert f["filters"]["story"] and "#" in f["meta"]["target"] and f["meta"]["story"]
