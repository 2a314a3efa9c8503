"""The writer that keeps pages whose fingerprint has not changed since the last build."""

from __future__ import annotations

import logging

from pelican.plugins.callouts.contracts import PageKeeper
from pelican.utils import sanitised_join

from ..parallel_write import ParallelWriter
from .fingerprints import Inputs
from .manifest import Manifest
from .records import enabled

logger = logging.getLogger(__name__)

_current: Manifest | None = None  # this build's; builds in one process run one after another


class ReusingWriter(ParallelWriter, PageKeeper):
    """Pelican's writer, keeping the pages whose inputs have not changed since
    the last build (and rendering story pages on every core, as its base does)."""

    def __init__(self, output_path, settings=None):
        global _current
        super().__init__(output_path, settings)
        self.manifest = _current = Manifest(self.settings, output_path)
        self.inputs = Inputs(self.settings)

    def write_file(self, name, template, context, relative_urls=False, paginated=None,
                   template_name=None, override_output=False, url=None, **kwargs):
        if name and not override_output:
            template = KeptOrRendered(template, self)
        return super().write_file(name, template, context, relative_urls, paginated,
                                  template_name, override_output, url, **kwargs)

    def write_feed(self, elements, context, path=None, url=None, feed_type="atom", override_output=False,
                   feed_title=None):
        """Pelican's, but a feed whose items and settings are those of the last
        build is kept as that build wrote it (not built again: building one
        resolves the links of every story it holds)."""
        if path and not override_output:
            shown = elements[: self.settings["FEED_MAX_ITEMS"]]  # what Pelican's writer puts in the feed
            fingerprint = self.inputs.feed(shown, context, path, url, feed_type, feed_title)
            kept = self.manifest.keep(path, fingerprint, self.already_written)
            if kept is not None:
                self.claim(kept)
                logger.info('Unchanged "%s"', kept)
                return None
        return super().write_feed(elements, context, path, url, feed_type, override_output, feed_title)

    def keep(self, template, context) -> bool:
        """Whether the page ``context["output_file"]``, from ``template`` (None:
        from all of ``context``), is kept as the last build wrote it. If so, the
        next opening of its file for writing (``_open_w``) writes nothing."""
        fingerprint = self.inputs.page(template, context)
        path = self.manifest.keep(context["output_file"], fingerprint, self.already_written)
        if path is None:
            return False
        self._skip.add(path)
        logger.info('Unchanged "%s"', path)
        return True

    def record(self, name):
        """In a worker rendering story pages: the page's fingerprint, and whether it was kept."""
        fingerprint = self.manifest.fingerprints.get(name)
        if fingerprint is None:
            return None
        return fingerprint, sanitised_join(self.output_path, name) in self.manifest.kept

    def take_worker_pages(self, pages: dict) -> None:
        for name, recorded in pages.items():
            if recorded is not None:
                self.manifest.fingerprints[name] = recorded[0]
                if recorded[1]:
                    self.manifest.kept.add(sanitised_join(self.output_path, name))


class KeptOrRendered:
    """A template as Pelican's writer uses it (``render``), rendering nothing
    for a page the writer keeps from the last build."""

    def __init__(self, template, writer: ReusingWriter):
        self.template = template
        self.writer = writer

    def render(self, context):
        if self.writer.keep(self.template, context):
            return ""
        return self.template.render(context)

    def __getattr__(self, name):
        return getattr(self.template, name)


def writer_class(pelican):
    """On get_writer: the writer that keeps pages where they are kept, else
    the one that renders story pages on every core."""
    return ReusingWriter if enabled(pelican.settings) else ParallelWriter


def kept() -> set[str]:
    """Pages of this build's output kept whole from the last build."""
    return _current.kept if _current else set()


def save_manifest(pelican):
    """At the end of the build, once the output's files are as they stay."""
    global _current
    if _current:
        manifest, _current = _current, None
        manifest.save()
