"""A rebuild with a warm cache re-renders only the pages whose inputs changed,
and the site it leaves is the one a clean build makes."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from casebook.incremental import BODY_ATTRIBUTES, SUBJECTS
from helpers import ROOT, build
from jinja2 import Environment, FileSystemLoader, nodes

# the sitemap dates listing pages with the time of the build: left out
VOLATILE = {"sitemap.xml"}


def files(output: Path) -> dict[Path, bytes]:
    return {p.relative_to(output): p.read_bytes() for p in output.rglob("*")
            if p.is_file() and p.name not in VOLATILE}


def story(content: Path, slug: str) -> Path:
    return content / "stories" / f"{slug}.md"


def add_paragraph(path: Path, sentence: str):
    """A body edit: a paragraph before the story's first subheading (the
    callouts below it move down a few lines, which no page shows)."""
    text = path.read_text()
    cut = text.index("\n## ")
    path.write_text(text[:cut] + f"\n\n{sentence}\n" + text[cut:])


def pages(output: Path) -> dict[str, os.stat_result]:
    """The rendered pages (and the callout export) of a site, by path."""
    found = {str(p.relative_to(output)): p.stat() for p in output.rglob("*.html")}
    if (output / "callouts.json").exists():
        found["callouts.json"] = (output / "callouts.json").stat()
    return found


class Site:
    """The project's content in a scratch folder, built with the content cache on."""

    def __init__(self, tmp_path: Path):
        self.tmp = tmp_path
        self.content = tmp_path / "content"
        shutil.copytree(ROOT / "content", self.content)
        self.output = tmp_path / "output"
        self.slugs = sorted(p.stem for p in (self.content / "stories").glob("*.md"))

    def build(self, in_place: bool = False, **override) -> set[str]:
        """A cached build, as `invoke build` makes it (into a fresh folder, then
        swapped in) or into the output folder itself. Returns the pages that
        were rendered: all but those kept from the last build (the same file,
        linked into the fresh folder or left untouched in place)."""
        output = self.output if in_place else self.tmp / "staging"
        if not in_place:
            override.setdefault("CASEBOOK_REUSE_FROM", str(self.output))
        last = pages(self.output) if self.output.exists() else {}
        build(self.content, output, CACHE_CONTENT=True, LOAD_CONTENT_CACHE=True,
              CACHE_PATH=str(self.tmp / "cache"), SITE_SEARCH_INDEX=False, **override)
        now = pages(output)
        if not in_place:
            shutil.rmtree(self.output, ignore_errors=True)
            output.rename(self.output)
        return {name for name, stat in now.items() if name not in last
                or (stat.st_ino, stat.st_mtime_ns) != (last[name].st_ino, last[name].st_mtime_ns)}

    def story_pages(self, rendered: set[str]) -> set[str]:
        return {name.split("/")[1] for name in rendered if re.fullmatch(r"stories/[^/]+/index\.html", name)}

    def clean(self, **override) -> dict[Path, bytes]:
        """The same content built from scratch, without the cache."""
        output = self.tmp / "clean"
        shutil.rmtree(output, ignore_errors=True)
        build(self.content, output, SITE_SEARCH_INDEX=False, **override)
        return files(output)

    def assert_same_as_clean(self, **override):
        built, clean = files(self.output), self.clean(**override)
        assert built.keys() == clean.keys()
        assert [p for p in clean if built[p] != clean[p]] == []


@pytest.fixture
def site(tmp_path):
    site = Site(tmp_path)
    site.all = pages_of(site, site.build())
    return site


def pages_of(site, rendered):
    assert site.story_pages(rendered) == set(site.slugs)
    return rendered


def test_an_unchanged_site_renders_no_page(site):
    before = {p: p.stat().st_mtime_ns for p in site.output.rglob("*.html")}
    assert site.build(in_place=True) == set()
    assert {p: p.stat().st_mtime_ns for p in before} == before
    site.assert_same_as_clean()


def test_editing_a_story_body_renders_that_page_alone(site):
    add_paragraph(story(site.content, site.slugs[3]), "A sentence added by the incremental test.")
    assert site.build() == {f"stories/{site.slugs[3]}/index.html"}
    page = site.output / "stories" / site.slugs[3] / "index.html"
    assert "A sentence added by the incremental test." in page.read_text()
    site.assert_same_as_clean()


def themes_of(path: Path) -> list[str]:
    """The slugs of a story's themes, from its Tags line."""
    return [t.strip().replace(" ", "-") for t in re.search(r"(?m)^Tags: (.*)$", path.read_text()).group(1).split(",")]


