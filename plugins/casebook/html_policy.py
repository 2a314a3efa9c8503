"""What HTML a story may carry, and the sanitising of everything published.

Stories come from pull requests, so raw HTML in them is untrusted. Two layers:

- **Found while reading** (:func:`find`): scripts, event-handler attributes
  (``onerror=``...), ``javascript:``/``vbscript:``/``data:`` URLs, plugins
  (``<object>``, ``<embed>``) and iframes from hosts outside
  ``CASEBOOK_HTML_EMBED_HOSTS`` are author errors with their source line
  (:func:`locate`), so the strict build fails and names them.
- **Removed before publishing** (:class:`Policy.clean`, nh3's allow-list
  sanitiser): the reader stores only sanitised HTML (the body, formatted
  metadata such as the summary, each callout's body), so every page, listing,
  feed, ``callouts.json`` and the content cache hold the clean version, even
  in a lenient build (``make serve``) that only logs the errors.

Pure functions and one class; no Pelican import.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlsplit

import nh3

DEFAULTS = {
    # Hosts a story may embed with <iframe src="https://HOST/...">, e.g.
    # ["www.youtube-nocookie.com"]; they are added to the pages' CSP frame-src.
    "CASEBOOK_HTML_EMBED_HOSTS": [],
    # every page's Content-Security-Policy <meta>; None: content_security_policy()
    "CASEBOOK_CSP": None,
    "CASEBOOK_REFERRER_POLICY": "strict-origin-when-cross-origin",
    # 'sha256-...' sources of inline scripts a development server injects (make serve's
    # live reload); publishconf.py sets none: production runs no inline script
    "CASEBOOK_CSP_SCRIPT_HASHES": [],
}


def content_security_policy(settings) -> str:
    """The site's CSP: everything from the site itself, no inline script or
    style; 'wasm-unsafe-eval' for Pagefind's WebAssembly search; iframes only
    from the trusted embed hosts. (frame-ancestors is not valid in a <meta>.)"""
    hosts = sorted(settings.get("CASEBOOK_HTML_EMBED_HOSTS") or ())
    hashes = "".join(f" '{h}'" for h in settings.get("CASEBOOK_CSP_SCRIPT_HASHES") or ())
    directives = [
        "default-src 'self'",
        "script-src 'self' 'wasm-unsafe-eval'" + hashes,
        "style-src 'self'",
        "img-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-src " + (" ".join(f"https://{h}" for h in hosts) if hosts else "'none'"),
    ]
    return "; ".join(directives)


UNSAFE_SCHEMES = ("javascript", "vbscript", "data")
URL_ATTRIBUTES = frozenset({
    "href", "src", "action", "formaction", "poster", "cite", "data", "background", "xlink:href",
    "srcset", "ping", "longdesc", "manifest", "codebase", "lowsrc", "dynsrc", "icon",
})
FORBIDDEN_TAGS = frozenset({"script", "object", "embed", "applet", "base", "frame", "frameset"})
# anything the checks below look at; HTML without any of these needs no parsing
# (plain substring tests: a regular expression with alternatives scanned a
# story's HTML ten times slower)
SUSPECT_WORDS = ("script", "<object", "<embed", "<applet", "<base", "<frame", "<iframe", "data:",
                 "&#", "&colon;", "&tab;", "&newline;")
EVENT_RE = re.compile(r"on[a-z]+\s*=")


def suspect(html: str) -> bool:
    low = html.lower()
    # browsers drop tabs and newlines inside a URL: "java<TAB>script:" runs too
    compact = low.replace("\t", "").replace("\n", "").replace("\r", "")
    return any(word in compact for word in SUSPECT_WORDS) or EVENT_RE.search(low) is not None


CONTROL_RE = re.compile(r"[\x00-\x20]+")

# Published HTML keeps these and nothing else (nh3's defaults plus what our
# Markdown extensions write: callout asides, collapsible details, footnotes).
TAGS = (nh3.ALLOWED_TAGS - {"center", "strike", "tt", "acronym"}) | {
    "aside", "details", "summary", "figure", "figcaption", "section", "picture", "source",
}
ATTRIBUTES = {
    "*": {"class", "id", "title", "lang", "dir", "role", "aria-hidden", "data-pagefind-ignore"},
    "a": {"href", "hreflang", "name"},
    "div": {"tabindex"},  # code blocks scroll by keyboard (casebook.highlight)
    "img": {"src", "alt", "width", "height", "loading", "decoding", "srcset", "sizes"},
    "source": {"srcset", "sizes", "type", "media"},
    "aside": {"data-callout", "aria-labelledby"},
    "details": {"open"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "th": {"colspan", "rowspan", "scope", "headers"},
    "td": {"colspan", "rowspan", "headers"},
    "time": {"datetime"},
    "del": {"datetime", "cite"},
    "ins": {"datetime", "cite"},
    "blockquote": {"cite"},
    "q": {"cite"},
}
IFRAME_ATTRIBUTES = {"src", "title", "width", "height", "allow", "allowfullscreen", "loading", "referrerpolicy"}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
UNTRUSTED_IFRAME_RE = re.compile(r"<iframe(?![^>]*\ssrc=)[^>]*>.*?</iframe>", re.S)


@dataclass(frozen=True)
class Finding:
    """One thing the policy forbids, with a pattern that finds it in the source."""

    needle: str  # regular expression (case-insensitive) for the source line
    message: str


def unsafe_scheme(value: str) -> str:
    """'javascript', 'vbscript' or 'data' when the URL uses it, else ''."""
    compact = CONTROL_RE.sub("", value).lower()
    for scheme in UNSAFE_SCHEMES:
        if compact.startswith(scheme + ":"):
            return scheme
    return ""


class _Scanner(HTMLParser):
    def __init__(self, embed_hosts):
        super().__init__(convert_charrefs=True)
        self.embed_hosts = embed_hosts
        self.findings: list[Finding] = []

    def handle_starttag(self, tag, attrs):
        self._check(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self._check(tag, attrs)

    def _check(self, tag, attrs):
        add = self.findings.append
        tag_re = rf"<\s*{re.escape(tag)}\b"
        if tag in FORBIDDEN_TAGS:
            add(Finding(tag_re, f"<{tag}> is not allowed: remove it (nothing executable may come from content)"))
        elif tag == "iframe":
            values = dict(attrs)
            host = urlsplit((values.get("src") or "").strip()).hostname or ""
            if "srcdoc" in values:
                add(Finding(tag_re, "<iframe srcdoc> is not allowed: remove it"))
            elif host not in self.embed_hosts:
                where = f"from {host!r}" if host else "without an http(s) address"
                add(Finding(tag_re, f"<iframe> {where} is not allowed: remove it, or list its host in "
                                    "CASEBOOK_HTML_EMBED_HOSTS in pelicanconf.py if the site trusts it"))
        for name, value in attrs:
            if name.startswith("on"):
                add(Finding(rf"\b{re.escape(name)}\s*=",
                            f"event-handler attribute {name}= on <{tag}> is not allowed: remove it"))
            elif name in URL_ATTRIBUTES and value:
                candidates = value.split(",") if name == "srcset" else [value]
                for candidate in candidates:
                    scheme = unsafe_scheme(candidate)
                    if scheme:
                        add(Finding(rf"(?:=\s*[\"']?|\(\s*<?|<)\s*{scheme}\s*:",
                                    f"{scheme}: URL in {name}= of <{tag}> is not allowed: link to an http(s) "
                                    "address or to a file of the site"))
                        break


def find(html: str, embed_hosts=()) -> list[Finding]:
    """What the policy forbids in a fragment of HTML, in document order."""
    if not html or not suspect(html):
        return []
    scanner = _Scanner(frozenset(embed_hosts))
    scanner.feed(html)
    scanner.close()
    return scanner.findings


def find_in_value(value: str, embed_hosts=()) -> list[Finding]:
    """Findings in a metadata value: HTML typed into it, or the value itself an unsafe URL."""
    found = find(value, embed_hosts)
    scheme = unsafe_scheme(value)
    if scheme:
        found.append(Finding("", f"{scheme}: URL is not allowed: use an http(s) address"))
    return found


FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
CODE_SPAN_RE = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)")


def searchable(lines):
    """The Markdown lines with code blanked out (fenced and indented blocks, code
    spans), so that an example of markup in code is never taken for the real one."""
    out, fence, previous_blank, in_indented = [], None, True, False
    for line in lines:
        m = FENCE_RE.match(line)
        if fence is not None:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                fence = None
            out.append("")
            continue
        if m:
            fence = m.group(1)
            out.append("")
            continue
        indented = line.startswith(("    ", "\t")) and line.strip() != ""
        in_indented = indented and (previous_blank or in_indented)
        previous_blank = not line.strip()
        out.append("" if in_indented else CODE_SPAN_RE.sub(lambda m: " " * len(m.group(0)), line))
    return out


def locate(findings, lines, first: int = 0, fallback: int | None = None):
    """(line, message) for each finding: the line of ``lines`` (numbered from
    1, searched from index ``first``, code left out) where its pattern next
    occurs. Findings of the same pattern take successive occurrences (two on one
    line included); one not found in the source (an entity-encoded URL, say)
    gets ``fallback`` (default: ``first + 1``)."""
    located = []
    text = None
    cursor: dict[str, tuple[int, int]] = {}  # needle -> (line index, column) to search from
    for finding in findings:
        line = None
        if finding.needle:
            text = text if text is not None else searchable(lines)
            pattern = re.compile(finding.needle, re.I)
            index, column = cursor.get(finding.needle, (first, 0))
            while index < len(text):
                m = pattern.search(text[index], column)
                if m:
                    line = index + 1
                    cursor[finding.needle] = (index, m.end())
                    break
                index, column = index + 1, 0
        located.append((line or fallback or first + 1, finding.message))
    return located


class Policy:
    """The site's HTML policy: one nh3 cleaner, built once per settings."""

    def __init__(self, embed_hosts=()):
        self.embed_hosts = frozenset(h.lower() for h in embed_hosts)
        tags, attributes = set(TAGS), {k: set(v) for k, v in ATTRIBUTES.items()}
        if self.embed_hosts:
            tags.add("iframe")
            attributes["iframe"] = set(IFRAME_ATTRIBUTES)
        self._cleaner = nh3.Cleaner(
            tags=tags,
            clean_content_tags={"script", "style"},
            attributes=attributes,
            # a Python call per attribute: only when there are iframes to check
            attribute_filter=self._filter if self.embed_hosts else None,
            generic_attribute_prefixes={"aria-"},
            url_schemes=URL_SCHEMES,
            link_rel=None,  # our own links keep their markup; no rel added
        )

    def _filter(self, tag, name, value):
        if tag == "iframe" and name == "src":
            parts = urlsplit(value.strip())
            return value if parts.scheme == "https" and (parts.hostname or "") in self.embed_hosts else None
        return value

    def clean(self, html: str) -> str:
        if not html:
            return html
        html = self._cleaner.clean(html)
        if self.embed_hosts and "<iframe" in html:
            # an iframe whose src the filter removed (untrusted host) goes altogether;
            # nh3's output is serialised canonically, so a pattern can find it
            html = UNTRUSTED_IFRAME_RE.sub("", html)
        return html

    def find(self, html: str) -> list[Finding]:
        return find(html, self.embed_hosts)

    def find_in_value(self, value: str) -> list[Finding]:
        return find_in_value(value, self.embed_hosts)


_policies: dict = {}


def policy_for(settings) -> Policy:
    """The policy for these settings (one per distinct allow-list, per process)."""
    hosts = tuple(sorted(settings.get("CASEBOOK_HTML_EMBED_HOSTS") or ()))
    if hosts not in _policies:
        _policies[hosts] = Policy(hosts)
    return _policies[hosts]
