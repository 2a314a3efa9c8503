"""Tasks behind the Makefile (`invoke --list`), after Pelican's quickstart tasks.py.

    invoke build [--publish]   strict build into output/, replaced only on success
    invoke serve               build, serve on http://127.0.0.1:8000, rebuild + reload on change
    invoke test                the whole test suite (installs Chromium when missing)
    invoke check               content lint + checks of the built site (make check)
    invoke clean               remove output/ and the content cache
    invoke new-post "Title"    scaffold content/stories/<slug>.md
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from devkit import chromium as chromium_tools
from devkit import scaffold
from devkit.paths import CONTENT, OUTPUT, ROOT
from devkit.staging import build_site
from invoke import task

HOST, PORT = "127.0.0.1", 8000


@task(help={"publish": "use publishconf.py (absolute SITEURL, JSON-LD, minified)"})
def build(c, publish=False):
    """Strict build (--fatal errors) into output/."""
    if not build_site(publish=publish):
        sys.exit(1)


@task
def serve(c):
    """Build, serve on http://127.0.0.1:8000 and rebuild + reload the browser on change."""
    from livereload import Server

    def rebuild():
        # A fresh process each time, so edits to plugins/ take effect too; the
        # content cache keeps a one-post edit quick. Not strict: a mistake is
        # shown in the log and the last good pages stay up.
        build_site(strict=False)

    rebuild()
    server = Server()
    for pattern in ("content/**/*", "theme/**/*", "plugins/**/*.py", "pelicanconf.py"):
        server.watch(str(ROOT / pattern), rebuild)
    print(f"Serving {OUTPUT} on http://{HOST}:{PORT} (Ctrl-C to stop)")
    server.serve(host=HOST, port=PORT, root=str(OUTPUT), open_url_delay=None)


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
