"""Production settings: `make build PUBLISH=1` (and CI's deploy)."""

import os

from pelicanconf import *  # noqa: F403 (pelicanconf is installed with the project)

# The public address of the site, without a trailing slash. GitHub Pages
# project sites live at https://<owner>.github.io/<repository>; CI passes it.
SITEURL = os.environ.get("SITEURL", "https://casebook.example.org").rstrip("/")
FEED_DOMAIN = SITEURL
RELATIVE_URLS = False

CASEBOOK_JSON_LD = True
CASEBOOK_OG_IMAGES = True  # each story's Open Graph card, named in its og:image
CASEBOOK_SHOW_PROBLEMS = False  # the list of mistakes is for make serve only
CACHE_PATH = "cache/publish"

# Drafts never reach a production build.
DRAFT_SAVE_AS = ""
DRAFT_URL = ""
DRAFT_PAGE_SAVE_AS = ""
DRAFT_PAGE_URL = ""
# ...nor do `Status: hidden` stories: no page, listing, feed, sitemap, related
# list, callouts.json or search index of a production build names them.
CASEBOOK_WRITE_HIDDEN = False
# No inline script is allowed in production (development allows make serve's live reload).
CASEBOOK_CSP_SCRIPT_HASHES = []

# Minified HTML and CSS (plugins/casebook/minify.py, through minify-html).
CASEBOOK_MINIFY = True


def _asset_version(folder):
    """A digest of the theme's static files: changes whenever one of them does."""
    import hashlib
    from pathlib import Path

    digest = hashlib.sha256()
    for path in sorted(Path(folder).rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(folder).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()[:10]


# Cache-busted asset URLs: theme/css/site.css?v=<digest>
CASEBOOK_ASSET_VERSION = _asset_version(os.path.join(os.path.dirname(os.path.abspath(__file__)), "theme", "static"))
