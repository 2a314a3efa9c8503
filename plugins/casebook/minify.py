"""Minify the written site (production builds): HTML and CSS through minify-html.

Runs on ``finalized``, after every page is written. Pagefind may be reading the
story pages meanwhile (site_search starts it early), so each file is replaced
whole (written beside it, then renamed): a reader sees the old page or the new
one, never half of one.

minify-html is imported when a build minifies, not with the plugin: loading
it takes about 10 MB of resident memory (its compiled library), which a
development build, that never minifies, would carry to the end for nothing.
"""

from __future__ import annotations

import logging
import os

from . import incremental

logger = logging.getLogger(__name__)

HTML_OPTIONS = {"minify_css": True, "minify_js": True, "keep_closing_tags": True,
                "keep_html_and_head_opening_tags": True}


def minify_page(html: str) -> str:
    import minify_html

    return minify_html.minify(html, **HTML_OPTIONS)


def minify_css(css: str) -> str:
    # minify-html minifies CSS inside <style>; a stylesheet is wrapped and unwrapped.
    import minify_html

    wrapped = minify_html.minify(f"<style>{css}</style>", minify_css=True)
    return wrapped[len("<style>"):-len("</style>")]


def minify_output(pelican):
    if not pelican.settings.get("CASEBOOK_MINIFY"):
        return
    saved = before = 0
    unchanged = incremental.kept()
    for folder, _dirs, files in os.walk(pelican.output_path):
        for name in files:
            if name.endswith(".html"):
                transform = minify_page
            elif name.endswith(".css"):
                transform = minify_css
            else:
                continue
            path = os.path.join(folder, name)
            if os.path.abspath(path) in unchanged:
                continue  # taken whole from the last build, minified then
            with open(path, encoding="utf-8") as fh:
                text = fh.read()
            smaller = transform(text)
            partial = os.path.join(folder, f".{name}.minified")
            with open(partial, "w", encoding="utf-8") as fh:
                fh.write(smaller)
            os.replace(partial, path)
            before += len(text.encode())
            saved += len(text.encode()) - len(smaller.encode())
    logger.info("Minified HTML and CSS: %d of %d bytes saved", saved, before)
