"""Full-text search: index the written story pages with Pagefind's command line.

``python -m pagefind --site <output>`` from the ``pagefind[bin]`` package. Its
Python API is not used: its service answers each call after at least 100 ms
(it polls with ``asyncio.sleep(0.1)``), far too slow for a page a call.

Only story pages (and drafts, in development) are read: ``--glob`` from
ARTICLE_SAVE_AS and DRAFT_SAVE_AS. Theme, company and callout index pages hold
no indexed text but are large, and parsing them was a third of Pagefind's time.
Within a story only ``data-pagefind-body`` is indexed; the theme adds meta,
filters and the date sort.

Pagefind starts as soon as the last story page is written and runs in its own
process while Pelican writes the listing pages, index pages, feeds and
sitemap; the build waits for it at the end (``finalized``). A build that stops
early stops Pagefind too. Publish builds minify pages meanwhile: each file is
replaced whole, so Pagefind reads a page before or after, never half of one.

When Pagefind has finished, the plugin writes the search page's vocabulary
from what Pagefind indexed (its fragment files), so it holds nothing that is
not searchable: ``terms.json`` (themes and companies with their pages and
story counts, for suggestions) and ``words.json`` (the indexed words, most
frequent first, for typo correction; the page fetches it only when a word of
a query finds nothing).

Each callout (takeaway, lesson) is also a search record of its own, so the
"Kind" filter, its counts and filter-only browsing count and list callouts,
not the stories holding them: Pagefind reads a folder beside the output that
holds the story pages (hard links, so nothing is copied) and one small page
per callout with only the callout's own title and text, its story's themes and
companies (weighted as on the story page, and as filters), its kind, date and
story (filters and sort) and its address in the story (meta ``target``). The
bundle is written into the output (``--output-path``); the folder is removed
when Pagefind has finished. Story pages carry the kind "Case study" only.

The vocabulary also lists common English words (``dictionary``, from the
``pyspellchecker`` package's word frequencies): a typed
word that is a real word is not corrected into another word of the site.

Named site_search, not search or pagefind, so it never shadows a package.
"""

from __future__ import annotations

import atexit
import functools
import gzip
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from html import escape
from pathlib import Path

from pelican import signals
from spellchecker import SpellChecker

logger = logging.getLogger(__name__)

DEFAULTS = {
    "SITE_SEARCH_INDEX": True,
    # ignored when indexing: the callouts' badges and link lines
    "SITE_SEARCH_EXCLUDE": ".callout-links, .callout-badge",
    "SITE_SEARCH_BUNDLE": "pagefind",
    # pages Pagefind reads, relative to the output; None: from ARTICLE_SAVE_AS
    "SITE_SEARCH_GLOB": None,
    # Pagefind weight (0-10; headings 5-7, body 1) of a story's themes and companies
    "SITE_SEARCH_TERM_WEIGHT": 8,
    # the typo-correction vocabulary: at most this many words, most frequent first
    "SITE_SEARCH_VOCABULARY_SIZE": 4000,
    # where the vocabulary files go, under the output
    "SITE_SEARCH_VOCABULARY_DIR": "search",
    # common English words (most frequent first) a typed word may be without being a typo
    "SITE_SEARCH_DICTIONARY_SIZE": 30000,
}

#: where the callout records are, in the folder Pagefind reads
CALLOUT_DIR = "_callouts"

WORD = re.compile(r"[^\W\d_]{3,}")  # words of letters only, three or more


