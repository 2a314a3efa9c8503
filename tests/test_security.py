"""What a story can inject, what production leaks, and what a page may run (issue #18)."""

from __future__ import annotations

import gzip
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from casebook.html_policy import content_security_policy
from helpers import FIXTURES, ROOT, build, page, soup

INJECTED = FIXTURES / "injected_html" / "content"
LINE_RE = re.compile(r"^(?P<path>\S+\.md):(?P<line>\d+): (?P<message>.+)$", re.M)

# (file, line, words of the message): every injection, where the author wrote it
EXPECTED_ERRORS = {
    ("body.md", 8, "<script>"),
    ("body.md", 10, "onerror="),
    ("body.md", 12, "javascript: URL in href="),
    ("body.md", 14, "<iframe> from 'tracker.example'"),
    ("body.md", 16, "javascript: URL in xlink:href="),
    ("body.md", 22, "<object>"),
    ("body.md", 22, "data: URL in data="),
    ("summary.md", 4, "in 'Summary:', event-handler attribute onerror="),
    ("summary.md", 4, "in 'Summary:', javascript: URL in href="),
    ("callout-body.md", 9, "onload= on <img>"),
    ("callout-body.md", 10, "<script>"),
    ("callout-body.md", 11, "data: URL in href="),
    ("callout-title.md", 8, "link in a callout title (https://example.org/policy)"),
    ("callout-title.md", 11, "in a callout title, <script>"),
    ("metadata.md", 1, "in 'Title:', event-handler attribute onerror="),
    ("metadata.md", 3, "in 'Tags:', <script>"),
    ("metadata.md", 4, "in 'Companies:', event-handler attribute onload="),
    ("metadata.md", 5, "in 'Source:', javascript: URL"),
}


def strict_build(content: Path, output: Path, settings="pelicanconf.py", *extra):
    return subprocess.run(
        [sys.executable, "-m", "pelican", str(content), "-s", str(ROOT / settings), "-o", str(output),
         "--log-handler", "plain", "--fatal", "errors",
         "-e", "CACHE_CONTENT=false", "LOAD_CONTENT_CACHE=false", *extra],
        capture_output=True, text=True, cwd=ROOT,
    )


def test_strict_build_names_every_injection_with_its_line(tmp_path):
    result = strict_build(INJECTED, tmp_path / "out")
    assert result.returncode == 1
    log = result.stdout + result.stderr
    assert "Traceback" not in log
    found = [(Path(m["path"]).name, int(m["line"]), m["message"]) for m in LINE_RE.finditer(log)]
    for name, line, words in EXPECTED_ERRORS:
        assert any(f == name and n == line and words in msg for f, n, msg in found), (name, line, words, found)
    assert {f for f, _, _ in found} == {name for name, _, _ in EXPECTED_ERRORS}, "clean.md reports nothing"
    assert len(found) == len(EXPECTED_ERRORS), found
    assert not (tmp_path / "out" / "index.html").exists()


# -- nothing executable in a lenient build ----------------------------------------
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcset", "cite"}
OUR_SCRIPTS = re.compile(r"/theme/js/(site|search|scheme|print)\.js(\?v=\w+)?$")


def executable_parts(html: str, where: str) -> list[str]:
    """Everything in an HTML document or fragment that a browser could run."""
    found = []
    document = BeautifulSoup(html, "html.parser")
    for el in document.find_all(True):
        name = el.name.lower()
        if name == "script":
            if el.get("type") == "application/ld+json":
                json.loads(el.string)  # data, not code: it must parse as JSON
            elif not (el.get("src") and OUR_SCRIPTS.search(el["src"]) and not (el.string or "").strip()):
                found.append(f"{where}: {el}")
        if name in ("iframe", "object", "embed", "applet", "base", "frame"):
            found.append(f"{where}: <{name}>")
        for attr, value in el.attrs.items():
            value = " ".join(value) if isinstance(value, list) else str(value)
            if attr.lower().startswith("on"):
                found.append(f"{where}: {attr}= on <{name}>")
            if attr.lower() in URL_ATTRIBUTES:
                compact = re.sub(r"[\x00-\x20]", "", value).lower()
                if compact.startswith(("javascript:", "vbscript:", "data:")):
                    found.append(f"{where}: {attr}={value!r}")
    return found


