"""The strict build into a fresh folder, swapped in only when it succeeds; one build at a time."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from .paths import CONTENT, OUTPUT, ROOT, SETTINGS

# one build at a time: builds share output/ and the content cache
BUILD_LOCK = ROOT / "cache" / "build.lock"


def pelican_command(output: Path, publish: bool, strict: bool = True, content: Path = CONTENT,
                    reuse_from: Path | None = None):
    command = [
        sys.executable, "-m", "pelican", str(content),
        "--settings", str(SETTINGS[publish]),
        "--output", str(output),
        "--log-handler", "plain",
    ]
    if reuse_from is not None:
        # unchanged story pages are linked from the live site (plugins/casebook/incremental.py)
        command += ["--extra-settings", f"CASEBOOK_REUSE_FROM={json.dumps(str(reuse_from))}"]
    return command + (["--fatal", "errors"] if strict else [])


def build_site(output: Path = OUTPUT, publish: bool = False, strict: bool = True,
               content: Path = CONTENT) -> bool:
    """Build into a fresh folder beside ``output`` and swap it in only on success.

    A failed build (an author's error under --fatal errors, a crash, Ctrl-C or
    SIGTERM) leaves the last good site in ``output`` untouched and no
    half-written folder behind; one killed outright (SIGKILL) leaves one, which
    the next build removes. Builds wait for each other (a lock in cache/).
    """
    output = Path(output)
    with one_build_at_a_time(), stop_on_sigterm():
        remove_stale_folders(output)
        staging = output.with_name(f"{output.name}.building-{os.getpid()}")
        shutil.rmtree(staging, ignore_errors=True)
        process = None
        try:
            reuse_from = output if output.exists() else None
            # a session of its own: stopping the build stops what it started too (Pagefind, workers)
            process = subprocess.Popen(pelican_command(staging, publish, strict, content, reuse_from), cwd=ROOT,
                                       start_new_session=os.name == "posix")
            returncode = process.wait()
            if returncode != 0:
                print(f"build failed (exit {returncode}): {output} left as it was", file=sys.stderr)
                return False
            previous = output.with_name(f"{output.name}.previous-{os.getpid()}")
            if output.exists():
                output.rename(previous)
            staging.rename(output)
            shutil.rmtree(previous, ignore_errors=True)
            return True
        except KeyboardInterrupt:  # Ctrl-C or SIGTERM: cleaned up below, no traceback
            print(f"build stopped: {output} left as it was", file=sys.stderr)
            raise SystemExit(130) from None
        finally:
            if process is not None and process.poll() is None:  # interrupted: stop Pelican first
                stop(process)
            shutil.rmtree(staging, ignore_errors=True)


def stop(process: subprocess.Popen) -> None:
    """Stop a build and every process it started (its session), then wait for it."""
    def signal_all(signum):
        try:
            os.killpg(process.pid, signum) if os.name == "posix" else process.send_signal(signum)
        except ProcessLookupError:
            pass

    signal_all(signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        signal_all(signal.SIGKILL)
        process.wait()
    signal_all(signal.SIGKILL)  # what it started and left behind


@contextmanager
def one_build_at_a_time():
    """Hold the build lock (filelock: released by the system if the process dies)."""
    BUILD_LOCK.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(BUILD_LOCK)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        print("another build is running (make build or make serve): waiting for it to finish", file=sys.stderr)
        lock.acquire()
    try:
        yield
    finally:
        lock.release()


@contextmanager
def stop_on_sigterm():
    """SIGTERM (a CI job cancelled, `kill`) unwinds like Ctrl-C, so cleanup runs."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def remove_stale_folders(output: Path) -> None:
    """Staging folders of builds whose process is gone (killed outright)."""
    for path in output.parent.glob(f"{output.name}.*-*"):
        kind, _, pid = path.name[len(output.name) + 1:].rpartition("-")
        if kind not in ("building", "previous") or not pid.isdigit() or not path.is_dir():
            continue
        if int(pid) == os.getpid() or not process_alive(int(pid)):
            if kind == "previous" and not output.exists():  # stopped between its two renames
                path.rename(output)
                continue
            print(f"removing {path.name}, left by a build that was stopped", file=sys.stderr)
            shutil.rmtree(path, ignore_errors=True)


def process_alive(pid: int) -> bool:
    if os.name == "nt":  # signal 0 is CTRL_C_EVENT there: never ask
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True
