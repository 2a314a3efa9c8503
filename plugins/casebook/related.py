"""Related stories, ranked by the number of themes (tags) they share.

Articles with the same set of tags have the same neighbours, so the ranking is
computed once per distinct tag set (a few hundred at most), not once per pair
of articles: the cost grows with articles x limit, not articles squared.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from itertools import islice


def rank(articles, limit: int) -> dict:
    """Map each article to up to ``limit`` (other_article, shared_tag_count) pairs.

    Best first: more shared tags, then newer. Articles sharing no tag are not related.
    """
    by_set: dict[frozenset, list] = defaultdict(list)
    for article in articles:
        by_set[frozenset(t.name for t in getattr(article, "tags", ()))].append(article)
    for group in by_set.values():
        group.sort(key=lambda a: a.date, reverse=True)

    sets = [s for s in by_set if s]
    ranking = {}
    for tags in sets:
        by_score: dict[int, list] = defaultdict(list)
        for other in sets:
            shared = len(tags & other)
            if shared:
                by_score[shared].append(by_set[other])
        ordered = []
        for score in sorted(by_score, reverse=True):
            merged = heapq.merge(*by_score[score], key=lambda a: a.date, reverse=True)
            # one spare, since the article itself is among its own tag set
            ordered.extend((a, score) for a in islice(merged, limit + 1))
            if len(ordered) > limit:
                break
        for article in by_set[tags]:
            ranking[article] = [pair for pair in ordered if pair[0] is not article][:limit]  # pairs shared
    for article in by_set.get(frozenset(), ()):
        ranking[article] = []
    return ranking
