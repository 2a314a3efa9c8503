"""Takeaway and lesson callouts for Python-Markdown.

Authors write GitHub/Obsidian style callouts, which stay readable blockquotes in
any Markdown preview::

    > [!takeaway] Give the front line authority {#front-line}
    > Staff who can fix a problem on the spot keep customers.

``> [!lesson]- Title`` makes a collapsible callout (``+`` starts it open).

``pymdownx.quotes`` parses the blockquote form; this extension adds what it
lacks: a closed list of types, stable ids, an accessible ``<aside>``, a record
of every callout on the ``Markdown`` instance (``md.callouts``) and the
author's mistakes with their source line (``md.callout_problems``).

A title is text with *emphasis*, **strong** and ``code``: a link or an image
in it is shown as its text, raw HTML as written, and attributes given to its
emphasis or code (``attr_list``'s ``*Hi*{: class="x" }``) are dropped and
reported on the callout's line, so a title can never pass for the site's own
markup on the pages that list it.

Where the meta extension is loaded (Pelican always loads it), the results are
also added to ``md.Meta`` under ``callouts`` and ``callout_problems``, so they
reach Pelican with the document's other metadata.

It imports nothing from Pelican: it can be tested on a string.
"""

from __future__ import annotations

import difflib
import html
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field, fields
from operator import attrgetter

from markdown import Extension
from markdown.extensions.toc import slugify_unicode
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AMP_SUBSTITUTE, HTML_PLACEHOLDER_RE
from markupsafe import Markup
from pymdownx.quotes import QuotesExtension

#: the metadata keys of a document's callout records and problems (see contracts)
RECORDS_KEY, PROBLEMS_KEY = "callouts", "callout_problems"

# The source line of each callout travels inside its title between two
# private-use characters, from the preprocessor to the treeprocessor.
MARK_OPEN, MARK_CLOSE = "\ue000", "\ue001"
MARK_RE = re.compile(f"{MARK_OPEN}(\\d+){MARK_CLOSE}")
TAG_RE = re.compile(r"<[^>]*>")
EXPLICIT_ID_RE = re.compile(r"\s*\{\s*#([A-Za-z][\w:.-]*)\s*\}\s*$")
# what an author may have meant as an explicit id: anything in {#...} at the end of the title
MEANT_ID_RE = re.compile(r"\s*\{\s*#([^{}]*)\}\s*$")
#: what a callout title keeps of inline Markdown: emphasis and code, as text otherwise
TITLE_TAGS = frozenset({"em", "strong", "code"})

DEFAULT_TYPES = {
    "takeaway": {
        "label": "Takeaway",
        "plural": "Takeaways",
        "description": "What to do differently on Monday morning.",
    },
    "lesson": {
        "label": "Lesson",
        "plural": "Lessons",
        "description": "The principle a story teaches.",
    },
}


def index_anchor(scope: str, callout_id: str) -> str:
    """A callout's id on its type's index page: its id, unique within its
    document, prefixed with the document's key, unique across the site."""
    return f"{scope}--{callout_id}" if scope else callout_id


@dataclass(slots=True)
class Callout:
    """One callout as written in one document (slots: a large site holds tens of thousands)."""

    type: str
    id: str
    title: str
    title_html: str
    html: str
    line: int
    collapsible: bool = False
    scope: str = ""  # its document's key, one string shared by the document's callouts

    @property
    def anchor(self) -> str:
        """Its id on the type's index page (unique across the site): made when
        asked, since a large site holds tens of thousands of callouts."""
        return index_anchor(self.scope, self.id)

    @property
    def text(self) -> str:
        """Its body as plain text (for the JSON export): made when asked, since
        a large site holds tens of thousands of callouts and shows the HTML."""
        return Markup(self.html).striptags()

    def fingerprint(self):
        """What pages show of it: all but its line, which only error messages use
        (so an edit above a callout does not change the pages that list it)."""
        return (self.type, self.id, self.title, self.title_html, self.html, self.collapsible, self.anchor)

    def __reduce__(self):
        # pickled as its fields in order, rebuilt by a call (a content cache
        # holds tens of thousands): about half the time and a sixth less space
        # than the state the dataclass gives, which older pickles hold. By
        # position: a cache pickled before a field is added or moved must go
        # (Pelican's own cache is kept while its files are unchanged; the
        # casebook plugin's is versioned by the plugins' code)
        return (type(self), _callout_fields(self))


