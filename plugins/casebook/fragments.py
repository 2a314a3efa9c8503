"""Render a page-independent piece of HTML once per build, wherever it is shown.

A story's card appears on its themes' pages, its companies' pages, the
category page and the archives; a callout's entry in every collection of its
story's themes. On a large site that is the same macro run tens of thousands
of times with the same arguments. Templates write
``{{ once(m.card_body, article) }}``: the first call renders the macro, later
calls with the same macro and arguments reuse its output. What a few pages show
(a callout's line: one page of each of its story's themes, a related story or
two) is not worth a copy held to the end of the build: it is rendered where it
is shown. A fragment that
varies in one small detail (a card's heading level) caches only the part that
does not (``card_body``): one copy per build, not one per variant.

Only fragments that depend on their arguments and on site-wide settings alone
may go through ``once`` (never on the page being written: its URL, its
``output_file``, ``aria-current``). With ``RELATIVE_URLS`` every page has its
own ``SITEURL``, so nothing is shared and ``once`` renders every time.

The cache lives in the build's shared context, made afresh for each build.

A fragment that only a group of pages shows, written one after another, need
not outlive the group: ``once_each(macro, items, ..., scope=x)`` keeps that
macro's fragments only while the pages calling it pass the same ``scope``. A
callout's entry in full is shown only by the collections of its story's
themes, which the callouts plugin writes theme by theme: scoped by theme, the
cache holds one theme's entries, not every callout of the site (on a
5,000-story site that was the largest thing the build kept; see
docs/performance.md). A page of another scope renders them again, so a scope
changes what is rendered, never what a page shows.
"""

from __future__ import annotations

from jinja2 import pass_context
from markupsafe import Markup

CACHE_KEY = "CASEBOOK_FRAGMENTS"
_PLAIN = (str, int, float, bool, type(None))


_KEEP = ""  # the cache's lists of the objects its keys identify, by macro name
_SCOPE = None  # the cache's scopes, by macro name


@pass_context
def once(context, macro, *args):
    cache = context.get(CACHE_KEY)
    if cache is None:
        return macro(*args)
    rendered = cache.get(macro.name)
    if rendered is None:
        rendered = cache[macro.name] = {}
    # Objects count by identity (records need not be hashable). The cache keeps
    # them alive, so an identity is never reused within a build. A large site
    # caches tens of thousands of fragments: one object argument, the usual
    # call, is keyed by its id alone, with no tuple per fragment.
    if len(args) == 1 and not isinstance(args[0], _PLAIN):
        key = id(args[0])
    else:
        key = tuple((a,) if isinstance(a, _PLAIN) else id(a) for a in args)
    html = rendered.get(key)
    if html is None:
        html = rendered[key] = macro(*args)
        _keep(cache, macro.name).extend(a for a in args if not isinstance(a, _PLAIN))
    return html


def _keep(cache, name) -> list:
    kept = cache.setdefault(_KEEP, {})
    found = kept.get(name)
    if found is None:
        found = kept[name] = []
    return found


@pass_context
def once_each(context, macro, items, *args, scope=None):
    """``once(macro, item, *args)`` for each of ``items``, joined: one call from
    the template for a whole list (a page of a callout collection shows a
    hundred entries, each already rendered for another page). With ``scope``,
    the macro's fragments are dropped when the scope changes (see above)."""
    cache = context.get(CACHE_KEY)
    if cache is None:
        return Markup("".join(macro(item, *args) for item in items))
    rendered = cache.get(macro.name)
    if scope is not None:
        scopes = cache.setdefault(_SCOPE, {})
        if rendered is not None and scopes.get(macro.name, scope) != scope:
            rendered = None
            _keep(cache, macro.name).clear()
        scopes[macro.name] = scope
    if rendered is None:
        rendered = cache[macro.name] = {}
    extra = tuple((a,) if isinstance(a, _PLAIN) else id(a) for a in args)
    pieces = []
    for item in items:
        key = (id(item), *extra) if args else id(item)
        html = rendered.get(key)
        if html is None:
            html = rendered[key] = macro(item, *args)
            _keep(cache, macro.name).extend(a for a in (item, *args) if not isinstance(a, _PLAIN))
        pieces.append(html)
    return Markup("".join(pieces))


def add_global(settings):
    settings["JINJA_GLOBALS"] = {**settings.get("JINJA_GLOBALS", {}), "once": once, "once_each": once_each}


def start_build(generators):
    """After every generator has read its content, before anything is written."""
    if generators and not generators[0].context.get("RELATIVE_URLS"):
        generators[0].context[CACHE_KEY] = {}
