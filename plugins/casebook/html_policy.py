"""What HTML a story may carry, and the sanitising of everything published.

Stories come from pull requests, so raw HTML in them is untrusted. Two layers:

- **Found while reading** (:func:`find`): scripts, event-handler attributes
  (``onerror=``...), ``javascript:``/``vbscript:``/``data:`` URLs, plugins
  (``<object>``, ``<embed>``) and iframes from hosts outside
  ``CASEBOOK_HTML_EMBED_HOSTS`` are author errors with their source line
  (:func:`locate`), so the strict build fails and names them.
- **Removed before publishing** (:class:`Policy.clean`, nh3's allow-list
  sanitiser): the reader stores only sanitised HTML (the body, formatted
  metadata such as the summary, each callout's body, and each callout's title
  through :meth:`Policy.clean_title`: ``em``, ``strong``, ``code``, no
  attribute), so every page, listing, feed, ``callouts.json`` and the content
  cache hold the clean version, even in a lenient build (``make serve``) that
  only logs the errors. Every URL attribute the policy allows (``srcset`` and
  ``cite`` too, which nh3 does not check) is held to ``URL_SCHEMES``.

Pure functions and one class; no Pelican import.
"""

from __future__ import annotations

import bisect
import html
import itertools
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
# what nh3 itself holds to URL_SCHEMES on every element; other URL attributes, our filter
NH3_CHECKED = frozenset({"href", "src"})
UNTRUSTED_IFRAME_RE = re.compile(r"<iframe(?![^>]*\ssrc=)[^>]*>.*?</iframe>", re.S)


@dataclass(frozen=True)
class Finding:
    """One thing the policy forbids, with a pattern that finds it in the source.

    ``check`` says which matches of the pattern are this finding (the others,
    an ordinary ``href=`` before the unsafe one say, are passed over):
    ``""`` any match; ``"url"`` a match whose group ``v`` holds an unsafe URL
    (entities decoded, whitespace and control characters dropped, each
    ``srcset`` candidate on its own); ``"tag"`` a match (a whole start tag)
    in which the policy finds this very message."""

    needle: str  # regular expression (case-insensitive, over the whole source) for the source line
    message: str
    check: str = ""


def unsafe_scheme(value: str) -> str:
    """'javascript', 'vbscript' or 'data' when the URL uses it, else ''."""
    compact = CONTROL_RE.sub("", value).lower()
    for scheme in UNSAFE_SCHEMES:
        if compact.startswith(scheme + ":"):
            return scheme
    return ""


SRCSET_URL_RE = re.compile(r"[\s,]*([^\s,](?:\S*[^\s,])?)[^,(]*(?:\([^)]*\)[^,(]*)*")


def srcset_urls(value: str) -> list[str]:
    """The URL of each candidate of a ``srcset`` as the HTML standard reads it
    (the URL runs to the next whitespace, descriptors to the next comma), and
    each comma-separated part of the value too, so that no reading of it (a
    browser's, or one that drops whitespace) hides a scheme from the checks."""
    return [m.group(1) for m in SRCSET_URL_RE.finditer(value)] + [p for p in value.split(",") if p.strip()]


SCHEME_RE = re.compile(r"([a-z][a-z0-9+.-]*):")


def url_allowed(value: str) -> bool:
    """Whether a URL may be published: relative, or of a scheme in
    ``URL_SCHEMES``, read as a browser reads it (control characters, tabs and
    newlines dropped)."""
    m = SCHEME_RE.match(CONTROL_RE.sub("", value).lower())
    return m is None or m.group(1) in URL_SCHEMES


def attribute_urls(name: str, value: str) -> list[str]:
    """The URLs an attribute's value holds (several for ``srcset``)."""
    return srcset_urls(value) if name == "srcset" else [value]


def _attribute_re(name: str) -> str:
    """An attribute of that name in the source, its value as group ``v``."""
    return (rf"(?<![\w:.-]){re.escape(name)}\s*=\s*"
            r"(?P<v>\"[^\"]*\"|'[^']*'|[^\s\"'<>`]+)")


