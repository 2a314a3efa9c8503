"""Pelican settings for Casebook (development: `make serve`, `make build`).

publishconf.py extends these for the production build.
"""

AUTHOR = "Casebook editors"
SITENAME = "Casebook"
SITESUBTITLE = "Customer service, learned from real stories"
SITE_DESCRIPTION = (
    "Case studies of customer service done well and badly, from Disney to the corner "
    "salon, with the takeaways and lessons a support team can use on Monday."
)
SITEURL = ""

PATH = "content"
ARTICLE_PATHS = ["stories"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["images"]

OUTPUT_PATH = "output"
THEME = "theme"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
DEFAULT_DATE = "fs"  # only a safety net: a missing date is reported as an error
DEFAULT_CATEGORY = "Case studies"
# A story without `Category:` gets DEFAULT_CATEGORY, not its folder's name ("stories").
USE_FOLDER_AS_CATEGORY = False

# A story dated in the future is scheduled: a draft (left out of production)
# until a build on or after its date; development builds list it as scheduled.
WITH_FUTURE_DATES = False
DEFAULT_DATE_FORMAT = "%-d %B %Y"  # article.locale_date, e.g. "6 May 2025"

# Every plugin is an installed package (`make` installs them, editable): the
# callouts plugin (plugins/callouts, a pelican-plugins namespace package), and
# the site's own casebook and site_search (plugins/, declared in pyproject.toml).
# Their order here does not matter: none relies on the order of another's
# receivers, and casebook imports what it needs from callouts.
PLUGIN_PATHS = []
PLUGINS = [
    "pelican.plugins.callouts",
    "casebook",
    "site_search",
    "pelican.plugins.sitemap",
    "pelican.plugins.neighbors",
]

# -- URLs: folders with index.html ---------------------------------------------
# Slugs come from file names, so editing a title never breaks a link.
SLUGIFY_SOURCE = "basename"
ARTICLE_URL = "stories/{slug}/"
ARTICLE_SAVE_AS = "stories/{slug}/index.html"
ARTICLE_LANG_URL = "stories/{slug}/{lang}/"  # a translation (same slug, another Lang:)
ARTICLE_LANG_SAVE_AS = "stories/{slug}/{lang}/index.html"
PAGE_LANG_URL = "{slug}/{lang}/"
PAGE_LANG_SAVE_AS = "{slug}/{lang}/index.html"
DRAFT_URL = "drafts/{slug}/"
DRAFT_SAVE_AS = "drafts/{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
TAG_URL = "themes/{slug}/"
TAG_SAVE_AS = "themes/{slug}/index.html"
TAGS_URL = "themes/"
TAGS_SAVE_AS = "themes/index.html"
CATEGORY_URL = "categories/{slug}/"
CATEGORY_SAVE_AS = "categories/{slug}/index.html"
CATEGORIES_URL = "categories/"
CATEGORIES_SAVE_AS = "categories/index.html"
ARCHIVES_URL = "archives/"
ARCHIVES_SAVE_AS = "archives/index.html"
YEAR_ARCHIVE_URL = "archives/{date:%Y}/"
YEAR_ARCHIVE_SAVE_AS = "archives/{date:%Y}/index.html"
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
INDEX_SAVE_AS = "index.html"
COMPANY_URL = "companies/{slug}/"
COMPANY_SAVE_AS = "companies/{slug}/index.html"
COMPANIES_URL = "companies/"
COMPANIES_SAVE_AS = "companies/index.html"
DIRECT_TEMPLATES = ["index", "tags", "categories", "archives", "search", "404", "robots"]
SEARCH_URL = "search/"
SEARCH_SAVE_AS = "search/index.html"
ROBOTS_SAVE_AS = "robots.txt"
# A theme, company, category or year lists its stories 30 to a page, so a
# listing of a large site stays a page a phone loads quickly (a theme of a
# 5,000-story site was 2.4 MB on one page). The home page shows HOME_LATEST.
# /archives/ lists every story, newest first: 1,000 a page keeps each page
# under the 100 KB (gzip) page budget on a large site
PAGINATED_TEMPLATES = {"tag": None, "category": None, "company": None, "period_archives": None, "archives": 1000}
DEFAULT_PAGINATION = 30
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)
HOME_LATEST = 6  # case studies on the home page
SUMMARY_MAX_LENGTH = 40

# -- Feeds ---------------------------------------------------------------------
FEED_DOMAIN = SITEURL
FEED_ALL_ATOM = "feeds/all.atom.xml"
CATEGORY_FEED_ATOM = None
TAG_FEED_ATOM = "feeds/themes/{slug}.atom.xml"
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

