"""Casebook's site plugin: its wiring, and nothing else.

Pelican sends each signal to its receivers in no guaranteed order (blinker
iterates a set), so this plugin connects **one receiver per signal** and each
calls its steps in the order written here. What it needs from the callouts
plugin comes through ``pelican.plugins.callouts.contracts``; it needs that
plugin enabled and says so at start-up.

The steps live in their modules: ``reader`` (reading, authors' mistakes),
``prefetch`` (Markdown on every core), ``companies``, ``related``,
``fragments``, ``memory``, ``incremental``, ``publishing``, ``html_policy`` (keeping unchanged pages),
``minify``, ``problems``; every use of Pelican's private API is in ``compat``.
"""

from __future__ import annotations

import atexit
import hashlib
import logging
import os

from jinja2 import FileSystemBytecodeCache
from pelican import signals
from pelican.plugins.callouts import contracts as callouts

from . import (
    cache,
    compat,
    fragments,
    highlight,
    html_policy,
    incremental,
    links,
    memory,
    minify,
    parallel_write,
    paths,
    prefetch,
    problems,
    progress,
    publishing,
    related,
    social,
)
from .anchors_ext import template_ids
from .companies import DEFAULTS as COMPANY_DEFAULTS
from .companies import CompaniesGenerator
from .headings import HeadingAnchorsExtension
from .incremental.fingerprints import hash_files, plugin_folders
from .reader import CasebookHTMLReader, CasebookMarkdownReader, CasebookRstReader

logger = logging.getLogger(__name__)

DEFAULTS = {
    **COMPANY_DEFAULTS,
    **prefetch.DEFAULTS,
    **parallel_write.DEFAULTS,
    **incremental.DEFAULTS,
    **highlight.DEFAULTS,
    **html_policy.DEFAULTS,
    **social.DEFAULTS,
    # "Edit this story": this address + the story's path inside the content folder ("" hides the link)
    "REPOSITORY_EDIT_URL": "",
    # Stories with `Status: hidden` are written (unlisted) when True, as Pelican
    # does; publishconf.py sets False: production writes no unpublished story.
    "CASEBOOK_WRITE_HIDDEN": True,
    # Ids the theme's pages give their own elements, which no heading or callout of a
    # story may take (None: found in the theme's templates, see anchors_ext)
    "CASEBOOK_PAGE_IDS": None,
    # how many related stories are ranked per article, and shown under it
    "CASEBOOK_RELATED_MAX": 12,
    "CASEBOOK_RELATED_SHOWN": 4,
    # callouts of related stories shown under a story: at most, and per story
    "CASEBOOK_RELATED_CALLOUTS_MAX": 6,
    "CASEBOOK_RELATED_CALLOUTS_PER_STORY": 2,
    # development builds (make serve) show this build's problems on every page
    "CASEBOOK_SHOW_PROBLEMS": False,
}
WHOLE_NUMBERS = ("CASEBOOK_PARALLEL_WRITE_MIN", "CASEBOOK_RELATED_MAX", "CASEBOOK_RELATED_SHOWN",
                 "CASEBOOK_RELATED_CALLOUTS_MAX", "CASEBOOK_RELATED_CALLOUTS_PER_STORY")


class MissingPlugin(RuntimeError):
    """A plugin this one builds on is not enabled."""


# -- steps ----------------------------------------------------------------------
def configure(pelican):
    settings = pelican.settings
    if callouts.PLUGIN_NAME not in settings.get("PLUGINS", ()):
        raise MissingPlugin(f"the casebook plugin needs the callouts plugin: add {callouts.PLUGIN_NAME!r} to PLUGINS")
    compat.check_version()
    for key, value in DEFAULTS.items():
        settings.setdefault(key, value)
    for key in WHOLE_NUMBERS:
        if not isinstance(settings[key], int) or settings[key] < 0:
            logger.error("casebook: %s must be a whole number, not %r; using %r", key, settings[key], DEFAULTS[key])
            settings[key] = DEFAULTS[key]
    if not settings["CASEBOOK_CSP"]:
        settings["CASEBOOK_CSP"] = html_policy.content_security_policy(settings)
    highlight.check_styles(settings)
    if settings["CASEBOOK_PAGE_IDS"] is None:
        folders = [os.path.join(settings["THEME"], "templates"), *settings.get("THEME_TEMPLATES_OVERRIDES", ())]
        settings["CASEBOOK_PAGE_IDS"] = template_ids(folders)
    fragments.add_global(settings)
    cache_templates(settings)
    # a link on each heading; a copy, so the user's MARKDOWN dict is left as written
    markdown = dict(settings.get("MARKDOWN", {}))
    markdown["extensions"] = [*markdown.get("extensions", []), HeadingAnchorsExtension()]
    settings["MARKDOWN"] = markdown


def cache_templates(settings):
    """With the content cache on, compiled templates are kept beside it (Jinja's
    bytecode cache, checked against each template's source), so a rebuild does
    not compile every template again; a copy, so the user's dict is left as written."""
    if not (settings.get("CACHE_CONTENT") or settings.get("LOAD_CONTENT_CACHE")):
        return
    jinja = dict(settings.get("JINJA_ENVIRONMENT") or {})
    if "bytecode_cache" not in jinja:
        folder = os.path.join(settings["CACHE_PATH"], "templates")
        os.makedirs(folder, exist_ok=True)
        jinja["bytecode_cache"] = FileSystemBytecodeCache(folder)
    settings["JINJA_ENVIRONMENT"] = jinja


