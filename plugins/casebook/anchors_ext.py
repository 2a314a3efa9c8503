"""Heading ids that never take an author's own anchor.

An author may write ``<a id="setup"></a>`` or ``<a name="setup">`` in a story
(common in blogs brought from elsewhere). Python-Markdown keeps raw HTML out of
the element tree, so the ``toc`` extension does not see those ids and may give
a heading the same one. This extension shows ``toc`` the raw anchors: before
it runs, an empty placeholder element per anchor joins the tree (``toc``
treats every id in the tree as taken), and it is removed again afterwards.
No Pelican import: tested on plain strings.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

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
    def run(self, root):
        for value in sorted(raw_anchors(self.md)):
            etree.SubElement(root, PLACEHOLDER, {"id": value})


class DropPlaceholders(Treeprocessor):
    def run(self, root):
        for el in root.findall(PLACEHOLDER):
            root.remove(el)


class AuthorAnchorsExtension(Extension):
    def extendMarkdown(self, md):
        md.registerExtension(self)
        # toc runs at 5: reserve just before it, clean up just after
        md.treeprocessors.register(ReserveAnchors(md), "reserve_anchors", 6)
        md.treeprocessors.register(DropPlaceholders(md), "drop_anchor_placeholders", 4)


def makeExtension(**kwargs):
    return AuthorAnchorsExtension(**kwargs)
