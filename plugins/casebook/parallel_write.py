"""Render the story pages on every core, with the output of a one-core build.

Pelican writes story pages one after another (``ArticlesGenerator.generate_articles``
calls the writer once per story), and rendering them is most of what a large
build does after reading. When that loop asks for its first story page and
there are at least ``CASEBOOK_PARALLEL_WRITE_MIN`` of them, the writer forks one
worker process per extra core (``CASEBOOK_WRITE_WORKERS``, None: one per core).
The pages are cut into contiguous blocks, in Pelican's order: the build's own
process renders the first, worker *k* the *k*-th.

A worker is a fork taken at that moment, so it holds the whole build as it
is (the plain data it renders from: stories, collections, templates, settings)
and simply goes on running Pelican's loop: it renders the pages of its block,
passes over the others, and ends once its block is written, sending back only
what the build's own process needs of it (:class:`Result`: the fingerprints of
the pages it wrote for incremental rebuilds, and what it logged at warning level
or above). Both processes run the same code on the same data, so each page is
the page a one-core build writes (tested byte for byte).

The build's own process renders its block, then, at the first page of the next
block (or at anything the loop writes that is not a story page), waits for the
workers. Their pages then pass through Pelican's writer unrendered: Pelican's
own bookkeeping goes on as for any page (its guard against writing a file twice,
``content_written`` for the sitemap, the search index and progress), only after
the files exist. A worker that failed or died is not trusted with anything: the
build's own process renders its pages itself, as a one-core build would (and
meets the same error, if it was one).

A worker sends no Pelican signal (they are muted in it: receivers run in the
build's own process only) and logs nothing itself: its records of warning
level and above are logged again by the build's own process, so they are
counted and a strict build stops on them.

A story whose body has ``{attach}`` links moves the files it attaches when its
page is rendered (Pelican's ``Static.attach_to``). Before forking, those links
are resolved in Pelican's order, so every process sees where each attached file
ends up.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import multiprocessing
import os
import pickle
import sys
import traceback
from dataclasses import dataclass, field

from blinker import Signal
from pelican import signals
from pelican.utils import sanitised_join

from . import compat
from .incremental.records import link_targets

logger = logging.getLogger(__name__)

DEFAULTS = {
    "CASEBOOK_WRITE_WORKERS": None,  # None: one per core; 1: story pages on one core
    "CASEBOOK_PARALLEL_WRITE_MIN": 200,  # fewer story pages: not worth forking
}


@dataclass
class Result:
    """What a worker sends back: plain data."""

    done: bool = False  # rendered its whole block
    error: str = ""  # the traceback of what stopped it
    pages: dict = field(default_factory=dict)  # page name -> what its writer records of it (see ``record``)
    logged: list = field(default_factory=list)  # (logger name, level, message), warning and above


class _Capture(logging.Handler):
    """A worker's log: kept, to be logged again by the build's own process."""

    def __init__(self, into: list):
        super().__init__(logging.WARNING)
        self.into = into

    def emit(self, record):
        self.into.append((record.name, record.levelno, record.getMessage()))


@dataclass
class _Worker:
    pid: int
    fd: int  # the read end of its pipe
    first: int  # its block: story pages first..end-1
    end: int
    result: Result | None = None


def _all_signals():
    """Every Pelican signal (a worker sends none)."""
    return [s for s in vars(signals).values() if isinstance(s, Signal)]


class StoryPages:
    """The story pages of this build's loop, and who renders each.

    ``role`` is 0 in the build's own process and *k* in worker *k*. Pages are
    counted as Pelican's loop asks for them (``pos``).
    """

    def __init__(self, planned: list, workers: int):
        self.planned = planned  # the stories, in the loop's order (compat.story_pages)
        self.count = len(planned)
        self.processes = max(1, min(workers, self.count))
        self.pos = 0  # the next story page of the loop
        self.role = 0
        self.workers: list[_Worker] = []
        self.joined = False
        self.pages: dict = {}  # in a worker: what it sends back
        self._logged: list = []

    # -- blocks --------------------------------------------------------------
    def bounds(self, k: int) -> tuple[int, int]:
        return (self.count * k // self.processes, self.count * (k + 1) // self.processes)

    def owner(self, pos: int) -> int:
        for k in range(self.processes):
            first, end = self.bounds(k)
            if first <= pos < end:
                return k
        return 0

    def is_next(self, kwargs) -> bool:
        """Whether this writer call is the loop's next story page."""
        return self.pos < self.count and kwargs.get("article") is self.planned[self.pos]

    # -- the build's own process -----------------------------------------------
    def fork(self) -> None:
        """Start the workers (the build's own process goes on with block 0)."""
        attach_in_order(self.planned)
        sys.stdout.flush()
        sys.stderr.flush()
        for k in range(1, self.processes):
            first, end = self.bounds(k)
            try:
                read, write = os.pipe()
            except OSError as error:
                logger.debug("casebook: no more workers for story pages (%s)", error)
                break
            try:
                pid = os.fork()
            except OSError as error:  # its block stays with the build
                logger.debug("casebook: no more workers for story pages (%s)", error)
                os.close(read)
                os.close(write)
                break
            if pid == 0:  # the worker: goes on with Pelican's loop, in the same call
                os.close(read)
                for sibling in self.workers:
                    os.close(sibling.fd)
                self._become_worker(k, write)
                return
            os.close(write)
            self.workers.append(_Worker(pid, read, first, end))
        logger.debug("casebook: rendering %d story pages on %d processes", self.count, self.processes)

    def join(self, writer) -> None:
        """Wait for the workers; take what they did, or take their blocks back."""
        if self.joined or self.role:
            return
        self.joined = True
        for worker in self.workers:
            chunks = []
            while chunk := os.read(worker.fd, 1 << 16):
                chunks.append(chunk)
            os.close(worker.fd)
            _pid, status = os.waitpid(worker.pid, 0)
            try:
                result = pickle.loads(b"".join(chunks)) if chunks else None
            except (pickle.UnpicklingError, EOFError, AttributeError, ValueError):
                result = None
            if not isinstance(result, Result) or not result.done or os.waitstatus_to_exitcode(status) != 0:
                reason = (result.error.strip().splitlines()[-1] if isinstance(result, Result) and result.error
                          else f"exit status {os.waitstatus_to_exitcode(status)}")
                logger.debug("casebook: a worker rendering story pages %d-%d stopped (%s); "
                             "rendering them here", worker.first, worker.end - 1, reason)
                continue
            worker.result = result
            writer.take_worker_pages(result.pages)
            for name, level, message in result.logged:
                logging.getLogger(name).log(level, "%s", message)

    def rendered_elsewhere(self, pos: int) -> bool:
        """In the build's own process: a worker has written story page ``pos``."""
        for worker in self.workers:
            if worker.first <= pos < worker.end:
                return worker.result is not None
        return False

    # -- a worker --------------------------------------------------------------
    def _become_worker(self, k: int, fd: int) -> None:
        self.role = k
        self.workers = []
        self._fd = fd
        # Should anything end this process another way, it ends here, sending nothing.
        atexit.register(os._exit, 1)
        root = logging.getLogger()
        root.handlers = [_Capture(self._logged)]
        muted = contextlib.ExitStack()
        for signal in _all_signals():
            muted.enter_context(signal.muted())
        self._muted = muted  # for the rest of this process's life

    def mine(self, pos: int) -> bool:
        first, end = self.bounds(self.role)
        return first <= pos < end

    def finish(self, done: bool, error: str = "") -> None:
        """In a worker: send the result and end the process."""
        result = Result(done=done, error=error, pages=self.pages, logged=self._logged)
        try:
            data = pickle.dumps(result, pickle.HIGHEST_PROTOCOL)
            view = memoryview(data)
            while view:
                view = view[os.write(self._fd, view):]
        finally:
            os._exit(0 if done else 1)