def version_cache(settings):
    """Give the content cache a folder per version of the code that fills it.

    Pelican invalidates cached content when a source file changes, not when a
    plugin or the Markdown settings do; cached callout records would then be
    stale. A digest of both in CACHE_PATH makes such a change start afresh.
    It runs once every plugin has set itself up (extensions added to MARKDOWN
    count by their class: their settings are counted themselves).
    """
    digest = hashlib.sha256()
    for folder in plugin_folders(settings):
        if folder.is_dir():
            hash_files(digest, folder)
    markdown = dict(settings.get("MARKDOWN") or {})
    markdown["extensions"] = [e if isinstance(e, str) else f"{type(e).__module__}.{type(e).__qualname__}"
                              for e in markdown.get("extensions", ())]
    digest.update(repr(markdown).encode())
    for key in ("CALLOUTS_TYPES", "FORMATTED_FIELDS", "SLUG_REGEX_SUBSTITUTIONS", "GZIP_CACHE",
                "CASEBOOK_HTML_EMBED_HOSTS", "CASEBOOK_PAGE_IDS"):
        digest.update(repr(settings.get(key)).encode())
    settings["CACHE_PATH"] = os.path.join(settings["CACHE_PATH"], digest.hexdigest()[:12])


def related_callouts(article, settings):
    """Callouts of the best-matching other stories (see ``related``)."""
    chosen = []
    limit, per_story = settings["CASEBOOK_RELATED_CALLOUTS_MAX"], settings["CASEBOOK_RELATED_CALLOUTS_PER_STORY"]
    for other, _score in getattr(article, "related", ()):
        chosen.extend(getattr(other, "callout_entries", ())[:per_story])
        if len(chosen) >= limit:
            break
    return chosen[:limit]


def report_problems(generators):
    """Every author's mistake of this build, once everything is read and before
    anything is written: the readers' records, then URLs and stray files."""
    settings = generators[0].settings
    found = problems.collect(generators)
    found += links.check(generators, settings)
    found += paths.check_urls(generators, settings)
    found += paths.loose_files(generators, settings)
    if settings["CASEBOOK_SHOW_PROBLEMS"]:
        # every page's template reads it (base.html), so a page shown with
        # problems is rendered again once they are fixed
        generators[0].context["casebook_problems"] = problems.for_pages(sorted(set(found)), paths.contents(generators))
    problems.report(found)
    if progress.shown():
        planned = paths.site_outputs(generators, settings)
        planned.update((c.save_as, None) for c in paths.contents(generators) if c.save_as)
        progress.start_writing(len(planned))


# -- one receiver per signal, in the order of a build -------------------------------
def on_initialized(pelican):
    configure(pelican)


def on_get_generators(pelican):
    memory.pause_collection()  # the build starts: until memory.freeze()
    if pelican.settings.get("CACHE_CONTENT") or pelican.settings.get("LOAD_CONTENT_CACHE"):
        version_cache(pelican.settings)
        cache.discard_damaged(pelican.settings)
    return CompaniesGenerator, highlight.CodeStyleGenerator


def on_get_writer(pelican):
    return incremental.writer_class(pelican)


def on_readers_init(readers):
    compat.keep_cache_packed(readers)
    for reader in (CasebookMarkdownReader, CasebookRstReader, CasebookHTMLReader):
        if not reader.enabled:  # e.g. docutils missing
            continue
        for extension in reader.file_extensions:
            readers.reader_classes[extension] = reader


def on_article_generator_init(generator):
    prefetch.start(generator, CasebookMarkdownReader)
    progress.start(generator)


def on_content_read(generator, metadata=None):
    progress.read_one(generator, metadata=metadata)


def on_article_generator_finalized(generator):
    publishing.mark_scheduled(generator)
    publishing.drop_unpublished(generator)
    memory.share_labels(generator)
    memory.freeze_urls(generator)
    memory.index_listings(generator)
    social.assign(generator)
    social.start(generator)  # drawn beside the rest of the build
    ranking = related.rank(generator.articles, generator.settings["CASEBOOK_RELATED_MAX"])
    for article in generator.articles:
        article.related = ranking.get(article, [])


def on_callout_entries_ready(generator):
    for article in generator.context.get("articles", ()):
        article.related_callouts = related_callouts(article, generator.settings)


def on_page_generator_finalized(generator):
    cache.forget_missing_static_files(generator)  # the last step before static files are read


def on_all_generators_finalized(generators):
    prefetch.stop()
    memory.freeze()  # everything is read; before a strict build may stop on the problems
    report_problems(generators)
    fragments.start_build(generators)
    parallel_write.plan(generators, generators[0].settings)


def on_content_written(path, context=None):
    memory.release_rendered_content(context)
    progress.wrote_one(path, context=context)


def on_feed_written(path, context=None, feed=None):
    memory.release_feed_content(context, feed)


def on_finalized(pelican):
    social.finish()
    memory.unfreeze()
    minify.minify_output(pelican)
    incremental.save_manifest(pelican)  # after minify: records the files as they stay
    progress.finish(pelican)


def register():
    atexit.unregister(memory.leave_at_exit)  # once, however many builds load the plugin
    atexit.register(memory.leave_at_exit)
    signals.initialized.connect(on_initialized)
    signals.get_generators.connect(on_get_generators)
    signals.get_writer.connect(on_get_writer)
    signals.readers_init.connect(on_readers_init)
    signals.content_object_init.connect(memory.pack_body)
    signals.article_generator_init.connect(on_article_generator_init)
    signals.article_generator_context.connect(on_content_read)
    signals.page_generator_context.connect(on_content_read)
    signals.article_generator_finalized.connect(on_article_generator_finalized)
    signals.page_generator_finalized.connect(on_page_generator_finalized)
    callouts.entries_ready.connect(on_callout_entries_ready)
    signals.all_generators_finalized.connect(on_all_generators_finalized)
    signals.content_written.connect(on_content_written)
    signals.feed_written.connect(on_feed_written)
    signals.finalized.connect(on_finalized)