#: a callout's fields, in the order its class takes them
_callout_fields = attrgetter(*(f.name for f in fields(Callout)))


@dataclass
class Problem:
    line: int
    message: str


@dataclass
class _Document:
    used_ids: dict[str, int] = field(default_factory=dict)
    explicit_ids: dict[str, int] = field(default_factory=dict)


class CalloutLinePreprocessor(Preprocessor):
    """Stamp every callout header line with its line number in the source."""

    HEADER_RE = re.compile(r"^([ \t]*(?:>[ ]?)+)[ ]*(\[![\w-]+(?:[ ]*\|[ ]*[\w-]+)*\][-+]?)[ ]?(.*)$")
    # a quote line that starts as a header does ("[!"), whether or not it is one
    MEANT_HEADER_RE = re.compile(r"^[ ]{0,3}(?:>[ ]?)+[ ]*\[!")
    FENCE_RE = re.compile(r"^[ ]{0,3}(`{3,}|~{3,})")

    def run(self, lines: list[str]) -> list[str]:
        problems = self.md.callout_problems
        fence = None
        for number, line in enumerate(lines, start=1):
            m = self.FENCE_RE.match(line)
            if m:
                if fence is None:
                    fence = m.group(1)[0] * len(m.group(1))
                elif m.group(1).startswith(fence):
                    fence = None
                continue
            if fence is not None or "[!" not in line:
                continue
            m = self.HEADER_RE.match(line)
            if m:
                quote, marker, title = m.groups()
                lines[number - 1] = f"{quote}{marker} {MARK_OPEN}{number}{MARK_CLOSE}{title}"
            elif self.MEANT_HEADER_RE.match(line):
                problems.append(Problem(number, (
                    "this quote starts like a callout but is not one, so it is shown as a plain quote: "
                    "write '> [!type] Title', the type right after '[!' and closed by ']' (e.g. '> [!takeaway] ...')")))
        return lines


