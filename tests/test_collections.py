"""Callout collections (issue #15): every callout in full on each of its story's
themes, one canonical entry each, playbook chapters, the theme × company grid.

Checked on the project's content, on the basic fixture and on a generated
corpus (benchmarks/corpus.py) built with a few callouts a page, so every
collection is paginated."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
from helpers import FIXTURES, broken_links, build, page, soup

from benchmarks.corpus import write_corpus

TYPES = {"takeaway": "takeaways", "lesson": "lessons"}


@pytest.fixture(scope="session")
def generated_site(tmp_path_factory) -> Path:
    """40 synthetic stories, 4 callouts a collection page."""
    folder = tmp_path_factory.mktemp("generated")
    write_corpus(40, folder / "corpus")
    output = folder / "output"
    build(folder / "corpus" / "pelican", output, CALLOUTS_PER_PAGE=4, SITE_SEARCH_INDEX=False)
    return output


SITES = ["basic_site", "real_site", "generated_site"]


@pytest.fixture(params=SITES)
def site(request) -> Path:
    return request.getfixturevalue(request.param)


def records(output: Path) -> list[dict]:
    return json.loads((output / "callouts.json").read_text())["callouts"]


def path_of(url: str) -> str:
    """A site-relative path ("takeaways/empathy/") from a URL of the site."""
    return urlparse(url).path.lstrip("/")


def theme_slugs(output: Path) -> dict[str, str]:
    """Each theme's name as written -> its slug, from the theme pages' links."""
    found = {}
    for path in (output / "stories").rglob("index.html"):
        for a in soup(path).select('ul.chips[aria-label="Themes"] a'):
            found[a.get_text()] = a["href"].rstrip("/").rsplit("/", 1)[-1]
    return found


def follow(output: Path, url: str) -> tuple[list, list[str]]:
    """Every entry (bs4 element) of a paginated collection, walking its "Next
    page" links from its first page, with the pages' paths."""
    entries, seen = [], []
    while url:
        assert url not in seen, "pagination loops"
        seen.append(url)
        document = soup(page(output, url))
        entries += document.select("article.entry")
        pager = document.select_one("nav.pager")
        if pager:
            assert pager.select_one("span").get_text().startswith(f"Page {len(seen)} of ")
        nxt = document.select_one("nav.pager a[rel=next]")
        url = path_of(nxt["href"]) if nxt else None
    return entries, seen


def place(url: str) -> str:
    """A callout's place in its story ("stories/x/#id") from a URL of the site."""
    return f"{path_of(url)}#{urlparse(url).fragment}"


def key(entry) -> str:
    """An entry by the callout it shows: its place in its story."""
    return place(entry.select_one(".entry-title a")["href"])


def record_key(record) -> str:
    return place(record["url"])


def text(element) -> str:
    return " ".join(element.get_text(" ").split())


def test_every_callout_is_in_full_on_the_page_of_each_of_its_themes(site):
    slugs = theme_slugs(site)
    listings = {}
    for record in records(site):
        for tag in record["tags"]:
            url = f"{TYPES[record['type']]}/{slugs[tag]}/"
            if url not in listings:
                listings[url] = {key(e): e for e in follow(site, url)[0]}
            entry = listings[url].get(record_key(record))
            assert entry is not None, f"{record['url']} missing from {url}"
            assert text(entry.select_one(".entry-body")) == " ".join(record["text"].split())
            assert entry.select_one(".entry-source a")["href"] == "/" + path_of(record["article"]["url"])


def test_a_types_theme_pages_together_are_its_callouts_in_the_export(site):
    slugs = theme_slugs(site)
    for kind, plural in TYPES.items():
        expected = {record_key(r) for r in records(site) if r["type"] == kind}
        overview = soup(page(site, f"{plural}/"))
        listed = set()
        urls = {path_of(a["href"]) for a in overview.select("nav.toc a")}
        assert urls == {path_of(a.select_one("a")["href"]) for a in overview.select(".summary-title")}
        assert urls == {f"{plural}/{slugs[t]}/" for r in records(site) if r["type"] == kind for t in r["tags"]}
        for url in urls:
            entries, _ = follow(site, url)
            assert all(e["class"] == ["entry", f"entry-{kind}"] for e in entries)
            keys = [key(e) for e in entries]
            assert len(keys) == len(set(keys)), f"an entry listed twice on {url}"
            listed |= set(keys)
        assert listed == expected


def test_each_playbook_chapter_holds_exactly_its_themes_callouts(site):
    slugs = theme_slugs(site)
    contents = soup(page(site, "playbook/"))
    chapters = {a.get_text(): path_of(a["href"]) for a in contents.select("nav.toc a")}
    themes = {t for r in records(site) for t in r["tags"]}
    assert len(chapters) == len(themes)
    for tag in themes:
        url = f"playbook/{slugs[tag]}/"
        assert chapters[tag[:1].upper() + tag[1:]] == url
        entries, _ = follow(site, url)
        keys = [key(e) for e in entries]
        assert sorted(keys) == sorted(record_key(r) for r in records(site) if tag in r["tags"])
        # the printed chapter says where each entry comes from
        assert all(e.select_one(".entry-source a") for e in entries)


