"""Run one command and write its wall seconds, peak memory and CPU seconds to a file.

    python -m benchmarks.launch RESULT.json -- COMMAND...

The benchmark starts every build through this small process. Linux counts,
in a process's peak resident memory (``ru_maxrss``), the peak of the process
it was started from (the memory it was forked from is recorded when it
executes the command), so a build started by the benchmark itself, which
grows to the size of a build, could never report less than the benchmark's
own peak: the baseline's peak was the benchmark's. This process stays small,
so what it reports is the command's own (and its child processes').
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    result, command = argv[0], argv[argv.index("--") + 1:]
    started = time.perf_counter()
    process = subprocess.Popen(command)
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    with open(result, "w", encoding="utf-8") as fh:
        json.dump({"seconds": elapsed, "peak_mb": usage.ru_maxrss / 1024,
                   "cpu_seconds": usage.ru_utime + usage.ru_stime}, fh)
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    sys.exit(main())
