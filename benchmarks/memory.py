"""Where a site build's memory goes, by build phase (tracemalloc), on one corpus shape.

    python -m benchmarks.memory --articles 1000 --shape reported [--top 12] [--frames 1]

Builds the site as the benchmark's "site" build does (no content cache, no
search index) in this process, with tracemalloc on, and prints at each phase
(after reading, once every generator is finalized, halfway through the story
pages, at the end) the Python heap traced, the process's resident memory and
the largest allocations by line, and how each phase grew from the one before.
tracemalloc slows the build several times: its figures are for finding what
holds memory, not for timing.
"""

from __future__ import annotations

import argparse
import ast
import linecache
import os
import resource
import tracemalloc
from pathlib import Path

from pelican import signals

from benchmarks.corpus import write_corpus
from devkit.paths import ROOT

HERE = Path(__file__).resolve().parent


def corpus_folder(n: int, shape: str, work: Path) -> Path:
    corpus = work / f"corpus-{shape}-{n}"
    if not (corpus / "pelican" / "stories").exists():
        write_corpus(n, corpus, shape, hugo=shape == "typical")
    return corpus

MB = 1024 * 1024


def rss_mb() -> tuple[float, float]:
    """Resident memory now and at most so far, MB."""
    now = 0.0
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                now = int(line.split()[1]) / 1024
    return now, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def where(stat, frames: int) -> str:
    parts = []
    for frame in list(stat.traceback)[:frames]:
        name = frame.filename
        for root in (str(ROOT) + "/", "/site-packages/", "/lib/python3.11/"):
            if root in name:
                name = name.split(root, 1)[1]
        line = linecache.getline(frame.filename, frame.lineno).strip()[:70]
        parts.append(f"{name}:{frame.lineno} {line}")
    return " <- ".join(parts)


class Phases:
    def __init__(self, top: int, frames: int):
        self.top, self.frames = top, frames
        self.snapshots: list[tuple[str, tracemalloc.Snapshot]] = []
        self.stories = 0
        self.written = 0

    def take(self, phase: str):
        snapshot = tracemalloc.take_snapshot().filter_traces(
            [tracemalloc.Filter(False, tracemalloc.__file__), tracemalloc.Filter(False, linecache.__file__)])
        current, peak = tracemalloc.get_traced_memory()
        now, most = rss_mb()
        print(f"\n== {phase}: traced {current / MB:.1f} MB (peak {peak / MB:.1f}), RSS {now:.0f} MB "
              f"(max {most:.0f})", flush=True)
        key = "traceback" if self.frames > 1 else "lineno"
        print("  largest:")
        for stat in snapshot.statistics(key)[: self.top]:
            print(f"  {stat.size / MB:7.2f} MB {stat.count:8d} blocks  {where(stat, self.frames)}")
        if self.snapshots:
            print(f"  grown since {self.snapshots[-1][0]}:")
            for stat in snapshot.compare_to(self.snapshots[-1][1], key)[: self.top]:
                print(f"  {stat.size_diff / MB:+7.2f} MB {stat.count_diff:+8d} blocks  {where(stat, self.frames)}")
        self.snapshots.append((phase, snapshot))

    # signal receivers
    def start(self, generator):
        self.take("before reading (plugins and templates loaded)")

    def read(self, generator):
        if type(generator).__name__ == "ArticlesGenerator":
            self.stories = len(generator.articles)
            self.take("after reading (articles generator finalized)")

    def finalized_all(self, generators):
        self.take("every generator finalized")

    def wrote(self, path, context=None):
        if context and context.get("article") is not None:
            self.written += 1
            if self.written == self.stories // 2:
                self.take(f"writing: {self.written} story pages written")

    def articles_written(self, generator, writer=None):
        self.take("the articles generator's pages written (stories, feeds, themes, archives)")

    def end(self, pelican):
        self.take("end (finalized)")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--shape", default="reported")
    parser.add_argument("--work", default=str(HERE / "work"))
    parser.add_argument("--top", type=int, default=12)
    parser.add_argument("--frames", type=int, default=1, help="frames kept of each allocation's traceback")
    parser.add_argument("--no-trace", action="store_true", help="resident memory by phase only")
    parser.add_argument("--baseline", action="store_true", help="the benchmark's baseline build instead of the site")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="a setting for this build (VALUE a Python literal), as `pelican -e` takes it")
    args = parser.parse_args(argv)
    corpus = corpus_folder(args.articles, args.shape, Path(args.work))
    output = Path(args.work) / f"out-memory-{args.shape}-{args.articles}"
    os.chdir(ROOT)
    from pelican import Pelican
    from pelican.settings import read_settings

    if args.baseline:
        settings = read_settings(str(HERE / "baseline_conf.py"), override={
            "PATH": str(corpus / "pelican"), "OUTPUT_PATH": str(output) + "-baseline"})
    else:
        settings = read_settings(str(ROOT / "pelicanconf.py"), override={
            "PATH": str(corpus / "pelican"), "OUTPUT_PATH": str(output), "CACHE_CONTENT": False,
            "LOAD_CONTENT_CACHE": False, "SITE_SEARCH_INDEX": False})
    for item in args.set:
        key, _, value = item.partition("=")
        settings[key] = ast.literal_eval(value)
    phases = Phases(args.top, args.frames)
    if args.no_trace:
        phases.take = lambda phase: print(f"== {phase}: RSS now %.0f MB, max %.0f MB" % rss_mb(), flush=True)
    else:
        tracemalloc.start(args.frames)
    signals.article_generator_init.connect(phases.start)
    signals.article_generator_finalized.connect(phases.read)
    signals.all_generators_finalized.connect(phases.finalized_all)
    signals.content_written.connect(phases.wrote)
    signals.article_writer_finalized.connect(phases.articles_written)
    signals.finalized.connect(phases.end)
    Pelican(settings).run()


if __name__ == "__main__":
    main()
