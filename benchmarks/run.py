"""Build synthetic corpora of several shapes and compare our site with bare Pelican (`make bench`).

    python -m benchmarks.run --articles 1000,5000 [--shapes typical,reported,...] [--rounds 2]
                             [--out docs/performance.md]

The *typical* shape (benchmarks/corpus.py) is built four ways:

1. baseline: bare Pelican, same Markdown extensions, `simple` theme;
2. our full site without the search index;
3. our full site with the search index (Pagefind);
4. Hugo, the field's speed reference, on the same corpus.

Every other shape (all of them unless ``--shapes`` names some; typical is
always built) is built the first three ways, so that no goal is met on one
corpus only: the report gives each goal's figure on the typical shape and on
the worst shape, named. Every figure is also given as a ratio to the baseline
of the same run, since machines are noisy; each build keeps its fastest of
``--rounds`` rounds. Pagefind's own peak memory is measured by running its
command alone on the finished site (the site+search build's peak is the
largest of its processes, which is Pagefind's on a large site). Also measured: one-article rebuilds with a warm content
cache (body, callout and title edits), the weight of an article page, the
largest page of each kind (gzip; the budget is 100 KB), the time the callout
pages take to render against the same pages before issue #15 (three pages
holding every callout), Pagefind's share of the build, and in headless
Chromium the bytes and time of a first one-word search. The build times are
also drawn, against the number of articles, as an SVG next to the report
(matplotlib).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from site_search.plugin import pagefind_command

from benchmarks.corpus import SHAPES, write_corpus
from devkit import chromium
from devkit.paths import ROOT
from devkit.server import serve

HERE = Path(__file__).resolve().parent

PY = sys.executable

#: No HTML page of the site may weigh more than this, gzip-compressed (issue #15).
PAGE_BUDGET = 100 * 1024
#: The callout pages as they were before the collections (issue #15): three pages
#: (/takeaways/, /lessons/, /playbook/) holding every callout. Their render time is
#: measured from this commit's plugins and theme, on the same corpus.
CALLOUTS_BEFORE = "1c4527c"


@dataclass
class Run:
    name: str
    seconds: float
    peak_mb: float
    pages: int
    cpu_seconds: float = 0.0


def measure(command, cwd=ROOT, env=None) -> tuple[float, float, float]:
    """Seconds, peak resident memory (MB) and CPU seconds (its worker processes
    included) of one command, from os.wait4 in a small process between this one
    and the command (``benchmarks.launch``: else this process's own peak would
    count as the command's)."""
    with tempfile.TemporaryDirectory() as folder:
        result = Path(folder) / "result.json"
        process = subprocess.Popen([PY, "-m", "benchmarks.launch", str(result), "--", *map(str, command)],
                                   cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _out, stderr = process.communicate()
        if process.returncode != 0 or not result.exists():
            raise SystemExit(f"failed ({process.returncode}): {' '.join(map(str, command))}\n"
                             f"{stderr.decode(errors='replace')[-3000:]}")
        figures = json.loads(result.read_text())
    return figures["seconds"], figures["peak_mb"], figures["cpu_seconds"]


def html_pages(folder: Path) -> int:
    return sum(1 for _ in folder.rglob("*.html"))


def pelican(content: Path, output: Path, settings: str, *extra: str):
    return [PY, "-m", "pelican", str(content), "-s", str(settings), "-o", str(output),
            "--log-handler", "plain", "-q", *(["-e", *extra] if extra else [])]


def site_settings() -> dict:
    from pelican.settings import read_settings

    return read_settings(str(ROOT / "pelicanconf.py"))


#: The goals (issue #21) each shape is measured against: name, limit (None: reported only), figure.
GOALS = [
    ("site wall ÷ baseline", 0.6, lambda runs: runs["site"].seconds / runs["baseline"].seconds),
    ("site+search wall ÷ baseline", 0.8, lambda runs: runs["site+search"].seconds / runs["baseline"].seconds),
    ("site CPU ÷ baseline", 1.15, lambda runs: runs["site"].cpu_seconds / runs["baseline"].cpu_seconds),
    ("site+search CPU ÷ baseline", None,
     lambda runs: runs["site+search"].cpu_seconds / runs["baseline"].cpu_seconds),
    ("site peak RSS ÷ baseline", 1.5, lambda runs: runs["site"].peak_mb / runs["baseline"].peak_mb),
]


def corpus_folder(n: int, shape: str, work: Path) -> Path:
    corpus = work / f"corpus-{shape}-{n}"
    if not (corpus / "pelican" / "stories").exists():
        write_corpus(n, corpus, shape, hugo=shape == "typical")
    return corpus


def census(site: Path) -> dict:
    """What a build wrote: HTML pages, distinct tags (theme pages' folders), tag
    pages (with their later pages), feeds, company pages and callout collection pages."""
    kinds = {kind: count for kind, (_name, _size, count) in largest_pages(site).items()}
    return {
        "pages": html_pages(site),
        "stories": kinds.get("story", 0),
        "tags": sum(1 for p in (site / "themes").iterdir() if p.is_dir()) if (site / "themes").is_dir() else 0,
        "tag pages": kinds.get("theme", 0),
        "feeds": sum(1 for _ in site.rglob("*.xml")) - (1 if (site / "sitemap.xml").exists() else 0),
        "company pages": kinds.get("company", 0) + kinds.get("company on a theme", 0),
        "collection pages": sum(kinds.get(k, 0) for k in ("takeaways / lessons of a theme", "playbook chapter",
                                                          "company on a theme")),
        "callouts": json.loads((site / "callouts.json").read_text())["count"]
        if (site / "callouts.json").exists() else 0,
    }


def timed_builds(n: int, shape: str, work: Path, rounds: int, hugo: bool = False) -> dict:
    """The builds of one shape, taking turns for ``rounds`` rounds (each keeps its
    fastest), then Pagefind alone on the finished site: seconds and peak memory."""
    corpus = corpus_folder(n, shape, work)
    out = work / f"out-{shape}-{n}"
    shutil.rmtree(out, ignore_errors=True)
    no_cache = ("CACHE_CONTENT=false", "LOAD_CONTENT_CACHE=false")
    variants = {
        "baseline": pelican(corpus / "pelican", out / "baseline", HERE / "baseline_conf.py"),
        "site": pelican(corpus / "pelican", out / "site", ROOT / "pelicanconf.py", *no_cache,
                        "SITE_SEARCH_INDEX=false"),
        "site+search": pelican(corpus / "pelican", out / "search", ROOT / "pelicanconf.py", *no_cache),
    }
    if hugo:
        # the production build without its content cache: minified, with the Open Graph
        # cards (production only) drawn for every story, and the search index
        variants["production"] = pelican(corpus / "pelican", out / "production", ROOT / "publishconf.py",
                                         *no_cache)
        variants["hugo"] = [str(Path(PY).with_name("hugo")), "--source", str(corpus / "hugo"),
                            "--destination", str(out / "hugo"), "--quiet"]
    folders = {"baseline": "baseline", "site": "site", "site+search": "search", "production": "production",
               "hugo": "hugo"}
    runs = {}
    # Shared machines are noisy: the builds take turns, `rounds` rounds, and
    # each keeps its fastest round (as timeit does).
    for round_ in range(1, rounds + 1):
        for name, command in variants.items():
            seconds, peak, cpu = measure(command)
            print(f"  {n} articles, {shape}, round {round_}, {name}: {seconds:.2f} s, CPU {cpu:.2f} s, "
                  f"{peak:.0f} MB", flush=True)
            if name not in runs or seconds < runs[name].seconds:
                runs[name] = Run(name, seconds, peak, html_pages(out / folders[name]), cpu)

    # Pagefind alone, as the build runs it, on the already written site: its share
    # of a build, and its own peak memory (a CI runner must hold it next to the site's)
    index_seconds, index_peak, _ = measure(pagefind_command(site_settings(), out / "site"))
    print(f"  {n} articles, {shape}, Pagefind alone: {index_seconds:.2f} s, {index_peak:.0f} MB", flush=True)
    return {"runs": runs, "index_seconds": index_seconds, "index_peak_mb": index_peak,
            "census": census(out / "site"), "corpus": corpus, "out": out}


def build_all(n: int, work: Path, repeat: int = 1) -> dict:
    """The typical shape, every comparison: four builds, Pagefind alone, rebuilds,
    page sizes, the callout pages' render time."""
    timed = timed_builds(n, "typical", work, repeat, hugo=True)
    corpus, out = timed["corpus"], timed["out"]

    # One-article edits with a warm content cache, against a full build of the same
    # settings. Each round starts from an empty cache and output; the edits follow
    # one another, each on the last build. Like the full builds, each keeps its fastest
    # round: a single rebuild of a few seconds is at the mercy of the machine's noise.
    cache, incremental = work / f"cache-typical-{n}", out / "incremental"
    cached = pelican(corpus / "pelican", incremental, ROOT / "pelicanconf.py",
                     "SITE_SEARCH_INDEX=false", f'CACHE_PATH="{cache}"')
    edited = corpus / "pelican" / "stories" / "story-00001.md"
    original = edited.read_text()
    cold, rebuilds = float("inf"), {}
    try:
        for round_ in range(1, repeat + 1):
            shutil.rmtree(cache, ignore_errors=True)
            shutil.rmtree(incremental, ignore_errors=True)
            edited.write_text(original)
            seconds, _, _ = measure(cached)
            cold = min(cold, seconds)
            line = [f"full {seconds:.2f} s"]
            for kind, edit in EDITS.items():
                edited.write_text(edit(edited.read_text()))
                seconds, _, _ = measure(cached)
                rebuilds[kind] = min(rebuilds.get(kind, seconds), seconds)
                line.append(f"{kind} {seconds:.2f} s")
            print(f"  {n} articles, rebuilds, round {round_}: " + ", ".join(line), flush=True)
    finally:
        edited.write_text(original)

    callouts = {"now": callout_render(ROOT, corpus / "pelican", work / f"callouts-{n}")}
    before = checkout(CALLOUTS_BEFORE, work)
    if before:
        callouts["before"] = callout_render(before, corpus / "pelican", work / f"callouts-before-{n}")

    return {**timed, "cold": cold, "rebuilds": rebuilds,
            "weight": page_weight(out / "search"), "site": out / "search",
            "largest": largest_pages(out / "site"), "callouts": callouts}


# -- page sizes --------------------------------------------------------------
# Each kind of page by its path (pages 2, 3 ... of a listing count as their listing's kind).
PAGE_KINDS = [
    (r"index\.html", "home"),
    (r"stories/[^/]+/index\.html", "story"),
    (r"themes/index\.html", "themes (with the grid)"),
    (r"themes/[^/]+/index\.html", "theme"),
    (r"companies/index\.html", "companies (with the grid)"),
    (r"companies/[^/]+/index\.html", "company"),
    (r"companies/[^/]+/[^/]+/index\.html", "company on a theme"),
    (r"(takeaways|lessons)/index\.html", "takeaways / lessons overview"),
    (r"(takeaways|lessons)/[^/]+/index\.html", "takeaways / lessons of a theme"),
    (r"playbook/index\.html", "playbook contents"),
    (r"playbook/complete/index\.html", "whole playbook"),
    (r"playbook/[^/]+/index\.html", "playbook chapter"),
    (r"archives/.*", "archives"),
    (r"categories/.*", "categories"),
]


def page_kind(name: str) -> str:
    name = re.sub(r"(^|/)page/\d+/index\.html$", r"\1index.html", name)
    for pattern, kind in PAGE_KINDS:
        if re.fullmatch(pattern, name):
            return kind
    return "other"


def largest_pages(site: Path) -> dict[str, tuple[str, int, int]]:
    """The largest page of each kind: kind -> (path, gzip bytes, number of pages of that kind)."""
    largest: dict[str, tuple[str, int, int]] = {}
    for path in site.rglob("*.html"):
        name = str(path.relative_to(site))
        if name.startswith("pagefind/"):
            continue
        kind = page_kind(name)
        size = len(gzip.compress(path.read_bytes(), 6))
        _, most, count = largest.get(kind, ("", -1, 0))
        largest[kind] = (name, size, count + 1) if size > most else (largest[kind][0], most, count + 1)
    return dict(sorted(largest.items()))


# -- the callout pages' render time ------------------------------------------
def checkout(ref: str, work: Path) -> Path | None:
    """The project at ``ref`` (its plugins, theme and settings), from git; None without git."""
    folder = work / f"project-{ref}"
    if (folder / "pelicanconf.py").exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref, "plugins", "theme", "pelicanconf.py"],
                             capture_output=True)
    if archive.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        print(f"  (no callout comparison: git archive {ref} failed)", flush=True)
        return None
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    return folder


