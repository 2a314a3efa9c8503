"""A story's source as its author wrote it: the metadata header and its links.

The reader and the content lint (``checks/lint.py``) read files the same way
with these.
"""

from __future__ import annotations

import os
import re

from pelican.readers import parse_path_metadata

HEADER_LINE_RE = re.compile(r"^([A-Za-z][\w-]*)\s*:\s*(.*)$")
LINK_RE = re.compile(r"\{(filename|static|attach)\}([^)\s\"'#?>]+)")


def metadata_header(lines):
    """{key: (line, value)} of a Pelican "Key: value" header, and the index of the first body line.

    An indented line continues the previous key's value (Markdown's meta syntax,
    e.g. a multi-line ``Summary:``); the value is the lines joined by spaces.
    """
    meta = {}
    key = None
    for index, line in enumerate(lines):
        if not line.strip():
            return meta, index
        m = HEADER_LINE_RE.match(line)
        if m:
            key = m.group(1).lower()
            meta[key] = (index + 1, m.group(2).strip())
        elif line.startswith((" ", "\t")):
            if key is not None:
                first, value = meta[key]
                meta[key] = (first, f"{value} {line.strip()}".strip())
        else:
            return meta, index
    return meta, len(lines)


def path_metadata(source_path, settings) -> dict:
    """What Pelican takes from a file's path (FILENAME_METADATA, PATH_METADATA), as strings."""
    relative = os.path.relpath(source_path, settings.get("PATH") or ".").replace(os.sep, "/")
    return parse_path_metadata(relative, settings)


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
