"""A story's source as its author wrote it: its text, its metadata header (``Key: value``
or YAML front matter) and its links.

The reader and the content lint (``checks/lint.py``) read files the same way
with these.
"""

from __future__ import annotations

import html as html_module
import os
import re
from urllib.parse import urlsplit

import yaml
from markdown.extensions.meta import END_RE, META_MORE_RE, META_RE
from pelican.plugins.callouts.contracts import LINK_PREFIX
from pelican.readers import parse_path_metadata

HEADER_LINE_RE = re.compile(r"^([A-Za-z][\w-]*)\s*:\s*(.*)$")
#: the characters XML 1.0, and so a feed, cannot carry (feedgenerator refuses them with
#: "Control characters are not supported in XML 1.0"): C0 controls but tab, LF and CR
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
LINK_RE = re.compile(r"\{(filename|static|attach)\}([^)\s\"'#?>]+)")


def metadata_header(lines):
    """{key: (line, value)} of a Pelican "Key: value" header, and the index of the first body line.

    An indented line continues the previous key's value (Markdown's meta syntax,
    e.g. a multi-line ``Summary:``); the value is the lines joined by spaces.
    A key given twice keeps its first line and value (see :func:`repeated_keys`).
    """
    meta = {}
    key = None
    for index, line in enumerate(lines):
        if not line.strip():
            return meta, index
        m = HEADER_LINE_RE.match(line)
        if m:
            key = m.group(1).lower()
            if key in meta:
                key = None  # a repeated key: its value is not the one used
            else:
                meta[key] = (index + 1, m.group(2).strip())
        elif line.startswith((" ", "\t")):
            if key is not None:
                first, value = meta[key]
                meta[key] = (first, f"{value} {line.strip()}".strip())
        else:
            return meta, index
    return meta, len(lines)


def repeated_keys(lines):
    """Keys of a "Key: value" header given more than once, as Python-Markdown's meta
    extension reads the header (its own patterns): ``{key: (first, repeats)}`` with
    ``first`` the first occurrence's ``(line, key as written, number of values)`` (a
    value continued on indented lines has one value per line) and ``repeats`` the
    lines of the others."""
    seen, key = {}, None
    for index, line in enumerate(lines):
        m = META_RE.match(line)
        if not line.strip() or END_RE.match(line):
            break
        if m:
            key = m.group("key").lower().strip()
            seen.setdefault(key, []).append([index + 1, m.group("key"), 1])
        elif key and META_MORE_RE.match(line):
            seen[key][-1][2] += 1
        else:
            break
    return {key: (tuple(found[0]), [line for line, _written, _count in found[1:]])
            for key, found in seen.items() if len(found) > 1}


def repeated_key_message(written, first_line, value) -> str:
    return (f"'{written}:' is given again (first on line {first_line}): the first one, "
            f"{value!r}, is used; remove the other")


def without_control_characters(text: str) -> tuple[str, list]:
    """(text, problems): the text without the control characters no page or feed may
    hold (invisible, usually pasted by accident), each line holding some reported."""
    if not CONTROL_RE.search(text):
        return text, []
    problems = []
    for number, line in enumerate(text.split("\n"), 1):
        found = sorted(set(CONTROL_RE.findall(line)))
        if found:
            names = ", ".join(f"U+{ord(c):04X}" for c in found)
            problems.append((number, f"control character {names} removed (invisible, and not allowed in "
                                     "a page or feed): check the text around it"))
    return CONTROL_RE.sub("", text), problems


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


#: where a story's links are kept in its metadata (and so in the content cache):
#: ``(line, kind, target)`` for each, see :func:`link_records`
LINKS_KEY = "casebook_links"
#: a link attribute of an HTML element, as the reader's HTML holds it
LINK_ATTRIBUTE_RE = re.compile(r"""<[a-zA-Z][^>]*?\s(?:href|src|poster)\s*=\s*(["'])(.*?)\1""")
PLACEHOLDER_RE = re.compile(r"^[{|](\w*)[|}](.*)$", re.S)


def link_records(htmls, lines) -> tuple:
    """``(line, kind, target)`` for every link of a story's HTML (``htmls``: its
    body and formatted fields such as the summary) that the site must check
    once everything is read (:mod:`casebook.links`): each intrasite link
    (``kind`` as written between the braces, even misspelt: ``filename``,
    ``static``, ``tag``, ``filenam``...; ``target`` with its fragment) and each
    relative link left as written (``kind`` ""). Only links that are in the
    HTML count (a ``{filename}`` shown in a code block is text); each is
    located on every source line (of ``lines``, the whole file) that spells
    it, or line 1. Kept in the content cache, they are checked on every build
    against the files and stories of that build."""
    found = {}
    for html in htmls:
        if not html or "=" not in html:
            continue
        for m in LINK_ATTRIBUTE_RE.finditer(html):
            ref = html_module.unescape(m.group(2)).strip()
            placeholder = PLACEHOLDER_RE.match(ref)
            if placeholder and placeholder.group(2).lstrip("/").startswith(LINK_PREFIX):
                continue  # a callout's link to its entry, made by the callouts plugin (not written: always there)
            if placeholder:
                found.setdefault((placeholder.group(1), placeholder.group(2)), ref)
            elif _relative_file_link(ref):
                found.setdefault(("", ref), ref)
    records = []
    for (kind, target), spelled in found.items():
        numbers = _lines_spelling(lines, spelled, target)
        records.extend((number, kind, target) for number in numbers)
    return tuple(sorted(records))


