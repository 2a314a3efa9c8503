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
        [sys.executable, "-m", "benchmarks.run", "--articles", "20",
         "--out", str(report), "--work", str(tmp_path / "work")],
        capture_output=True, text=True, timeout=600, cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    figures = json.loads(result.stdout.strip().splitlines()[-1])["20"]
    assert set(figures["seconds"]) == {"baseline", "site", "site+search", "hugo"}
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