def test_every_index_url_and_story_link_leads_to_the_canonical_entry(site):
    slugs = theme_slugs(site)
    for record in records(site):
        target = path_of(record["index_url"])
        anchor = urlparse(record["index_url"]).fragment
        listing = f"{TYPES[record['type']]}/{slugs[record['tags'][0]]}/"
        assert target.startswith(listing), "canonical: under the story's first theme"
        entry = soup(page(site, target)).find(id=anchor)
        assert entry is not None and entry.name == "article", record["index_url"]
        assert key(entry) == record_key(record)
        # the story's own "All takeaways" link is the same address
        story = soup(page(site, path_of(record["url"])))
        heading = story.find(id=record["id"])
        link = heading.find_parent("aside").select_one("a.callout-index")
        assert link["href"] == "/" + target + "#" + anchor
    assert broken_links(site) == []


def test_pagination_keeps_every_entry_reachable_and_pages_small(generated_site):
    entries, pages = follow(generated_site, "lessons/" + theme_slugs(generated_site)["empathy"] + "/")
    assert len(pages) > 1 and all(len(soup(page(generated_site, p)).select("article.entry")) <= 4 for p in pages)
    back = soup(page(generated_site, pages[-1])).select_one("nav.pager a[rel=prev]")
    assert path_of(back["href"]) == pages[-2]
    # some canonical entries are past the first page, and their links say so
    assert any("/page/" in r["index_url"] for r in records(generated_site))


def grid_columns(output: Path, url: str) -> tuple[dict, dict, dict]:
    """A page's grid as ({(theme, company): cell}, {theme: all-stories cell},
    {theme: no-company cell}), each cell ([takeaways, lessons], link or None)."""
    table = soup(page(output, url)).select_one("table.callout-grid")
    region = table.find_parent(attrs={"role": "region"})
    assert table.caption and region["tabindex"] == "0" and region["aria-labelledby"] == table.caption["id"]
    headers = table.select("thead th")
    assert headers[1].get_text() == "All stories" and "grid-all" in headers[1]["class"]
    columns = [("company", th.get_text()) if "grid-company" in th["class"] else ("unnamed", None)
               if "grid-unnamed" in th["class"] else ("all", None) for th in headers[1:]]
    companies, totals, unnamed = {}, {}, {}
    for row in table.select("tbody tr"):
        theme = row.select_one("th").get_text()
        for (kind, company), cell in zip(columns, row.select("td"), strict=True):
            numbers = [int(n) for n in re.findall(r"\d+", cell.get_text(" "))]
            if not numbers:
                assert cell.get_text(strip=True) == "none"
                continue
            link = cell.select_one("a")
            found = (numbers, path_of(link["href"]) if link else None)
            {"company": companies, "all": totals, "unnamed": unnamed}[kind][
                (theme, company) if kind == "company" else theme] = found
    return companies, totals, unnamed


def grid(output: Path, url: str) -> dict[tuple[str, str], tuple[list[int], str]]:
    """(theme, company) -> ([takeaways, lessons], link) from a page's grid."""
    return grid_columns(output, url)[0]


def capitalised(tag: str) -> str:
    return tag[:1].upper() + tag[1:]


def test_the_theme_company_grid_counts_match_the_export_and_link_to_them(site):
    expected = {}
    for r in records(site):
        for tag in r["tags"]:
            for company in r["companies"]:
                counts = expected.setdefault((capitalised(tag), company), [0, 0])
                counts[0 if r["type"] == "takeaway" else 1] += 1
    for url in ("themes/", "companies/"):
        found = grid(site, url)
        assert {k: v[0] for k, v in found.items()} == expected
    for (theme, company), (numbers, link) in found.items():
        entries, _ = follow(site, link)
        wanted = sorted(record_key(r) for r in records(site) if company in r["companies"]
                        and theme in {capitalised(t) for t in r["tags"]})
        assert sorted(key(e) for e in entries) == wanted and sum(numbers) == len(wanted)


def test_no_theme_row_looks_empty_the_grid_counts_every_callout_of_each_theme(site):
    """Beside the companies, each theme's row gives all its callouts (linking to its
    playbook chapter, which lists exactly those) and those of its stories that name no
    company (no link: no page lists only those), matching callouts.json."""
    totals, unnamed = {}, {}
    for r in records(site):
        for tag in r["tags"]:
            index = 0 if r["type"] == "takeaway" else 1
            totals.setdefault(capitalised(tag), [0, 0])[index] += 1
            if not r["companies"]:
                unnamed.setdefault(capitalised(tag), [0, 0])[index] += 1
    for url in ("themes/", "companies/"):
        _, found_totals, found_unnamed = grid_columns(site, url)
        assert {k: v[0] for k, v in found_totals.items()} == totals
        assert {k: v[0] for k, v in found_unnamed.items()} == unnamed
        assert all(link is None for _, link in found_unnamed.values())
        header = soup(page(site, url)).select_one("table.callout-grid thead th.grid-unnamed")
        assert (header is not None) == bool(unnamed), "a No company column only when some story names none"
    for theme, (numbers, link) in found_totals.items():
        entries, _ = follow(site, link)
        wanted = sorted(record_key(r) for r in records(site) if theme in {capitalised(t) for t in r["tags"]})
        assert sorted(key(e) for e in entries) == wanted and sum(numbers) == len(wanted), theme
    # every row has something to show: its total
    table = soup(page(site, "themes/")).select_one("table.callout-grid")
    assert len(found_totals) == len(table.select("tbody tr"))