def published_html(output: Path):
    """(where, HTML) for every page, every HTML payload of a feed and of callouts.json."""
    for path in sorted(output.rglob("*")):
        where = str(path.relative_to(output))
        if path.suffix == ".html":
            yield where, path.read_text()
        elif path.suffix == ".xml" and "feeds" in path.parts:
            for el in ET.parse(path).iter():
                if el.tag.endswith(("content", "summary")) and el.text:
                    yield where, el.text
        elif path.suffix == ".json" and not path.is_relative_to(output / "pagefind"):
            # documented: "html" fields are HTML; "title", "text" and the rest are plain text
            yield from ((where, html) for html in json_values(json.loads(path.read_text()), "html"))


def json_values(value, key):
    if isinstance(value, dict):
        for k, v in value.items():
            if k == key and isinstance(v, str):
                yield v
            else:
                yield from json_values(v, key)
    elif isinstance(value, list):
        for v in value:
            yield from json_values(v, key)


@pytest.fixture(scope="module")
def injected_site(tmp_path_factory):
    output = tmp_path_factory.mktemp("injected") / "output"
    build(INJECTED, output)  # lenient: the errors are logged, the site is written
    return output


def test_lenient_build_publishes_nothing_executable(injected_site):
    documents = list(published_html(injected_site))
    assert {w for w, _ in documents} >= {"stories/body/index.html", "callouts.json", "feeds/all.atom.xml"}
    found = [f for where, html in documents for f in executable_parts(html, where)]
    assert found == []


def test_text_typed_as_html_stays_visible_text(injected_site):
    """Metadata and callout titles are text: the markup shows as written, runs nowhere."""
    story = soup(page(injected_site, "stories/callout-title/"))
    titles = [h.get_text().replace("\u2019", "'") for h in story.select("aside .callout-title")]
    assert "Never <script>window.__xss='title'</script> trust input" in titles
    assert not story.select("aside .callout-title a")
    metadata = soup(page(injected_site, "stories/metadata/"))
    assert metadata.h1.get_text() == "Metadata <img src=x onerror=\"window.__xss='meta-title'\">"


def test_callout_title_keeps_emphasis_and_code_and_shows_a_link_as_its_text(injected_site):
    story = soup(page(injected_site, "stories/callout-title/"))
    heading = story.select_one("#read-the-policy-before-saying-no")
    assert heading.get_text() == "Read the policy before saying no"
    assert [el.name for el in heading.find_all(True)] == ["em", "code"]
    entry = []
    for listing in (injected_site / "takeaways").rglob("index.html"):  # the overview and each theme's page
        index = soup(listing)
        assert not index.select("a a"), "no link inside the index pages' own links"
        entry += [a for a in index.select(".entry-title a") if "policy" in a.get_text()]
    assert entry and all([el.name for el in a.find_all(True)] == ["em", "code"] for a in entry)
    record = next(c for c in json.loads((injected_site / "callouts.json").read_text())["callouts"]
                  if c["id"] == "read-the-policy-before-saying-no")
    assert record["title"] == "Read the policy before saying no"


def test_harmless_raw_html_and_ordinary_links_are_kept(injected_site):
    story = soup(page(injected_site, "stories/clean/"))
    body = story.select_one(".story-body")
    assert body.select_one('a[href="https://example.org/"]').get_text() == "link"
    assert body.select_one('img[src="https://example.org/x.png"]')["alt"] == "an image"
    assert body.select_one("details summary").get_text() == "More"
    assert [el.name for el in story.select_one("aside .callout-title").find_all(True)] == ["strong", "code"]
    sanitised = soup(page(injected_site, "stories/body/")).select_one(".story-body")
    assert "An ordinary first paragraph." in sanitised.get_text()
    assert sanitised.select_one("img")["alt"] == "x", "the image stays, without its handler"
    assert "<script>" in sanitised.select_one("code").get_text(), "code shows markup as text"


def test_a_trusted_embed_host_is_kept_and_allowed_by_the_csp(tmp_path, error_log):
    output = tmp_path / "out"
    build(FIXTURES / "embed" / "content", output, CASEBOOK_HTML_EMBED_HOSTS=["www.youtube-nocookie.com"])
    story = soup(page(output, "stories/video/"))
    frames = story.select(".story-body iframe")
    assert [f["src"] for f in frames] == ["https://www.youtube-nocookie.com/embed/abc123"]
    assert any("tracker.example" in m and "CASEBOOK_HTML_EMBED_HOSTS" in m for m in error_log)
    assert not any("youtube" in m for m in error_log)
    csp = story.select_one('meta[http-equiv="Content-Security-Policy"]')["content"]
    assert "frame-src https://www.youtube-nocookie.com" in csp


