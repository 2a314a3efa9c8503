"""Tasks behind the Makefile (`invoke --list`), after Pelican's quickstart tasks.py.

    invoke build [--publish]   strict build into output/, replaced only on success
    invoke serve [--port N]    build, serve on http://127.0.0.1:8000, rebuild + reload on change
    invoke test                the whole test suite (installs Chromium when missing)
    invoke check               content lint + checks of the built site (make check)
    invoke clean               remove output/ and the content cache
    invoke new-post "Title"    scaffold content/stories/<slug>.md
"""

from __future__ import annotations

import datetime
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout
from invoke import task

ROOT = Path(__file__).resolve().parent
OUTPUT = ROOT / "output"
CONTENT = ROOT / "content"
SETTINGS = {False: ROOT / "pelicanconf.py", True: ROOT / "publishconf.py"}
# one build at a time: builds share output/ and the content cache
BUILD_LOCK = ROOT / "cache" / "build.lock"
HOST, PORT = "127.0.0.1", 8000
CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


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
            process = subprocess.Popen(pelican_command(staging, publish, strict, content, reuse_from), cwd=ROOT)
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
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            shutil.rmtree(staging, ignore_errors=True)


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


@task(help={"publish": "use publishconf.py (absolute SITEURL, JSON-LD, minified)"})
def build(c, publish=False):
    """Strict build (--fatal errors) into output/."""
    if not build_site(publish=publish):
        sys.exit(1)


def port_problem(host: str, port: int) -> str | None:
    """Why the server cannot listen on host:port, or None when it can."""
    try:
        with socket.create_server((host, port)):
            return None
    except OSError as error:
        reason = "it is in use (another make serve?)" if error.errno == 98 or "in use" in str(error) else error.strerror
        return f"cannot serve on http://{host}:{port}: {reason}; try make serve PORT={port + 1}"


@task(help={"host": f"address to listen on (default {HOST}; make serve HOST=...)",
            "port": f"port to listen on (default {PORT}; make serve PORT=8001)"})
def serve(c, host=HOST, port=PORT):
    """Build, serve on http://127.0.0.1:8000 and rebuild + reload the browser on change."""
    from livereload import Server

    port = int(port)
    problem = port_problem(host, port)
    if problem:
        sys.exit(problem)

    def rebuild():
        # A fresh process each time, so edits to plugins/ take effect too; the
        # content cache keeps a one-post edit quick. Not strict: a mistake is
        # shown in the log and the last good pages stay up.
        # Its mistakes are also listed at the top of every page (CASEBOOK_SHOW_PROBLEMS).
        build_site(OUTPUT, strict=False, content=CONTENT)

    rebuild()
    server = Server()
    for pattern in (CONTENT / "**" / "*", ROOT / "theme/**/*", ROOT / "plugins/**/*.py", ROOT / "pelicanconf.py"):
        server.watch(str(pattern), rebuild)
    print(f"Serving {OUTPUT} on http://{host}:{port} (Ctrl-C to stop)")
    try:
        server.serve(host=host, port=port, root=str(OUTPUT), open_url_delay=None)
    except OSError:  # taken while the site was building
        sys.exit(port_problem(host, port) or f"cannot serve on http://{host}:{port}")
    except KeyboardInterrupt:
        print("stopped")


def find_chromium() -> str | None:
    configured = os.environ.get("CHROMIUM_PATH")
    if configured:
        return configured if Path(configured).exists() else None
    for name in CHROMIUM_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def apt_install(package: str) -> bool:
    """Install a Debian package when we are root on Debian; False elsewhere."""
    if not (Path("/etc/debian_version").exists() and os.geteuid() == 0):
        return False
    print(f"installing Debian's {package} package")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-q"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-q", "--no-install-recommends", package], check=True, env=env)
    return True


@task
def chromium(c):
    """Make sure a Chromium is there for the browser tests (Debian's, when root)."""
    if find_chromium():
        return
    if apt_install("chromium") and find_chromium():
        return
    sys.exit(
        "No Chromium found for the browser tests. Install one (Debian/Ubuntu: "
        "`sudo apt-get install chromium`; macOS: `brew install --cask chromium`) and, "
        "if it is not on PATH, point CHROMIUM_PATH at its executable."
    )


@task(pre=[chromium], help={"k": "only tests matching this expression", "x": "stop at first failure"})
def test(c, k="", x=False):
    """Run the whole test suite."""
    os.environ.setdefault("CHROMIUM_PATH", find_chromium() or "")
    command = [sys.executable, "-m", "pytest"] + (["-k", k] if k else []) + (["-x"] if x else [])
    sys.exit(subprocess.run(command, cwd=ROOT).returncode)


@task(help={"publish": "check a production build (builds one first when output/ is empty)"})
def check(c, publish=False):
    """Content lint, then checks of the built site in output/ (links, HTML, feeds, sitemap, hosts)."""
    from checks import lint, site

    if not shutil.which("java") and not apt_install("default-jre-headless"):
        print("No Java found: the Nu HTML Checker needs one (Debian: apt-get install default-jre-headless)")
    failed = lint.main([str(CONTENT)]) != 0
    if not (OUTPUT / "index.html").exists() and not build_site(publish=publish):
        sys.exit(1)
    failed |= site.main([str(OUTPUT)]) != 0
    sys.exit(1 if failed else 0)


@task
def clean(c):
    """Remove the built site and the content cache."""
    for path in [OUTPUT, ROOT / "cache", *ROOT.glob("output.*")]:
        shutil.rmtree(path, ignore_errors=True)


POST_TEMPLATE = """\
Title: {title}
Date: {date}
Category: Case studies
Tags: {tags}
Companies: {companies}
Summary: One or two sentences: who, what happened, why it matters.
Source: Who first told this story (author, publication or talk)
Status: draft

Tell the story in your own words: what happened, who did what, what it led to.

> [!takeaway] What a team can do differently on its next shift
> One or two sentences a reader can act on.

> [!lesson] The principle the story teaches
> Why it works, beyond this one company.
"""


@task(help={"title": "the story's title", "companies": "comma-separated, e.g. Lego,Disney",
            "tags": "comma-separated themes from CASEBOOK_THEMES"})
def new_post(c, title, companies="", tags=""):
    """Write content/stories/<slug>.md with metadata and callouts to fill in (never overwrites)."""
    from pelican.settings import DEFAULT_CONFIG
    from pelican.utils import slugify

    slug = slugify(title, regex_subs=DEFAULT_CONFIG["SLUG_REGEX_SUBSTITUTIONS"])
    if not slug:
        sys.exit(f"cannot make a file name from {title!r}")
    path = CONTENT / "stories" / f"{slug}.md"

    def clean(value):
        return ", ".join(v.strip() for v in value.split(",") if v.strip())

    text = POST_TEMPLATE.format(
        title=title.strip(), date=datetime.date.today().isoformat(),
        tags=clean(tags), companies=clean(companies),
    )
    if not clean(companies):
        text = text.replace("Companies: \n", "")
    try:
        with open(path, "x", encoding="utf-8") as fh:  # "x": fails if it exists
            fh.write(text)
    except FileExistsError:
        sys.exit(f"{os.path.relpath(path)} already exists: choose another title")
    print(f"wrote {os.path.relpath(path)} (Status: draft; remove that line to publish)")
