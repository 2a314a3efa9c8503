"""Tasks behind the Makefile (`invoke --list`), after Pelican's quickstart tasks.py.

    invoke build [--publish]   strict build into output/, replaced only on success
    invoke serve [--port N]    build, serve on http://127.0.0.1:8000, rebuild + reload on change
    invoke test                the whole test suite (installs Chromium when missing)
    invoke check               content lint + checks of the built site (make check)
    invoke clean               remove output/ and the content cache
    invoke new-post "Title"    scaffold content/stories/<slug>.md
    invoke search-report       search relevance of reader queries into docs/search.md
    invoke vendor              copy the browser libraries from node_modules/ into theme/static/js/vendor/
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys

from invoke import task

from devkit import chromium as chromium_tools
from devkit import scaffold
from devkit.paths import CONTENT, OUTPUT, ROOT
from devkit.staging import build_site

HOST, PORT = "127.0.0.1", 8000


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


@task
def chromium(c):
    """Make sure a Chromium is there for the browser tests (Debian's, when root)."""
    if chromium_tools.ensure():
        return
    sys.exit(
        "No Chromium found for the browser tests. Install one (Debian/Ubuntu: "
        "`sudo apt-get install chromium`; macOS: `brew install --cask chromium`) and, "
        "if it is not on PATH, point CHROMIUM_PATH at its executable."
    )


@task(pre=[chromium], help={"k": "only tests matching this expression", "x": "stop at first failure"})
def test(c, k="", x=False):
    """Run the whole test suite."""
    os.environ.setdefault("CHROMIUM_PATH", chromium_tools.find() or "")
    command = [sys.executable, "-m", "pytest"] + (["-k", k] if k else []) + (["-x"] if x else [])
    sys.exit(subprocess.run(command, cwd=ROOT).returncode)


@task(help={"publish": "check a production build (builds one first when output/ is empty)"})
def check(c, publish=False):
    """Content lint, then checks of the built site in output/ (links, HTML, feeds, sitemap, hosts)."""
    from checks import lint, site

    if not shutil.which("java") and not chromium_tools.apt_install("default-jre-headless"):
        print("No Java found: the Nu HTML Checker needs one (Debian: apt-get install default-jre-headless)")
    failed = lint.main([str(CONTENT)]) != 0
    if not (OUTPUT / "index.html").exists() and not build_site(publish=publish):
        sys.exit(1)
    failed |= site.main([str(OUTPUT)]) != 0
    sys.exit(1 if failed else 0)


@task
def search_report(c):
    """Type the reader queries of tests/search_relevance.json into /search/; write docs/search.md."""
    os.environ.setdefault("CHROMIUM_PATH", chromium_tools.find() or "")
    sys.exit(subprocess.run([sys.executable, "-m", "checks.search_relevance", "--write",
                             str(ROOT / "docs" / "search.md")], cwd=ROOT).returncode)


# Browser libraries the theme ships, copied from their npm packages (versions
# pinned in package.json / package-lock.json): (package file, theme file)
VENDORED = [
    ("fastest-levenshtein/esm/mod.js", "fastest-levenshtein.js"),
    ("fastest-levenshtein/LICENSE.md", "fastest-levenshtein.LICENSE.md"),
]


@task
def vendor(c):
    """Install the pinned npm packages (npm ci) and copy the browser libraries into the theme."""
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=ROOT, check=True)
    target = ROOT / "theme" / "static" / "js" / "vendor"
    target.mkdir(parents=True, exist_ok=True)
    for source, name in VENDORED:
        shutil.copyfile(ROOT / "node_modules" / source, target / name)
        print(f"theme/static/js/vendor/{name} <- node_modules/{source}")


@task
def clean(c):
    """Remove the built site and the content cache."""
    for path in [OUTPUT, ROOT / "cache", *ROOT.glob("output.*")]:
        shutil.rmtree(path, ignore_errors=True)


@task(help={"title": "the story's title", "companies": "comma-separated, e.g. Lego,Disney",
            "tags": "comma-separated themes from CASEBOOK_THEMES"})
def new_post(c, title, companies="", tags=""):
    """Write content/stories/<slug>.md with metadata and callouts to fill in (never overwrites)."""
    try:
        path = scaffold.new_post(CONTENT, title, companies, tags)
    except scaffold.ScaffoldError as error:
        sys.exit(str(error))
    print(f"wrote {os.path.relpath(path)} (Status: draft; remove that line to publish)")
