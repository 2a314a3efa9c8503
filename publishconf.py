"""Production settings: `make build PUBLISH=1` (and CI's deploy)."""

import os
import sys

sys.path.append(os.path.dirname(os.path.abspath(__file__)))

from pelicanconf import *  # noqa: E402,F403

# The public address of the site, without a trailing slash. GitHub Pages
# project sites live at https://<owner>.github.io/<repository>; CI passes it.
SITEURL = os.environ.get("SITEURL", "https://casebook.example.org").rstrip("/")
FEED_DOMAIN = SITEURL
RELATIVE_URLS = False

CASEBOOK_JSON_LD = True
CACHE_PATH = "cache/publish"

# Drafts never reach a production build.
DRAFT_SAVE_AS = ""
DRAFT_URL = ""
DRAFT_PAGE_SAVE_AS = ""
DRAFT_PAGE_URL = ""
