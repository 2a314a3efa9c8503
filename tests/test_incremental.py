"""A rebuild with a warm cache rewrites only the story pages whose inputs changed,
and the site it leaves is the one a clean build makes."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from helpers import ROOT, build

# the sitemap dates listing pages with the time of the build: left out
VOLATILE = {"sitemap.xml"}


def files(output: Path) -> dict[Path, bytes]:
    return {p.relative_to(output): p.read_bytes() for p in output.rglob("*")
            if p.is_file() and p.name not in VOLATILE}


def story(content: Path, slug: str) -> Path:
    return content / "stories" / f"{slug}.md"


class Site:
    """The project's content in a scratch folder, built with the content cache on."""

    def __init__(self, tmp_path: Path):
        self.tmp = tmp_path
        self.content = tmp_path / "content"
        shutil.copytree(ROOT / "content", self.content)
        self.output = tmp_path / "output"
        self.slugs = sorted(p.stem for p in (self.content / "stories").glob("*.md"))

    def story_pages(self, output: Path) -> dict[str, os.stat_result]:
        return {p.parent.name: p.stat() for p in (output / "stories").glob("*/index.html")}

    def build(self, in_place: bool = False, **override) -> tuple[int, int]:
        """A cached build, as `invoke build` makes it (into a fresh folder, then
        swapped in) or into the output folder itself. Returns how many story
        pages were rendered and how many were kept from the last build (the
        same file: linked into the fresh folder, or left untouched in place)."""
        output = self.output if in_place else self.tmp / "staging"
        if not in_place:
            override.setdefault("CASEBOOK_REUSE_FROM", str(self.output))
        last = self.story_pages(self.output) if self.output.exists() else {}
        build(self.content, output, CACHE_CONTENT=True, LOAD_CONTENT_CACHE=True,
              CACHE_PATH=str(self.tmp / "cache"), SITE_SEARCH_INDEX=False, **override)
        now = self.story_pages(output)
        kept = sum(1 for slug, stat in now.items() if slug in last and (stat.st_ino, stat.st_mtime_ns)
                   == (last[slug].st_ino, last[slug].st_mtime_ns))
        if not in_place:
            shutil.rmtree(self.output, ignore_errors=True)
            output.rename(self.output)
        return len(now) - kept, kept

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
    assert site.build() == (len(site.slugs), 0)
    return site


def test_an_unchanged_site_renders_no_story_page(site):
    before = {p: p.stat().st_mtime_ns for p in (site.output / "stories").rglob("index.html")}
    assert site.build(in_place=True) == (0, len(site.slugs))
    assert {p: p.stat().st_mtime_ns for p in before} == before
    site.assert_same_as_clean()


def test_editing_a_story_body_renders_that_page_alone(site):
    edited = story(site.content, site.slugs[3])
    edited.write_text(edited.read_text() + "\nA sentence added by the incremental test.\n")
    assert site.build() == (1, len(site.slugs) - 1)
    page = site.output / "stories" / site.slugs[3] / "index.html"
    assert "A sentence added by the incremental test." in page.read_text()
    site.assert_same_as_clean()


def test_retitling_a_story_renders_the_pages_that_show_its_title(site):
    retitled = story(site.content, site.slugs[5])
    text = retitled.read_text()
    retitled.write_text(re.sub(r"(?m)^Title: .*$", "Title: A <b>new</b> title & more", text, count=1))
    rendered, unchanged = site.build()
    # its own page, its neighbours, the stories that list it as related
    assert 3 <= rendered < len(site.slugs) and rendered + unchanged == len(site.slugs)
    site.assert_same_as_clean()


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
    assert site.build(SITENAME="Casebook <i>renamed</i>") == (len(site.slugs), 0)
    site.assert_same_as_clean(SITENAME="Casebook <i>renamed</i>")
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    article = theme / "templates" / "article.html"
    article.write_text(article.read_text().replace("<span>Older</span>", "<span>Earlier</span>"))
    assert site.build(SITENAME="Casebook <i>renamed</i>", THEME=str(theme)) == (len(site.slugs), 0)
    assert "<span>Earlier</span>" in (site.output / "stories" / site.slugs[1] / "index.html").read_text()


def test_a_page_changed_on_disk_since_the_last_build_is_rendered_again(site):
    page = site.output / "stories" / site.slugs[2] / "index.html"
    page.write_text("edited by hand")
    assert site.build() == (1, len(site.slugs) - 1)
    site.assert_same_as_clean()


def test_a_staged_build_links_the_unchanged_pages_and_leaves_the_live_site_alone(site):
    edited = story(site.content, site.slugs[4])
    edited.write_text(edited.read_text() + "\nOne more line.\n")
    staging = site.tmp / "next"
    build(site.content, staging, CACHE_CONTENT=True, LOAD_CONTENT_CACHE=True, CACHE_PATH=str(site.tmp / "cache"),
          SITE_SEARCH_INDEX=False, CASEBOOK_REUSE_FROM=str(site.output))
    same = [slug for slug in site.slugs
            if os.path.samefile(site.output / "stories" / slug / "index.html",
                                staging / "stories" / slug / "index.html")]
    assert len(same) == len(site.slugs) - 1 and site.slugs[4] not in same
    assert "One more line." in (staging / "stories" / site.slugs[4] / "index.html").read_text()
    assert "One more line." not in (site.output / "stories" / site.slugs[4] / "index.html").read_text()


def test_without_the_content_cache_every_page_is_rendered(site):
    pages = list((site.output / "stories").rglob("index.html"))
    before = {p: p.stat().st_mtime_ns for p in pages}
    build(site.content, site.output, SITE_SEARCH_INDEX=False)  # the helper's default: no cache
    assert [p for p in pages if p.stat().st_mtime_ns == before[p]] == []
