"""A story's source as its author wrote it: its text, its metadata header (``Key: value``
or YAML front matter) and its links.

The reader and the content lint (``checks/lint.py``) read files the same way
with these.
"""

from __future__ import annotations

import os
import re
from datetime import date

import yaml
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


def missing_link_targets(lines, offset, source_path, content_root):
    """(line, kind, target) for each ``{filename}``/``{static}``/``{attach}`` link to a missing file."""
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
            found.append((number, m.group(1), target))
    return found


def broken_link_problems(missing):
    return [(number, f"broken internal link {{{kind}}}{target}: no such file") for number, kind, target in missing]


def broken_links(lines, offset, source_path, content_root):
    """(line, message) for each ``{filename}``/``{static}`` link to a missing file."""
    return broken_link_problems(missing_link_targets(lines, offset, source_path, content_root))


def read_text(source_path) -> tuple[str, list, bool]:
    """(text, problems, unreadable): the file as UTF-8 text (a BOM is dropped).

    Bytes that are not UTF-8 are replaced (the story still builds, so it does
    not vanish from `make serve`) and reported on the line they are on; a
    binary file reads as empty.
    """
    with open(source_path, "rb") as fh:
        raw = fh.read()
    if b"\0" in raw:  # the whole file is the problem: its first line
        return "", [(1, "this is not a text file (it holds binary data): "
                           "only Markdown stories belong here; move the file out of content/")], True
    try:
        return raw.decode("utf-8-sig"), [], False
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        message = (f"the file is not UTF-8 text (byte 0x{raw[error.start]:02x} cannot be read): "
                   "save it with the UTF-8 encoding")
        return raw.decode("utf-8-sig", errors="replace"), [(line, message)], False


YAML_FENCE_RE = re.compile(r"^---\s*$")
YAML_END_RE = re.compile(r"^(---|\.\.\.)\s*$")


def yaml_front_matter(lines):
    """Read a YAML front matter block (``---`` ... ``---``) at the top of a file.

    None when there is none; else (meta, header, end, problems): ``meta`` in the
    shape Markdown's meta extension gives ({key: [value]}), or None when the
    block cannot be read; ``header`` as :func:`metadata_header` gives it; ``end``
    the index of the first line after the closing ``---``.
    """
    if not lines or not YAML_FENCE_RE.match(lines[0]):
        return None
    end = next((i for i in range(1, len(lines)) if YAML_END_RE.match(lines[i])), None)
    if end is None:
        return None, {}, 1, [(1, "YAML front matter opened with '---' is never closed: "
                               "end it with a line of '---' before the story")]
    header = {}
    for index in range(1, end):
        m = HEADER_LINE_RE.match(lines[index])
        if m:
            header[m.group(1).lower()] = (index + 1, m.group(2).strip())
    try:
        data = yaml.safe_load("\n".join(lines[1:end]))
    except yaml.YAMLError as error:
        # the context (e.g. where an unclosed list opened) is where the author looks
        mark = getattr(error, "context_mark", None) or getattr(error, "problem_mark", None)
        line = 2 + mark.line if mark is not None else 1
        reason = "; ".join(filter(None, (getattr(error, "context", None), getattr(error, "problem", None))))
        reason = reason or "not valid YAML"
        return None, header, end + 1, [(line, f"YAML front matter cannot be read ({reason}): "
                                            "fix it, or write the metadata as 'Key: value' lines")]
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return None, header, end + 1, [(2, "YAML front matter must be 'key: value' lines "
                                         "(e.g. 'title: ...', 'tags: [empathy, follow-up]')")]
    meta, problems = {}, []
    for key, value in data.items():
        name = str(key).lower()
        line = header.get(name, (2, ""))[0]
        if value is None:
            continue
        if isinstance(value, dict):
            problems.append((line, f"YAML key {key!r} holds a mapping: give it a text or a list"))
            continue
        items = value if isinstance(value, list) else [value]
        text = ", ".join(item.isoformat() if isinstance(item, date) else str(item) for item in items)
        meta[name] = [text]
        header.setdefault(name, (line, text))
    return meta, header, end + 1, problems


def unlink_missing_static_files(html, missing):
    """The HTML with each ``{static}``/``{attach}`` link of ``missing`` (from
    :func:`missing_link_targets`) made a plain relative link: Pelican would
    otherwise look the file up (its date, with ``DEFAULT_DATE = "fs"``) and
    stop with a traceback. The link is reported as broken all the same."""
    for _line, kind, target in missing:
        if kind in ("static", "attach"):
            html = html.replace(f"{{{kind}}}{target}", target)
    return html