def pagefind_command(settings, output_path, site=None) -> list[str]:
    """The Pagefind command line for a build's settings (the benchmark runs it too).

    ``site``: the folder Pagefind reads when it is not the output (the story
    pages and the callout records, see ``search_site``); the bundle goes into
    the output either way.
    """
    settings = {**DEFAULTS, **settings}
    glob = settings["SITE_SEARCH_GLOB"]
    if not glob:
        # story pages, and drafts where they are written (development)
        saved = [settings[k] for k in ("ARTICLE_SAVE_AS", "DRAFT_SAVE_AS") if settings.get(k)]
        glob = "{%s}" % ",".join(re.sub(r"\{[^}]*\}", "*", s) for s in saved)
    if site is not None:
        glob = "{%s,%s/**/*.html}" % (glob.removeprefix("{").removesuffix("}") if glob.startswith("{") else glob,
                                   CALLOUT_DIR)
    return [
        sys.executable, "-m", "pagefind",
        "--site", str(site if site is not None else output_path),
        "--glob", glob,
        "--output-path", str(Path(output_path) / settings["SITE_SEARCH_BUNDLE"]),
        "--exclude-selectors", settings["SITE_SEARCH_EXCLUDE"],
        "--force-language", settings.get("DEFAULT_LANG", "en"),
        "--silent",
    ]


def callout_record(callout, kind: str, article, weight: int) -> str:
    """A callout's own search record: its title and text, its story's labels."""
    day = article.date.strftime("%Y-%m-%d")
    target = f"{article.url}#{callout.id}"
    labels = "".join(
        f'<span data-pagefind-filter="{group}">{escape(label.name)}</span> '
        for group, attribute in (("company", "companies"), ("theme", "tags"))
        for label in getattr(article, attribute, None) or ()
    )
    return (
        '<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title></head>'
        '<body><main data-pagefind-body data-pagefind-sort="date:{day}" data-pagefind-meta="date:{day}">'
        '<span hidden data-pagefind-filter="kind:{kind}"></span>'
        '<span hidden data-pagefind-filter="story:{story_url}"></span>'
        '<span hidden data-pagefind-meta="target:{target}"></span>'
        '<span hidden data-pagefind-meta="story:{story}"></span>'
        '<h1 data-pagefind-meta="title">{title}</h1><div>{body}</div>'
        '<p data-pagefind-weight="{weight}">{labels}</p></main></body></html>'
    ).format(
        lang=escape(getattr(article, "lang", "en") or "en"), title=escape(callout.title), day=day,
        kind=escape(kind), story_url=escape(article.url), target=escape(target),
        story=escape(article.title), body=callout.html, weight=weight, labels=labels,
    )


def search_site(output_path, pages, records, scratch) -> Path:
    """The folder Pagefind reads: the story pages (hard links where the file
    system allows) and the callout records (name -> HTML). It is made in
    ``scratch`` (the build's cache folder: never served or deployed), named by
    this process; one a stopped build left there is removed first."""
    output_path = Path(output_path).resolve()
    scratch = Path(scratch).resolve()
    scratch.mkdir(parents=True, exist_ok=True)
    for left in scratch.glob("search-*"):
        pid = left.name.rpartition("-")[2]
        if pid.isdigit() and (int(pid) == os.getpid() or not _alive(int(pid))):
            shutil.rmtree(left, ignore_errors=True)
    site = scratch / f"search-{os.getpid()}"
    site.mkdir()
    for page in pages:
        relative = Path(page).resolve().relative_to(output_path)
        (site / relative).parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(page, site / relative)
        except OSError:
            shutil.copyfile(page, site / relative)
    folder = site / CALLOUT_DIR
    folder.mkdir(parents=True, exist_ok=True)
    for name, html in records.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(html, encoding="utf-8")
    return site


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):  # someone else's process, or no way to ask
        return True
    return True


@functools.cache
def dictionary(size: int) -> tuple[str, ...]:
    """The ``size`` most frequent English words of pyspellchecker (once per process:
    a server that rebuilds on every change asks again and again)."""
    if not size:
        return ()
    frequencies = SpellChecker(language="en", distance=1).word_frequency.dictionary
    common = sorted((w for w in frequencies if len(w) > 2 and w.isalpha()), key=lambda w: (-frequencies[w], w))
    return tuple(common[:size])


def deletions(word: str, edits: int) -> set[str]:
    """The word with up to ``edits`` letters left out (SymSpell's neighbourhood)."""
    found = {word}
    for _ in range(edits):
        found |= {w[:i] + w[i + 1:] for w in found for i in range(len(w))}
    return found


