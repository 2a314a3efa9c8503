"""Casebook's site plugin: reading, companies, related stories, author errors."""

from __future__ import annotations

import gc
import hashlib
import logging
import os
from itertools import chain
from pathlib import Path

from pelican import signals
from pelican.urlwrappers import URLWrapper

from . import fragments, incremental, minify, prefetch, problems, related, social
from .companies import DEFAULTS as COMPANY_DEFAULTS
from .companies import CompaniesGenerator
from .headings import HeadingAnchorsExtension
from .reader import CasebookMarkdownReader

logger = logging.getLogger(__name__)

DEFAULTS = {
    **COMPANY_DEFAULTS,
    **prefetch.DEFAULTS,
    **incremental.DEFAULTS,
    **social.DEFAULTS,
    # "Edit this story": this address + the story's path inside the content folder ("" hides the link)
    "REPOSITORY_EDIT_URL": "",
    # how many related stories are ranked per article (callouts use them too)
    "CASEBOOK_RELATED_MAX": 12,
    "CASEBOOK_RELATED_SHOWN": 4,
}


def initialize(pelican):
    settings = pelican.settings
    for key, value in DEFAULTS.items():
        settings.setdefault(key, value)
    for key in ("CASEBOOK_RELATED_MAX", "CASEBOOK_RELATED_SHOWN"):
        if not isinstance(settings[key], int) or settings[key] < 0:
            logger.error("casebook: %s must be a whole number, not %r; using %r", key, settings[key], DEFAULTS[key])
            settings[key] = DEFAULTS[key]
    fragments.add_global(settings)
    if settings.get("CACHE_CONTENT") or settings.get("LOAD_CONTENT_CACHE"):
        version_cache(settings)
    # a link on each heading (after version_cache: the object's repr is not stable; its code is
    # in the digest); a copy, so the user's MARKDOWN dict is left as written
    markdown = dict(settings.get("MARKDOWN", {}))
    markdown["extensions"] = [*markdown.get("extensions", []), HeadingAnchorsExtension()]
    settings["MARKDOWN"] = markdown


def version_cache(settings):
    """Give the content cache a folder per version of the code that fills it.

    Pelican invalidates cached content when a source file changes, not when a
    plugin or the Markdown settings do; cached callout records would then be
    stale. A digest of both in CACHE_PATH makes such a change start afresh.
    """
    digest = hashlib.sha256()
    plugins_dir = Path(__file__).resolve().parent.parent
    for path in sorted(plugins_dir.rglob("*.py")):
        digest.update(path.read_bytes())
    for key in ("MARKDOWN", "CALLOUTS_TYPES", "FORMATTED_FIELDS", "SLUG_REGEX_SUBSTITUTIONS", "GZIP_CACHE"):
        digest.update(repr(settings.get(key)).encode())
    settings["CACHE_PATH"] = os.path.join(settings["CACHE_PATH"], digest.hexdigest()[:12])


def add_reader(readers):
    for extension in CasebookMarkdownReader.file_extensions:
        readers.reader_classes[extension] = CasebookMarkdownReader


def get_generators(pelican):
    return CompaniesGenerator


def freeze_urls(generator):
    """Compute each article's URL once per build.

    Pelican formats ``url`` anew on every access (a relpath and a dict of
    fields each time), and listings, feeds and callout indexes ask for it tens
    of thousands of times. ``override_url`` is Pelican's own per-article URL
    override, so the frozen value is used everywhere.
    """
    for article in generator.articles:
        article.override_url = article.url


LABELS = ("tags", "category", "author", "authors", "companies")


def share_labels(generator):
    """One object per tag, category, author and company, shared by its stories.

    Pelican's reader makes a new Tag for every story that names it, each with
    its own attribute dict (which grows once its URL is formatted): tens of
    thousands of equal objects on a large site. Equal means same class and
    name, so every page shows exactly the name its story gave.
    """
    shared = {}

    def one(label):
        return shared.setdefault((type(label), label.name), label)

    for article in chain(generator.articles, generator.translations, generator.drafts,
                         generator.drafts_translations, generator.hidden_articles, generator.hidden_translations):
        for key in LABELS:
            value = getattr(article, key, None)
            if isinstance(value, URLWrapper):
                value = one(value)
            elif isinstance(value, list) and value and all(isinstance(v, URLWrapper) for v in value):
                value = [one(v) for v in value]
            else:
                continue
            setattr(article, key, value)
            if key in article.metadata:
                article.metadata[key] = value


def rank_related(generator):
    ranking = related.rank(generator.articles, generator.settings["CASEBOOK_RELATED_MAX"])
    for article in generator.articles:
        article.related = ranking.get(article, [])


def freeze_read_content(generators):
    """What was read stays alive until the build ends: move it out of the
    cyclic collector's reach, so each full collection while pages are written
    does not walk the whole site again (measured in docs/performance.md)."""
    gc.collect()
    gc.freeze()


def release_rendered_content(path, context=None):
    """Once a story's page is written, drop Pelican's memoized copy of its
    content with links resolved (about 9 KB a story): nothing else shows a
    story's whole content but the feeds, which ask again for a few. Kept, the
    copies were the largest growth of memory while pages are written."""
    article = (context or {}).get("article")
    if article is not None:
        article.get_content.cache.pop((article, article.get_siteurl()), None)


def unfreeze(pelican):
    gc.unfreeze()


def report_problems(generators):
    problems.report(problems.collect(generators))


def register():
    signals.initialized.connect(initialize)
    signals.readers_init.connect(add_reader)
    signals.get_generators.connect(get_generators)
    signals.get_writer.connect(incremental.writer_class)
    signals.article_generator_init.connect(prefetch.start)
    signals.article_generator_finalized.connect(share_labels)
    signals.article_generator_finalized.connect(freeze_urls)
    signals.article_generator_finalized.connect(rank_related)
    signals.article_generator_finalized.connect(social.assign)
    signals.article_writer_finalized.connect(social.write)
    signals.all_generators_finalized.connect(prefetch.stop)
    signals.all_generators_finalized.connect(report_problems)
    signals.all_generators_finalized.connect(fragments.start_build)
    signals.all_generators_finalized.connect(freeze_read_content)
    signals.content_written.connect(release_rendered_content)
    signals.finalized.connect(unfreeze)
    signals.finalized.connect(minify.minify_output)
    signals.finalized.connect(incremental.finish)  # after minify: records the files as they stay