def collection_pages(rendered: set[str]) -> set[str]:
    """The rendered pages of callout collections (type pages of a theme, playbook
    chapters), not the whole playbook (which holds every callout)."""
    return {p for p in rendered if re.match(r"(takeaways|lessons|playbook)/[^/]+/", p)
            and not p.startswith("playbook/complete/")}


def test_editing_a_callout_renders_the_pages_that_list_it(site):
    edited = story(site.content, "nail-salon-never-greeted")
    edited.write_text(edited.read_text().replace("take two seconds.", "take two seconds, even on a busy day."))
    themes = themes_of(edited)
    rendered = site.build()
    # its story, the theme pages that list its callouts, the export ...
    assert {"stories/nail-salon-never-greeted/index.html", "themes/first-impressions/index.html",
            "callouts.json"} <= rendered
    # ... the takeaway pages and playbook chapters of its themes, and no other collection page
    assert collection_pages(rendered) == {f"{kind}/{slug}/index.html" for kind in ("takeaways", "playbook")
                                          for slug in themes}, " ".join(sorted(rendered))
    assert not {"lessons/index.html", "themes/last-impressions/index.html"} & rendered, " ".join(sorted(rendered))
    assert len(rendered) < len(site.all) / 2
    for slug in themes:
        assert "even on a busy day" in (site.output / "takeaways" / slug / "index.html").read_text()
    site.assert_same_as_clean()


def test_a_callout_edit_renders_only_the_collection_pages_that_hold_it(site):
    """With two callouts a page, each theme's listing is paginated: an edited
    takeaway re-renders the one page of each of its themes' listings that shows it."""
    assert site.build(CALLOUTS_PER_PAGE=2) == set(pages(site.output))  # a setting: every page
    edited = story(site.content, "nail-salon-never-greeted")
    anchor = 'id="nail-salon-never-greeted--look-up-greet-then-ask"'
    holding = {p for p in collection_pages(set(pages(site.output))) if anchor in (site.output / p).read_text()}
    assert {p.split("/")[0] for p in holding} == {"takeaways", "playbook"}
    assert len({tuple(p.split("/")[:2]) for p in holding}) == 2 * len(themes_of(edited))
    edited.write_text(edited.read_text().replace("take two seconds.", "take two seconds, even on a busy day."))
    rendered = site.build(CALLOUTS_PER_PAGE=2)
    assert collection_pages(rendered) == holding
    site.assert_same_as_clean(CALLOUTS_PER_PAGE=2)


def test_a_callout_moved_to_another_page_by_a_new_story_is_linked_where_it_now_is(site):
    """Collections list stories oldest first: a story dated before the others
    moves the later callouts of its themes down their pages. The unchanged
    stories whose callouts moved link to the page that now holds them."""
    assert site.build(CALLOUTS_PER_PAGE=2) == set(pages(site.output))  # a setting: every page
    oldest = min(site.slugs, key=lambda slug: re.search(r"(?m)^Date: (.*)$", story(site.content, slug).read_text())[1])
    text = story(site.content, oldest).read_text()
    text = re.sub(r"(?m)^Title: .*$", "Title: An older story about queues", text, count=1)
    story(site.content, "an-older-story").write_text(re.sub(r"(?m)^Date: .*$", "Date: 2001-01-01", text, count=1))

    def links(slug):
        page = (site.output / "stories" / slug / "index.html").read_text()
        return set(re.findall(r'href="(/(?:takeaways|lessons)/[^"]*#[^"]+)"', page))

    before = {slug: links(slug) for slug in site.slugs}
    rendered = site.build(CALLOUTS_PER_PAGE=2)
    moved = {slug for slug in site.slugs if links(slug) != before[slug]}
    assert moved, "the new story moves some callouts to another page"
    assert moved <= site.story_pages(rendered)
    site.assert_same_as_clean(CALLOUTS_PER_PAGE=2)


def test_retitling_a_story_renders_the_pages_that_show_its_title(site):
    retitled = story(site.content, site.slugs[5])
    text = retitled.read_text()
    retitled.write_text(re.sub(r"(?m)^Title: .*$", "Title: A <b>new</b> title & more", text, count=1))
    rendered = site.build()
    # its own page, its neighbours, the stories that list it as related, its listings
    assert 3 <= len(site.story_pages(rendered)) < len(site.slugs)
    tags = re.search(r"(?m)^Tags: (.*)$", text).group(1).split(", ")
    assert {f"themes/{tag.replace(' ', '-')}/index.html" for tag in tags} <= rendered
    assert len(rendered) < len(site.all)
    site.assert_same_as_clean()