# Where Markdown writes a URL: an inline link or image ](url), a reference
# definition [id]: url, reStructuredText's `text <url>`_
MARKDOWN_URL_RE = (r"\]\(\s*(?P<m><[^>\n]*>|[^\s)]+)"
                   r"|^[ ]{0,3}\[[^\]\n]+\]:[ \t]*(?P<r><[^>\n]*>|\S+)"
                   r"|`[^`<]*<(?P<s>[^>\n]+)>`_")


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
        tag_re = rf"<\s*{re.escape(tag)}(?![\w:-])"
        if tag in FORBIDDEN_TAGS:
            add(Finding(tag_re, f"<{tag}> is not allowed: remove it (nothing executable may come from content)"))
        elif tag == "iframe":
            values = dict(attrs)
            host = urlsplit((values.get("src") or "").strip()).hostname or ""
            # the whole start tag, checked again: the first iframe may be a trusted one
            whole_tag = tag_re + r"(?:[^>\"']|\"[^\"]*\"|'[^']*')*>"
            if "srcdoc" in values:
                add(Finding(whole_tag, "<iframe srcdoc> is not allowed: remove it", "tag"))
            elif host not in self.embed_hosts:
                where = f"from {host!r}" if host else "without an http(s) address"
                add(Finding(whole_tag, f"<iframe> {where} is not allowed: remove it, or list its host in "
                                       "CASEBOOK_HTML_EMBED_HOSTS in pelicanconf.py if the site trusts it", "tag"))
        for name, value in attrs:
            if name.startswith("on"):
                add(Finding(rf"(?<![\w:.-]){re.escape(name)}\s*=",
                            f"event-handler attribute {name}= on <{tag}> is not allowed: remove it"))
            elif name in URL_ATTRIBUTES and value:
                for url in attribute_urls(name, value):
                    scheme = unsafe_scheme(url)
                    if scheme:
                        # as raw HTML (the attribute), or as Markdown wrote it (href, src)
                        needle = _attribute_re(name)
                        if name in ("href", "src"):
                            needle += "|" + MARKDOWN_URL_RE
                        add(Finding(needle, f"{scheme}: URL in {name}= of <{tag}> is not allowed: link to an "
                                            "http(s) address or to a file of the site", "url"))
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


def _is_finding(finding: Finding, m: re.Match, embed_hosts) -> bool:
    """Whether this match of the finding's pattern is the finding itself."""
    if finding.check == "url":
        value = next(v for v in m.groupdict().values() if v is not None)
        value = html.unescape(value.strip("\"'<>"))
        return bool(unsafe_scheme(value)) or any(unsafe_scheme(url) for url in srcset_urls(value))
    if finding.check == "tag":
        return any(f.message == finding.message for f in find(m.group(0), embed_hosts))
    return True


def locate(findings, lines, first: int = 0, fallback: int | None = None, embed_hosts=()):
    """(line, message) for each finding: the line of ``lines`` (numbered from
    1, searched from index ``first``, code left out) where its pattern next
    matches as the finding (its ``check``), over the whole text, so that an
    attribute whose value runs over several lines is found where it starts.
    Values are read as a browser reads them: entity-encoded
    (``java&#x09;script:``) or split by whitespace, they are still found.
    Findings of the same pattern take successive occurrences (two on one line
    included); one not found in the source gets ``fallback`` (default:
    ``first + 1``)."""
    located = []
    text = starts = None
    cursor: dict[str, int] = {}  # needle -> offset to search from
    for finding in findings:
        line = None
        if finding.needle:
            if text is None:
                searched = searchable(lines)
                starts = list(itertools.accumulate((len(x) + 1 for x in searched), initial=0))
                text = "\n".join(searched)
            pattern = re.compile(finding.needle, re.I | re.M)
            position = cursor.get(finding.needle, starts[min(first, len(lines))])
            for m in pattern.finditer(text, position):
                if _is_finding(finding, m, embed_hosts):
                    line = bisect.bisect_right(starts, m.start())
                    cursor[finding.needle] = m.end()
                    break
        located.append((line or fallback or first + 1, finding.message))
    return located


#: what a callout title keeps (the callouts extension's TITLE_TAGS), without any attribute
TITLE_TAGS = frozenset({"em", "strong", "code"})


