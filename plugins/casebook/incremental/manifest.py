"""The page manifest: which page was written from which fingerprint.

Kept in the content cache folder (``pages.json``) with each file's size and
modification time, so a file changed or removed since (another build into the
same folder, a hand edit) is rendered again. A page kept from another folder
(the live site, when ``invoke build`` builds into a fresh one) is hard-linked,
or copied where links are not possible; a file of the live site is never
written through.
"""

from __future__ import annotations

import json
import logging
import os
import shutil

from pelican.utils import sanitised_join

logger = logging.getLogger(__name__)

MANIFEST = "pages.json"
MANIFEST_VERSION = 2


class Manifest:
    """Which page the last build wrote from which fingerprint, and this build's."""

    def __init__(self, settings, output_path):
        self.output = output_path
        self.source = settings.get("CASEBOOK_REUSE_FROM") or output_path
        self.manifest = os.path.join(settings["CACHE_PATH"], MANIFEST)
        self.save_manifest = bool(settings.get("CACHE_CONTENT"))
        self.last = self._load() if settings.get("LOAD_CONTENT_CACHE") else {}
        self.fingerprints: dict[str, str] = {}  # output name -> fingerprint, this build
        self.kept: set[str] = set()  # absolute paths in this output

    def _load(self) -> dict:
        try:
            with open(self.manifest, encoding="utf-8") as fh:
                saved = json.load(fh)
        except (OSError, ValueError):
            return {}
        if not isinstance(saved, dict) or saved.get("version") != MANIFEST_VERSION:
            return {}
        return saved.get("pages", {})

    def keep(self, name, fingerprint, written) -> str | None:
        """The page's path in this output when the last build's file is still
        right (now in place), else None. ``written(path)``: written already in this build."""
        self.fingerprints[name] = fingerprint
        record = self.last.get(name)
        if not record or record[0] != fingerprint:
            return None
        source = os.path.join(self.source, name)
        target = sanitised_join(self.output, name)
        try:
            stat = os.stat(source)
        except OSError:
            return None
        if [stat.st_size, stat.st_mtime_ns] != record[1:] or written(target):
            return None
        if not os.path.exists(target) or not os.path.samefile(source, target):
            os.makedirs(os.path.dirname(target), exist_ok=True)
            if os.path.lexists(target):
                os.unlink(target)  # never write through a file that may be linked elsewhere
            try:
                os.link(source, target)
            except OSError:
                shutil.copy2(source, target)
        self.kept.add(target)
        return target

    def save(self):
        """After the build: each page's fingerprint with its file as it is now."""
        if not self.save_manifest:
            return
        records = {}
        for name, fingerprint in self.fingerprints.items():
            try:
                stat = os.stat(os.path.join(self.output, name))
            except OSError:
                continue
            records[name] = [fingerprint, stat.st_size, stat.st_mtime_ns]
        os.makedirs(os.path.dirname(self.manifest), exist_ok=True)
        partial = f"{self.manifest}.{os.getpid()}"
        with open(partial, "w", encoding="utf-8") as fh:
            json.dump({"version": MANIFEST_VERSION, "pages": records}, fh)
        os.replace(partial, self.manifest)
        logger.info("Pages: %d rendered, %d unchanged", len(records) - len(self.kept), len(self.kept))
