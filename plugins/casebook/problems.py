"""Authors' mistakes: found while reading, reported once per build.

A reader that logs at error level inside Pelican's ``--fatal errors`` mode
raises, and Pelican then drops the file with a traceback. So readers only
*record* problems on the content's metadata (``author_problems``: a list of
``(line, message)``); they are cached with the content, so a cached file is
reported on every build, and ``report_all()`` logs all of them after every
generator has read its files.
"""

from __future__ import annotations

from pelican.plugins.callouts import contracts as callouts

METADATA_KEY = "author_problems"


def report_all(generators) -> None:
    """Log every problem recorded while reading, as ``path:line: message``, then
    stop a strict build (the callouts plugin's reporter, shared). Stories a
    production build leaves out (``unpublished``) are reported too."""
    found = callouts.collect(generators, METADATA_KEY)
    for generator in generators:
        for content in getattr(generator, "unpublished", None) or ():
            found.extend((content.source_path, line, message) for line, message in content.metadata.get(METADATA_KEY, ()))
    callouts.report(found)
