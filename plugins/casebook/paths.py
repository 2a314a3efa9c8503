"""Where content goes: URLs taken twice, empty slugs, files Pelican never reads.

Pelican stops with a traceback (``FileOverwriteFailedError``) when two
stories, or a story and a page the site generates itself (``search/``,
``themes/``...), are written to the same file, and publishes a file whose name
slugifies to nothing at ``stories//``. A Markdown file outside the article and
page folders is not read at all, without a word. Each of these becomes a
``(path, line, message)`` problem (see :mod:`problems`), found once everything
is read and before anything is written. The content that loses a URL is not
written (``save_as`` emptied), so a non-strict build (``make serve``) goes on.

The site's own URLs are not a list kept here: they are the fixed ``*_SAVE_AS``
settings, the direct templates, and every object with a ``save_as`` that a
generator holds (themes, categories, companies, callout indexes...).
"""

from __future__ import annotations

import fnmatch
import os
from datetime import datetime

from pelican.contents import Content
from pelican.plugins.callouts.contracts import display_path

from . import compat

# what Pelican's article and page generators hold, under these names
CONTENT_LISTS = (
    "articles", "drafts", "hidden_articles", "pages", "hidden_pages", "draft_pages",
    "translations", "drafts_translations", "hidden_translations", "draft_translations",
)
# Pelican's direct templates: their *_SAVE_AS settings count only when the template is generated
DIRECT_TEMPLATE_NAMES = {"index", "tags", "categories", "authors", "archives"}


def url_of(save_as: str) -> str:
    path = save_as.replace(os.sep, "/")
    return "/" + (path[: -len("index.html")] if path.endswith("index.html") else path)


def _key(save_as: str) -> str:
    # case-folded: two URLs differing only by case are one file on macOS,
    # Windows and most static hosts
    return os.path.normpath(save_as).casefold()


def site_outputs(generators, settings) -> dict[str, str]:
    """{key: url} of the files the site writes itself, not from a content file."""
    found: dict[str, str] = {}

    def add(save_as):
        if isinstance(save_as, str) and save_as and "{" not in save_as:
            found.setdefault(_key(save_as), url_of(save_as))

    direct = set(settings.get("DIRECT_TEMPLATES", ()))
    for name in direct:
        add(settings.get(f"{name.upper()}_SAVE_AS", f"{name}.html"))
    for key, value in settings.items():
        if key.endswith("_SAVE_AS") and not key.startswith(("ARTICLE", "PAGE", "DRAFT", "STATIC")):
            name = key[: -len("_SAVE_AS")].lower()
            if name in DIRECT_TEMPLATE_NAMES and name not in direct:
                continue
            add(value)
    dated = [content.date for generator in generators for content in getattr(generator, "articles", ()) or ()
             if isinstance(getattr(content, "date", None), datetime)]
    for key in ("YEAR_ARCHIVE_SAVE_AS", "MONTH_ARCHIVE_SAVE_AS", "DAY_ARCHIVE_SAVE_AS"):
        pattern = settings.get(key)
        if pattern:
            for date in {d.date() for d in dated}:
                add(pattern.format(date=date))
    for generator in generators:
        for value in vars(generator).values():
            for item in _members(value):
                if not isinstance(item, Content):
                    add(_save_as(item))
    for value in settings.values():  # e.g. CALLOUTS_TYPE_LIST: objects with their own save_as
        for item in _members(value):
            if not isinstance(item, Content):
                add(_save_as(item))
    return found


def _members(value):
    """What a generator attribute holds, one level down (tags: {Tag: [articles]})."""
    if isinstance(value, dict):
        items = list(value)
    elif isinstance(value, (list, tuple, set, frozenset)):
        items = list(value)
    else:
        return [value]
    out = []
    for item in items:
        out.extend(item if isinstance(item, tuple) else (item,))
    return out


def _save_as(item):
    if isinstance(item, (str, bytes, int, float, type(None))):
        return None
    try:
        return getattr(item, "save_as", None)
    except Exception:  # a property of someone else's object: not a URL we can check
        return None


def contents(generators):
    seen = set()
    for generator in generators:
        for attribute in (*CONTENT_LISTS, "staticfiles"):
            for content in getattr(generator, attribute, None) or ():
                if id(content) not in seen:
                    seen.add(id(content))
                    yield content