def callout_render(project: Path, content: Path, output: Path) -> dict:
    """Seconds the callouts plugin spends writing the takeaway, lesson and
    playbook pages (not the JSON, the feed, nor a company's callouts of a
    theme, which are company pages), in a build of ``content`` with
    ``project``'s plugins, theme and settings, and the number of pages."""
    shutil.rmtree(output, ignore_errors=True)
    result = subprocess.run([PY, str(Path(__file__).resolve()), "--time-callouts", str(project), str(content),
                             str(output)], capture_output=True, text=True, cwd=project)
    if result.returncode != 0:
        raise SystemExit(f"callout timing failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def time_callouts(project: str, content: str, output: str) -> None:
    """In this process: build, timing the callouts generator's output (prints JSON)."""
    os.chdir(project)
    current = Path(project).resolve() == ROOT.resolve()
    if current:  # this checkout: its plugins are installed packages
        plugin_paths, module = [], "pelican.plugins.callouts.plugin"
    else:  # an older checkout, whose plugins were loaded from its plugins/ folder
        plugins = str(Path(project) / "plugins")
        sys.path[:] = [plugins, *sys.path]
        for name in [m for m in sys.modules if m.split(".")[0] in {"casebook", "callouts", "site_search"}]:
            del sys.modules[name]
        plugin_paths, module = [plugins], "callouts.plugin"
    from pelican import Pelican
    from pelican.settings import read_settings

    settings = read_settings(str(Path(project) / "pelicanconf.py"), override={
        "PATH": content, "OUTPUT_PATH": output, "CACHE_CONTENT": False, "LOAD_CONTENT_CACHE": False,
        "SITE_SEARCH_INDEX": False, "PLUGIN_PATHS": plugin_paths,
        "CALLOUTS_JSON_SAVE_AS": "", "CALLOUTS_FEED_ATOM": "", "CALLOUTS_COMPANY_THEME_SAVE_AS": "",
        "THEME": str(Path(project) / "theme")})
    pelican = Pelican(settings)
    generator = sys.modules[module].CalloutsGenerator
    write = generator.generate_output
    taken = {}

    def timed(self, writer):
        before = sum(1 for _ in Path(output).rglob("*.html"))
        # rendering, not compiling: every template of the theme compiled first (both projects alike)
        for name in self.env.list_templates(filter_func=lambda n: n.endswith(".html")):
            self.env.get_template(name)
        started, cpu = time.perf_counter(), time.process_time()
        write(self, writer)
        taken["seconds"] = time.perf_counter() - started
        taken["cpu_seconds"] = time.process_time() - cpu
        taken["pages"] = sum(1 for _ in Path(output).rglob("*.html")) - before

    generator.generate_output = timed
    pelican.run()
    print(json.dumps(taken))


# -- the plot ----------------------------------------------------------------
def plot(results: dict, path: Path) -> None:
    """Build seconds against articles, one line a build, as an SVG (matplotlib)."""
    import matplotlib

    matplotlib.use("svg")
    import matplotlib.pyplot as plt

    matplotlib.rcParams["svg.hashsalt"] = "casebook"  # the same figures give the same file
    matplotlib.rcParams["svg.fonttype"] = "none"
    counts = sorted(results)
    fig, ax = plt.subplots(figsize=(6.4, 4), layout="constrained")
    for name, marker in (("baseline", "o"), ("site", "s"), ("site+search", "^"), ("hugo", "D")):
        ax.plot(counts, [results[n]["runs"][name].seconds for n in counts], marker=marker, label=name)
    ax.set_xlabel("articles")
    ax.set_ylabel("build seconds (wall clock)")
    ax.set_title("Build time against site size")
    ax.set_xticks(counts)
    ax.set_ylim(bottom=0)
    ax.grid(True, alpha=0.3)
    ax.legend()
    fig.savefig(path, format="svg", metadata={"Date": None})
    plt.close(fig)


def _add_paragraph(text: str) -> str:
    cut = text.index("\n## ", text.index("\n## ") + 1)  # before the second part
    return text[:cut] + "\n\nOne more paragraph for the benchmark.\n" + text[cut:]


def _edit_callout(text: str) -> str:
    header = text.index("\n> [!")
    end = text.index("\n", text.index("\n", header + 1) + 1)  # the end of its first line of text
    return text[:end] + " One more sentence for the benchmark." + text[end:]


# The kinds of one-article edit measured: its body (its page alone changes), one
# of its callouts (the pages that list the callout change too) and its title
# (every page that shows or links to it changes).
EDITS = {
    "body": _add_paragraph,
    "callout": _edit_callout,
    "title": lambda text: re.sub(r"(?m)^(Title: .*)$", r"\1, revised", text, count=1),
}


def page_weight(site: Path) -> dict:
    """Bytes over the wire (gzip) of an article page before any search."""
    article = next((site / "stories").iterdir()) / "index.html"
    parts = {
        "html": article.read_bytes(),
        "css": (site / "theme" / "css" / "site.css").read_bytes(),
        "js": (site / "theme" / "js" / "site.js").read_bytes(),
    }
    return {k: len(gzip.compress(v, 9)) for k, v in parts.items()}


# A typical query word (mid-frequency in the corpus), and the worst case: the
# corpus's most frequent word, present many times in every article.
TYPICAL_WORD, WORST_WORD = "apology", "customer"


def fallback_query(site: Path) -> str | None:
    """A question whose two subject words no story holds together (so the
    any-word fallback answers), each among the rarest words of the stories."""
    pages = []
    for path in sorted((site / "stories").glob("*/index.html")):
        text = path.read_text(encoding="utf-8", errors="replace")
        body = re.sub(r"<[^>]+>", " ", text[text.find("data-pagefind-body"):])
        pages.append(set(re.findall(r"[a-z]{5,}", body.lower())))
    frequency: dict[str, int] = {}
    for words in pages:
        for w in words:
            frequency[w] = frequency.get(w, 0) + 1
    # the rarest words found in at least two stories
    few = sorted((w for w, n in frequency.items() if n >= 2), key=lambda w: (frequency[w], w))[:300]
    for first in few:
        together = set().union(*(words for words in pages if first in words))
        other = next((w for w in few if w not in together), None)
        if other:
            return f"how do I {first} with {other}?"
    return None


def layer_bytes(bodies) -> dict:
    """gzip-served bytes of a query by part: Pagefind's files, our layer's
    (vocabulary JSON, vendored fuzzy matcher) and the rest."""
    compressible = ("javascript", "json", "css", "html", "svg")
    parts = {"pagefind": 0, "layer": 0, "other": 0}
    for url, kind, body in bodies:
        size = len(gzip.compress(body)) if any(t in kind for t in compressible) else len(body)
        path = url.split("?", 1)[0]
        part = ("pagefind" if "/pagefind/" in path else
                "layer" if "/search/" in path and path.endswith(".json") or "/js/vendor/" in path else "other")
        parts[part] += size
    return parts


def browser_search(site: Path, word: str = TYPICAL_WORD) -> dict | None:
    """First one-word query in headless Chromium: bytes fetched and keypress-to-results time;
    what our answering layer adds to Pagefind's bytes; a fallback query's time."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    executable = chromium.find()
    if not executable:
        return None

    server, base = serve(site)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=executable, args=chromium.FLAGS)
            # the site's CSP forbids eval, which Playwright's wait_for_function uses
            page = browser.new_page(bypass_csp=True)
            page.goto(base + "/search/")
            fetched = []
            page.on("response", lambda r: fetched.append(r))
            watch = """(word) => { window.__rendered = new Promise(done => new MutationObserver((_, o) => {
                if (document.getElementById('search-status').textContent.includes(word)) { o.disconnect();
                done(performance.now()); } }).observe(document.getElementById('search-status'),
                {childList: true, characterData: true, subtree: true})); }"""

            def timed_query(text):
                # one input event carrying the whole word, as the last keypress of it would
                page.evaluate(watch, text)
                start = page.evaluate("performance.now()")
                page.fill("#search-q", text)
                page.wait_for_function("document.getElementById('search-status').textContent.includes("
                                       f"{json.dumps(text)})", timeout=60_000)
                return page.evaluate("window.__rendered") - start

            cold_ms = timed_query(word)  # library, wasm and index loaded by this query
            page.wait_for_timeout(300)
            bodies = [(r.headers.get("content-type", ""), r.body()) for r in fetched if r.ok]
            parts = layer_bytes([(r.url, c, b) for r, (c, b) in zip([r for r in fetched if r.ok], bodies, strict=True)])
            first_bytes = sum(len(b) for _, b in bodies)
            # as a static host that compresses text serves them (GitHub Pages does);
            # Pagefind's index, fragments and wasm are already compressed
            compressible = ("javascript", "json", "css", "html", "svg")
            first_gzip = sum(len(gzip.compress(b)) if any(t in c for t in compressible) else len(b)
                             for c, b in bodies)
            warm_ms = timed_query("refund" if word != "refund" else "team")
            # what a reader sees: the box is focused (which loads the library) before typing
            page.goto(base + "/search/")
            page.focus("#search-q")
            page.wait_for_load_state("networkidle")
            first_ms = timed_query(word)
            # a question no story answers with every word: the any-word fallback
            # (per-word searches, the vocabulary, the ranking), after focus likewise
            fallback = fallback_query(site)
            fallback_ms = fallback_bytes = None
            if fallback:
                page.goto(base + "/search/")
                page.focus("#search-q")
                page.wait_for_load_state("networkidle")
                fetched.clear()
                fallback_ms = timed_query(fallback)
                page.wait_for_timeout(300)
                fallback_bytes = layer_bytes([(r.url, r.headers.get("content-type", ""), r.body())
                                              for r in fetched if r.ok])
            browser.close()
    finally:
        server.shutdown()
    return {"bytes": first_bytes, "gzip_bytes": first_gzip, "cold_ms": cold_ms, "first_ms": first_ms,
            "warm_ms": warm_ms, "parts": parts, "fallback": fallback, "fallback_ms": fallback_ms,
            "fallback_parts": fallback_bytes}


def versions() -> str:
    names = ["pelican", "markdown", "pymdown-extensions", "pagefind", "hugo", "minify-html", "playwright"]
    found = []
    for name in names:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            pass
    return ", ".join(found)


PLOT_NAME = "performance.svg"


def shape_runs(r: dict) -> dict:
    """Every shape's measured builds at one size: the typical shape's and the others'."""
    return {"typical": r, **r.get("shapes", {})}


def goal_figures(r: dict) -> list[tuple[str, float | None, float, str, float]]:
    """Each goal at one size: (goal, limit, typical figure, worst shape, its figure)."""
    figures = []
    for goal, limit, figure in GOALS:
        by_shape = {shape: figure(s["runs"]) for shape, s in shape_runs(r).items()}
        worst = max(by_shape, key=by_shape.get)
        figures.append((goal, limit, by_shape["typical"], worst, by_shape[worst]))
    return figures


#: Why a shape costs more than the typical one: what its build writes and keeps, per census figure.
CENSUS_WORDS = (("pages", "HTML pages"), ("tags", "tags"), ("feeds", "feeds"),
                ("collection pages", "callout collection pages"), ("callouts", "callouts"))


def worst_shapes(results: dict) -> list[str]:
    """A sentence per goal whose worst shape is not the typical one: what that
    shape's site build writes against the typical shape's (the census)."""
    lines = []
    for n, r in results.items():
        shapes = shape_runs(r)
        typical = shapes["typical"]["census"]
        for goal, _limit, figure, worst, worst_figure in goal_figures(r):
            if worst == "typical":
                lines.append(f"- {n} stories, {goal}: the typical shape is the worst ({figure:.2f}).")
                continue
            census = shapes[worst]["census"]
            differences = ", ".join(f"{census[key]} {words} (typical: {typical[key]})" for key, words in CENSUS_WORDS
                                    if census[key] != typical[key])
            lines.append(f"- {n} stories, {goal}: worst on *{worst}* ({worst_figure:.2f} against {figure:.2f}), "
                         f"whose site build writes {differences or 'as many pages as the typical one'}.")
    return ["Where each goal is worst, and what that shape's build writes that the typical one does not "
            "(more pages, tags with their feeds and collections, callouts):", "", *lines, "", MEMORY_NOTE]


MEMORY_NOTE = (
    "What the site keeps beyond the baseline's (issue #21, measured with `python -m benchmarks.memory`, "
    "tracemalloc by build phase): each story's callout records, contents list, related stories and its "
    "callouts' link targets (read once, kept to the end), and, while pages are written, the fragments rendered "
    "once per build. The largest thing a build keeps, its own and the baseline's, is every story's body, from "
    "the moment it is read to the end (ours is larger: each callout carries its heading, ids and links); the "
    "site keeps it compressed (zlib at its fastest level, about a third of its size), given back whole when a "
    "page or feed shows it (`compat.pack_body`): at 5,000 typical stories the peak went from 177 to 147 MB. "
    "With the content cache on, Pelican's cache of what was read (every body again) is let go once saved, "
    "when reading ends (`compat.save_cache_atomically`). "
    "Three things grew with the number of themes and callouts and are gone: every story's "
    "content with links resolved, memoized by the theme feeds (written first) until the story's own page was "
    "written (now let go after each feed); every callout's full entry, kept to the end of the build (now kept "
    "while its theme's collections are written, theme by theme); every callout's line, held for a few uses (now "
    "rendered where shown); and minify-html's library, loaded by development builds that never minify (about "
    "10 MB). Each build is started through `benchmarks.launch`, a small process, so its peak is its own (Linux "
    "counts the peak of the process a command is started from as the command's).")


def report(results: dict, command: str, repeat: int = 1) -> str:
    lines = [
        "# Build performance",
        "",
        f"![Build seconds against the number of articles: baseline, site, site with search, Hugo]({PLOT_NAME})",
        "",
        f"Command: `{command}`  ",
        f"Machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}  ",
        f"Versions: {versions()}  ",
        f"Date: {time.strftime('%Y-%m-%d')}",
        "",
        "Ratios are to the baseline (bare Pelican, same Markdown extensions, `simple` theme) of the same run. "
        f"The builds of each shape took turns, {repeat} round(s); each figure is that build's fastest round.",
        "",
        "'CPU s' adds up the time of every process of a build (our site converts Markdown on every core, "
        "Pagefind runs in a process of its own); 'seconds' is the wall-clock time a reader of the "
        "build log waits.",
        "",
    ]
    lines += ["## Goals on every shape", "",
              "Each goal's figure on the typical corpus and on the shape where it is worst (builds of every "
              "shape take turns for the same number of rounds; each keeps its fastest). The shapes "
              "(`benchmarks/corpus.py`):", "",
              "| shape | stories |", "| --- | --- |"]
    shapes = sorted({name for r in results.values() for name in shape_runs(r)}, key=list(SHAPES).index)
    lines += [f"| {name} | {SHAPES[name].about} |" for name in shapes]
    lines += ["", "| articles | goal | limit | typical | worst shape | worst | met on every shape |",
              "| ---: | --- | ---: | ---: | --- | ---: | --- |"]
    for n, r in results.items():
        for goal, limit, typical, worst, figure in goal_figures(r):
            met = "" if limit is None else ("yes" if figure <= limit else "**no**")
            lines.append(f"| {n} | {goal} | {'' if limit is None else f'≤ {limit:.2f}'} | {typical:.2f} | "
                         f"{worst} | {figure:.2f} | {met} |")
    lines += ["", *worst_shapes(results), "",
              "Every shape, with what its site build wrote: Pagefind alone is its command run on the "
              "finished site (seconds and its own peak memory: a CI runner needs room for the larger of it "
              "and the site's build, since the build starts Pagefind once the story pages are written).", "",
              "| articles | shape | baseline s | site s | × | site+search s | × | site CPU × | baseline MB | "
              "site MB | × | Pagefind alone s | Pagefind MB | pages | tags | tag pages | feeds | collection pages |",
              "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
              "| ---: | ---: | ---: | ---: |"]
    for n, r in results.items():
        for name, s in shape_runs(r).items():
            runs, c = s["runs"], s["census"]
            base, site, search = runs["baseline"], runs["site"], runs["site+search"]
            lines.append(
                f"| {n} | {name} | {base.seconds:.2f} | {site.seconds:.2f} | {site.seconds / base.seconds:.2f} | "
                f"{search.seconds:.2f} | {search.seconds / base.seconds:.2f} | "
                f"{site.cpu_seconds / base.cpu_seconds:.2f} | {base.peak_mb:.0f} | {site.peak_mb:.0f} | "
                f"{site.peak_mb / base.peak_mb:.2f} | {s['index_seconds']:.2f} | {s['index_peak_mb']:.0f} | "
                f"{c['pages']} | {c['tags']} | {c['tag pages']} | {c['feeds']} | {c['collection pages']} |")
    lines += ["", "## The typical shape", "",
        "| articles | build | seconds | × baseline | CPU s | × baseline | pages | pages/s | peak MB | × baseline |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for n, r in results.items():
        base = r["runs"]["baseline"]
        for run in r["runs"].values():
            lines.append(
                f"| {n} | {run.name} | {run.seconds:.2f} | {run.seconds / base.seconds:.2f} | "
                f"{run.cpu_seconds:.2f} | {run.cpu_seconds / base.cpu_seconds:.2f} | {run.pages} | "
                f"{run.pages / run.seconds:.0f} | {run.peak_mb:.0f} | {run.peak_mb / base.peak_mb:.2f} |"
            )
    lines += ["", "'production' is the production build (`publishconf.py`: minified HTML and CSS, JSON-LD, "
              "each story's Open Graph card, the search index), here without its content cache, so it draws "
              "every story's card (about 8 ms of CPU each, in background processes); with the cache, as CI "
              "restores it, a card is drawn once, when its story is new or retitled. The development "
              "build ('site') draws no card: `og:image` must be an absolute URL, which it cannot give.",
              "", "Pagefind runs in its own process from the moment the last story page is written, "
              "alongside the rest of the build: 'search adds' is the wall-clock difference between the builds "
              "with and without it; 'Pagefind alone' is the same command on the finished site.", "",
              "| articles | Pagefind alone, s | ÷ site build | search adds, s | ÷ site build | Pagefind peak MB | "
              "site peak MB |",
              "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for n, r in results.items():
        site = r["runs"]["site"].seconds
        adds = r["runs"]["site+search"].seconds - site
        lines.append(f"| {n} | {r['index_seconds']:.2f} | {r['index_seconds'] / site:.2f} | {adds:.2f} | "
                     f"{adds / site:.2f} | {r['index_peak_mb']:.0f} | {r['runs']['site'].peak_mb:.0f} |")
    lines += ["", "Rebuilds with the content cache warm after editing one article (one edit after another, "
              "each on the last build), against a full build with the same settings (no search index): "
              "a paragraph added to its body, a sentence added to one of its callouts, its title changed. "
              f"Each round starts from an empty cache; each figure is the fastest of {repeat} "
              f"round{'s' if repeat != 1 else ''}.", "",
              "| articles | full build, s | " + " | ".join(f"{kind} edit, s | ÷ full" for kind in EDITS) + " |",
              "| ---: | ---: | " + " | ".join("---: | ---:" for _kind in EDITS) + " |"]
    for n, r in results.items():
        cells = [f"{r['rebuilds'][kind]:.2f} | {r['rebuilds'][kind] / r['cold']:.2f}" for kind in EDITS]
        lines.append(f"| {n} | {r['cold']:.2f} | " + " | ".join(cells) + " |")
    lines += ["", f"The largest page of each kind (gzip, level 6), against the budget of {PAGE_BUDGET // 1024} KB "
              "for any HTML page:", "",
              "| articles | kind | pages | largest page | gzip KB | within budget |",
              "| ---: | --- | ---: | --- | ---: | --- |"]
    for n, r in results.items():
        for kind, (name, size, count) in r["largest"].items():
            lines.append(f"| {n} | {kind} | {count} | `{name}` | {size / 1024:.1f} | "
                         f"{'yes' if size <= PAGE_BUDGET else '**no**'} |")
    lines += ["", "Time the callouts plugin spends writing the takeaway, lesson and playbook pages (overviews, "
              "theme pages, chapters; not the JSON, the feed or the company pages), now and with the plugins and "
              f"theme of `{CALLOUTS_BEFORE}` (before the collections: three pages holding every callout), "
              "on the same corpus, in a build of its own. The speed-up compares CPU seconds (the machine is shared):",
              "",
              "| articles | before, s | CPU s | HTML pages | now, s | CPU s | HTML pages | speed-up (CPU) |",
              "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for n, r in results.items():
        now, before = r["callouts"]["now"], r["callouts"].get("before")
        if before:
            lines.append(f"| {n} | {before['seconds']:.2f} | {before['cpu_seconds']:.2f} | {before['pages']} | "
                         f"{now['seconds']:.2f} | {now['cpu_seconds']:.2f} | {now['pages']} | "
                         f"{before['cpu_seconds'] / now['cpu_seconds']:.2f}× |")
        else:
            lines.append(f"| {n} | | | | {now['seconds']:.2f} | {now['cpu_seconds']:.2f} | {now['pages']} | |")
    lines += ["", "| articles | article page, gzip bytes: HTML | CSS | JS | total |",
              "| ---: | ---: | ---: | ---: | ---: |"]
    for n, r in results.items():
        w = r["weight"]
        lines.append(f"| {n} | {w['html']} | {w['css']} | {w['js']} | {sum(w.values())} |")
    lines += ["", f"First one-word search in headless Chromium on 127.0.0.1: a typical word ({TYPICAL_WORD!r}) "
              f"and the worst case ({WORST_WORD!r}, in every article). Bytes include Pagefind's library; "
              "'gzip-served' counts text files as a compressing host (GitHub Pages) sends them. "
              "Times run from the keypress to the results on screen: cold (library loaded by that query), "
              "after focus (the box was focused first, which loads the library), warm (a second query).", "",
              "| articles | word | bytes, as stored | gzip-served | cold, ms | after focus, ms | warm, ms |",
              "| ---: | --- | ---: | ---: | ---: | ---: | ---: |"]
    for n, r in results.items():
        for key, word in (("search", TYPICAL_WORD), ("search_worst", WORST_WORD)):
            s = r.get(key) or {}
            if s:
                lines.append(f"| {n} | {word} | {s['bytes']} | {s['gzip_bytes']} | {s['cold_ms']:.0f} | "
                             f"{s['first_ms']:.0f} | {s['warm_ms']:.0f} |")
    lines += ["", "What the answering layer (search/terms.json, search/words.json, the vendored fuzzy matcher) "
              "adds to Pagefind's own files, gzip-served bytes of the same first query; and a fallback query "
              "(two words no story holds together: per-word searches, the vocabulary, the ranking), "
              "keypress to results after focus, against the one-word query.", "",
              "| articles | query | Pagefind bytes | layer bytes | layer ÷ Pagefind | after focus, ms | ÷ one word |",
              "| ---: | --- | ---: | ---: | ---: | ---: | ---: |"]
    for n, r in results.items():
        s = r.get("search") or {}
        if not s.get("parts"):
            continue
        p = s["parts"]
        lines.append(f"| {n} | {TYPICAL_WORD} | {p['pagefind']} | {p['layer']} | "
                     f"{p['layer'] / max(1, p['pagefind']):.3f} | {s['first_ms']:.0f} | 1.00 |")
        if s.get("fallback_ms") is not None:
            f = s["fallback_parts"]
            lines.append(f"| {n} | {s['fallback']} | {f['pagefind']} | {f['layer']} | "
                         f"{f['layer'] / max(1, f['pagefind']):.3f} | {s['fallback_ms']:.0f} | "
                         f"{s['fallback_ms'] / s['first_ms']:.2f} |")
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", default="1000,5000")
    parser.add_argument("--out", default=str(ROOT / "docs" / "performance.md"))
    parser.add_argument("--work", default=str(HERE / "work"))
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--shapes", default=",".join(SHAPES),
                        help="corpus shapes to build, comma-separated (typical is always built, with every "
                             f"comparison; the others: baseline, site, site+search): {', '.join(SHAPES)}")
    parser.add_argument("--rounds", "--repeat", dest="rounds", type=int, default=2,
                        help="rounds of each shape's builds; the fastest of each counts")
    parser.add_argument("--time-callouts", nargs=3, metavar=("PROJECT", "CONTENT", "OUTPUT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.time_callouts:
        return time_callouts(*args.time_callouts)
    shapes = [s.strip() for s in args.shapes.split(",") if s.strip()]
    unknown = [s for s in shapes if s not in SHAPES]
    if unknown:
        parser.error(f"unknown shape(s) {', '.join(unknown)}: choose from {', '.join(SHAPES)}")
    others = [s for s in SHAPES if s in shapes and s != "typical"]
    rounds = max(1, args.rounds)
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    results = {}
    for n in [int(x) for x in args.articles.split(",")]:
        print(f"{n} articles:", flush=True)
        results[n] = build_all(n, work, rounds)
        if not args.no_browser:
            results[n]["search"] = browser_search(results[n]["site"], TYPICAL_WORD)
            results[n]["search_worst"] = browser_search(results[n]["site"], WORST_WORD)
        results[n]["shapes"] = {shape: timed_builds(n, shape, work, rounds) for shape in others}
    command = "make bench ARTICLES=" + args.articles + (f" SHAPES={args.shapes}" if args.shapes != ",".join(SHAPES)
                                                         else "")
    text = report(results, command, rounds)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(text, encoding="utf-8")
    plot(results, Path(args.out).with_name(PLOT_NAME))
    print(text)
    print(json.dumps({n: {"seconds": {k: v.seconds for k, v in r["runs"].items()},
                          "cpu_seconds": {k: v.cpu_seconds for k, v in r["runs"].items()},
                          "peak_mb": {k: v.peak_mb for k, v in r["runs"].items()},
                          "pages": {k: v.pages for k, v in r["runs"].items()},
                          "rebuilds": {"full": r["cold"], **r["rebuilds"]},
                          "largest": r["largest"], "callouts": r["callouts"],
                          "search": r.get("search"), "pagefind_peak_mb": r["index_peak_mb"],
                          "goals": {goal: {"limit": limit, "typical": typical, "worst_shape": worst, "worst": figure}
                                    for goal, limit, typical, worst, figure in goal_figures(r)},
                          "shapes": {name: {"seconds": {k: v.seconds for k, v in s["runs"].items()},
                                            "cpu_seconds": {k: v.cpu_seconds for k, v in s["runs"].items()},
                                            "peak_mb": {k: v.peak_mb for k, v in s["runs"].items()},
                                            "pagefind": {"seconds": s["index_seconds"], "peak_mb": s["index_peak_mb"]},
                                            "census": s["census"]}
                                     for name, s in shape_runs(r).items()}} for n, r in results.items()}))
    return results


if __name__ == "__main__":
    main()
