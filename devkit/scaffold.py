"""`make new-post`: a new story file with the metadata and callouts to fill in."""

from __future__ import annotations

import datetime
from pathlib import Path

from pelican.settings import DEFAULT_CONFIG
from pelican.utils import slugify

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


class ScaffoldError(ValueError):
    """The story file cannot be written (the message says why)."""


def new_post(content: Path, title: str, companies: str = "", tags: str = "") -> Path:
    """Write ``<content>/stories/<slug>.md`` as a draft; never overwrites a file."""
    slug = slugify(title, regex_subs=DEFAULT_CONFIG["SLUG_REGEX_SUBSTITUTIONS"])
    if not slug:
        raise ScaffoldError(f"cannot make a file name from {title!r}")
    path = Path(content) / "stories" / f"{slug}.md"

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
        raise ScaffoldError(f"{path} already exists: choose another title") from None
    return path