def allowed_edits(word: str) -> int:
    """As the search page's allowedEdits(): one below eight letters, two from eight."""
    return 0 if len(word) < 3 else 1 if len(word) < 8 else 2


def confusable(common, known) -> list[str]:
    """The common words the search page could take for a typo of a word it
    knows (``known``: the site's words and compact label names): within its
    edit distance of one, sharing its stem with one, or two of them joined.
    The others are never corrected anyway, so the page need not fetch them."""
    known = list(known)
    near = set()
    for word in known:
        near |= deletions(word, allowed_edits(word))
    stems = {w[:n] for w in known for n in range(5, len(w) + 1)}
    words = set(known)
    kept = []
    for word in common:
        if (deletions(word, allowed_edits(word)) & near
                or word[:max(5, len(word) - 3)] in stems
                or any(word[:i] in words and word[i:] in words for i in range(4, len(word) - 3))):
            kept.append(word)
    return kept


def read_fragments(bundle: Path):
    """What Pagefind indexed: one dict per page (url, content, meta, filters)."""
    for path in sorted((bundle / "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(path.read_bytes())
        yield json.loads(data[data.index(b"{"):])


def vocabulary(fragments, labels, settings) -> tuple[dict, dict]:
    """The search page's ``terms.json`` and ``words.json`` from the indexed pages.

    ``labels`` maps a filter group ("theme", "company") to {name: url} for the
    pages that exist; a value only drafts carry has no page and is left out.
    """
    words = Counter()
    counts = {group: Counter() for group in labels}
    pages = 0
    for fragment in fragments:
        if "story" in fragment.get("filters", {}) and fragment.get("meta", {}).get("target"):
            continue  # a callout record: its words are its story's too
        pages += 1
        text = " ".join([fragment.get("meta", {}).get("title", ""), fragment.get("content", "")])
        words.update(w.lower() for w in WORD.findall(text))
        for group in labels:
            counts[group].update(set(fragment.get("filters", {}).get(group, ())))
    descriptions = settings.get("CASEBOOK_THEMES") or {}
    terms = {"version": 1, "pages": pages}
    for group, key in (("theme", "themes"), ("company", "companies")):
        terms[key] = [
            {"name": name, "url": labels[group][name], "count": n,
             **({"description": descriptions[name]} if group == "theme" and name in descriptions else {})}
            for name, n in sorted(counts[group].items(), key=lambda item: (-item[1], item[0].lower()))
            if name in labels[group]
        ]
    ranked = sorted(words.items(), key=lambda item: (-item[1], item[0]))
    size = settings["SITE_SEARCH_VOCABULARY_SIZE"]
    known = {w for w, _ in ranked[:size]}
    names = {re.sub(r"[\W_]", "", t["name"].lower()) for key in ("themes", "companies") for t in terms[key]}
    common = confusable((w for w in dictionary(settings["SITE_SEARCH_DICTIONARY_SIZE"]) if w not in known),
                        known | {n for n in names if len(n) > 2})
    return terms, {"version": 2, "words": [w for w, _ in ranked[:size]], "dictionary": common}


def write_vocabulary(output_path, settings, labels):
    bundle = Path(output_path) / settings["SITE_SEARCH_BUNDLE"]
    terms, words = vocabulary(read_fragments(bundle), labels, settings)
    folder = Path(output_path) / settings["SITE_SEARCH_VOCABULARY_DIR"]
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in (("terms.json", terms), ("words.json", words)):
        (folder / name).write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


class Indexer:
    """One Pagefind run per build, started once the story pages exist."""

    def __init__(self, pelican):
        self.settings = pelican.settings
        self.output_path = pelican.output_path
        self.pending: set[str] | None = None
        self.process: subprocess.Popen | None = None
        self.log = None
        self.started = 0.0
        self.labels = {"theme": {}, "company": {}}
        self.pages: set[str] = set()
        self.records: dict[str, str] = {}
        self.site: Path | None = None

    # -- signals -------------------------------------------------------------
    def expect(self, generator):
        """The story pages this build writes: Pagefind starts when all exist."""
        self.pending = {
            os.path.abspath(os.path.join(self.output_path, a.save_as))
            for group in ("articles", "translations", "drafts", "drafts_translations")
            for a in getattr(generator, group, ())
            if a.save_as
        }
        self.pages = set(self.pending)
        # each callout of an indexed story is a record of its own
        kinds = {t.name: t.label for t in generator.context.get("callout_types") or ()}
        weight = self.settings["SITE_SEARCH_TERM_WEIGHT"]
        for group in ("articles", "translations", "drafts", "drafts_translations"):
            for article in getattr(generator, group, ()):
                if not article.save_as or getattr(article, "status", "") == "hidden":
                    continue
                for n, callout in enumerate(getattr(article, "callouts", None) or ()):
                    kind = kinds.get(callout.type, callout.type.title())
                    # beside where its story is written: one name per story, whatever its URL looks like
                    name = f"{os.path.splitext(article.save_as)[0]}-callout-{n}.html"
                    self.records[name] = callout_record(callout, kind, article, weight)
        # the theme and company pages that exist (published stories' labels)
        for article in (*generator.articles, *getattr(generator, "translations", ())):
            for group, attribute in (("theme", "tags"), ("company", "companies")):
                for label in getattr(article, attribute, None) or ():
                    self.labels[group][label.name] = label.url

    def written(self, path):
        if self.pending:
            self.pending.discard(os.path.abspath(path))
            if not self.pending:
                self.start()

    def start(self):
        if self.process is not None:
            return
        self.log = tempfile.TemporaryFile()
        self.started = time.perf_counter()
        pages = [p for p in self.pages if os.path.exists(p)]
        self.site = search_site(self.output_path, pages, self.records, self.settings["CACHE_PATH"])
        command = pagefind_command(self.settings, self.output_path, self.site)
        self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT)
        atexit.register(self.stop)

    def wait(self):
        if self.process is None and self.pending is not None and not self.pending:
            logger.info("site_search: no story pages, so no search index")
            return
        self.start()
        returncode = self.process.wait()
        atexit.unregister(self.stop)
        self.remove_site()
        self.log.seek(0)
        output = self.log.read().decode(errors="replace").strip()
        self.log.close()
        if returncode != 0:
            logger.error("site_search: Pagefind failed (exit %d): %s", returncode, output)
            return
        write_vocabulary(self.output_path, self.settings, self.labels)
        logger.info("site_search: indexed %s in %.2f s (started %s)", self.output_path,
                    time.perf_counter() - self.started,
                    "with the last story page" if self.pending == set() else "at the end of the build")

    def remove_site(self):
        if self.site is not None:
            shutil.rmtree(self.site, ignore_errors=True)
            self.site = None

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.remove_site()


_current: Indexer | None = None  # this build's; builds in one process run one after another


# settings that must be whole numbers in a range: (lowest, highest)
RANGES = {"SITE_SEARCH_TERM_WEIGHT": (0, 10), "SITE_SEARCH_VOCABULARY_SIZE": (0, 1_000_000),
          "SITE_SEARCH_DICTIONARY_SIZE": (0, 1_000_000)}


def initialize(pelican):
    global _current
    for key, value in DEFAULTS.items():
        pelican.settings.setdefault(key, value)
    for key, (low, high) in RANGES.items():
        value = pelican.settings[key]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            logger.error("site_search: %s must be a whole number from %d to %d, not %r; using %r",
                         key, low, high, value, DEFAULTS[key])
            pelican.settings[key] = DEFAULTS[key]
    _current = Indexer(pelican) if pelican.settings["SITE_SEARCH_INDEX"] else None


def expect(generator):
    if _current:
        _current.expect(generator)


def written(path, context=None):
    if _current:
        _current.written(path)


def start(generator, **_kwargs):
    if _current:
        _current.start()


def wait(pelican):
    global _current
    if _current:
        indexer, _current = _current, None
        indexer.wait()


def register():
    signals.initialized.connect(initialize)
    signals.article_generator_finalized.connect(expect)
    signals.content_written.connect(written)
    signals.article_writer_finalized.connect(start)
    signals.finalized.connect(wait)
