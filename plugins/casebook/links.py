"""Every link of every story checked against this build, once everything is read.

The reader records each story's links with their lines (``source.link_records``,
kept in the content cache with the story). Here, after every generator has
read its files (``all_generators_finalized``, before anything is written),
each is checked against what this build has, so a cached story is checked
exactly as a story read anew:

- ``{filename}`` to no file, to a file that is not built (``Status: skip``),
  or to a story this build does not publish (a draft, a scheduled or a hidden
  story in production): an error. In development, where such a story is
  written under ``/drafts/`` or unlisted, a warning says the link will break
  in production;
- ``{static}``/``{attach}`` to no file;
- ``{tag}``/``{category}``/``{author}`` naming no page the site writes;
- a misspelt placeholder (``{filenam}``);
- a relative link to a file (``images/x.png``) that is not in the content folder.

A link that cannot resolve is taken out of the page (``compat.drop_links``:
the text stays, the ``href`` goes; a missing ``{static}`` file becomes a plain
relative link), so no page, listing or feed holds a ``{filename}...``
placeholder or a link to a page that is not there. A link made by a plugin
(``{filename}/_callouts/...``) that leads nowhere is dropped the same way
without a message: the plugin reports why (e.g. a callout nested in a list).
"""

from __future__ import annotations

import difflib
import logging
import os
import posixpath
from urllib.parse import unquote, urlsplit

from pelican.plugins.callouts.contracts import CONTENT_LISTS, LINK_PREFIX, display_path
from pelican.urlwrappers import Author, Category, Tag

from . import compat, imported
from .source import LINKS_KEY, metadata_header, read_text, yaml_front_matter

logger = logging.getLogger(__name__)

FILE_KINDS = ("filename", "static", "attach")
LABEL_KINDS = {"tag": (Tag, "tags", "TAG_SAVE_AS"), "category": (Category, "categories", "CATEGORY_SAVE_AS"),
               "author": (Author, "authors", "AUTHOR_SAVE_AS")}
KNOWN_KINDS = (*FILE_KINDS, *LABEL_KINDS, "index")
#: relative links to files with these endings are pages of the built site, not content files
SITE_FILE_ENDINGS = ("", ".html", ".htm", ".xml", ".json", ".txt")


def check(generators, settings) -> list[tuple[str, int, str]]:
    """Problems (``(path, line, message)``) of every recorded link; warnings
    logged for links that only development builds can follow."""
    build = Build(generators, settings)
    found = []
    for content, published in build.read:
        records = content.metadata.get(LINKS_KEY) or ()
        published = published and getattr(content, "status", "published") == "published"
        dropped = set()
        for line, kind, target in records:
            message, level, drop = build.judge(content, published, kind, target)
            if drop:
                dropped.add((kind, target))
            if kind == "" and message:  # what the reader (or the cache) may have made of it
                dropped.update(imported.placeholders(target, content.source_path, build.root))
            if message and level == logging.ERROR:
                found.append((content.source_path, line, message))
            elif message:
                logger.warning("%s:%d: %s", display_path(content.source_path), line, message)
        # a callout's link to its entry (made by the callouts plugin, not recorded):
        # a story whose callouts no collection holds (hidden, a draft) has none to link to
        generated = build.context.get("generated_content", {})
        for callout in content.metadata.get("callouts") or ():
            entry = f"{LINK_PREFIX}{callout.type}/{callout.anchor}"
            if entry not in generated:
                dropped.add(("filename", f"/{entry}#{callout.anchor}"))
        if dropped:
            compat.drop_links(content, dropped)
    return found


