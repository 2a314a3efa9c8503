"""Synthetic corpora for the build benchmarks, in several *shapes*.

A shape (``SHAPES``, each named and seeded, so the same shape and size always
give the same files) says how long stories are, how many callouts, tags and
companies each has and from which lists. ``typical``: N articles of about 800
words, each with three themes from the site's vocabulary, one or two companies
and five callouts in our syntax. The others vary one thing each (callouts per
story, tags outside the vocabulary and their number, companies, lengths), and
``reported`` is the corpus a user reported (issue #21). A corpus is also
written in Hugo's format (TOML front matter, the callouts as plain blockquotes)
for the field's speed reference.

    python -m benchmarks.corpus 1000 /tmp/corpus [SHAPE]
"""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass
from pathlib import Path

from pelicanconf import CASEBOOK_THEMES

THEMES = sorted(CASEBOOK_THEMES)
COMPANIES = [
    "Disney",
    "Nordstrom",
    "Lego",
    "Marriott",
    "Chick-fil-A",
    "Zendesk",
    "Ritz-Carlton",
    "Apple",
    "McDonald's",
    "JetBlue",
    "Zappos",
    "Costco",
]
WORDS = [
    "customer",
    "service",
    "team",
    "manager",
    "guest",
    "call",
    "ticket",
    "reply",
    "apology",
    "follow",
    "up",
    "listen",
    "name",
    "greet",
    "problem",
    "fix",
    "policy",
    "front",
    "line",
    "shift",
    "queue",
    "wait",
    "store",
    "desk",
    "hotel",
    "park",
    "phone",
    "email",
    "chat",
    "visit",
    "experience",
    "loyalty",
    "trust",
    "promise",
    "detail",
    "moment",
    "recovery",
    "staff",
    "training",
    "huddle",
    "feedback",
    "smile",
    "thank",
    "welcome",
    "goodbye",
    "complaint",
    "refund",
    "upgrade",
    "voucher",
    "delay",
    "order",
    "meal",
    "room",
    "booking",
    "letter",
]


SYLLABLES = [
    "ba",
    "be",
    "bi",
    "bo",
    "bu",
    "ca",
    "ce",
    "co",
    "cu",
    "da",
    "de",
    "di",
    "do",
    "fa",
    "fe",
    "fi",
    "fo",
    "ga",
    "ge",
    "go",
    "la",
    "le",
    "li",
    "lo",
    "ma",
    "me",
    "mi",
    "mo",
    "na",
    "ne",
    "ni",
    "no",
    "pa",
    "pe",
    "pi",
    "po",
    "ra",
    "re",
    "ri",
    "ro",
    "sa",
    "se",
    "si",
    "so",
    "ta",
    "te",
    "ti",
    "to",
    "va",
    "ve",
    "vi",
    "vo",
]


def vocabulary(size: int = 6000, seed: int = 11) -> tuple[list[str], list[float]]:
    """Domain words first, then made-up ones, with Zipf weights like natural text:
    a few words are everywhere, most are rare (a 65-word corpus would put every
    word in every article, which no real library does)."""
    rng = random.Random(seed)
    words = list(WORDS)
    seen = set(words)
    while len(words) < size:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    weights = [1 / (rank + 1) for rank in range(len(words))]
    return words, weights


VOCABULARY, WEIGHTS = vocabulary()

#: Tags outside CASEBOOK_THEMES, as a library that tags freely has them.
OTHER_TAGS = [
    "refunds", "hospitality", "retail", "airlines", "hotels", "restaurants", "theme parks", "call centres",
    "online shops", "complaints", "waiting times", "apologies", "returns", "upgrades", "vouchers",
    "front desk", "phone support", "chat support", "email support", "stores", "delivery", "billing",
    "subscriptions", "travel", "banking", "insurance", "telecoms", "utilities", "healthcare", "education",
]