def _relative_file_link(ref: str) -> bool:
    parts = urlsplit(ref)
    return bool(parts.path) and not (parts.scheme or parts.netloc or ref.startswith(("/", "#", "?", "{", "|")))


def _lines_spelling(lines, spelled: str, target: str) -> list[int]:
    """The numbers of the lines that hold a link, as written or as the reader
    rewrote it (a relative link made ``{static}/images/x.png``); [1] when none does."""
    path = urlsplit(target).path
    for candidate in dict.fromkeys((spelled, target, path.lstrip("/"))):
        if candidate:
            numbers = [n for n, line in enumerate(lines, start=1) if candidate in line]
            if numbers:
                return numbers
    name = os.path.basename(path)
    if name:  # written otherwise (./x.png): the file's name as the end of a link's address, not in prose
        numbers = [n for n, line in enumerate(lines, start=1) if name in line and _ends_address(line, name)]
        if numbers:
            return numbers
    return [1]


def _ends_address(line: str, name: str) -> bool:
    """Whether ``name`` stands in ``line`` as the last part of a link's address
    (after "/", "(", a quote...; before ")", "#", a quote, a space or the end)."""
    start = line.find(name)
    while start != -1:
        end = start + len(name)
        if (start and line[start - 1] in "(<\"'=/") and (end == len(line) or line[end] in ")>\"'#? \t"):
            return True
        start = line.find(name, start + 1)
    return False


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
        text, problems = raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        message = (f"the file is not UTF-8 text (byte 0x{raw[error.start]:02x} cannot be read): "
                   "save it with the UTF-8 encoding")
        text, problems = raw.decode("utf-8-sig", errors="replace"), [(line, message)]
    text, controls = without_control_characters(text)
    return text, sorted(problems + controls), False


YAML_FENCE_RE = re.compile(r"^---\s*$")
YAML_END_RE = re.compile(r"^(---|\.\.\.)\s*$")


class TextLoader(yaml.SafeLoader):
    """PyYAML's safe loader with every plain scalar kept as the text it is: metadata is
    text, so ``title: Yes``, ``tags: [empathy, no]``, ``companies: [Off]``, ``tags: [null]``
    and ``title: 1.10`` read as written (YAML 1.1 would make them True, False, None and
    1.1), and a date is read by the same code as a ``Date:`` line (``2025-02-30`` is
    reported, not turned into an exception)."""

    yaml_implicit_resolvers = {}  # noqa: RUF012 (PyYAML's class attribute, emptied)


def yaml_front_matter(lines):
    """Read a YAML front matter block (``---`` ... ``---``) at the top of a file.

    None when there is none; else (meta, header, end, problems): ``meta`` in the
    shape Markdown's meta extension gives ({key: [value]}), or None when the
    block cannot be read; ``header`` as :func:`metadata_header` gives it; ``end``
    the index of the first line after the closing ``---``. A key given twice is
    reported on its second line; the first value is used, as in a "Key: value" header.
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
            header.setdefault(m.group(1).lower(), (index + 1, m.group(2).strip()))
    loader = TextLoader("\n".join(lines[1:end]))
    try:
        node = loader.get_single_node()
        if node is not None and not isinstance(node, yaml.MappingNode):
            return None, header, end + 1, [(2, "YAML front matter must be 'key: value' lines "
                                             "(e.g. 'title: ...', 'tags: [empathy, follow-up]')")]
        pairs = []
        for key_node, value_node in node.value if node is not None else ():
            line = key_node.start_mark.line + 2
            try:
                pairs.append((line, loader.construct_object(key_node, deep=True),
                              loader.construct_object(value_node, deep=True)))
            except (ValueError, TypeError, OverflowError) as error:
                # an explicit tag the value does not fit (date: !!timestamp 2025-02-30, !!int abc)
                return None, header, end + 1, [(line, f"YAML front matter cannot be read ({error}): fix the "
                                                      "value, or write the metadata as 'Key: value' lines")]
    except yaml.YAMLError as error:
        # the context (e.g. where an unclosed list opened) is where the author looks
        mark = getattr(error, "context_mark", None) or getattr(error, "problem_mark", None)
        line = 2 + mark.line if mark is not None else 1
        reason = "; ".join(filter(None, (getattr(error, "context", None), getattr(error, "problem", None))))
        reason = reason or "not valid YAML"
        return None, header, end + 1, [(line, f"YAML front matter cannot be read ({reason}): "
                                            "fix it, or write the metadata as 'Key: value' lines")]
    finally:
        loader.dispose()
    meta, header, problems = {}, {}, []
    for line, key, value in pairs:
        name = str(key).lower()
        if name in header:
            first_line, first_value = header[name]
            problems.append((line, repeated_key_message(key, first_line, first_value)))
            continue
        if isinstance(value, dict):
            header[name] = (line, "")
            problems.append((line, f"YAML key {key!r} holds a mapping: give it a text or a list"))
            continue
        items = value if isinstance(value, list) else [value]
        text = ", ".join(str(item) for item in items)
        meta[name] = [text]
        header[name] = (line, text)
    return meta, header, end + 1, problems