def test_without_an_allow_list_no_iframe_is_published(tmp_path):
    output = tmp_path / "out"
    build(FIXTURES / "embed" / "content", output)
    assert not soup(page(output, "stories/video/")).select("iframe")


# -- nothing unpublished in production ------------------------------------------
UNPUBLISHED = FIXTURES / "unpublished" / "content"
SECRET_WORDS = ("zqhiddenword", "zqhiddenco", "zqdraftword", "zqdraftco")


def readable(path: Path) -> str:
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":  # Pagefind's index and fragments are gzipped
        data = gzip.decompress(data)
    return data.decode("utf-8", "replace").lower()


def test_production_build_names_no_hidden_or_draft_story_anywhere(tmp_path, monkeypatch):
    monkeypatch.setenv("SITEURL", "https://example.org")
    output = tmp_path / "out"
    result = strict_build(UNPUBLISHED, output, "publishconf.py", "SITEURL=\"https://example.org\"")
    assert result.returncode == 0, result.stdout + result.stderr
    files = [p for p in output.rglob("*") if p.is_file()]
    assert (output / "pagefind" / "pagefind-entry.json").exists()
    assert len(files) > 20
    leaks = [(str(p.relative_to(output)), w) for p in files for w in SECRET_WORDS if w in readable(p)]
    assert leaks == []
    for slug in ("hidden", "draft"):
        assert not list(output.rglob(f"*{slug}*")), f"no file or folder named after the {slug} story"
    assert "drafts" not in (output / "robots.txt").read_text()
    entry = json.loads((output / "pagefind" / "pagefind-entry.json").read_text())
    # the one published story, and its one callout as a search record of its own
    assert entry["languages"]["en"]["page_count"] == 2


def test_production_still_reports_errors_in_unpublished_stories(tmp_path):
    content = tmp_path / "content" / "stories"
    content.mkdir(parents=True)
    (content / "secret.md").write_text(
        "Title: Secret\nDate: 2024-01-01\nStatus: hidden\nSummary: s\n\nBody <script>x()</script>\n"
    )
    result = strict_build(tmp_path / "content", tmp_path / "out", "publishconf.py")
    assert result.returncode == 1
    assert re.search(r"secret\.md:6: <script> is not allowed", result.stdout + result.stderr)


def test_development_keeps_drafts_under_drafts_and_robots_names_them(tmp_path):
    output = tmp_path / "out"
    build(UNPUBLISHED, output)
    draft = soup(page(output, "drafts/draft/"))
    assert draft.h1.get_text() == "Zqdraftword in the title"
    assert page(output, "stories/hidden/").exists(), "hidden: written but unlisted, as Pelican does"
    assert "Disallow: /drafts/" in (output / "robots.txt").read_text()
    assert "zqhiddenword" not in readable(output / "index.html")


# -- CSP and referrer policy ------------------------------------------------------
def test_every_page_carries_the_csp_and_referrer_policy(basic_site):
    pages = list(basic_site.rglob("*.html"))
    assert len(pages) > 10
    for path in pages:
        head = soup(path).head
        csp = head.select_one('meta[http-equiv="Content-Security-Policy"]')["content"]
        assert "default-src 'self'" in csp and "script-src 'self' 'wasm-unsafe-eval'" in csp, path
        assert "unsafe-inline" not in csp
        assert head.select_one('meta[name="referrer"]')["content"], path


def test_pages_need_no_inline_script_or_style(basic_site):
    for path in basic_site.rglob("*.html"):
        document = soup(path)
        assert not document.select("style, [style]"), path
        for script in document.select("script"):
            assert script.get("src") or script.get("type") == "application/ld+json", path


def test_script_and_icons_are_cache_busted_in_production(tmp_path):
    output = tmp_path / "out"
    build(FIXTURES / "basic" / "content", output, settings_file="publishconf.py")
    head = soup(page(output, "")).head
    for selector, attr in (("script[src]", "src"), ('link[rel="stylesheet"]', "href"), ('link[rel="icon"]', "href")):
        assert re.search(r"\?v=\w{10}$", head.select_one(selector)[attr]), selector