@dataclass(frozen=True)
class Shape:
    """How a corpus's stories are made; every shape is seeded, so the same
    shape and number of stories always give the same files."""

    name: str
    about: str
    seed: int = 7
    sections: tuple[int, int] = (5, 5)  # per story
    paragraphs: tuple[int, int] = (2, 2)  # per section, five sentences each
    callouts: tuple[int, int] = (5, 5)  # per story, spread over its sections
    callout_title_words: tuple[int, int] = (5, 5)
    numbered_callouts: bool = True  # "Takeaway 1 of story 7: ..." before the title's words
    callout_sentences: int = 2
    tags: tuple[int, int] = (3, 3)  # per story
    themes: int = len(THEMES)  # how many of the tag list come from CASEBOOK_THEMES ...
    other_tags: int = 0  # ... and how many from outside it (made up past OTHER_TAGS)
    companies: tuple[int, int] = (1, 2)  # per story
    company_list: int = len(COMPANIES)
    vocabulary: int = 6000  # distinct words of the text

    def tag_list(self) -> list[str]:
        others = list(OTHER_TAGS)
        for k in range(len(others), self.other_tags):
            others.append(f"topic {k + 1}")
        return THEMES[: self.themes] + others[: self.other_tags]

    def company_names(self) -> list[str]:
        names = list(COMPANIES)
        for k in range(len(names), self.company_list):
            names.append(f"Company {k + 1}")
        return names[: self.company_list]


SHAPES = {s.name: s for s in [
    Shape("typical", "about 800 words, 3 themes from the vocabulary, 1 or 2 of 12 companies, 5 callouts"),
    # the corpus a user reported (issue #21): about 850 words from a small vocabulary,
    # 5 sections each ending in a callout with a short title, 3 tags of 20 (12 outside
    # CASEBOOK_THEMES), one company of 10
    Shape("reported", "about 850 words of a 300-word vocabulary, 5 sections each ending in a callout with a "
          "2-word title, 3 tags of 20 (12 outside the vocabulary), 1 company of 10",
          seed=21, paragraphs=(2, 2), callout_title_words=(2, 2), numbered_callouts=False, callout_sentences=3,
          themes=8, other_tags=12,
          companies=(1, 1), company_list=10, vocabulary=300),
    Shape("callouts", "0 to 10 callouts a story", seed=22, callouts=(0, 10)),
    Shape("many-tags", "1 to 6 tags of 200 (185 outside the vocabulary), 1 to 4 of 40 companies", seed=23,
          tags=(1, 6), other_tags=185, companies=(1, 4), company_list=40),
    Shape("few-tags", "1 tag of 3, 1 company of 3", seed=24, tags=(1, 1), themes=3, companies=(1, 1),
          company_list=3),
    Shape("lengths", "short and long stories: 1 to 12 sections of 1 to 4 paragraphs (about 100 to 4,000 "
          "words)", seed=25, sections=(1, 12), paragraphs=(1, 4), callouts=(1, 8)),
]}

_VOCABULARIES: dict[int, tuple[list[str], list[float]]] = {6000: (VOCABULARY, WEIGHTS)}


def _pick(rng: random.Random, bounds: tuple[int, int]) -> int:
    low, high = bounds
    return low if low == high else rng.randint(low, high)


def sentence(rng: random.Random, n: int, words=None) -> str:
    vocabulary, weights = words or (VOCABULARY, WEIGHTS)
    return " ".join(rng.choices(vocabulary, weights=weights, k=n)).capitalize() + "."


def paragraph(rng: random.Random, sentences: int = 5, words=None) -> str:
    return " ".join(sentence(rng, rng.randint(8, 16), words) for _ in range(sentences))


