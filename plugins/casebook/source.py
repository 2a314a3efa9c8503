"""A story's source as its author wrote it: the metadata header and its links.

No Pelican import: the reader and the content lint (``checks/lint.py``) read
files the same way with these.
"""

from __future__ import annotations

import os
import re

HEADER_LINE_RE = re.compile(r"^([A-Za-z][\w-]*)\s*:\s*(.*)$")
LINK_RE = re.compile(r"\{(filename|static|attach)\}([^)\s\"'#?>]+)")


def metadata_header(lines):
    """{key: (line, value)} of a Pelican "Key: value" header, and the index of the first body line."""
    meta = {}
    for index, line in enumerate(lines):
        if not line.strip():
            return meta, index
        m = HEADER_LINE_RE.match(line)
        if m:
            meta[m.group(1).lower()] = (index + 1, m.group(2).strip())
        elif not line.startswith((" ", "\t")):
            return meta, index
    return meta, len(lines)


def broken_links(lines, offset, source_path, content_root):
    """(line, message) for each ``{filename}``/``{static}`` link to a missing file."""
    found = []
    for number, line in enumerate(lines, start=offset + 1):
        if "{" not in line:
            continue
        for m in LINK_RE.finditer(line):
            target = m.group(2)
            if target.startswith("/"):
                full = os.path.join(content_root, target.lstrip("/"))
            else:
                full = os.path.join(os.path.dirname(source_path), target)
            # {filename}/_callouts/... and friends are registered by plugins
            if target.startswith("/_") or os.path.exists(full):
                continue
            found.append((number, f"broken internal link {{{m.group(1)}}}{target}: no such file"))
    return found
