"""What the callouts plugin offers other plugins: import these names, never retype them.

In the style of ``pelican/plugins/signals.py``: a plugin that builds on callouts
imports this module, so the dependency is visible in its code and a missing
plugin fails at import time, not with silently empty pages.

- :data:`RECORDS_KEY`, :data:`PROBLEMS_KEY`: the metadata keys under which a
  document's callout records and its authors' mistakes arrive. The Markdown
  extension puts them in Python-Markdown's ``md.Meta`` (the meta extension's
  public result), so Pelican's own Markdown reader hands them over with the
  rest of the metadata; no reader of ours is needed.
- :data:`entries_ready`: sent by the callouts generator, with itself as sender,
  once every article's ``callout_entries`` exist (after every generator's
  context is ready, before anything is written).
- :class:`PageKeeper`: a writer that can keep a file exactly as the last build
  wrote it. The generator asks it before writing a file it writes itself
  (``callouts.json``); pages written through ``writer.write_file`` are the
  writer's business.
- :class:`Fingerprinted`: records that say what a page shows of them
  (``fingerprint()``), so a writer that keeps pages can tell when one changed.
- :func:`collect`, :func:`report`: authors' mistakes recorded in metadata as
  ``(line, message)``, logged as ``path:line: message`` at error level, all of
  them, before a strict build (``--fatal errors``) stops.
"""

from __future__ import annotations

import abc
import logging
import os

from blinker import signal

from .markdown_ext import PROBLEMS_KEY, RECORDS_KEY, Callout

PLUGIN_NAME = __package__  # "pelican.plugins.callouts": its name in PLUGINS
#: pseudo source path under which the collection pages are linkable with {filename}
LINK_PREFIX = "_callouts/"

__all__ = ["CONTENT_LISTS", "PLUGIN_NAME", "PROBLEMS_KEY", "RECORDS_KEY", "Fingerprinted", "PageKeeper", "collect",
           "display_path", "entries_ready", "report"]

#: sent once every article's ``callout_entries`` exist; sender: the generator
entries_ready = signal("callouts.entries_ready")

logger = logging.getLogger(__name__)


class PageKeeper(abc.ABC):
    """A writer that may keep a file of the output as the last build wrote it."""

    @abc.abstractmethod
    def keep(self, template, context) -> bool:
        """True when the file ``context["output_file"]``, made from ``template``
        (None: from every value of ``context``), is already in the output as it
        would be written now: the caller then writes nothing."""


class Fingerprinted(abc.ABC):
    """A record that says what a page showing it shows of it. An ABC rather than
    a Protocol: ``isinstance`` runs for every value a page is made from, and an
    ABC's check is cached by class."""

    __slots__ = ()

    @abc.abstractmethod
    def fingerprint(self) -> tuple:
        """What a page that shows this record shows of it, as plain values
        (stories among them count by what a link to them shows)."""


Fingerprinted.register(Callout)


#: where Pelican's generators keep the content they read
CONTENT_LISTS = ("articles", "translations", "drafts", "drafts_translations", "hidden_articles",
                 "hidden_translations", "pages", "hidden_pages", "draft_pages")


def collect(generators, key) -> list[tuple[str, int, str]]:
    """``(source path, line, message)`` for each ``(line, message)`` listed under
    metadata ``key`` of any content the generators read."""
    found = []
    for generator in generators:
        for attribute in CONTENT_LISTS:
            for content in getattr(generator, attribute, None) or ():
                found.extend((content.source_path, line, message) for line, message in content.metadata.get(key, ()))
    return found


def display_path(path: str) -> str:
    """The path as an author types it: relative to the working folder when inside it."""
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


def report(problems) -> None:
    """Log each ``(path, line, message)`` as ``path:line: message`` at error level.

    Under ``pelican --fatal errors`` the first error raises; every problem is
    logged first, then the build stops with exit status 1 and no traceback.
    """
    problems = sorted({(display_path(path), line, message) for path, line, message in problems})
    fatal = False
    for path, line, message in problems:
        try:
            logger.error("%s:%d: %s", path, line, message)
        except RuntimeError:  # raised by Pelican's FatalLogger after logging
            fatal = True
    if fatal:
        logger.critical("%d authoring error(s): build stopped, nothing was written", len(problems))
        raise SystemExit(1)
