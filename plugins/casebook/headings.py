"""A visible link on each heading of a story, for Python-Markdown.

The ``toc`` extension gives every heading an ``id``; this adds a link to it
inside the heading (``<a class="heading-anchor" href="#id">``), shown on hover
and focus, that works without JavaScript (the page's script adds a copy-link
button next to it). Its text is a ``#`` for the eye and "Link to this
section" for screen readers; search indexing ignores it.

Runs after ``toc`` (5), so the contents list and heading ids are not touched,
and before callouts (1) make their own headings, which have their own links.
It imports nothing from Pelican: it can be tested on a string.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree

from markdown import Extension
from markdown.treeprocessors import Treeprocessor


class HeadingAnchorTreeprocessor(Treeprocessor):
    HEADING_RE = re.compile(r"^h[2-6]$")

    def __init__(self, md, label):
        super().__init__(md)
        self.label = label

    def run(self, root: etree.Element) -> None:
        # a story's headings are at its top level: no walk of the whole tree
        for el in root:
            if isinstance(el.tag, str) and self.HEADING_RE.match(el.tag) and el.get("id"):
                self.add_anchor(el, el.get("id"))

    def add_anchor(self, heading: etree.Element, heading_id: str) -> None:
        link = etree.SubElement(heading, "a", {"class": "heading-anchor", "href": f"#{heading_id}",
                                               "data-pagefind-ignore": "all"})
        mark = etree.SubElement(link, "span", {"aria-hidden": "true"})
        mark.text = "#"
        text = etree.SubElement(link, "span", {"class": "visually-hidden"})
        text.text = self.label
        if len(heading) > 1 or (heading.text or "").strip():
            prev = heading[-2] if len(heading) > 1 else None
            if prev is not None:
                prev.tail = (prev.tail or "") + " "
            else:
                heading.text = (heading.text or "") + " "


class HeadingAnchorsExtension(Extension):
    def __init__(self, **kwargs):
        self.config = {"label": ["Link to this section", "Text of the link for screen readers"]}
        super().__init__(**kwargs)

    def extendMarkdown(self, md):
        md.registerExtension(self)
        md.treeprocessors.register(HeadingAnchorTreeprocessor(md, self.getConfig("label")), "heading_anchors", 4)


def makeExtension(**kwargs):
    return HeadingAnchorsExtension(**kwargs)


def contents(toc_tokens, callouts, html_text: str, max_level: int = 3) -> tuple:
    """A story's contents as plain data, in the order of the page:
    ``(level, id, text, kind)`` for each heading down to ``max_level`` (from
    the ``toc`` extension's ``md.toc_tokens``) and each callout (``kind``: its
    type, ``level`` 2). ``text`` is plain text."""
    entries = []

    def walk(tokens):
        for token in tokens:
            if token["level"] <= max_level:
                entries.append((token["level"], token["id"], html.unescape(token["name"]), ""))
            walk(token.get("children", ()))

    walk(toc_tokens)
    entries.extend((2, c.id, c.title, c.type) for c in callouts)
    # where each id sits in the page gives the order: no second parse of it
    where = {entry[1]: html_text.find(f'id="{entry[1]}"') for entry in entries}
    return tuple(sorted((e for e in entries if where[e[1]] >= 0), key=lambda e: where[e[1]]))


ANCHOR_RE = re.compile(r'<a class="heading-anchor"[^>]*>.*?</a>', re.S)


def without_anchors(html: str) -> str:
    """``html`` without the headings' own links (for plain-text excerpts)."""
    return ANCHOR_RE.sub("", html) if "heading-anchor" in html else html