@pytest.mark.browser
def test_production_site_runs_with_its_csp_as_a_header_without_violations(browser, tmp_path_factory):
    import functools
    import http.server
    import socket
    import threading

    with socket.socket() as probe:  # the port, before the build: production URLs are absolute
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    output = tmp_path_factory.mktemp("csp") / "output"
    settings = build(ROOT / "content", output, settings_file="publishconf.py", SITEURL=base, FEED_DOMAIN=base)
    policy = content_security_policy(settings)
    assert soup(page(output, "")).select_one('meta[http-equiv="Content-Security-Policy"]')["content"] == policy

    class Handler(http.server.SimpleHTTPRequestHandler):
        def end_headers(self):
            self.send_header("Content-Security-Policy", policy)
            super().end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(Handler, directory=str(output)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    context = browser.new_context(bypass_csp=False)  # the policy applies: that is the test
    problems = []
    try:
        tab = context.new_page()
        tab.set_default_timeout(15000)
        tab.add_init_script(
            "window.__csp = []; document.addEventListener('securitypolicyviolation',"
            " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
        )
        tab.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
        tab.on("pageerror", lambda e: problems.append(str(e)))
        story = next((output / "stories").iterdir()).name
        for url in ("", f"stories/{story}/", "themes/", "companies/", "takeaways/", "playbook/", "archives/",
                    "404.html"):
            tab.goto(f"{base}/{url}")
            tab.wait_for_load_state("load")
            problems += tab.evaluate("window.__csp")
        # (locators, not wait_for_function: Playwright evaluates a predicate
        # string with eval, which this very policy forbids)
        tab.goto(f"{base}/search/?q=recovery")
        tab.locator(".search-result").first.wait_for()  # search ran: its WebAssembly is allowed
        problems += tab.evaluate("window.__csp")
        tab.fill("#search-q", "Luka")
        tab.locator(".search-result", has_text="Luka").first.wait_for()
        problems += tab.evaluate("window.__csp")
    finally:
        context.close()
        server.shutdown()
    assert problems == []


# -- the policy's pure functions ---------------------------------------------------
@pytest.mark.parametrize("html", [
    '<a href="jav\tascript:alert(1)">x</a>',  # browsers drop tabs inside a URL
    '<a href="jav&Tab;ascript:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="javascript&colon;alert(1)">x</a>',
    '<img src="x.png" alt="" ONERROR="alert(1)">',
    '<svg><animate onbegin="alert(1)"></animate></svg>',
    '<form action="javascript:alert(1)"><button>go</button></form>',
    '<img srcset="a.png 1x, javascript:alert(1) 2x" alt="">',
    '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>',
    '<embed src="x.swf">',
])
def test_obfuscated_injections_are_found_and_removed(html):
    from casebook.html_policy import Policy

    policy = Policy()
    assert policy.find(html), html
    assert executable_parts(policy.clean(html), "cleaned") == []


def test_findings_are_located_in_order_past_code_examples():
    from casebook.html_policy import Policy, locate

    lines = ["Title: x", "", "Write `<script>` as text.", "",
             'A <a href="javascript:a()">b</a> and <a href="javascript:c()">d</a>', "",
             "```html", "<script>example()</script>", "```", "", "    <script>indented()</script>", "",
             "<script>x()</script>"]
    policy = Policy()
    html = ('<p>Write <code>&lt;script&gt;</code> as text.</p><p>A <a href="javascript:a()">b</a> and '
            '<a href="javascript:c()">d</a></p><pre><code>&lt;script&gt;example()&lt;/script&gt;</code></pre>'
            '<pre><code>&lt;script&gt;indented()&lt;/script&gt;</code></pre><script>x()</script>')
    located = locate(policy.find(html), lines, first=2)
    assert [line for line, _ in located] == [5, 5, 13]


@pytest.mark.browser
def test_make_serve_live_reload_runs_under_the_development_csp(browser, basic_site, tmp_path):
    """livereload (make serve) injects one inline script: the development CSP allows
    exactly it (CASEBOOK_CSP_SCRIPT_HASHES), and its WebSocket back to the server."""
    import socket
    import time
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    script = ("import sys; from livereload import Server; "
              "Server().serve(port=int(sys.argv[1]), host='127.0.0.1', root=sys.argv[2], open_url_delay=None)")
    server = subprocess.Popen([sys.executable, "-c", script, str(port), str(basic_site)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    context = browser.new_context(bypass_csp=False)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        tab = context.new_page()
        messages, sockets = [], []
        tab.on("console", lambda m: messages.append(m.text) if m.type in ("error", "warning") else None)
        tab.on("websocket", lambda ws: sockets.append(ws.url))
        with tab.expect_event("websocket"):
            tab.goto(f"http://127.0.0.1:{port}/")
    finally:
        context.close()
        server.terminate()
        server.wait(timeout=10)
    assert messages == []
    assert sockets and sockets[0].startswith(f"ws://127.0.0.1:{port}/livereload")


def test_callout_title_markdown_keeps_only_emphasis_and_code():
    """On a string, as the callout extension is tested: links, images and
    autolinks become their text; a link is a problem on the callout's line."""
    import markdown
    from pelican.plugins.callouts.markdown_ext import CalloutsExtension

    md = markdown.Markdown(extensions=["extra", CalloutsExtension()], output_format="html5")
    md.convert("Intro.\n\n> [!lesson] See [*the* rule](https://a.example) with ![a chart](c.png), "
               "`code` and <https://b.example> [![x](y.png) nested](z)\n> Body.\n")
    (callout,) = md.callouts
    assert callout.title == "See the rule with a chart, code and https://b.example x nested"
    assert callout.title_html == ("See <em>the</em> rule with a chart, <code>code</code> and "
                                  "https://b.example x nested")
    assert [(p.line, p.message.split(":")[0]) for p in md.callout_problems] == [
        (3, "link in a callout title (https"), (3, "link in a callout title (https"), (3, "link in a callout title (z)")
    ]


# -- callout titles, URL attributes, and where each mistake is reported -----------
HOSTILE_CALLOUTS = FIXTURES / "hostile_callouts" / "content"
# (file, line, words): every attribute and URL of the fixture, on the line it is written
EXPECTED_CALLOUT_AND_URL_ERRORS = {
    ("spoofed-titles.md", 9, "attributes in a callout title (style=, class=, id=, data-pagefind-meta=)"),
    ("spoofed-titles.md", 12, "attributes in a callout title (onmouseover=)"),
    ("urls-by-line.md", 5, "javascript: URL in srcset= of <img>"),
    ("urls-by-line.md", 9, "javascript: URL in href= of <a>"),  # java&#x09;script:
    ("urls-by-line.md", 11, "javascript: URL in href= of <a>"),  # after an ordinary link on the line
    ("urls-by-line.md", 13, "javascript: URL in cite= of <blockquote>"),  # spaces, &#x61;
    ("urls-by-line.md", 15, "vbscript: URL in srcset= of <source>"),  # its value runs over two lines
    ("urls-by-line.md", 18, "javascript: URL in formaction= of <button>"),
    ("urls-by-line.md", 22, "javascript: URL in xlink:href= of <a>"),
    ("urls-by-line.md", 24, "javascript: URL in href= of <a>"),  # a reference definition
}


def test_strict_build_names_callout_title_attributes_and_urls_on_their_lines(tmp_path):
    result = strict_build(HOSTILE_CALLOUTS, tmp_path / "out")
    assert result.returncode == 1
    log = result.stdout + result.stderr
    assert "Traceback" not in log
    found = {(Path(m["path"]).name, int(m["line"]), m["message"]) for m in LINE_RE.finditer(log)}
    for name, line, words in EXPECTED_CALLOUT_AND_URL_ERRORS:
        assert any(f == name and n == line and words in msg for f, n, msg in found), (name, line, words, found)
    assert len(found) == len(EXPECTED_CALLOUT_AND_URL_ERRORS), found
    assert not any("<script>" in msg for _, _, msg in found), "code in a title is an example, not an error"


@pytest.fixture(scope="module")
def hostile_callouts_site(tmp_path_factory):
    output = tmp_path_factory.mktemp("hostile-callouts") / "output"
    build(HOSTILE_CALLOUTS, output)  # lenient: logged, written
    return output


def test_callout_titles_carry_no_attributes_anywhere(hostile_callouts_site):
    output = hostile_callouts_site
    documents = list(published_html(output))
    assert {w for w, _ in documents} >= {"stories/spoofed-titles/index.html", "takeaways/index.html",
                                         "takeaways/empathy/index.html", "themes/empathy/index.html",
                                         "playbook/index.html", "feeds/callouts.atom.xml", "callouts.json"}
    assert [f for where, html in documents for f in executable_parts(html, where)] == []
    titled = 0
    for where, html in documents:
        for el in BeautifulSoup(html, "html.parser").find_all(["em", "strong"]):
            if el.get_text() in ("Hi", "there"):
                titled += 1
                assert el.attrs == {}, (where, str(el))
        assert "title:Spoof" not in html and "position:fixed" not in html, where
    assert titled >= 10, "the titles are on the story, the listings, the playbook and the feed"


def test_code_in_a_callout_title_reads_the_same_in_page_json_and_feed(hostile_callouts_site):
    output = hostile_callouts_site
    text = "Never trust <script> tags & friends"
    story = soup(page(output, "stories/spoofed-titles/"))
    heading = next(h for h in story.select("aside .callout-title") if "trust" in h.get_text())
    assert heading.get_text() == text and [el.name for el in heading.find_all(True)] == ["code"]
    for listing in ("takeaways/", "takeaways/empathy/", "themes/empathy/", "playbook/empathy/", "companies/acme/"):
        links = soup(page(output, listing)).select('a[href*="#never-trust"]')
        assert links and all(a.get_text() == text for a in links), listing
    record = next(c for c in json.loads((output / "callouts.json").read_text())["callouts"] if "trust" in c["title"])
    assert record["title"] == text
    titles = [el.text for el in ET.parse(output / "feeds" / "callouts.atom.xml").iter()
              if el.tag.endswith("title") and el.text and "trust" in el.text]
    assert titles == [f"Takeaway: {text}"], "escaped once: a feed reader shows the text"


def test_callout_title_attributes_are_dropped_and_reported_by_the_extension():
    import markdown
    from pelican.plugins.callouts.markdown_ext import CalloutsExtension

    md = markdown.Markdown(extensions=["extra", CalloutsExtension()], output_format="html5")
    html = md.convert('Intro.\n\n> [!takeaway] *Hi*{: class="site-header" id="main" } and `x`{: onclick="a()" }\n'
                      "> Body.\n")
    (callout,) = md.callouts
    assert callout.title_html == "<em>Hi</em> and <code>x</code>"
    assert "site-header" not in html and "onclick" not in html
    [(line, message)] = [(p.line, p.message) for p in md.callout_problems]
    assert line == 3 and "class=, id=, onclick=" in message and "remove" in message


@pytest.mark.parametrize("title_html, clean", [
    ('<em class="site-header" id="main" style="position:fixed" data-pagefind-meta="title:x">Hi</em>',
     "<em>Hi</em>"),
    ('<strong onmouseover="alert(1)">b</strong> <code title="t">&lt;script&gt;</code>',
     "<strong>b</strong> <code>&lt;script&gt;</code>"),
    ('<a href="https://x.example/">link</a> <img src=x onerror=alert(1)><script>alert(1)</script>', "link "),
    ("<span><em>nested</em></span> &amp; text", "<em>nested</em> &amp; text"),
])
def test_policy_cleans_a_callout_title_to_emphasis_and_code_without_attributes(title_html, clean):
    from casebook.html_policy import Policy

    assert Policy().clean_title(title_html) == clean


# every attribute the policy lets through, by kind: a new one must be put in one of the two
NOT_URL_ATTRIBUTES = {
    "class", "id", "title", "lang", "dir", "role", "aria-hidden", "data-pagefind-ignore", "hreflang", "name",
    "tabindex", "alt", "width", "height", "loading", "decoding", "sizes", "type", "media", "data-callout",
    "aria-labelledby", "open", "start", "reversed", "value", "colspan", "rowspan", "scope", "headers",
    "datetime", "allow", "allowfullscreen", "referrerpolicy",
}


def test_every_allowed_attribute_is_known_as_a_url_or_not():
    from casebook.html_policy import ATTRIBUTES, IFRAME_ATTRIBUTES, URL_ATTRIBUTES

    allowed = {name for names in ATTRIBUTES.values() for name in names} | IFRAME_ATTRIBUTES
    assert allowed - URL_ATTRIBUTES - NOT_URL_ATTRIBUTES == set()


@pytest.mark.parametrize("url", ["javascript:alert(1)", " JaVa\tScRiPt:alert(1)", "java&#x09;script:alert(1)",
                                 "javascript&colon;alert(1)", "vbscript:msgbox(1)", "data:text/html,x"])
@pytest.mark.parametrize("embed_hosts", [(), ("www.youtube-nocookie.com",)])
def test_every_allowed_url_attribute_is_held_to_the_allowed_schemes(url, embed_hosts):
    from casebook.html_policy import ATTRIBUTES, IFRAME_ATTRIBUTES, URL_ATTRIBUTES, Policy

    policy = Policy(embed_hosts)
    pairs = [(tag, name) for tag, names in ATTRIBUTES.items() if tag != "*" for name in names & URL_ATTRIBUTES]
    pairs += [("iframe", name) for name in IFRAME_ATTRIBUTES & URL_ATTRIBUTES]
    assert {name for _, name in pairs} >= {"href", "src", "srcset", "cite"}
    for tag, name in pairs:
        for value in (url, f"ok.png 1x, {url} 2x", f"ok.png,{url}"):
            html = f'<{tag} {name}="{value}">x</{tag}>'
            assert executable_parts(policy.clean(html), html) == []
            if name == "srcset" or value == url:
                assert f"{name}=" not in policy.clean(html), html
                assert policy.find(html), html


def test_harmless_urls_in_url_attributes_are_kept():
    from casebook.html_policy import Policy

    policy = Policy()
    for html in ('<img src="a.png" srcset="a.png 1x, https://example.org/a@2x.png 2x, b.png 480w" alt="a">',
                 '<blockquote cite="https://example.org/q">q</blockquote>',
                 '<picture><source srcset="/images/a.webp" type="image/webp"></picture>',
                 '<a href="mailto:a@example.org">m</a>'):
        assert policy.clean(html) == html, html
        assert policy.find(html) == []


def test_forbidden_urls_and_handlers_are_located_on_their_own_line():
    from casebook.html_policy import Policy

    lines = [
        "Title: x", "",  # 1-2
        '<a href="https://ok.example/">fine</a> <img srcset="a.png 1x, javascript:a() 2x" alt="">',  # 3
        "", '<a href="java&#x09;script:b()">x</a>',  # 5
        "", "A [markdown link](javascript:c()) here.",  # 7
        "", '<q cite="https://ok/">fine</q> <q cite="vb&#115;cript:d()">bad</q>',  # 9
        "", '<img src="x.png"', '  alt=""', '  ONERROR="e()">',  # 11-13
        "", '<a href="jav', 'ascript:f()">split</a>',  # 15-16
        "", "`<a href=\"javascript:g()\">` is text,", '<button formaction="javascript:h()">b</button>',  # 18-19
        "", "[ref]: javascript:i()",  # 21
    ]
    html = ('<p><a href="https://ok.example/">fine</a> <img srcset="a.png 1x, javascript:a() 2x" alt=""></p>'
            '<p><a href="java&#x09;script:b()">x</a></p><p>A <a href="javascript:c()">markdown link</a> here.</p>'
            '<p><q cite="https://ok/">fine</q> <q cite="vb&#115;cript:d()">bad</q></p>'
            '<p><img src="x.png" alt="" ONERROR="e()"></p><p><a href="jav\nascript:f()">split</a></p>'
            '<p><code>&lt;a href="javascript:g()"&gt;</code> is text, <button formaction="javascript:h()">b</button>'
            '</p><p><a href="javascript:i()">ref</a></p>')
    policy = Policy()
    located = policy.locate(policy.find(html), lines, first=2)
    assert [line for line, _ in located] == [3, 5, 7, 9, 13, 15, 19, 21], located


def test_an_untrusted_iframe_is_located_past_a_trusted_one():
    from casebook.html_policy import Policy

    policy = Policy(["www.youtube-nocookie.com"])
    lines = ["Title: x", "", '<iframe src="https://www.youtube-nocookie.com/embed/a"></iframe>', "",
             '<iframe src="https://tracker.example/x"></iframe>']
    located = policy.locate(policy.find("\n".join(lines[2:])), lines, first=2)
    assert [line for line, _ in located] == [5]