def feeds(output: Path) -> dict[str, os.stat_result]:
    return {str(p.relative_to(output)): p.stat() for p in output.rglob("*.xml") if p.name != "sitemap.xml"}


def test_a_feed_is_written_again_only_when_what_it_holds_changed(site):
    """Building a feed resolves the links of every story it holds: an unchanged
    one is kept (linked from the last build), a story's edit writes the feeds
    that hold it, and the site is the one a clean build makes."""
    last = feeds(site.output)
    assert len(last) > 5
    site.build()
    now = feeds(site.output)
    assert now.keys() == last.keys()
    assert [name for name in now if now[name].st_ino != last[name].st_ino] == []
    newest = max(site.slugs, key=lambda slug: re.search(r"(?m)^Date: (.*)$", story(site.content, slug).read_text())[1])
    edited = story(site.content, newest)
    edited.write_text(edited.read_text().rstrip("\n") + "\n\nA sentence added by the feed test.\n")
    site.build()
    after = feeds(site.output)
    written = {name for name in after if after[name].st_ino != now[name].st_ino}
    holding = {name for name in after if "A sentence added by the feed test." in (site.output / name).read_text()}
    assert "feeds/all.atom.xml" in holding and written == holding
    assert set(after) - written, "feeds without that story are kept"
    site.assert_same_as_clean()


def test_a_listing_renders_only_its_pages_that_changed(site):
    """With three stories a page, a retitled story re-renders the page of each
    listing that shows it, not the listing's other pages."""
    assert site.build(DEFAULT_PAGINATION=3) == set(pages(site.output))  # a setting: every page
    category_pages = sorted(p for p in pages(site.output) if p.startswith("categories/case-studies/"))
    assert len(category_pages) >= 3
    showing = [p for p in category_pages if f'/stories/{site.slugs[5]}/"' in (site.output / p).read_text()]
    assert len(showing) == 1
    retitled = story(site.content, site.slugs[5])
    retitled.write_text(re.sub(r"(?m)^Title: .*$", "Title: Retitled for the pager test", retitled.read_text(), count=1))
    rendered = site.build(DEFAULT_PAGINATION=3)
    assert {p for p in category_pages if p in rendered} == set(showing)
    site.assert_same_as_clean(DEFAULT_PAGINATION=3)


def test_adding_changing_and_removing_stories_matches_a_clean_build(site):
    first = story(site.content, site.slugs[0]).read_text()
    first = re.sub(r"(?m)^Title: .*$", "Title: An added story about queues", first, count=1)
    story(site.content, "an-added-story").write_text(re.sub(r"(?m)^Date: .*$", "Date: 2026-11-01", first, count=1))
    retagged = story(site.content, site.slugs[7])
    retagged.write_text(re.sub(r"(?m)^Tags: ", "Tags: phone support, ", retagged.read_text(), count=1))
    story(site.content, site.slugs[10]).unlink()
    site.build()
    site.assert_same_as_clean()


def test_a_changed_setting_or_theme_renders_every_page(site, tmp_path):
    assert site.build(SITENAME="Casebook <i>renamed</i>") == set(site.all)
    site.assert_same_as_clean(SITENAME="Casebook <i>renamed</i>")
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    article = theme / "templates" / "article.html"
    article.write_text(article.read_text().replace("<span>Older</span>", "<span>Earlier</span>"))
    assert site.build(SITENAME="Casebook <i>renamed</i>", THEME=str(theme)) == set(site.all)
    assert "<span>Earlier</span>" in (site.output / "stories" / site.slugs[1] / "index.html").read_text()


def test_a_page_changed_on_disk_since_the_last_build_is_rendered_again(site):
    page = site.output / "stories" / site.slugs[2] / "index.html"
    page.write_text("edited by hand")
    assert site.build() == {f"stories/{site.slugs[2]}/index.html"}
    site.assert_same_as_clean()


def test_a_staged_build_links_the_unchanged_pages_and_leaves_the_live_site_alone(site):
    add_paragraph(story(site.content, site.slugs[4]), "One more line.")
    staging = site.tmp / "next"
    build(site.content, staging, CACHE_CONTENT=True, LOAD_CONTENT_CACHE=True, CACHE_PATH=str(site.tmp / "cache"),
          SITE_SEARCH_INDEX=False, CASEBOOK_REUSE_FROM=str(site.output))
    linked = {name for name in site.all if os.path.samefile(site.output / name, staging / name)}
    assert set(site.all) - linked == {f"stories/{site.slugs[4]}/index.html"}
    assert "One more line." in (staging / "stories" / site.slugs[4] / "index.html").read_text()
    assert "One more line." not in (site.output / "stories" / site.slugs[4] / "index.html").read_text()