def test_the_grid_explains_itself_outside_its_scrolling_region(real_site):
    document = soup(page(real_site, "themes/"))
    table = document.select_one("table.callout-grid")
    note = document.find(id=table["aria-describedby"])
    assert note is not None and not note.find_parent(attrs={"role": "region"})
    assert "All stories" in note.get_text() and "No company" in note.get_text()
    assert len(table.caption.get_text()) < 60, "a short caption; the explanation is the note"


def test_company_pages_list_their_callouts_by_theme(basic_site):
    company = soup(page(basic_site, "companies/lego/"))
    themes = [a.get_text() for a in company.select(".summary-title > a")]
    assert themes and all(t[:1].isupper() for t in themes)
    examples = [a["href"] for a in company.select(".summaries .entries a")]
    assert "/stories/the-letter/#answer-the-person-not-the-ticket" in examples


def test_the_whole_playbook_is_offered_only_while_it_is_small(tmp_path, basic_site):
    contents = soup(page(basic_site, "playbook/"))
    book = contents.select_one('a[href="/playbook/complete/"]')
    assert book is not None
    document = soup(page(basic_site, "playbook/complete/"))
    assert len(document.select("section.playbook-theme")) == len(contents.select("nav.toc li"))
    assert not document.select("article.entry[id]"), "a callout under two themes: no duplicate ids"
    assert document.select_one("button[data-print][hidden]"), "the print button waits for print.js"
    output = tmp_path / "out"
    build(FIXTURES / "basic" / "content", output, CALLOUTS_BOOK_MAX=2, SITE_SEARCH_INDEX=False)
    assert not (output / "playbook" / "complete").exists()
    assert soup(page(output, "playbook/")).select_one('a[href="/playbook/complete/"]') is None
    assert broken_links(output) == []


def test_print_styles_have_margins_and_keep_entries_whole(basic_site):
    css = (basic_site / "theme" / "css" / "site.css").read_text()
    printing = css[css.index("@media print"):]
    assert "@page" in printing and "margin" in printing
    assert "break-inside: avoid" in printing and "attr(href)" in printing
    chapter = soup(page(basic_site, "playbook/empathy/"))
    assert chapter.select_one('script[src$="/theme/js/print.js"]')
    assert (basic_site / "theme" / "js" / "print.js").exists()


def test_theme_names_are_capitalised_only_where_a_heading_starts(basic_site):
    theme = soup(page(basic_site, "themes/service-recovery/"))
    assert theme.h1.get_text() == "Service recovery"
    story = soup(page(basic_site, "stories/recovery-at-the-front-desk/"))
    assert "service recovery" in [a.get_text() for a in story.select('ul.chips[aria-label="Themes"] a')]
    assert story.select_one("#related-lessons").get_text() == "Takeaways and lessons from related stories"


def test_callout_pages_of_the_generated_site_stay_small(generated_site):
    """Collections are paginated: none grows with the site (the benchmark
    checks the 100 KB budget at 5,000 stories)."""
    sizes = {str(p.relative_to(generated_site)): len(gzip.compress(p.read_bytes()))
             for p in generated_site.rglob("index.html")
             if p.parts[len(generated_site.parts)] in {"takeaways", "lessons", "playbook"}}
    assert sizes and max(sizes.values()) < 20_000, max(sizes.items(), key=lambda kv: kv[1])


@pytest.mark.parametrize("url", ["takeaways/", "lessons/", "playbook/"])
def test_overviews_list_themes_by_count_and_from_a_to_z(real_site, url):
    document = soup(page(real_site, url))
    alphabetical = [a.get_text() for a in document.select("nav.toc a")]
    assert alphabetical == sorted(alphabetical, key=str.lower)
    if url != "playbook/":
        counts = [sum(int(n) for n in re.findall(r"\d+", s.select_one(".meta").get_text()))
                  for s in document.select(".summary-title")]
        assert counts == sorted(counts, reverse=True) and len(counts) == len(alphabetical)



def test_a_story_without_a_theme_keeps_its_callouts_on_the_overview(tmp_path):
    content = tmp_path / "content"
    (content / "stories").mkdir(parents=True)
    (content / "stories" / "loose.md").write_text(
        "Title: Loose\nDate: 2024-01-01\nSummary: s\n\n> [!takeaway] Smile first\n> It helps.\n")
    output = tmp_path / "out"
    build(content, output, SITE_SEARCH_INDEX=False)
    (record,) = records(output)
    assert path_of(record["index_url"]) == "takeaways/"
    entry = soup(page(output, "takeaways/")).find(id=urlparse(record["index_url"]).fragment)
    assert entry is not None and key(entry) == record_key(record)
    assert broken_links(output) == []
