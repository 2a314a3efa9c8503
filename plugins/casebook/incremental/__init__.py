"""Incremental rebuilds: rewrite a page only when what it shows has changed.

Editing one story with a warm content cache used to rewrite the whole site:
on a large site most of a rebuild was rendering pages identical to the ones
already on disk. Every page the writer renders (story pages, each page of a
listing, the callout indexes) now gets a fingerprint of what it is rendered
from, and a page whose fingerprint matches the last build's is kept as the last
build wrote it instead of rendered again.

A page's fingerprint is made of:

* the site: the template folder's files (Pelican's ``THEME``), the plugins' code, the versions of the packages
  that render, and the settings;
* the template's name and the value of every name it reads, found by reading
  the template (with what it extends, includes and imports) with Jinja's
  ``meta`` module. A template whose includes cannot be followed reads
  everything. So a story page depends on its story, not on the list of all
  stories; the second page of a theme depends on the stories on that page.

Content in those values is counted by digests computed once per build
(:class:`Inputs`), mostly from what the reader recorded when it read the file
(``read_record``, kept with it in the content cache):

* the **heading** of a story (or page, or static file): what a link to it
  shows, which is its metadata (header, reading time), URL and summary;
* its **card**: the heading and what plugins took from its body (callouts),
  which is what a listing shows. Neither includes the body or ``PAGE_ONLY``
  metadata (word count, modification time), shown on the story's own page only;
* the **story** itself, for the page it is the ``article`` (or ``page``) of:
  its card, its body, the targets its intrasite links resolve to, and every
  attribute plugins set on it (neighbours, related stories and lessons), other
  stories counting by their cards.

A callout entry counts by its story's heading and its own record, so editing
one callout leaves the index of the other kind alone. One page of a listing
counts by the stories on it and its place in the listing.

So editing a story's body re-renders its page alone; editing its title, tags
or callouts re-renders the pages that show them (neighbours, related lists,
the pages of its themes that list it, the callout indexes); touching the template
folder, a plugin or a setting re-renders everything. That holds as long as only
``article.html`` and ``page.html`` read a story's body or ``PAGE_ONLY``
metadata, and only of their own ``article`` or ``page``; a test reads the
templates to check it.

Which page was written from which fingerprint is kept in the content cache
folder (``pages.json``) with each file's size and modification time, so a file
changed or removed since (another build into the same folder, a hand edit) is
rendered again. The last build's output is ``CASEBOOK_REUSE_FROM`` (by default
the output folder itself; ``invoke build`` builds into a fresh folder and names
the live one), and a file kept from another folder is hard-linked, or copied
where links are not possible; a file of the live site is never written
through. Pelican's writer goes on as for a rendered page (its guard against
writing a file twice, ``content_written``), so the sitemap and the search index
see every page.

The package, one module a concern:

* ``values``: any value as plain data, and its digest;
* ``records``: what the reader records of each file (``read_record``);
* ``fingerprints``: a page's fingerprint (``Inputs``, ``template_reads``);
* ``manifest``: which page was written from which fingerprint (``pages.json``);
* ``writer``: the writer that keeps unchanged pages (``ReusingWriter``).

It is on with the content cache (``LOAD_CONTENT_CACHE``, ``CACHE_CONTENT``)
unless ``CASEBOOK_REUSE_PAGES`` is false. A feed is kept the same way, by
the fingerprint of the items it shows (each story as its own page counts it)
and the context its header shows.
"""

from .fingerprints import BODY_ATTRIBUTES, PAGE_ONLY, SUBJECTS, Inputs, template_reads
from .records import DEFAULTS, READ_KEY, enabled, link_targets, read_record, record_in, recorded_links
from .writer import ReusingWriter, kept, save_manifest, writer_class

__all__ = [
    "BODY_ATTRIBUTES", "DEFAULTS", "PAGE_ONLY", "READ_KEY", "SUBJECTS", "Inputs", "ReusingWriter", "enabled",
    "kept", "link_targets", "read_record", "record_in", "recorded_links", "save_manifest", "template_reads",
    "writer_class",
]
