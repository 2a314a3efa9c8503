"""Authors' mistakes: found while reading, reported once per build.

A reader that logs at error level inside Pelican's ``--fatal errors`` mode
raises, and Pelican then drops the file with a traceback. So readers only
*record* problems on the content's metadata (``author_problems``: a list of
``(line, message)``); they are cached with the content, so a cached file is
reported on every build, and ``report()`` logs all of them after every
generator has read its files.
"""

from __future__ import annotations

import logging
import os

logger = logging.getLogger(__name__)

METADATA_KEY = "author_problems"


def display_path(path: str) -> str:
    """The path as an author types it: relative to the working folder when inside it."""
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


def collect(generators) -> list[tuple[str, int, str]]:
    found = set()
    for generator in generators:
        for attribute in (
            "articles", "translations", "drafts", "drafts_translations",
            "hidden_articles", "hidden_translations",
            "pages", "hidden_pages", "draft_pages",
        ):
            for content in getattr(generator, attribute, None) or ():
                for line, message in content.metadata.get(METADATA_KEY, ()):
                    found.add((display_path(content.source_path), line, message))
    return sorted(found)


def for_pages(problems, contents) -> tuple:
    """The problems as development pages list them: (path, line, message, url of
    the affected story or page, or "" when it has none)."""
    urls = {}
    for content in contents:
        if getattr(content, "save_as", "") and type(content).__name__ != "Static":
            urls[display_path(content.source_path)] = content.url
    return tuple((path, line, message, urls.get(path, "")) for path, line, message in problems)


def report(problems) -> None:
    """Log each problem as ``path:line: message`` at error level.

    Under ``pelican --fatal errors`` the first error raises; we log them all
    first, then stop the build with exit status 1 and no traceback.
    """
    fatal = False
    for path, line, message in problems:
        try:
            logger.error("%s:%d: %s", path, line, message)
        except RuntimeError:  # raised by Pelican's FatalLogger after logging
            fatal = True
    if fatal:
        logger.critical("%d authoring error(s): build stopped, nothing was written", len(problems))
        raise SystemExit(1)
