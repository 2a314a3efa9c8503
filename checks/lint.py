"""Content lint: every finding is `path:line: message`.

    python -m checks.lint [content] [--settings pelicanconf.py]

Checks each Markdown source without building: required metadata, themes from
the vocabulary (CASEBOOK_THEMES, nearest suggested), one spelling per company,
a takeaway and a lesson in every story, alt text on images, internal links to
existing files, and unique slugs.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import sys
from collections import defaultdict
from pathlib import Path

from casebook.source import broken_links, metadata_header
from devkit.paths import ROOT

REQUIRED = {"article": ("title", "date", "summary", "tags"), "page": ("title",)}
CALLOUT_RE = re.compile(r"^\s*>\s*\[!([\w-]+)\]")
MD_IMAGE_RE = re.compile(r"!\[([^\]]*)\]\(")
HTML_IMAGE_RE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
ALT_RE = re.compile(r"\balt\s*=\s*(\"[^\"]+\"|'[^']+'|[^\s>\"']+)", re.IGNORECASE)


def split(value):
    return [v.strip() for v in value.split(",") if v.strip()]


def company_key(name):
    return re.sub(r"[^a-z0-9]", "", name.casefold())


def lint(content: Path, settings: dict) -> list[str]:
    from pelican.utils import slugify

    content = Path(content)
    vocabulary = settings.get("CASEBOOK_THEMES", {})
    required_callouts = settings.get("CASEBOOK_REQUIRED_CALLOUTS", ("takeaway", "lesson"))
    page_dirs = [content / p for p in settings.get("PAGE_PATHS", ["pages"])]
    findings = []
    spellings = defaultdict(list)  # company key -> [(path, line, spelling)]
    slugs = defaultdict(list)

    for path in sorted(content.rglob("*.md")):
        shown = os.path.relpath(path)
        kind = "page" if any(d in path.parents for d in page_dirs) else "article"
        lines = path.read_text(encoding="utf-8").split("\n")
        meta, body_start = metadata_header(lines)

        def add(line, message, shown=shown):
            findings.append(f"{shown}:{line}: {message}")

        for key in REQUIRED[kind]:
            if not meta.get(key, (0, ""))[1]:
                add(1, f"missing '{key.title()}:' in the metadata header")
        if "tags" in meta:
            line, value = meta["tags"]
            for tag in split(value):
                if vocabulary and tag not in vocabulary:
                    near = difflib.get_close_matches(tag, list(vocabulary), n=1, cutoff=0.6)
                    hint = f" (did you mean {near[0]!r}?)" if near else ""
                    add(line, f"theme {tag!r} is not in the vocabulary (CASEBOOK_THEMES){hint}")
        if "companies" in meta:
            line, value = meta["companies"]
            for company in split(value):
                spellings[company_key(company)].append((shown, line, company))
        subs = settings.get("SLUG_REGEX_SUBSTITUTIONS", [])
        slug = meta["slug"][1] if "slug" in meta else slugify(path.stem, regex_subs=subs)
        slugs[(kind, slug)].append((shown, meta.get("slug", (1, ""))[0]))

        body = lines[body_start:]
        if kind == "article":
            found_types = {m.group(1).lower() for m in map(CALLOUT_RE.match, body) if m}
            for wanted in required_callouts:
                if wanted not in found_types:
                    add(1, f"no {wanted} callout: add '> [!{wanted}] Title' and its text")
        for number, line in enumerate(body, start=body_start + 1):
            for m in MD_IMAGE_RE.finditer(line):
                if not m.group(1).strip():
                    add(number, "image without alt text: describe it inside ![...]")
            for tag in HTML_IMAGE_RE.findall(line):
                if not ALT_RE.search(tag):
                    add(number, "image without alt text: add alt=\"...\" to the <img>")
        for number, message in broken_links(body, body_start, str(path), str(content)):
            add(number, message)

    for uses in spellings.values():
        names = sorted({name for _, _, name in uses})
        if len(names) > 1:
            counts = {n: sum(1 for *_, name in uses if name == n) for n in names}
            usual = max(names, key=lambda n: (counts[n], n))
            for shown, line, name in uses:
                if name != usual:
                    findings.append(f"{shown}:{line}: company {name!r} is spelled {usual!r} elsewhere")
    for (_kind, slug), where in slugs.items():
        if len(where) > 1:
            first = where[0][0]
            for shown, line in where[1:]:
                findings.append(f"{shown}:{line}: duplicate slug {slug!r} (also {first})")
    return sorted(findings, key=sort_key)


def sort_key(finding):
    path, line, rest = finding.split(":", 2)
    return path, int(line), rest


def load_settings(settings_file):
    from pelican.settings import read_settings

    return read_settings(str(settings_file))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("content", nargs="?", default=str(ROOT / "content"))
    parser.add_argument("--settings", default=str(ROOT / "pelicanconf.py"))
    args = parser.parse_args(argv)
    findings = lint(Path(args.content), load_settings(args.settings))
    for finding in findings:
        print(finding)
    print(f"content lint: {len(findings)} finding(s)", file=sys.stderr)
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
