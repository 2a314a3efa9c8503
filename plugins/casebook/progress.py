"""What a long build is doing, on a terminal: reading n/N, writing n/N, finishing.

Drawn with Rich (a dependency of Pelican) on standard error, and only when
that is a terminal and the log level shows warnings: CI logs (not a
terminal) and ``pelican -q`` stay as they were.
"""

from __future__ import annotations

import atexit
import logging
import sys

_live = None  # this build's Progress, when shown


class Shown:
    def __init__(self, reading_total: int):
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self.progress = Progress(
            SpinnerColumn(), TextColumn("{task.description:<10}"), BarColumn(), MofNCompleteColumn(),
            TimeElapsedColumn(), console=Console(stderr=True), redirect_stdout=False, redirect_stderr=False,
        )
        self.reading = self.progress.add_task("reading", total=reading_total)
        self.writing = None
        self.finishing = None
        self.progress.start()
        atexit.register(self.stop)

    def read_one(self):
        self.progress.advance(self.reading)

    def start_writing(self, total: int):
        self.progress.update(self.reading, completed=self.progress.tasks[self.reading].total)
        self.writing = self.progress.add_task("writing", total=total)

    def wrote_one(self):
        if self.writing is not None:
            task = self.progress.tasks[self.writing]
            if task.completed + 1 > (task.total or 0):  # pagination, feeds: more than planned
                self.progress.update(self.writing, total=task.completed + 1)
            self.progress.advance(self.writing)

    def finish(self):
        if self.writing is not None:
            self.progress.update(self.writing, total=self.progress.tasks[self.writing].completed)
        self.finishing = self.progress.add_task("indexing", total=None)

    def stop(self):
        if self.finishing is not None:
            self.progress.update(self.finishing, total=1, completed=1)
        self.progress.stop()


def wanted() -> bool:
    return sys.stderr.isatty() and logging.getLogger().getEffectiveLevel() <= logging.WARNING


def start(generator):
    """On article_generator_init: the number of files this build reads."""
    global _live
    stop()
    if not wanted():
        return
    settings = generator.settings
    total = len(generator.get_files(settings["ARTICLE_PATHS"], exclude=settings["ARTICLE_EXCLUDES"]))
    total += len(generator.get_files(settings["PAGE_PATHS"], exclude=settings["PAGE_EXCLUDES"]))
    _live = Shown(total)


def read_one(_generator, metadata=None):
    if _live:
        _live.read_one()


def shown() -> bool:
    return _live is not None


def start_writing(total: int):
    if _live:
        _live.start_writing(total)


def wrote_one(_path, context=None):
    if _live:
        _live.wrote_one()


def finish(_pelican=None):
    if _live:
        _live.finish()


def stop():
    global _live
    if _live:
        _live.stop()
        _live = None