class CalloutTreeprocessor(Treeprocessor):
    """Turn the blockquotes pymdownx.quotes marked as callouts into asides."""

    def __init__(self, md, extension: CalloutsExtension):
        super().__init__(md)
        self.ext = extension

    def run(self, root: etree.Element) -> None:
        quotes = [b for b in root.iter("blockquote") if b.get("data-alert")]
        if not quotes:
            return
        top_level = {id(child) for child in root}
        doc = _Document(used_ids={el.get("id"): 0 for el in root.iter() if el.get("id")})
        for quote in quotes:
            self.convert(quote, top_level=id(quote) in top_level, doc=doc)

    # -- one callout -------------------------------------------------------
    def convert(self, quote: etree.Element, top_level: bool, doc: _Document) -> None:
        md = self.md
        types = self.ext.types
        kind = quote.get("data-alert").split()[0]
        collapse = quote.get("data-alert-collapse", "")
        children = list(quote)
        title_el = children[0] if children else etree.Element("p")
        body = children[1:]

        line = self._take_line(title_el)
        self._raw_html_as_text(title_el)
        problems = md.callout_problems
        explicit_id, meant = self._take_explicit_id(title_el)
        if meant is not None and not explicit_id:
            problems.append(Problem(line, (
                f"callout id {{#{meant}}} is not one an HTML page can use: start it with a letter, then "
                "letters, digits, '-', '_', ':' or '.' only (e.g. {#my-id}); an id made from the title is used")))
        self._inline_only(title_el, line, problems)
        self._no_attributes(title_el, line, problems)
        title_text = self._text(title_el).strip()

        if kind not in types:
            near = difflib.get_close_matches(kind, list(types), n=1, cutoff=0.5)
            hint = f"did you mean {near[0]!r}? " if near else ""
            problems.append(Problem(line, f"unknown callout type {kind!r} ({hint}known: {', '.join(sorted(types))})"))
        label = types.get(kind, {}).get("label", kind.title())
        if not title_text:
            problems.append(Problem(line, f"{label.lower()} callout has no title: write it after [!{kind}]"))
            title_el = etree.Element("p")
            title_el.text = label
            title_text = label
        if not any(len(el) or (el.text or "").strip() for el in body):
            problems.append(Problem(line, f"{label.lower()} callout {title_text!r} has an empty body"))
        if not top_level:
            problems.append(
                Problem(
                    line,
                    f"{label.lower()} callout {title_text!r} is nested inside a list or quote and "
                    "cannot be indexed: move it to the top level of the article",
                )
            )

        if explicit_id:
            if explicit_id in doc.explicit_ids:
                problems.append(
                    Problem(
                        line,
                        f"duplicate callout id {explicit_id!r} "
                        f"(already used on line {doc.explicit_ids[explicit_id]})",
                    )
                )
                callout_id = self._unique(explicit_id, doc, line)
            elif explicit_id in doc.used_ids:
                taken = doc.used_ids[explicit_id]
                by = f"the callout on line {taken}'s" if taken else "a heading's, an anchor's or the page's own"
                problems.append(Problem(line, f"callout id {explicit_id!r} is already an id on this page "
                                              f"({by}): choose another"))
                callout_id = self._unique(explicit_id, doc, line)
            else:
                doc.explicit_ids[explicit_id] = line
                callout_id = explicit_id
                doc.used_ids[callout_id] = line
        else:
            callout_id = self._unique(self.ext.slugify(title_text, "-") or kind, doc, line)

        scope = getattr(md, "document_key", "")
        anchor = index_anchor(scope, callout_id)
        heading, content = self._build(quote, kind, label, callout_id, anchor, title_el, body, collapse,
                                       indexed=top_level)
        if top_level and kind in types:
            title_html = self._inner_html(heading)
            md.callouts.append(
                Callout(
                    type=kind,
                    id=callout_id,
                    title=title_text,
                    # one serialization each for the heading and the body; a
                    # title without markup is kept once
                    title_html=title_text if title_html == title_text else title_html,
                    html=self._inner_html(content),
                    line=line,
                    collapsible=bool(collapse),
                    scope=scope,
                )
            )

    def _build(self, quote, kind, label, callout_id, anchor, title_el, body, collapse, indexed=True):
        tail = quote.tail
        quote.clear()
        quote.tail = tail
        quote.tag = "aside"
        quote.set("class", f"callout callout-{kind}")
        quote.set("aria-labelledby", callout_id)
        quote.set("data-callout", kind)

        container = quote
        if collapse:
            container = etree.SubElement(quote, "details")
            if collapse == "open":
                container.set("open", "")
            head = etree.SubElement(container, "summary", {"class": "callout-head"})
        else:
            head = etree.SubElement(quote, "div", {"class": "callout-head"})
        badge = etree.SubElement(head, "span", {"class": "callout-badge"})
        badge.text = label
        heading = etree.SubElement(head, self.ext.getConfig("heading"), {"class": "callout-title", "id": callout_id})
        heading.text = title_el.text
        for child in title_el:
            heading.append(child)

        content = etree.SubElement(container, "div", {"class": "callout-body"})
        for el in body:
            content.append(el)

        links = etree.SubElement(container, "p", {"class": "callout-links"})
        self_link = etree.SubElement(links, "a", {"class": "callout-self", "href": f"#{callout_id}"})
        self_link.text = f"Link to this {label.lower()}"
        index_href = self.ext.getConfig("index_href")
        if index_href and kind in self.ext.types and indexed:  # a nested callout is not indexed (reported)
            plural = self.ext.types[kind].get("plural", label + "s")
            self_link.tail = " "
            to_index = etree.SubElement(
                links, "a", {"class": "callout-index", "href": index_href(kind, anchor)}
            )
            to_index.text = f"All {plural.lower()}"
        return heading, content

    # -- helpers -------------------------------------------------------------
    @staticmethod
    def _take_line(title_el: etree.Element) -> int:
        m = MARK_RE.search(title_el.text or "")
        if not m:
            return 0
        title_el.text = (title_el.text[: m.start()] + title_el.text[m.end():]).lstrip() or None
        return int(m.group(1))

    def _stashed(self, text: str | None, tags: str) -> str | None:
        """Resolve Markdown's stash placeholders in ``text`` into plain characters.

        Entities (``&rsquo;`` from smarty, ``&amp;``) become their character.
        Raw HTML tags are kept as written (``tags="keep"``) or dropped (``"drop"``).
        """
        if not text or "\x02" not in text:
            return text
        stash = self.md.htmlStash.rawHtmlBlocks

        def resolve(m):
            raw = str(stash[int(m.group(1))])
            if raw.lstrip().startswith("<"):
                return raw if tags == "keep" else TAG_RE.sub("", raw)
            return html.unescape(raw)

        return HTML_PLACEHOLDER_RE.sub(resolve, text)

    def _raw_html_as_text(self, title_el: etree.Element) -> None:
        """A title is text: raw HTML in it is shown as written, never rendered."""
        for el in title_el.iter():
            el.text = self._stashed(el.text, tags="keep")
            if el is not title_el:
                el.tail = self._stashed(el.tail, tags="keep")

    def _inline_only(self, title_el: etree.Element, line: int, problems: list) -> None:
        """A title is text with emphasis and code: any other element (a link,
        an image, a footnote reference...) is replaced by its text; a link is
        reported, since it would sit inside the index pages' own links."""
        pending = [title_el]
        while pending:
            el = pending.pop()
            child = next((c for c in el if c.tag not in TITLE_TAGS), None)
            if child is None:
                pending.extend(el)
                continue
            pending.append(el)  # again, with the child's own children in its place
            if child.tag == "a":
                href = child.get("href", "")
                problems.append(
                    Problem(line, f"link in a callout title ({href}): a title is text, so it is shown "
                                  "without the link; put the link in the callout's body")
                )
            self._unwrap(el, child)

    @staticmethod
    def _no_attributes(title_el: etree.Element, line: int, problems: list) -> None:
        """A title's emphasis and code carry no attribute: what ``attr_list``
        gave them (``*Hi*{: class="site-header" style=...}``) would reach the
        story page and every page that lists the callout, where a class, an id,
        a style or a ``data-`` attribute could pass for the site's own markup.
        They are dropped and reported on the callout's line (one problem per
        callout); the title is shown as text with its emphasis."""
        dropped = []
        for el in title_el.iter():
            if el is not title_el and el.attrib:
                dropped += [name for name in el.attrib if name not in dropped]
                el.attrib.clear()
        if dropped:
            names = ", ".join(f"{name}=" for name in dropped)
            problems.append(
                Problem(line, f"attributes in a callout title ({names}) are not allowed: remove the "
                              "'{: ...}' after the text; a title is text with *emphasis*, **strong** and `code`")
            )

    @staticmethod
    def _unwrap(parent: etree.Element, child: etree.Element) -> None:
        """Replace ``child`` by its text (an image by its alt text), keeping its
        allowed descendants in place."""
        text = child.get("alt", "") if child.tag == "img" else (child.text or "")
        index = list(parent).index(child)
        grandchildren = [] if child.tag == "img" else list(child)
        tail = child.tail or ""
        parent.remove(child)
        if index == 0:
            parent.text = (parent.text or "") + text
        else:
            prev = parent[index - 1]
            prev.tail = (prev.tail or "") + text
        for offset, grandchild in enumerate(grandchildren):
            parent.insert(index + offset, grandchild)
        if grandchildren:
            last = grandchildren[-1]
            last.tail = (last.tail or "") + tail
        elif index == 0:
            parent.text = (parent.text or "") + tail
        else:
            prev = parent[index - 1]
            prev.tail = (prev.tail or "") + tail

    @staticmethod
    def _take_explicit_id(title_el: etree.Element) -> tuple[str, str | None]:
        """The id written as ``{#id}`` at the end of the title, taken out of it:
        (the id, what was written), ("", what was written) when that is no id
        an HTML page can use, ("", None) when there is none."""
        last = title_el[-1] if len(title_el) else None
        text = (last.tail if last is not None else title_el.text) or ""
        m = MEANT_ID_RE.search(text)
        if not m:
            return "", None
        rest = text[: m.start()].rstrip() or None
        if last is not None:
            last.tail = rest
        else:
            title_el.text = rest
        valid = EXPLICIT_ID_RE.fullmatch(m.group(0))
        return (valid.group(1) if valid else ""), m.group(1).strip()

    @staticmethod
    def _unique(candidate: str, doc: _Document, line: int) -> str:
        """``candidate``, or the first of candidate-2, -3... no element of the
        document has; taken from now on by the callout on ``line``."""
        value, n = candidate, 1
        while value in doc.used_ids:
            n += 1
            value = f"{candidate}-{n}"
        doc.used_ids[value] = line
        return value

    def _text(self, el: etree.Element) -> str:
        """The title as plain text: code's text, which Markdown keeps escaped
        (``&lt;script&gt;``), as the characters it shows (``<script>``)."""
        text = "".join(self._itertext(el)).replace(AMP_SUBSTITUTE, "&")
        return self._stashed(text, tags="drop")

    @classmethod
    def _itertext(cls, el: etree.Element):
        if el.text:
            yield html.unescape(el.text) if el.tag == "code" else el.text
        for child in el:
            yield from cls._itertext(child)
            if child.tail:
                yield child.tail

    def _inner_html(self, el: etree.Element) -> str:
        """The HTML inside ``el``, with Markdown's placeholders resolved."""
        tail, el.tail = el.tail, None
        html = self.md.serializer(el)
        el.tail = tail
        if "\x02" in html:  # only Markdown's placeholders (STX...ETX) need its postprocessors
            for processor in self.md.postprocessors:
                if not isinstance(processor, (StrayMarkerPostprocessor, CalloutMetaPostprocessor)):
                    html = processor.run(html)
        start, end = html.find(">") + 1, html.rfind("<")
        return html[start:end].strip() if 0 < start <= end else ""


