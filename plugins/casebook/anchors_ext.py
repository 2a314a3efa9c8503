"""Heading and callout ids that never take an id the page already has.

An author may write ``<a id="setup"></a>`` or ``<a name="setup">`` in a story
(common in blogs brought from elsewhere). Python-Markdown keeps raw HTML out of
the element tree, so the ``toc`` extension does not see those ids and may give
a heading the same one. The page around the story has ids of its own too (the
theme's ``main``, ``related-stories``...: ``reserved``), which a heading
"Related stories" would take again. This extension shows the tree's id makers
those ids: before ``toc`` runs, an empty placeholder element per id joins the
tree (``toc`` and the callouts extension treat every id in the tree as taken),
and the placeholders are removed again once callouts have their ids.
No Pelican import: tested on plain strings.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from pathlib import Path

from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

ANCHOR_RE = re.compile(r"""<[A-Za-z][^>]*?\s(?:id|name)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""")
PLACEHOLDER = "casebook-reserved-id"


def raw_anchors(md) -> set[str]:
    """Every id and name given in the document's raw HTML (blocks and inline)."""
    found = set()
    for block in md.htmlStash.rawHtmlBlocks:
        for m in ANCHOR_RE.finditer(str(block)):
            value = next(v for v in m.groups() if v is not None).strip()
            if value:
                found.add(value)
    return found


class ReserveAnchors(Treeprocessor):
    def __init__(self, md, reserved):
        super().__init__(md)
        self.reserved = frozenset(reserved)

    def run(self, root):
        for value in sorted(raw_anchors(self.md) | self.reserved):
            etree.SubElement(root, PLACEHOLDER, {"id": value})


class DropPlaceholders(Treeprocessor):
    def run(self, root):
        for el in root.findall(PLACEHOLDER):
            root.remove(el)


class AuthorAnchorsExtension(Extension):
    def __init__(self, **kwargs):
        self.config = {"reserved": [(), "Ids the page around the document already has"]}
        super().__init__(**kwargs)

    def extendMarkdown(self, md):
        md.registerExtension(self)
        # toc runs at 5 and the callouts extension at 1: reserve just before the
        # first, clean up just after the last (before unescaping, at 0)
        md.treeprocessors.register(ReserveAnchors(md, self.getConfig("reserved")), "reserve_anchors", 6)
        md.treeprocessors.register(DropPlaceholders(md), "drop_anchor_placeholders", 0.5)


# literal ids in a template (not made by an expression: those are the content's own)
TEMPLATE_ID_RE = re.compile(r"""\sid\s*=\s*(?:"([^"{}]+)"|'([^'{}]+)')""")


def template_ids(folders) -> list[str]:
    """The ids the templates in ``folders`` give their pages' own elements."""
    found = set()
    for folder in folders:
        for path in sorted(Path(folder).rglob("*.html")) if Path(folder).is_dir() else ():
            for m in TEMPLATE_ID_RE.finditer(path.read_text(encoding="utf-8", errors="replace")):
                found.add((m.group(1) or m.group(2)).strip())
    return sorted(found - {""})


def makeExtension(**kwargs):
    return AuthorAnchorsExtension(**kwargs)
