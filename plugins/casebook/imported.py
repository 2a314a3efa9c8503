"""What posts written for any Pelican site need here (issue: bring a Pelican blog).

- Relative links and images (``![x](images/x.png)``) resolve on a vanilla
  Pelican site because its article pages sit at the site root; ours sit under
  ``/stories/<slug>/``. A relative ``src``/``href`` naming a file of the
  content folder becomes a ``{static}`` (or, for a source file, ``{filename}``)
  link, so Pelican makes it site-absolute, copies the file and checks it.
- Summaries: without ``Summary:`` a story's excerpt is plain text (Pelican's
  own truncation, tags stripped), so a listing never holds a story's headings,
  lists or ids; the story page shows a given summary as its lead only when the
  body does not start with the same words.
"""

from __future__ import annotations

import os
import re
from urllib.parse import unquote, urlsplit

from markupsafe import Markup, escape
from pelican.utils import strip_toc_elements_from_html, truncate_html_paragraphs, truncate_html_words

from .headings import without_anchors

LINK_ATTR_RE = re.compile(r"""(<(?:img|a|source|video|audio)\b[^>]*?\s(?:src|href|poster)\s*=\s*)(["'])(.*?)\2""",
                          re.IGNORECASE)
SOURCE_EXTENSIONS = {".md", ".markdown", ".mdown", ".mkd", ".rst", ".html", ".htm"}


def _candidates(ref: str, source_path: str, content_root: str):
    """The content files a relative reference may name, in the order they are
    looked for, relative to the content root (whether they exist or not)."""
    parts = urlsplit(ref)
    if parts.scheme or parts.netloc or not parts.path or ref.startswith(("/", "#", "{", "|", "?")):
        return
    path = unquote(parts.path)
    root = os.path.realpath(content_root)
    # as on a vanilla site (pages at the root) first, then next to the source file
    for base in (root, os.path.dirname(os.path.realpath(source_path))):
        full = os.path.realpath(os.path.join(base, path))
        if full.startswith(root + os.sep):
            yield full, os.path.relpath(full, root).replace(os.sep, "/")


def local_file(ref: str, source_path: str, content_root: str) -> str | None:
    """The content file a relative reference names, relative to the content root."""
    return next((relative for full, relative in _candidates(ref, source_path, content_root)
                 if os.path.isfile(full)), None)


def placeholder(ref: str, target: str) -> tuple[str, str]:
    """(kind, target) of the intrasite link a relative ``ref`` naming the content
    file ``target`` becomes: ``{filename}`` for a source file, else ``{static}``."""
    parts = urlsplit(ref)
    kind = "filename" if os.path.splitext(target)[1].lower() in SOURCE_EXTENSIONS else "static"
    suffix = (f"?{parts.query}" if parts.query else "") + (f"#{parts.fragment}" if parts.fragment else "")
    return kind, f"/{target}{suffix}"


def placeholders(ref: str, source_path: str, content_root: str) -> set[tuple[str, str]]:
    """Every intrasite link ``ref`` may have become when it was read (the file it
    named may be gone since): what to take out of a cached body."""
    return {placeholder(ref, relative) for _full, relative in _candidates(ref, source_path, content_root)}


def site_relative_links(html: str, source_path: str, content_root: str) -> str:
    if "=" not in html:
        return html

    def replace(m):
        ref = m.group(3)
        target = local_file(ref, source_path, content_root)
        if target is None:
            return m.group(0)
        kind, link = placeholder(ref, target)
        return f"{m.group(1)}{m.group(2)}{{{kind}}}{link}{m.group(2)}"

    return LINK_ATTR_RE.sub(replace, html)


BLOCK_TAG_RE = re.compile(r"<(/?(?:p|h[1-6]|li|dt|dd|div|blockquote|pre|tr|td|th|br|hr|figcaption)\b)", re.I)


def plain_text(html: str) -> str:
    """The text of ``html``, whitespace collapsed; blocks never run into each other."""
    return Markup(BLOCK_TAG_RE.sub(r" <\1", html)).striptags()


def excerpt(content: str, settings) -> str:
    """Pelican's automatic summary of ``content``, as one paragraph of plain text."""
    max_paragraphs = settings.get("SUMMARY_MAX_PARAGRAPHS")
    if max_paragraphs is not None:
        content = truncate_html_paragraphs(content, max_paragraphs)
    if settings.get("SUMMARY_MAX_LENGTH") is not None:
        content = truncate_html_words(content, settings["SUMMARY_MAX_LENGTH"], settings.get("SUMMARY_END_SUFFIX", "…"))
    text = plain_text(strip_toc_elements_from_html(without_anchors(content)))
    return f"<p>{escape(text)}</p>" if text else ""


def summary_fields(content: str, given: str | None, settings) -> dict:
    """``summary`` (when not given) and ``summary_lead``: whether the page shows it above the body."""
    if given is None:
        return {"summary": excerpt(content, settings), "summary_lead": False}
    text = plain_text(given)
    # only the body's start can repeat it: no need to strip the tags of a long story
    start = plain_text(content[: 4 * len(given) + 1000])
    return {"summary_lead": bool(text) and not start.startswith(text)}


__all__ = ["excerpt", "local_file", "placeholders", "site_relative_links", "summary_fields"]