class StrayMarkerPostprocessor(Postprocessor):
    """A [!type] line that did not open a quote block: report it, drop the stamp."""

    def run(self, text: str) -> str:
        if MARK_OPEN not in text:
            return text
        # lines kept as written inside raw HTML blocks (<details>, <div>...): Markdown is not read there
        in_html = {int(m.group(1)) for block in self.md.htmlStash.rawHtmlBlocks
                   for m in MARK_RE.finditer(str(block))}

        def report(m):
            line = int(m.group(1))
            if line in in_html:
                message = ("callout inside an HTML block (such as <details> or <div>) is not converted: "
                           "Markdown is not read inside HTML; move it out of the block "
                           "(a collapsible callout is written '> [!type]- Title')")
            else:
                message = ("callout marker is not at the start of a quote block: "
                           "leave a blank line before the '> [!type] Title' line")
            self.md.callout_problems.append(Problem(line, message))
            return ""

        return MARK_RE.sub(report, text)


class CalloutMetaPostprocessor(Postprocessor):
    """Last: the document's records and its problems, as ``(line, message)``,
    join ``md.Meta`` (where the meta extension keeps a document's metadata),
    one value each, as the meta extension stores values: in a list."""

    def run(self, text: str) -> str:
        meta = getattr(self.md, "Meta", None)
        if isinstance(meta, dict):
            if self.md.callouts:
                meta[RECORDS_KEY] = [self.md.callouts]
            if self.md.callout_problems:
                meta[PROBLEMS_KEY] = [[(p.line, p.message) for p in self.md.callout_problems]]
        return text