def test_without_the_content_cache_every_page_is_rendered(site):
    before = pages(site.output)
    build(site.content, site.output, SITE_SEARCH_INDEX=False)  # the helper's default: no cache
    assert [p for p, stat in pages(site.output).items() if stat.st_mtime_ns == before[p].st_mtime_ns] == []


def test_only_a_story_page_reads_a_story_body():
    """What the fingerprints rely on (plugins/casebook/incremental.py): a story's
    body and page-only metadata are read by its own page alone, so a listing
    counts the stories it shows by their cards."""
    templates = ROOT / "theme" / "templates"
    environment = Environment(loader=FileSystemLoader(str(templates)), extensions=["jinja2.ext.do"])
    found = []
    for path in sorted(templates.rglob("*.html")):
        name = str(path.relative_to(templates))
        ast = environment.parse(path.read_text())
        for node in ast.find_all((nodes.Getattr, nodes.Getitem)):
            attribute = node.attr if isinstance(node, nodes.Getattr) else getattr(node.arg, "value", None)
            if attribute not in BODY_ATTRIBUTES:
                continue
            own = isinstance(node.node, nodes.Name) and node.node.name in SUBJECTS
            found.append((name, attribute, own))
    assert found, "the story template shows its body"
    assert [(name, attribute) for name, attribute, own in found
            if not own or name not in ("article.html", "page.html")] == []


def test_a_story_counts_its_links_by_where_pelican_sends_them(monkeypatch):
    """A story's fingerprint holds where each of its intrasite links leads, as
    Pelican's own link replacement sends it. Links Pelican finds by their
    absolute path count by what they lead to: resolved once for every link
    there, from any story; others (relative, found only unquoted) by their
    path. A page that moved since counts anew."""
    from casebook import compat
    from casebook.incremental.fingerprints import Inputs
    from casebook.incremental.records import link_targets
    from pelican.contents import Article, Page
    from pelican.plugins.callouts.plugin import LinkTarget
    from pelican.settings import DEFAULT_CONFIG
    from pelican.utils import SafeDatetime

    settings = {**DEFAULT_CONFIG, "PATH": "/content"}
    first, second = LinkTarget("takeaways/queues/"), LinkTarget("takeaways/queues/page/2/")
    about = Page("", metadata={"title": "About"}, settings=settings, source_path="/content/pages/about us.md")
    context = {"static_content": {}, "generated_content": {
        "_callouts/takeaway/a": first, "_callouts/takeaway/b": first, "_callouts/takeaway/c": second,
        "pages/about us.md": about}}
    resolutions = []
    resolve_links = compat.resolve_links
    monkeypatch.setattr(compat, "resolve_links", lambda *args: resolutions.append(args[1]) or resolve_links(*args))

    def linking(*paths):
        body = "".join(f'<a href="{{filename}}{path}#x">{n}</a>' for n, path in enumerate(paths))
        return Article(body, metadata={"title": "A story", "date": SafeDatetime(2026, 1, 1)},
                       settings=settings, source_path="/content/stories/a-story.md", context=context)

    def counted(inputs, article):
        resolved = inputs.resolve(article, link_targets(settings, compat.body(article)))
        shown = article.get_content("")  # Pelican's own replacement, the whole body
        assert [link.removesuffix('">') + "#x" in shown for link in resolved] == [True] * len(resolved)
        return resolved

    inputs = Inputs(settings)
    a, b, c = (f"/_callouts/takeaway/{x}" for x in "abc")
    assert counted(inputs, linking(a, b, c)) == ('<a href="/takeaways/queues/">', '<a href="/takeaways/queues/">',
                                                 '<a href="/takeaways/queues/page/2/">')
    assert len(resolutions) == 2  # one a page linked to
    assert sorted(counted(inputs, linking(c, "../pages/about%20us.md", "/pages/about%20us.md"))) == sorted((
        '<a href="/takeaways/queues/page/2/">', f'<a href="/{about.url}">', f'<a href="/{about.url}">'))
    assert len(resolutions) == 4  # the page linked to again; both links to the page about, each by its path
    first.url = "takeaways/queues/page/3/"  # the next build: the page that holds "a" and "b" moved
    assert counted(Inputs(settings), linking(a)) == ('<a href="/takeaways/queues/page/3/">',)