CODE_ELEMENT_RE = re.compile(r"<code>.*?</code>", re.S)
TAG_RE = re.compile(r"<[^>]*>")


def text_outside_code(title_html: str) -> str:
    """A cleaned callout title (:meth:`Policy.clean_title`) as text, its code left out."""
    return html.unescape(TAG_RE.sub("", CODE_ELEMENT_RE.sub(" ", title_html)))


class Policy:
    """The site's HTML policy: nh3 cleaners, built once per settings.

    Every URL-bearing attribute the policy allows (``URL_ATTRIBUTES``: ``href``,
    ``src``, ``srcset``, ``cite``...) is held to ``URL_SCHEMES`` by our own
    attribute filter, not only those nh3 checks itself (``href``, ``src``):
    a ``srcset`` with any candidate of another scheme is removed whole (the
    image keeps its ``src``), as is a ``cite`` of another scheme. The filter
    is a Python call per attribute (it doubled the time of an attribute-heavy
    page), so HTML without any such attribute, nor an iframe to check, goes
    through a cleaner without it: nh3 itself holds ``href`` and ``src``
    (on every element) to ``URL_SCHEMES``."""

    def __init__(self, embed_hosts=()):
        self.embed_hosts = frozenset(h.lower() for h in embed_hosts)
        tags, attributes = set(TAGS), {k: set(v) for k, v in ATTRIBUTES.items()}
        if self.embed_hosts:
            tags.add("iframe")
            attributes["iframe"] = set(IFRAME_ATTRIBUTES)
        options = dict(
            tags=tags,
            clean_content_tags={"script", "style"},
            attributes=attributes,
            generic_attribute_prefixes={"aria-"},
            url_schemes=URL_SCHEMES,
            link_rel=None,  # our own links keep their markup; no rel added
        )
        self._cleaner = nh3.Cleaner(**options, attribute_filter=self._filter)
        self._unfiltered = None if self.embed_hosts else nh3.Cleaner(**options)
        # the allowed URL attributes nh3 does not check: where they appear, the filter must run
        allowed = {name for names in attributes.values() for name in names}
        self._unchecked = tuple(sorted((allowed & URL_ATTRIBUTES) - NH3_CHECKED))
        # a callout title: text with emphasis and code, no attribute at all
        self._title_cleaner = nh3.Cleaner(tags=set(TITLE_TAGS), clean_content_tags={"script", "style"},
                                          attributes={"*": set()}, generic_attribute_prefixes=set(),
                                          link_rel=None)

    def _filter(self, tag, name, value):
        if name in URL_ATTRIBUTES:
            if not all(url_allowed(url) for url in attribute_urls(name, value)):
                return None
            if tag == "iframe" and name == "src":
                parts = urlsplit(value.strip())
                return value if parts.scheme == "https" and (parts.hostname or "") in self.embed_hosts else None
        return value

    def clean(self, html: str) -> str:
        if not html:
            return html
        if self._unfiltered is not None:
            low = html.lower()
            if not any(name in low for name in self._unchecked):
                return self._unfiltered.clean(html)
        html = self._cleaner.clean(html)
        if self.embed_hosts and "<iframe" in html:
            # an iframe whose src the filter removed (untrusted host) goes altogether;
            # nh3's output is serialised canonically, so a pattern can find it
            html = UNTRUSTED_IFRAME_RE.sub("", html)
        return html

    def clean_title(self, html: str) -> str:
        """A callout title's HTML as published: ``em``, ``strong``, ``code`` and text, no attribute."""
        return self._title_cleaner.clean(html) if html else html

    def find(self, html: str) -> list[Finding]:
        return find(html, self.embed_hosts)

    def find_in_value(self, value: str) -> list[Finding]:
        return find_in_value(value, self.embed_hosts)

    def locate(self, findings, lines, first: int = 0, fallback: int | None = None):
        return locate(findings, lines, first, fallback, self.embed_hosts)


_policies: dict = {}


def policy_for(settings) -> Policy:
    """The policy for these settings (one per distinct allow-list, per process)."""
    hosts = tuple(sorted(settings.get("CASEBOOK_HTML_EMBED_HOSTS") or ()))
    if hosts not in _policies:
        _policies[hosts] = Policy(hosts)
    return _policies[hosts]
