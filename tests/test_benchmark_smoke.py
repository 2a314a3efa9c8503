"""A small run of the benchmark harness, so it cannot rot (the real run is `make bench`)."""

import sys

import pytest

from helpers import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))


@pytest.mark.browser
def test_harness_builds_four_ways_and_writes_the_report(tmp_path, browser):
    import run

    report = tmp_path / "performance.md"
    results = run.main(["--articles", "20", "--out", str(report), "--work", str(tmp_path / "work")])
    runs = results[20]["runs"]
    assert set(runs) == {"baseline", "site", "site+search", "hugo"}
    assert all(r.seconds > 0 and r.peak_mb > 0 and r.pages >= 20 for r in runs.values())
    assert results[20]["search"]["bytes"] > 0 and results[20]["search"]["first_ms"] > 0
    text = report.read_text()
    assert "| 20 | baseline | " in text and "× baseline" in text and "Versions: pelican" in text
