"""Search relevance: reader queries typed into the real /search/ page.

    python -m checks.search_relevance            # table on stdout
    python -m checks.search_relevance --write docs/search.md

Builds the site with the production settings (publishconf.py) and SITEURL set
to a local server's address, serves it on 127.0.0.1, types each query of
tests/search_relevance.json into /search/ in headless Chromium, reads the result
links in order and reports, per kind of query: success@5 (an acceptable story
among the first five distinct stories), success@1 and the mean reciprocal rank
(MRR, over the first ten distinct stories).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

from devkit import chromium
from devkit.paths import ROOT
from devkit.server import serve

QUERIES = ROOT / "tests" / "search_relevance.json"
DEPTH = 10  # distinct stories read per query


def load_queries(path: Path = QUERIES) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["queries"]


def story_slugs(links: list[str]) -> list[str]:
    """Distinct story slugs, in order, from result links (story or callout URLs)."""
    slugs: list[str] = []
    for href in links:
        path = href.split("#", 1)[0].split("?", 1)[0].rstrip("/")
        if "/stories/" not in path + "/":
            continue
        slug = path.rsplit("/", 1)[-1]
        if slug not in slugs:
            slugs.append(slug)
    return slugs


def ask(page, base: str, query: str) -> list[str]:
    """Type ``query`` into /search/ as a reader would; the result links in order."""
    page.goto(f"{base}/search/")
    box = page.locator("#search-q")
    box.click()
    box.type(query, delay=5)
    page.wait_for_function(
        "q => { const l = document.getElementById('search-results');"
        " return l.dataset.query === q && document.getElementById('search').getAttribute('aria-busy') === 'false'; }",
        arg=query.strip(),
    )
    more = page.locator(".search-more")
    # enough stories to rank ten
    while more.is_visible() and len(story_slugs(links_of(page))) < DEPTH:
        shown = page.locator(".search-result").count()
        more.click()
        page.wait_for_function(f"document.querySelectorAll('.search-result').length > {shown}")
    return links_of(page)


def links_of(page) -> list[str]:
    return page.eval_on_selector_all(".search-result .search-title a", "els => els.map(a => a.href)")


def score(queries: list[dict], answers: list[list[str]]) -> dict:
    """success@5, success@1 and MRR per kind and overall."""
    rows: dict[str, list[tuple[bool, bool, float]]] = {}
    for query, slugs in zip(queries, answers, strict=True):
        ranks = [i for i, slug in enumerate(slugs[:DEPTH]) if slug in query["answers"]]
        first = ranks[0] if ranks else None
        row = (first is not None and first < 5, first == 0, 1 / (first + 1) if first is not None else 0.0)
        rows.setdefault(query["kind"], []).append(row)
        rows.setdefault("all", []).append(row)
    return {
        kind: {
            "queries": len(r),
            "success@5": sum(x[0] for x in r) / len(r),
            "success@1": sum(x[1] for x in r) / len(r),
            "mrr": sum(x[2] for x in r) / len(r),
        }
        for kind, r in rows.items()
    }


def measure(browser, base: str, queries: list[dict]) -> list[list[str]]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        return [story_slugs(ask(page, base, q["q"])) for q in queries]
    finally:
        context.close()


def production_site(output: Path):
    """A server on a free port, and the production build made for its address."""
    from pelican import Pelican
    from pelican.settings import read_settings

    output.mkdir(parents=True, exist_ok=True)
    server, base = serve(output)  # serving from the start: the build needs its address
    settings = read_settings(path=str(ROOT / "publishconf.py"), override={
        "PATH": str(ROOT / "content"), "OUTPUT_PATH": str(output), "SITEURL": base, "FEED_DOMAIN": base,
        "CACHE_CONTENT": False, "LOAD_CONTENT_CACHE": False,
    })
    Pelican(settings).run()
    return server, base


def table(results: dict, queries: list[dict]) -> str:
    order = ["question", "misspelling", "theme", "company", "paraphrase", "phrase", "figure"]
    kinds = [k for k in order if k in results] + sorted(k for k in results if k not in order and k != "all") + ["all"]
    lines = ["| kind | queries | success@5 | success@1 | MRR |", "| --- | ---: | ---: | ---: | ---: |"]
    for kind in kinds:
        r = results[kind]
        name = "**all**" if kind == "all" else kind
        lines.append(f"| {name} | {r['queries']} | {r['success@5']:.2f} | {r['success@1']:.2f} | {r['mrr']:.2f} |")
    return "\n".join(lines)


def misses(queries: list[dict], answers: list[list[str]]) -> list[str]:
    out = []
    for query, slugs in zip(queries, answers, strict=True):
        if not slugs or slugs[0] not in query["answers"]:
            got = ", ".join(slugs[:3]) or "nothing"
            out.append(f"- `{query['q']}` ({query['kind']}): first {got}")
    return out


def report(results: dict, queries: list[dict], answers: list[list[str]]) -> str:
    return "\n".join([
        "# Search relevance",
        "",
        "Written by `python -m checks.search_relevance --write docs/search.md` (also `invoke search-report`).",
        f"Each of the {len(queries)} reader queries in `tests/search_relevance.json` is typed into `/search/`",
        "of the production build (publishconf.py, SITEURL set to the local server) in headless",
        "Chromium; the result links are read in order and reduced to distinct stories.",
        "success@5: an acceptable story among the first five; success@1: the first story is",
        "acceptable; MRR: mean of 1/rank of the first acceptable story (0 when none in ten).",
        "",
        table(results, queries),
        "",
        "Queries whose first story is not one of their answers:",
        "",
        *(misses(queries, answers) or ["- none"]),
        "",
    ])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", type=Path, help="write the report (Markdown) to this file")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    queries = load_queries()
    workdir = Path(tempfile.mkdtemp(prefix="search-relevance-"))
    server, base = production_site(workdir / "output")
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium.find(), args=chromium.FLAGS)
            try:
                answers = measure(browser, base, queries)
            finally:
                browser.close()
    finally:
        server.shutdown()
        shutil.rmtree(workdir, ignore_errors=True)
    results = score(queries, answers)
    text = report(results, queries, answers)
    if args.write:
        args.write.write_text(text, encoding="utf-8")
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
