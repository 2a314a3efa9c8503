"""Open Graph images: one PNG per story (title, companies, site name), drawn with Pillow.

Each story gets ``og_image`` (its URL, site-relative) when the stories are
read. The cards are drawn from then on in background processes (one per
core, at a lower priority than the build), beside the rest of the build, and
linked into the output when the build ends. An image is named after a
digest of everything drawn on it, so with the content cache on an unchanged
story's image is copied from the cache folder instead of being drawn again,
and an output file that already holds it is left alone.

The font is the one Pillow ships (``ImageFont.load_default(size=...)``,
scalable since Pillow 10.1), so every machine draws the same image.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import shutil
from itertools import chain
from multiprocessing import get_all_start_methods, get_context

from .typography import typographic

logger = logging.getLogger(__name__)

DEFAULTS = {
    "CASEBOOK_OG_IMAGES": True,
    "CASEBOOK_OG_IMAGE_SAVE_AS": "og/{slug}.png",
}
# the size chat tools and social sites expect (1.91:1); the page's meta tags say it
SIZE = SIZE = WIDTH, HEIGHT = 1200, 630
MARGIN = 80
# drawing version: change it when the layout changes, so cached images are redrawn
LAYOUT = "3"
# The card is drawn in shades of one ramp, from the text colour to the
# background (antialiased text blends along it), plus a coloured bar: a
# palette image, which PNG encodes about four times faster than RGB.
BACKGROUND, TEXT, BAR = "#fdfcfa", "#1c1c1e", "#0f5f46"
SHADE = {"bar": 0, "title": 1, "site": 40, "companies": 90, "background": 255}


def _rgb(colour: str) -> list[int]:
    return [int(colour[i:i + 2], 16) for i in (1, 3, 5)]


@functools.cache
def palette() -> tuple[int, ...]:
    """Index 0: the bar; 1..255: from the text colour to the background."""
    text, background = _rgb(TEXT), _rgb(BACKGROUND)
    colours = _rgb(BAR)
    for index in range(1, 256):
        share = (index - 1) / 254
        colours += [round(t + (b - t) * share) for t, b in zip(text, background, strict=True)]
    return tuple(colours)


def subjects(generator):
    """The stories that get a card: published ones, and drafts where drafts are written."""
    drafts = generator.drafts if generator.settings.get("DRAFT_SAVE_AS") else ()
    return chain(generator.articles, drafts)


def assign(generator):
    """Give each story the address of its image (on article_generator_finalized)."""
    settings = generator.settings
    if not settings.get("CASEBOOK_OG_IMAGES"):
        return
    pattern = settings["CASEBOOK_OG_IMAGE_SAVE_AS"]
    for article in subjects(generator):
        article.og_image = {"url": pattern.format(slug=article.slug), "width": WIDTH, "height": HEIGHT}


def card_text(article, settings) -> tuple[str, str, str]:
    companies = typographic(", ".join(c.name for c in getattr(article, "companies", None) or ()))
    return (str(article.title), companies, settings.get("SITENAME", ""))


def digest(text: tuple[str, str, str]) -> str:
    from PIL import __version__ as pillow

    return hashlib.sha256(repr((LAYOUT, pillow, SIZE, BACKGROUND, TEXT, BAR, text)).encode()).hexdigest()[:20]


@functools.cache
def _font(size):
    """Pillow's own font at ``size`` (loading it decodes the font each time: once a size per process)."""
    from PIL import ImageFont

    return ImageFont.load_default(size=size)


def _wrap(draw, text, font, width):
    """Words into lines of at most ``width`` pixels (each word measured once)."""
    space = draw.textlength(" ", font=font)
    lines, line, used = [], [], 0.0
    for word in text.split():
        size = draw.textlength(word, font=font)
        if line and used + space + size > width:
            lines.append(" ".join(line))
            line, used = [], 0.0
        used += (space if line else 0) + size
        line.append(word)
    if line:
        lines.append(" ".join(line))
    return lines


@functools.lru_cache(maxsize=4)
def _blank(site: str):
    """The part every card of a site shares: background, bar and the site's name."""
    from PIL import Image, ImageDraw

    image = Image.new("L", SIZE, SHADE["background"])
    canvas = ImageDraw.Draw(image)
    canvas.rectangle((0, 0, 24, HEIGHT), fill=SHADE["bar"])
    canvas.text((MARGIN, 60), site, font=_font(40), fill=SHADE["site"])
    return image