def attach_in_order(stories) -> None:
    """Resolve the ``{attach}`` links of ``stories`` in order, moving the
    attached files as rendering them would (see the module's docstring)."""
    for story in stories:
        if compat.known_static_links(story) == frozenset():
            continue  # links to no file (known without unpacking its body)
        body = compat.body(story)
        if "attach}" not in body and "|attach|" not in body:
            continue
        for what, prefix, path in link_targets(story.settings, body):
            if what == "attach":
                compat.resolve_links(story, f'<a href="{prefix}{path}">')


class ParallelWriter(compat.HookedWriter):
    """Pelican's writer, rendering the story pages on every core."""

    def __init__(self, output_path, settings=None):
        super().__init__(output_path, settings)
        self.stories: StoryPages | None = None
        self._skip: set[str] = set()  # files already right (a worker wrote them, or kept): opened for nothing
        global _plan
        self._planned, _plan = _plan, None  # this build's, made when every generator was finalized

    def write_file(self, name, template, context, relative_urls=False, paginated=None,
                   template_name=None, override_output=False, url=None, **kwargs):
        stories = self.stories
        if stories is None and self._planned is not None and self._planned.is_next(kwargs):
            stories, self._planned = self._planned, None
            if stories.processes > 1:
                self.stories = stories
                stories.fork()
            else:
                stories = None
        if stories is None:
            return super().write_file(name, template, context, relative_urls, paginated,
                                      template_name, override_output, url, **kwargs)
        if not stories.is_next(kwargs):  # the loop's story pages are over
            self.stories = None
            if stories.role:
                stories.finish(done=True)
            stories.join(self)
            return super().write_file(name, template, context, relative_urls, paginated,
                                      template_name, override_output, url, **kwargs)
        pos = stories.pos
        stories.pos += 1
        if stories.role:  # a worker: its own pages, and nothing else
            if not stories.mine(pos):
                return None
            try:
                super().write_file(name, template, context, relative_urls, paginated,
                                   template_name, override_output, url, **kwargs)
                stories.pages[name] = self.record(name)
            except BaseException:
                stories.finish(done=False, error=traceback.format_exc())
            if pos + 1 == stories.bounds(stories.role)[1]:
                stories.finish(done=True)
            return None
        if stories.owner(pos) != 0:
            stories.join(self)
            if stories.rendered_elsewhere(pos) and name:
                self._skip.add(sanitised_join(self.output_path, name))
                template = NotRendered(template)
        if stories.pos == stories.count:
            self.stories = None
        return super().write_file(name, template, context, relative_urls, paginated,
                                  template_name, override_output, url, **kwargs)

    def skip_file(self, path) -> bool:
        if path in self._skip:
            self._skip.discard(path)
            return True
        return super().skip_file(path)

    def record(self, name) -> object:
        """In a worker: what this writer records of page ``name`` for the build's
        own process (see :meth:`take_worker_pages`). None: nothing."""
        return None

    def take_worker_pages(self, pages: dict) -> None:
        """In the build's own process: what a worker's writer recorded of its pages."""


class NotRendered:
    """A template whose page a worker has written: Pelican's writer renders nothing."""

    def __init__(self, template):
        self.template = template

    def render(self, context):
        return ""

    def __getattr__(self, name):
        return getattr(self.template, name)


# -- this build's plan -------------------------------------------------------------
_plan: StoryPages | None = None  # builds in one process run one after another


def plan(generators, settings) -> None:
    """On all_generators_finalized: the story pages Pelican's loop will write,
    and how many processes render them (none of this when there are few)."""
    global _plan
    _plan = None
    workers = settings.get("CASEBOOK_WRITE_WORKERS") or os.cpu_count() or 1
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return
    planned = compat.story_pages(generators)
    if len(planned) < max(2, settings.get("CASEBOOK_PARALLEL_WRITE_MIN", 0)):
        return
    _plan = StoryPages(planned, workers)

