"""Tasks behind the Makefile (`invoke --list`), after Pelican's quickstart tasks.py.

    invoke build [--publish]   strict build into output/, replaced only on success
    invoke serve               build, serve on http://127.0.0.1:8000, rebuild + reload on change
    invoke test                the whole test suite (installs Chromium when missing)
    invoke check               content lint + checks of the built site (make check)
    invoke clean               remove output/ and the content cache
    invoke new-post "Title"    scaffold content/stories/<slug>.md
    invoke search-report       search relevance of reader queries into docs/search.md
    invoke vendor              copy the browser libraries from node_modules/ into theme/static/js/vendor/
"""

from __future__ import annotations

import datetime
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from invoke import task

ROOT = Path(__file__).resolve().parent
OUTPUT = ROOT / "output"
CONTENT = ROOT / "content"
SETTINGS = {False: ROOT / "pelicanconf.py", True: ROOT / "publishconf.py"}
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

    A failed build (an author's error under --fatal errors, a crash) leaves the
    last good site in ``output`` untouched and no half-written folder behind.
    """
    output = Path(output)
    staging = output.with_name(f"{output.name}.building-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        reuse_from = output if output.exists() else None
        result = subprocess.run(pelican_command(staging, publish, strict, content, reuse_from), cwd=ROOT)
        if result.returncode != 0:
            print(f"build failed (exit {result.returncode}): {output} left as it was", file=sys.stderr)
            return False
        previous = output.with_name(f"{output.name}.previous-{os.getpid()}")
        if output.exists():
            output.rename(previous)
        staging.rename(output)
        shutil.rmtree(previous, ignore_errors=True)
        return True
    finally:
        shutil.rmtree(staging, ignore_errors=True)


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
def search_report(c):
    """Type the reader queries of tests/search_relevance.json into /search/; write docs/search.md."""
    os.environ.setdefault("CHROMIUM_PATH", find_chromium() or "")
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