# -- Callouts (plugins/callouts) -----------------------------------------------
# Adding a type here is all it takes to get its syntax, badge and index page.
CALLOUTS_TYPES = {
    "takeaway": {
        "label": "Takeaway",
        "plural": "Takeaways",
        "description": "Something a team can do differently on its next shift.",
    },
    "lesson": {
        "label": "Lesson",
        "plural": "Lessons",
        "description": "The principle a story teaches, true beyond the company it happened to.",
    },
}

# -- Markdown ------------------------------------------------------------------
MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.toc": {},
        "markdown.extensions.smarty": {},
        # Pygments classes (the casebook plugin writes their stylesheet), as Pelican
        # highlights: fenced and indented blocks, `:::python` / `#!python` first lines
        # (`#!` adds line numbers); no guessing of unlabelled blocks
        "markdown.extensions.codehilite": {"css_class": "highlight", "guess_lang": False},
    },
    "output_format": "html5",
}

# -- HTML in stories (plugins/casebook/html_policy.py) ---------------------------
# Scripts, event handlers, javascript:/data: URLs and iframes are author errors, and
# the published HTML is sanitised (nh3). Hosts listed here may be embedded with
# <iframe src="https://HOST/...">, and are allowed in the pages' CSP frame-src.
CASEBOOK_HTML_EMBED_HOSTS = []
# Every page's Content-Security-Policy <meta>: None builds it (default-src 'self';
# script-src 'self' 'wasm-unsafe-eval' for search; no inline script or style).
CASEBOOK_CSP = None
CASEBOOK_REFERRER_POLICY = "strict-origin-when-cross-origin"
# `make serve` reloads pages with livereload, which injects one inline script: its
# hash lets exactly that script run in development (tests/test_security.py checks
# it against the installed livereload). Production allows no inline script.
CASEBOOK_CSP_SCRIPT_HASHES = ["sha256-MclZcNa5vMtp/wzxRW6+KS3i8mRUf6thpmjT3pkIT5I="]

# -- Sitemap (pelican-sitemap) -------------------------------------------------
SITEMAP = {
    "format": "xml",
    "priorities": {"articles": 0.8, "indexes": 0.5, "pages": 0.5},
    "changefreqs": {"articles": "monthly", "indexes": "weekly", "pages": "monthly"},
    "exclude": ["^tag/", "^category/", "^author/", "^drafts/", "^404"],
}

# -- Templates -----------------------------------------------------------------
JINJA_ENVIRONMENT = {"trim_blocks": True, "lstrip_blocks": True, "autoescape": True}
CASEBOOK_JSON_LD = False  # on in publishconf.py
CASEBOOK_ASSET_VERSION = ""  # cache-busting query string, set in publish builds
CASEBOOK_MINIFY = False  # on in publishconf.py
# Open Graph cards (plugins/casebook/social.py): on in publishconf.py only. A card is
# for a link shared from the published site: `og:image` must be an absolute URL, which
# a development build (SITEURL = "") cannot give, so drawing them here would be wasted.
CASEBOOK_OG_IMAGES = False
# make serve lists the build's mistakes at the top of every page (never in production)
CASEBOOK_SHOW_PROBLEMS = True

# -- Caching: a one-post edit under `make serve` re-reads only that post --------
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CONTENT_CACHING_LAYER = "reader"
CACHE_PATH = "cache/dev"
# Uncompressed: at 5,000 stories gzip made every cached build spend about 4 s
# compressing and decompressing (docs/performance.md); the files are larger on disk.
GZIP_CACHE = False
DELETE_OUTPUT_DIRECTORY = False
RELATIVE_URLS = False

# -- Themes: the curated tag vocabulary (shown on tag pages, checked by lint) --
CASEBOOK_THEMES = {
    "service recovery": "Putting things right after something has gone wrong, and keeping the customer.",
    "empowerment": "Giving front-line staff the authority to solve a problem where it happens.",
    "customer experience": "Everything a customer sees, hears and feels, not only the transaction.",
    "attention to detail": "The small things in a setting that tell customers whether anyone cares.",
    "employee engagement": "Morale, pride and energy of the people who serve customers.",
    "consistency": "The same good service every time, in every place, from every person.",
    "empathy": "Seeing the situation through the customer's eyes before acting.",
    "first impressions": "Greeting, welcome and the first seconds of an encounter.",
    "last impressions": "How an encounter ends, and what the customer carries away.",
    "follow-up": "Checking in after the moment has passed, before the customer has to ask.",
    "leadership": "What managers do, say and measure that shapes how staff serve.",
    "policies": "Rules, layers and procedures that help customers or stand in their way.",
    "training": "How service is taught, rehearsed and kept alive.",
    "loyalty": "Why customers stay, return and tell others, and why they leave.",
    "communication": "Listening, courtesy and the words that carry a service culture.",
}
