"""Lighthouse scores for every page type (`make lighthouse`): a report, not a test.

    python -m checks.lighthouse [--output docs/quality.md]

Builds the production site into a temporary folder, serves it on 127.0.0.1
and runs the npm `lighthouse` package (installed by `npm ci` from
package.json) with Debian's Chromium on each page type, printing a table of
the four category scores. The goal is 100 everywhere.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from devkit import chromium as chromium_tools
from devkit.paths import ROOT
from devkit.server import serve
from devkit.staging import build_site

PAGES = {
    "home": "/",
    "article": "/stories/lego-luka-jay-minifigure/",
    "tag": "/themes/service-recovery/",
    "company": "/companies/disney/",
    "lessons": "/lessons/",
    "takeaways": "/takeaways/",
    "playbook": "/playbook/",
    "search": "/search/",
    "about": "/about/",
    "404": "/404.html",
}
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
FLAGS = " ".join(chromium_tools.FLAGS)


def lighthouse_bin() -> Path:
    path = ROOT / "node_modules" / ".bin" / "lighthouse"
    if not path.exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=ROOT, check=True)
    return path


def run_page(binary: Path, url: str, chromium: str) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json") as report:
        subprocess.run(
            [str(binary), url, f"--chrome-flags={FLAGS}", "--output=json", f"--output-path={report.name}",
             "--quiet", f"--only-categories={','.join(CATEGORIES)}", "--form-factor=mobile"],
            check=True, env={**os.environ, "CHROME_PATH": chromium}, timeout=300,
        )
        data = json.loads(Path(report.name).read_text())
    scores = {c: round((data["categories"][c]["score"] or 0) * 100) for c in CATEGORIES}
    failing = sorted(
        audit["id"] for audit in data["audits"].values()
        if audit.get("score") is not None and audit["score"] < 1 and audit.get("scoreDisplayMode") == "binary"
    )
    return {"scores": scores, "failing": failing}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--output", default=str(ROOT / "docs" / "quality.md"))
    args = parser.parse_args(argv)
    chromium = chromium_tools.find()
    if not chromium:
        sys.exit("no Chromium: run `invoke chromium` or set CHROMIUM_PATH")
    binary = lighthouse_bin()
    work = Path(tempfile.mkdtemp())
    try:
        (work / "site").mkdir()
        server, base = serve(work / "site")
        # the production build, with the address it is served at as its SITEURL
        os.environ["SITEURL"] = base
        if not build_site(work / "site", publish=True):
            server.shutdown()
            sys.exit("the production build failed")
        rows = {}
        try:
            for name, path in PAGES.items():
                rows[name] = run_page(binary, base + path, chromium)
                print(name, rows[name]["scores"], rows[name]["failing"], flush=True)
        finally:
            server.shutdown()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    lines = [
        "# Quality report: Lighthouse",
        "",
        f"Lighthouse {json.loads((ROOT / 'node_modules' / 'lighthouse' / 'package.json').read_text())['version']}, "
        f"mobile, headless Chromium, production build served on 127.0.0.1. Date: {time.strftime('%Y-%m-%d')}.",
        "",
        "| page | performance | accessibility | best practices | SEO | audits not passed |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for name, row in rows.items():
        s = row["scores"]
        lines.append(f"| {name} | {s['performance']} | {s['accessibility']} | {s['best-practices']} | "
                     f"{s['seo']} | {', '.join(row['failing']) or '-'} |")
    text = "\n".join(lines) + "\n"
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(text, encoding="utf-8")
    print(text)
    perfect = all(v == 100 for row in rows.values() for v in row["scores"].values())
    return 0 if perfect else 1


if __name__ == "__main__":
    sys.exit(main())