class Build:
    """What this build has to link to."""

    def __init__(self, generators, settings):
        self.settings = settings
        self.root = settings["PATH"]
        self.context = generators[0].context
        self.read = []  # (content, whether this build publishes it)
        self.unpublished = {}
        self.labels = {kind: set() for kind in LABEL_KINDS}
        seen = set()
        for generator in generators:
            for attribute in CONTENT_LISTS:
                for content in getattr(generator, attribute, None) or ():
                    if id(content) not in seen:
                        seen.add(id(content))
                        self.read.append((content, bool(getattr(content, "save_as", ""))))
            for content in getattr(generator, "unpublished", None) or ():
                self.unpublished[content.get_relative_source_path()] = content
                if id(content) not in seen:
                    seen.add(id(content))
                    self.read.append((content, False))
            for kind, (_wrapper, attribute, save_as) in LABEL_KINDS.items():
                held = getattr(generator, attribute, None)
                if held and settings.get(save_as):
                    names = held.keys() if isinstance(held, dict) else (item[0] for item in held)
                    self.labels[kind].update(label.slug for label in names)

    # -- one link --------------------------------------------------------------------
    def judge(self, content, published, kind, target):
        """(message or None, level, whether to take the link out of the page)."""
        spelled = f"{{{kind}}}{target}"
        if kind == "":
            return self._relative(content, target), logging.ERROR, False
        if kind in FILE_KINDS:
            return self._file(content, published, kind, target, spelled)
        if kind in LABEL_KINDS:
            return self._label(kind, target, spelled)
        if kind == "index":
            return None, logging.ERROR, False
        near = difflib.get_close_matches(kind, KNOWN_KINDS, n=1, cutoff=0.5)
        hint = f"did you mean {{{near[0]}}}? " if near else ""
        return (f"unknown link placeholder {{{kind}}} in {spelled} ({hint}known: "
                f"{', '.join('{' + k + '}' for k in KNOWN_KINDS)}): fix its spelling", logging.ERROR, True)

    def _file(self, content, published, kind, target, spelled):
        path = unquote(urlsplit(target).path)
        if path.startswith("/"):
            relative = path.lstrip("/")
        else:
            relative = posixpath.normpath(posixpath.join(content.relative_dir, path))
        generated = self.context.get("generated_content", {})
        static = self.context.get("static_content", {})
        if kind == "filename":
            linked = generated.get(relative) or static.get(relative)
            if linked is None and relative.startswith(LINK_PREFIX):  # the callouts plugin's: it says why it is missing
                return None, logging.ERROR, True
        else:
            linked = static.get(relative)
        full = os.path.join(self.root, relative)
        if linked is None and kind != "filename" and os.path.isfile(full):
            return None, logging.ERROR, False  # copied on demand by Pelican
        if linked is None:
            left_out = self.unpublished.get(relative)
            if left_out is not None:
                return self._not_published(left_out, published, spelled, logging.ERROR)
            if os.path.isfile(full):
                return (f"link {spelled} leads to a file this site does not build{_why_not_built(full)}: "
                        "remove the link, or build the file", logging.ERROR, True)
            return f"broken internal link {spelled}: no such file", logging.ERROR, True
        if kind == "filename" and hasattr(linked, "status") and not getattr(linked, "save_as", "x"):
            return self._not_published(linked, published, spelled, logging.ERROR)
        if kind == "filename" and published and getattr(linked, "status", "published") != "published":
            return self._not_published(linked, published, spelled, logging.WARNING)
        return None, logging.ERROR, False

    def _not_published(self, target, published, spelled, level):
        """A link to a story that is not published (here, or in production: ``level`` WARNING)."""
        if not published:  # a story left out links to another: neither is published
            return None, level, level == logging.ERROR
        what = _unpublished_kind(target)
        if level == logging.ERROR:
            return (f"link {spelled} leads to {what}, which this build does not publish: "
                    "remove the link, or publish that story first"), level, True
        return (f"link {spelled} leads to {what}: production builds do not publish it, "
                "so the link will be broken there"), level, False

    def _label(self, kind, target, spelled):
        wrapper, attribute, save_as = LABEL_KINDS[kind]
        name = unquote(urlsplit(target).path)
        if not self.settings.get(save_as):
            return (f"link {spelled} leads nowhere: this site writes no {kind} pages ({save_as} is empty); "
                    "remove the link", logging.ERROR, True)
        slug = wrapper(name, self.settings).slug
        if slug in self.labels[kind]:
            return None, logging.ERROR, False
        near = difflib.get_close_matches(slug, sorted(self.labels[kind]), n=1, cutoff=0.6)
        hint = f" (did you mean {{{kind}}}{near[0]}?)" if near else ""
        return (f"link {spelled} leads nowhere: no published story has the {kind} {name!r}{hint}",
                logging.ERROR, True)

    def _relative(self, content, target):
        path = urlsplit(target).path
        if os.path.splitext(path)[1].lower() in SITE_FILE_ENDINGS:
            return None  # a page of the built site (../other-story/): `make check` follows those
        if imported.local_file(target, content.source_path, self.root) is not None:
            return None
        return (f"broken link {target}: no such file in {display_path(self.root)}/ (a relative link is looked "
                "up from there, then next to the story): fix the path")


def _unpublished_kind(target) -> str:
    status = getattr(target, "status", "") or target.metadata.get("status", "")
    if getattr(target, "scheduled", False):
        date = getattr(target, "date", None)
        return f"a story scheduled for {date.date()}" if date else "a scheduled story"
    if status == "draft":
        return "a draft ('Status: draft')"
    if status == "hidden":
        return "a hidden story ('Status: hidden')"
    return "a story this build leaves out"


def _why_not_built(path) -> str:
    """Why Pelican made nothing of a file it could read: its ``Status: skip``, or its folder."""
    try:
        text = read_text(path)[0]
    except OSError:
        return ""
    lines = text.split("\n")
    front = yaml_front_matter(lines)
    header = front[1] if front is not None else metadata_header(lines)[0]
    status = header.get("status", (0, ""))[1].strip().lower()
    return " (it has 'Status: skip')" if status == "skip" else ""
