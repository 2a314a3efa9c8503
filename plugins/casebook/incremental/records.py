"""What the reader records of each file for incremental rebuilds.

Made once when a file is read and kept with it in the content cache: digests
of its header (the metadata as written) and of what plugins took from its body
(callout records), and the intrasite links of its body. Pages that show the
file count it by these (see ``fingerprints``), so a cached build need not walk
the objects Pelican makes of it.
"""

from __future__ import annotations

import zlib
from urllib.parse import urlparse

from .. import compat
from .values import Plain, digest

DEFAULTS = {
    "CASEBOOK_REUSE_PAGES": True,
    "CASEBOOK_REUSE_FROM": None,  # where the last build's pages are; None: OUTPUT_PATH
}

# The reader's record of a file (read_record), in its metadata, with the metadata keys it covers.
READ_KEY = "casebook_read"


def enabled(settings) -> bool:
    """Pages are kept in builds that use the content cache, unless turned off."""
    return bool(settings.get("CASEBOOK_REUSE_PAGES", DEFAULTS["CASEBOOK_REUSE_PAGES"])
                and (settings.get("LOAD_CONTENT_CACHE") or settings.get("CACHE_CONTENT")))


def link_targets(settings, html) -> list[tuple[str, str, str]]:
    """The intrasite links of ``html`` (found with Pelican's own pattern), each
    as (kind, prefix as written, path): fragments and queries are part of the
    text, not of what a link resolves to."""
    if not html or ("{" not in html and "|" not in html):
        return []
    found = set()
    for m in compat.intrasite_link_regex(settings).finditer(html):
        path, value = m.group("path"), m.group("value")
        found.add((m.group("what"), path[: len(path) - len(value)], urlparse(value).path))
    return sorted(found)


def body_check(html: str) -> int:
    """A checksum of a body: tells whether a record's links are those of the
    body a content object holds (a plugin may have changed it since)."""
    return zlib.crc32(html.encode("utf-8"))


def read_record(settings, html, header, records) -> tuple | None:
    """What incremental rebuilds need of a file, made when it is read: digests
    of its ``header`` (the metadata as written, before Pelican turns it into
    objects, minus ``PAGE_ONLY``) and of the ``records`` plugins took from its
    body (callouts), the intrasite links of its body and the body's
    :func:`body_check`. None in builds that keep no pages."""
    if not enabled(settings):
        return None
    plain = Plain().plain
    return (digest(plain(header)), digest(plain(records)), link_targets(settings, html), body_check(html))


def recorded_links(content, body: str | None = None) -> tuple | None:
    """The intrasite links the reader recorded of ``content``'s body (as
    ``link_targets`` gives them), if its body (``body``, when the caller has
    it) is still the one they were found in; else None."""
    record = content.metadata.get(READ_KEY)
    if not isinstance(record, dict) or "body" not in record:
        return None
    text = compat.body(content) if body is None else body
    return record["links"] if body_check(text) == record["body"] else None


_SHARED: dict = {}


def _shared(value):
    """One object for equal records across files: pickled together in the
    content cache, they stay one object when it is loaded again."""
    return _SHARED.setdefault(value, value)


def record_in(metadata: dict, record: tuple | None):
    """Store a file's ``read_record`` in its metadata (so the content cache keeps
    it), with the metadata keys it covers: everything the reader returned."""
    if record is not None:
        header, records, links, body = record
        keys = _shared(tuple(sorted([*metadata, READ_KEY])))
        metadata[READ_KEY] = {"header": header, "records": records, "keys": keys,
                              "links": _shared(tuple(_shared(link) for link in links)), "body": body}
