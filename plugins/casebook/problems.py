"""Authors' mistakes: found while reading, reported once per build.

A reader that logs at error level inside Pelican's ``--fatal errors`` mode
raises, and Pelican then drops the file with a traceback. So readers only
*record* problems on the content's metadata (``author_problems``: a list of
``(line, message)``); they are cached with the content, so a cached file is
reported on every build, and ``report()`` logs all of them after every
generator has read its files.
"""

from __future__ import annotations

from pelican.plugins.callouts import contracts as callouts

METADATA_KEY = "author_problems"


def collect(generators) -> list[tuple[str, int, str]]:
    """Every problem recorded while reading, as ``(path, line, message)``, with
    those of stories a production build leaves out (``unpublished``)."""
    found = callouts.collect(generators, METADATA_KEY)
    for generator in generators:
        for content in getattr(generator, "unpublished", None) or ():
            found.extend((content.source_path, line, message)
                         for line, message in content.metadata.get(METADATA_KEY, ()))
    return found


def report(found) -> None:
    """Log each as ``path:line: message``, all of them, then stop a strict build
    (the callouts plugin's reporter, shared)."""
    callouts.report(found)


def for_pages(problems, contents) -> tuple:
    """The problems as development pages list them: (path, line, message, url of
    the affected story or page, or "" when it has none)."""
    shown = [(callouts.display_path(path), line, message) for path, line, message in problems]
    wanted = {path for path, _line, _message in shown}
    urls = {}
    if wanted:  # most builds have none: no need to look through every story
        for content in contents:
            path = callouts.display_path(content.source_path)
            if path in wanted and type(content).__name__ != "Static" and getattr(content, "save_as", ""):
                urls[path] = content.url
    return tuple((path, line, message, urls.get(path, "")) for path, line, message in shown)
