"""Minification (``casebook.minify``): smaller, same meaning, through minify-html."""

from __future__ import annotations

from casebook.minify import minify_css, minify_page


def test_a_page_loses_whitespace_but_keeps_its_text_and_tags():
    html = ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n  <title>A  title</title>\n</head>\n"
            "<body>\n  <p>\n    Hello,   <b>reader</b>\n  </p>\n  <pre>  kept   as is </pre>\n</body>\n</html>\n")
    small = minify_page(html)
    assert len(small) < len(html)
    assert "<pre>  kept   as is </pre>" in small
    assert "<b>reader</b>" in small and "</p>" in small and "<html" in small and "<head>" in small


def test_a_stylesheet_is_minified_without_its_wrapper():
    css = "body {\n  color : red ;\n}\n\n/* a comment */\na:hover { color: blue; }\n"
    small = minify_css(css)
    assert "<style>" not in small and "comment" not in small
    assert "color:red" in small.replace(" ", "") and "a:hover" in small