def article(i: int, rng: random.Random, shape: Shape = SHAPES["typical"]):
    if shape.vocabulary not in _VOCABULARIES:
        _VOCABULARIES[shape.vocabulary] = vocabulary(shape.vocabulary)
    words = _VOCABULARIES[shape.vocabulary]
    themes = rng.sample(shape.tag_list(), _pick(rng, shape.tags))
    companies = rng.sample(shape.company_names(), _pick(rng, shape.companies))
    title = f"Story {i}: {sentence(rng, 5, words)[:-1]}"
    sections, callouts = [], []
    for k in range(_pick(rng, shape.callouts)):
        kind = "takeaway" if k % 2 == 0 else "lesson"
        heading = sentence(rng, _pick(rng, shape.callout_title_words), words)[:-1]
        if shape.numbered_callouts:
            heading = f"{kind.title()} {k + 1} of story {i}: {heading}"
        callouts.append((kind, heading, paragraph(rng, shape.callout_sentences, words)))
    count = _pick(rng, shape.sections)
    for s in range(count):
        body = "\n\n".join(paragraph(rng, words=words) for _ in range(_pick(rng, shape.paragraphs)))
        # the callouts in order, each section ending in its share of them
        share = callouts[s * len(callouts) // count:(s + 1) * len(callouts) // count]
        sections.append((f"Part {s + 1}: {sentence(rng, 3, words)[:-1]}", body, share))
    return {
        "slug": f"story-{i:05d}",
        "title": title,
        "date": f"20{15 + i % 10:02d}-{1 + i % 12:02d}-{1 + i % 28:02d}",
        "themes": themes,
        "companies": companies,
        "summary": sentence(rng, 20, words),
        "sections": sections,
    }


def pelican_markdown(a) -> str:
    head = (
        f"Title: {a['title']}\nDate: {a['date']}\nCategory: Case studies\n"
        f"Tags: {', '.join(a['themes'])}\nCompanies: {', '.join(a['companies'])}\n"
        f"Summary: {a['summary']}\nSource: the benchmark corpus\n\n"
    )
    parts = []
    for heading, body, callouts in a["sections"]:
        boxes = "".join(f"\n\n> [!{kind}] {title}\n> {text}" for kind, title, text in callouts)
        parts.append(f"## {heading}\n\n{body}{boxes}\n")
    return head + "\n".join(parts)


def hugo_markdown(a) -> str:
    tags = ", ".join(f'"{t}"' for t in a["themes"])
    companies = ", ".join(f'"{c}"' for c in a["companies"])
    head = (
        f'+++\ntitle = "{a["title"]}"\ndate = {a["date"]}\ntags = [{tags}]\n'
        f'companies = [{companies}]\nsummary = "{a["summary"]}"\n+++\n\n'
    )
    parts = []
    for heading, body, callouts in a["sections"]:
        boxes = "".join(f"\n\n> **{title}**\n> {text}" for _kind, title, text in callouts)
        parts.append(f"## {heading}\n\n{body}{boxes}\n")
    return head + "\n".join(parts)


def write_corpus(n: int, folder: Path, shape: str = "typical", hugo: bool = True) -> Path:
    """Write ``folder/pelican/stories/*.md`` and (with ``hugo``) ``folder/hugo/content/posts/*.md``:
    ``n`` stories of the named shape (see SHAPES)."""
    made = SHAPES[shape]
    rng = random.Random(made.seed)
    pelican_dir = folder / "pelican" / "stories"
    hugo_dir = folder / "hugo" / "content" / "posts"
    pelican_dir.mkdir(parents=True, exist_ok=True)
    if hugo:
        hugo_dir.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        a = article(i, rng, made)
        (pelican_dir / f"{a['slug']}.md").write_text(pelican_markdown(a), encoding="utf-8")
        if hugo:
            (hugo_dir / f"{a['slug']}.md").write_text(hugo_markdown(a), encoding="utf-8")
    if hugo:
        write_hugo_site(folder / "hugo")
    return folder


HUGO_LAYOUTS = {
    "hugo.toml": 'baseURL = "http://127.0.0.1/"\ntitle = "Corpus"\n[taxonomies]\ntag = "tags"\ncompany = "companies"\n',
    "layouts/baseof.html": '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title>'
    '</head><body><main>{{ block "main" . }}{{ end }}</main></body></html>',
    "layouts/single.html": '{{ define "main" }}<article><h1>{{ .Title }}</h1>{{ .Content }}'
    "<ul>{{ range .Params.tags }}<li>{{ . }}</li>{{ end }}</ul></article>{{ end }}",
    "layouts/list.html": '{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}'
    '<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}',
    "layouts/home.html": '{{ define "main" }}<h1>{{ .Site.Title }}</h1><ul>{{ range first 10 .Site.RegularPages }}'
    '<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}',
}


def write_hugo_site(folder: Path) -> None:
    for name, text in HUGO_LAYOUTS.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    write_corpus(int(sys.argv[1]), Path(sys.argv[2]), *(sys.argv[3:4] or ["typical"]))