def check_urls(generators, settings) -> list[tuple[str, int, str]]:
    """Problems of contents whose URL is empty or already taken; those are not written."""
    taken: dict[str, tuple | None] = dict.fromkeys(site_outputs(generators, settings))  # None: the site's own
    problems = []
    ordered = sorted(contents(generators), key=lambda c: (not _is_static(c), c.source_path))
    for content in ordered:
        line = getattr(content, "casebook_slug_line", None) or 1
        if not _is_static(content) and not str(getattr(content, "slug", "") or "").strip("-"):
            problems.append((display_path(content.source_path), line,
                             "this file's name has no letter or digit to make its URL from: "
                             "rename it (e.g. my-story.md) or add a 'Slug: my-story' line"))
            content.override_save_as = ""
            continue
        save_as = compat.save_as_unreferenced(content)
        if not save_as:
            continue
        key = _key(save_as)
        if key not in taken:
            taken[key] = (content.source_path, save_as)  # shown as the author types it only in a problem
            continue
        path, owner, url = display_path(content.source_path), taken[key], url_of(save_as)
        if owner is None:
            problems.append((path, line, f"its URL {url} is one the site makes itself: "
                                         "rename the file or set another 'Slug:'"))
        else:
            same_case = "" if owner[1] == save_as else " (URLs that differ only in case are one file on most hosts)"
            problems.append((path, line, f"its URL {url} is already used by {display_path(owner[0])}{same_case}: "
                                         "give one of them another file name or 'Slug:'"))
        content.override_save_as = ""
    return problems


def _is_static(content) -> bool:
    return type(content).__name__ == "Static"


def loose_files(generators, settings) -> list[tuple[str, int, str]]:
    """Problems of content files that no generator reads: outside the story and
    page folders (e.g. content/x.md), or inside them with an extension Pelican
    does not match, as it matches them case for case (e.g. stories/x.MD)."""
    readers = next((g.readers for g in generators if hasattr(g, "readers")), None)
    if readers is None:
        return []
    extensions = set(readers.extensions)
    by_lower = {ext.lower(): ext for ext in sorted(extensions, key=lambda ext: (ext != ext.lower(), ext))}
    content = [os.path.normpath(p) for p in (*settings.get("ARTICLE_PATHS", ()), *settings.get("PAGE_PATHS", ()))]
    static = [os.path.normpath(p) for p in settings.get("STATIC_PATHS", ())]
    whole_tree = any(p in (".", "") for p in (*content, *static))
    ignored = settings.get("IGNORE_FILES", ())
    stories = (settings.get("ARTICLE_PATHS") or ["stories"])[0]
    pages = (settings.get("PAGE_PATHS") or ["pages"])[0]
    root = settings["PATH"]
    problems = []
    for folder, dirs, files in os.walk(root):
        relative_folder = os.path.normpath(os.path.relpath(folder, root))
        inside = _within(relative_folder, content)
        # static folders are copied as they are; content folders are read (only their extensions count)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".")
                         and os.path.normpath(os.path.join(relative_folder, d)) not in static)
        for name in sorted(files):
            if name.startswith(".") or any(fnmatch.fnmatch(name, pattern) for pattern in ignored):
                continue
            extension = os.path.splitext(name)[1][1:]
            full = os.path.join(folder, name)
            if extension not in extensions and extension.lower() in by_lower:
                right = os.path.splitext(name)[0] + "." + by_lower[extension.lower()]
                problems.append((display_path(full), 1, (
                    f"not built: Pelican reads '.{by_lower[extension.lower()]}' files, and file extensions "
                    f"count letter case; rename the file to {right}")))
            elif extension in extensions and not inside and not whole_tree:
                problems.append((display_path(full), 1, (
                    f"not built: only {display_path(os.path.join(root, stories))}/ (stories) and "
                    f"{display_path(os.path.join(root, pages))}/ (pages) are read; move the file into one of them")))
    return problems


def _within(folder: str, parents: list[str]) -> bool:
    return any(parent in (".", "") or folder == parent or folder.startswith(parent + os.sep) for parent in parents)
