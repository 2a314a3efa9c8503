"""What a production build publishes: no hidden story, no draft, no story dated in the future."""

from __future__ import annotations

import logging
from datetime import datetime

from pelican.plugins.callouts.contracts import display_path

logger = logging.getLogger(__name__)


def drop_unpublished(generator):
    """In production, hidden stories (and drafts, whose pages are not written
    when DRAFT_SAVE_AS is empty) leave the build: no page, listing, feed,
    sitemap, related list, callout export or search index can name them. Their
    authoring errors are still reported (``generator.unpublished``)."""
    settings = generator.settings
    groups = [] if settings["CASEBOOK_WRITE_HIDDEN"] else ["hidden_articles", "hidden_translations"]
    if not settings.get("DRAFT_SAVE_AS"):
        groups += ["drafts", "drafts_translations"]
    unpublished = getattr(generator, "unpublished", [])
    for group in groups:
        stories = getattr(generator, group, None)
        if stories:
            unpublished.extend(stories)
            stories.clear()  # the same list is in the context
    linkable = generator.context.get("generated_content", {})
    for story in unpublished:
        # a {filename} link to it from a published story resolves to nothing
        linkable.pop(story.get_relative_source_path(), None)
    generator.unpublished = unpublished


def mark_scheduled(generator):
    """A story dated in the future is kept back (``WITH_FUTURE_DATES = False``
    makes it a draft, so production leaves it out until a build on or after its
    date); development builds show it among the drafts as *scheduled*."""
    for draft in generator.drafts:
        date = getattr(draft, "date", None)
        if date is None or draft.metadata.get("status") not in (None, "published"):
            continue
        now = datetime.now(date.tzinfo) if date.tzinfo else datetime.now()
        if date > now:
            draft.scheduled = True
            logger.info("%s: scheduled for %s", display_path(draft.source_path), date.date())
