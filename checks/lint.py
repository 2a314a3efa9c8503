"""Content lint: every finding is `path:line: message`.

    python -m checks.lint [content] [--settings pelicanconf.py]

Checks each Markdown source the build reads (.md, .markdown, .mdown, .mkd)
without building: required metadata (a multi-line value, or a date from the
file name, counts), themes from the vocabulary (CASEBOOK_THEMES, a hint only for
a likely typo), one spelling per company, a takeaway and a lesson in every story,
alt text on images, internal links to existing files, and unique slugs. Files
with `Status: skip` are never built and never linted; a file outside the
story and page folders, or not UTF-8 text, is reported as such.
"""

from __future__ import annotations

import argparse
import difflib
import fnmatch
import os
import re
import sys
from collections import defaultdict
from pathlib import Path

from casebook.source import broken_links, metadata_header, path_metadata

from devkit.paths import ROOT

REQUIRED = {"article": ("title", "date", "summary", "tags"), "page": ("title",)}
CALLOUT_RE = re.compile(r"^\s*>\s*\[!([\w-]+)\]")
MD_IMAGE_RE = re.compile(r"!\[([^\]]*)\]\(")
HTML_IMAGE_RE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
# a "did you mean" only for a likely typo ('trainng'), not for a word merely
# sharing letters with a theme ('math' and 'empathy' score 0.73, 'learning' and 'training' 0.62)
HINT_CUTOFF = 0.85
ALT_RE = re.compile(r"\balt\s*=\s*(\"[^\"]+\"|'[^']+'|[^\s>\"']+)", re.IGNORECASE)


def split(value):
    return [v.strip() for v in value.split(",") if v.strip()]


def company_key(name):
    return re.sub(r"[^a-z0-9]", "", name.casefold())


def markdown_sources(content: Path, settings: dict) -> list[Path]:
    """Every file the build would read as Markdown (all of Pelican's Markdown extensions)."""
    from pelican.readers import MarkdownReader

    extensions = {f".{e}" for e in MarkdownReader.file_extensions}
    ignored = settings.get("IGNORE_FILES", [".#*"])
    return sorted(p for p in content.rglob("*") if p.suffix.lower() in extensions and p.is_file()
                  and not any(fnmatch.fnmatch(p.name, pattern) for pattern in ignored))


def kind_of(path: Path, content: Path, settings: dict) -> str | None:
    """'page', 'article', 'static' or None (a folder the build does not read)."""
    def under(key, default):
        return any(content / d in path.parents or not d for d in settings.get(key, default))

    if under("PAGE_PATHS", ["pages"]):
        return "page"
    if under("STATIC_PATHS", ["images"]):
        return "static"
    if under("ARTICLE_PATHS", [""]):
        return "article"
    return None


def read_text(path: Path) -> tuple[str | None, tuple[int, str] | None]:
    """The file's text (UTF-8, a BOM allowed), or (line, problem) when it is not UTF-8 text."""
    data = path.read_bytes()
    if b"\0" in data:
        return None, (1, "binary file, not Markdown text: remove it or give it another extension")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        return None, (line, f"not UTF-8 text (byte 0x{data[e.start]:02x}): save the file as UTF-8")


def lint(content: Path, settings: dict) -> list[str]:
    from pelican.utils import slugify

    content = Path(content)
    vocabulary = settings.get("CASEBOOK_THEMES", {})
    required_callouts = settings.get("CASEBOOK_REQUIRED_CALLOUTS", ("takeaway", "lesson"))
    path_settings = {**settings, "PATH": str(content)}
    folders = " or ".join(f"{os.path.relpath(content / d)}/"
                          for d in settings.get("ARTICLE_PATHS", []) + settings.get("PAGE_PATHS", []))
    findings = []  # (path, line, message)
    spellings = defaultdict(list)  # company key -> [(path, line, spelling)]
    slugs = defaultdict(list)

    for path in markdown_sources(content, settings):
        shown = os.path.relpath(path)

        def add(line, message, shown=shown):
            findings.append((shown, line, message))

        kind = kind_of(path, content, settings)
        if kind == "static":
            continue
        if kind is None:
            add(1, f"the build does not read this file: move it into {folders}")
            continue
        text, unreadable = read_text(path)
        if unreadable:
            add(*unreadable)
            continue
        lines = text.split("\n")
        meta, body_start = metadata_header(lines)
        if meta.get("status", (0, ""))[1].lower() == "skip":
            continue  # never built
        from_path = path_metadata(str(path), path_settings)

        for key in REQUIRED[kind]:
            if not meta.get(key, (0, ""))[1] and key not in from_path:
                add(1, f"missing '{key.title()}:' in the metadata header")
        if "tags" in meta:
            line, value = meta["tags"]
            for tag in dict.fromkeys(split(value)):  # a tag listed twice is one tag
                if vocabulary and tag not in vocabulary:
                    near = difflib.get_close_matches(tag, list(vocabulary), n=1, cutoff=HINT_CUTOFF)
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
                    findings.append((shown, line, f"company {name!r} is spelled {usual!r} elsewhere"))
    for (_kind, slug), where in slugs.items():
        if len(where) > 1:
            first = where[0][0]
            for shown, line in where[1:]:
                findings.append((shown, line, f"duplicate slug {slug!r} (also {first})"))
    return [f"{path}:{line}: {message}" for path, line, message in sorted(set(findings))]


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