class CalloutsExtension(Extension):
    def __init__(self, **kwargs):
        self.config = {
            "types": [DEFAULT_TYPES, "Allowed callout types: {name: {label, plural, description}}"],
            "heading": ["h2", "Tag of a callout's heading"],
            "index_href": ["", "Callable (type, anchor) -> href of the callout on its index page"],
            "slugify": [slugify_unicode, "Callable (text, separator) -> id"],
        }
        super().__init__(**kwargs)
        self.types = self.getConfig("types")
        self.slugify = self.getConfig("slugify")

    def extendMarkdown(self, md):
        md.registerExtension(self)
        QuotesExtension(callouts=True).extendMarkdown(md)
        # Every quote marked as a callout is converted here, so pymdownx's own
        # conversion has nothing left to do: skip its walk over the tree.
        md.treeprocessors.deregister("quotes")
        md.preprocessors.register(CalloutLinePreprocessor(md), "callout_lines", 28)
        # Last but for unescaping (0): after inline parsing (20) and smarty (2),
        # so titles carry their final markup and typography. Heading ids from
        # toc (5) are already set by then and callout ids avoid them.
        md.treeprocessors.register(CalloutTreeprocessor(md, self), "callouts", 1)
        md.postprocessors.register(StrayMarkerPostprocessor(md), "callout_stray_markers", 5)
        md.postprocessors.register(CalloutMetaPostprocessor(md), "callout_meta", 4)
        # One extension object serves many documents (Pelican reuses it), so
        # the per-document results live on ``md`` and are cleared by md.reset().
        state = _DocumentResults(md)
        md.registerExtension(state)
        state.reset()


class _DocumentResults:
    """Clears ``md.callouts`` and ``md.callout_problems`` when ``md.reset()`` runs."""

    def __init__(self, md):
        self.md = md

    def reset(self):
        self.md.callouts = []
        self.md.callout_problems = []


def makeExtension(**kwargs):
    return CalloutsExtension(**kwargs)
