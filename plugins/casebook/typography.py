"""Typographic titles: curly quotes, apostrophes and dashes, by SmartyPants.

A title stays plain text (the templates escape it, feeds and JSON carry it as
text): SmartyPants writes Unicode characters, not HTML entities, and leaves
anything that looks like a tag as written.
"""

from __future__ import annotations

import smartypants

# quotes, ``backticks'', -- as an em dash, ... as an ellipsis; characters, not entities
ATTRIBUTES = smartypants.Attr.q | smartypants.Attr.b | smartypants.Attr.d | smartypants.Attr.e | smartypants.Attr.u


def typographic(text: str) -> str:
    return smartypants.smartypants(text, ATTRIBUTES) if text else text
