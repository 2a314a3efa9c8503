"""A small run of the benchmark harness, so it cannot rot (the real run is `make bench`)."""

import json
import subprocess
import sys

import pytest
from helpers import ROOT


@pytest.mark.browser
def test_harness_builds_four_ways_and_writes_the_report(tmp_path):
    report = tmp_path / "performance.md"
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--articles", "20", "--shapes", "typical,reported",
         "--rounds", "1", "--out", str(report), "--work", str(tmp_path / "work")],
        capture_output=True, text=True, timeout=600, cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    figures = json.loads(result.stdout.strip().splitlines()[-1])["20"]
    assert set(figures["seconds"]) == {"baseline", "site", "site+search", "production", "hugo"}
    assert all(s > 0 for s in figures["seconds"].values())
    assert all(m > 0 for m in figures["peak_mb"].values())
    assert all(c > 0 for c in figures["cpu_seconds"].values())
    assert all(p >= 20 for p in figures["pages"].values())
    assert figures["search"]["bytes"] > 0 and figures["search"]["first_ms"] > 0
    assert set(figures["rebuilds"]) == {"full", "body", "callout", "title"}
    assert all(s > 0 for s in figures["rebuilds"].values())
    assert figures["largest"]["takeaways / lessons of a theme"][1] > 0
    assert figures["callouts"]["now"]["pages"] > 3 and figures["callouts"]["now"]["seconds"] > 0
    text = report.read_text()
    assert "| 20 | playbook chapter | " in text and "within budget" in text
    assert (tmp_path / "performance.svg").read_text().lstrip().startswith("<?xml")
    assert "| 20 | baseline | " in text and "× baseline" in text and "Versions: pelican" in text
    assert "body edit, s" in text
    # every shape asked for is measured against the goals, Pagefind's own memory beside the site's
    assert set(figures["shapes"]) == {"typical", "reported"}
    for shape in figures["shapes"].values():
        assert set(shape["seconds"]) >= {"baseline", "site", "site+search"}
        assert shape["census"]["stories"] == 20 and shape["census"]["tags"] > 0
        assert shape["pagefind"]["peak_mb"] > 0 and shape["pagefind"]["seconds"] > 0
    assert figures["goals"]["site peak RSS ÷ baseline"]["limit"] == 1.5
    assert all(g["worst_shape"] in {"typical", "reported"} and g["worst"] >= g["typical"]
               for g in figures["goals"].values())
    assert "| 20 | reported | " in text and "worst shape" in text and "Pagefind MB" in text


def test_corpus_shapes_are_seeded_and_keep_their_promises(tmp_path):
    """Each shape gives the same files every time, and the reported one is the
    corpus of issue #21: about 850 words, 5 sections each ending in a callout
    with a short title, 3 tags of 20 (most outside the vocabulary), 1 company of 10."""
    import re

    from benchmarks.corpus import SHAPES, THEMES, write_corpus

    write_corpus(40, tmp_path / "a", "reported", hugo=False)
    write_corpus(40, tmp_path / "b", "reported", hugo=False)
    files = sorted((tmp_path / "a" / "pelican" / "stories").glob("*.md"))
    assert len(files) == 40
    assert all(f.read_bytes() == (tmp_path / "b" / "pelican" / "stories" / f.name).read_bytes() for f in files)
    tags, companies, words = set(), set(), []
    for f in files:
        text = f.read_text()
        story_tags = re.search(r"^Tags: (.*)$", text, re.M).group(1).split(", ")
        assert len(story_tags) == 3
        tags.update(story_tags)
        companies.update(re.search(r"^Companies: (.*)$", text, re.M).group(1).split(", "))
        assert len(re.search(r"^Companies: (.*)$", text, re.M).group(1).split(", ")) == 1
        sections = text.split("\n## ")[1:]
        assert len(sections) == 5
        assert all(re.search(r"\n> \[!(takeaway|lesson)\] \S+ \S+\n> [^\n]+\n*$", s) for s in sections)
        words.append(len(text.split("\n\n", 1)[1].split()))
    assert len(tags) <= 20 and len(tags - set(THEMES)) > len(tags) / 2
    assert len(companies) <= 10
    assert 750 <= sum(words) / len(words) <= 950
    # shapes differ where they say they do
    assert SHAPES["callouts"].callouts == (0, 10) and SHAPES["many-tags"].companies == (1, 4)
    assert {"typical", "reported", "callouts", "many-tags", "few-tags", "lengths"} <= set(SHAPES)