def draw(text: tuple[str, str, str], path: str) -> None:
    """Draw one card into ``path`` (PNG)."""
    from PIL import ImageDraw

    title, companies, site = text
    image = _blank(site).copy()
    canvas = ImageDraw.Draw(image)
    width = WIDTH - 2 * MARGIN
    # the largest size at which the title fits in four lines
    for size in (76, 68, 60, 52, 46, 40):
        font = _font(size)
        lines = _wrap(canvas, title, font, width)
        if len(lines) <= 4:
            break
    else:
        lines = lines[:4]
        lines[-1] = lines[-1].rstrip() + "\u2026"
    y = 150
    for line in lines:
        canvas.text((MARGIN, y), line, font=font, fill=SHADE["title"])
        y += int(size * 1.22)
    if companies:
        small = _font(36)
        line = _wrap(canvas, companies, small, width)[0]
        canvas.text((MARGIN, HEIGHT - 60 - 36), line, font=small, fill=SHADE["companies"])
    image.putpalette(palette())
    image.save(path, "PNG", compress_level=1)


def _same_file(a: str, b: str) -> bool:
    try:
        sa, sb = os.stat(a), os.stat(b)
    except OSError:
        return False
    if (sa.st_ino, sa.st_dev) == (sb.st_ino, sb.st_dev):
        return True
    if sa.st_size != sb.st_size:
        return False
    with open(a, "rb") as fa, open(b, "rb") as fb:
        return fa.read() == fb.read()


def _draw_job(job):
    text, path = job
    draw(text, path + ".tmp")
    os.replace(path + ".tmp", path)


def _draw_share(jobs):
    """In a background process: draw these cards, yielding the CPU to the build."""
    try:
        os.nice(10)
    except OSError:
        pass
    for job in jobs:
        _draw_job(job)


class Cards:
    """This build's cards: which to draw (in the background), which to link into the output."""

    def __init__(self, jobs: list, links: list):
        self.jobs = jobs  # (text, path)
        self.links = links  # (drawn file, file of the output)
        self.processes: list = []  # (process, the jobs it draws)

    def start(self, settings) -> None:
        """Draw the cards in background processes, one per core, when there
        are many and ``fork`` exists; else they are drawn by :meth:`finish`."""
        workers = settings.get("CASEBOOK_READ_WORKERS") or os.cpu_count() or 1
        many = len(self.jobs) >= settings.get("CASEBOOK_PARALLEL_READ_MIN", 200)
        if not (many and workers > 1 and "fork" in get_all_start_methods()):
            return
        context = get_context("fork")
        for k in range(workers):
            share = self.jobs[k::workers]
            process = context.Process(target=_draw_share, args=(share,), daemon=True)
            process.start()
            self.processes.append((process, share))

    def stop(self) -> None:
        """A build that ended before its cards were linked (it failed): its drawing stops."""
        for process, _share in self.processes:
            process.kill()
            process.join()

    def finish(self) -> None:
        """Every card drawn (what a background process did not draw is drawn
        here), then linked into the output."""
        undrawn = [] if self.processes else self.jobs
        for process, share in self.processes:
            process.join()
            if process.exitcode != 0:  # stopped or failed: its cards are drawn here
                undrawn += share
        for job in undrawn:
            _draw_job(job)
        for source, target in self.links:
            if _same_file(source, target):
                continue
            if os.path.exists(target):
                os.remove(target)
            try:
                os.link(source, target)
            except OSError:
                shutil.copyfile(source, target)
        logger.debug("casebook: drew %d Open Graph images", len(self.jobs))


def draw_all(jobs: list, settings) -> None:
    """Draw (text, path) cards: on every core when there are many, else here."""
    cards = Cards(jobs, [])
    cards.start(settings)
    cards.finish()


_current: Cards | None = None  # this build's; builds in one process run one after another


def start(generator) -> None:
    """Once the stories are read (article_generator_finalized): start drawing
    the cards the output needs, beside the rest of the build."""
    global _current
    settings = generator.settings
    if _current is not None:  # the last build in this process stopped before it ended
        _current.stop()
    _current = None
    if not settings.get("CASEBOOK_OG_IMAGES"):
        return
    cached = settings.get("CACHE_CONTENT") or settings.get("LOAD_CONTENT_CACHE")
    folder = os.path.join(settings["CACHE_PATH"], "og") if cached else None
    if folder:
        os.makedirs(folder, exist_ok=True)
    jobs, links = {}, []
    for article in subjects(generator):
        target = os.path.join(generator.output_path, article.og_image["url"])
        os.makedirs(os.path.dirname(target), exist_ok=True)
        text = card_text(article, settings)
        if folder is None:
            jobs[target] = text
            continue
        source = os.path.join(folder, digest(text) + ".png")
        if not os.path.exists(source):
            jobs[source] = text
        links.append((source, target))
    _current = Cards([(text, path) for path, text in jobs.items()], links)
    _current.start(settings)


def finish() -> None:
    """At the end of the build: every card in the output."""
    global _current
    if _current is not None:
        cards, _current = _current, None
        cards.finish()
