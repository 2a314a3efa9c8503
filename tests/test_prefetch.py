"""Reading on every core (``casebook.prefetch``): the same site and errors as one core."""

from __future__ import annotations

import logging

from helpers import FIXTURES, build


def test_reading_on_worker_processes_builds_the_same_site(tmp_path, caplog):
    sites = {}
    for name, reading in (("one", {"CASEBOOK_READ_WORKERS": 1}),
                          ("workers", {"CASEBOOK_READ_WORKERS": 2, "CASEBOOK_PARALLEL_READ_MIN": 0})):
        output = tmp_path / name
        with caplog.at_level(logging.DEBUG, logger="casebook.prefetch"):
            build(FIXTURES / "basic" / "content", output, SITE_SEARCH_INDEX=False, **reading)
        # the sitemap dates listing pages with the time of the build: left out
        sites[name] = {p.relative_to(output): p.read_bytes() for p in output.rglob("*")
                       if p.is_file() and p.name != "sitemap.xml"}
    assert sites["one"].keys() == sites["workers"].keys() and len(sites["one"]) > 20
    assert [p for p in sites["one"] if sites["one"][p] != sites["workers"][p]] == []
    # the second build's stories were converted by the workers
    assert [r.getMessage() for r in caplog.records if r.name == "casebook.prefetch"] == [
        "casebook: converting 3 files on 2 workers"]


def test_authors_errors_are_the_same_with_workers(tmp_path, error_log):
    reported = {}
    for name, reading in (("one", {"CASEBOOK_READ_WORKERS": 1}),
                          ("workers", {"CASEBOOK_READ_WORKERS": 2, "CASEBOOK_PARALLEL_READ_MIN": 0})):
        error_log.clear()
        build(FIXTURES / "bad_input" / "content", tmp_path / name, SITE_SEARCH_INDEX=False, **reading)
        reported[name] = list(error_log)
    assert reported["one"] == reported["workers"] and len(reported["one"]) >= 5
