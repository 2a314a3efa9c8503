"""A synthetic corpus for the build benchmarks.

N articles of about 800 words, each with three themes from the site's
vocabulary, one or two companies and five callouts in our syntax; the same
corpus is also written in Hugo's format (TOML front matter, the callouts as
plain blockquotes) for the field's speed reference.

    python -m benchmarks.corpus 1000 /tmp/corpus
"""

from __future__ import annotations

import random
import sys
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


def sentence(rng: random.Random, n: int) -> str:
    words = rng.choices(VOCABULARY, weights=WEIGHTS, k=n)
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random, sentences: int = 5) -> str:
    return " ".join(sentence(rng, rng.randint(8, 16)) for _ in range(sentences))


def article(i: int, rng: random.Random):
    themes = rng.sample(THEMES, 3)
    companies = rng.sample(COMPANIES, rng.randint(1, 2))
    title = f"Story {i}: {sentence(rng, 5)[:-1]}"
    sections, callouts = [], []
    for k in range(5):
        kind = "takeaway" if k % 2 == 0 else "lesson"
        callouts.append((kind, f"{kind.title()} {k + 1} of story {i}: {sentence(rng, 5)[:-1]}", paragraph(rng, 2)))
    for s in range(5):
        body = "\n\n".join(paragraph(rng) for _ in range(2))
        sections.append((f"Part {s + 1}: {sentence(rng, 3)[:-1]}", body, callouts[s]))
    return {
        "slug": f"story-{i:05d}",
        "title": title,
        "date": f"20{15 + i % 10:02d}-{1 + i % 12:02d}-{1 + i % 28:02d}",
        "themes": themes,
        "companies": companies,
        "summary": sentence(rng, 20),
        "sections": sections,
    }


def pelican_markdown(a) -> str:
    head = (
        f"Title: {a['title']}\nDate: {a['date']}\nCategory: Case studies\n"
        f"Tags: {', '.join(a['themes'])}\nCompanies: {', '.join(a['companies'])}\n"
        f"Summary: {a['summary']}\nSource: the benchmark corpus\n\n"
    )
    parts = []
    for heading, body, (kind, title, text) in a["sections"]:
        parts.append(f"## {heading}\n\n{body}\n\n> [!{kind}] {title}\n> {text}\n")
    return head + "\n".join(parts)


def hugo_markdown(a) -> str:
    tags = ", ".join(f'"{t}"' for t in a["themes"])
    companies = ", ".join(f'"{c}"' for c in a["companies"])
    head = (
        f'+++\ntitle = "{a["title"]}"\ndate = {a["date"]}\ntags = [{tags}]\n'
        f'companies = [{companies}]\nsummary = "{a["summary"]}"\n+++\n\n'
    )
    parts = []
    for heading, body, (_kind, title, text) in a["sections"]:
        parts.append(f"## {heading}\n\n{body}\n\n> **{title}**\n> {text}\n")
    return head + "\n".join(parts)


def write_corpus(n: int, folder: Path, seed: int = 7) -> Path:
    """Write ``folder/pelican/stories/*.md`` and ``folder/hugo/content/posts/*.md``."""
    rng = random.Random(seed)
    pelican_dir = folder / "pelican" / "stories"
    hugo_dir = folder / "hugo" / "content" / "posts"
    pelican_dir.mkdir(parents=True, exist_ok=True)
    hugo_dir.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        a = article(i, rng)
        (pelican_dir / f"{a['slug']}.md").write_text(pelican_markdown(a), encoding="utf-8")
        (hugo_dir / f"{a['slug']}.md").write_text(hugo_markdown(a), encoding="utf-8")
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
    write_corpus(int(sys.argv[1]), Path(sys.argv[2]))
