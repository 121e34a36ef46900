"""Articles whose front matter no site can carry: reported in one line and left out.

A page's path, its listing pages and its dates come from front matter. Where those
values cannot make a page (an id another article already publishes under, a domain
named like a listing's own page, a review date the calendar cannot reach), the
article is left out of every site and the build goes on with all the others: one
contributor's draft never halts publishing. ``kcs lint`` reports the same findings
as errors, so they are seen before a build.

Of articles sharing an id, one keeps it: the validated one before drafts, then the
widest audience, then the first path in sort order. A draft that reuses a published
article's id is the one left out, never the published article.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import replace

from .article import Article
from .config import AUDIENCES, STATES
from .findings import Finding
from .knowledge import KnowledgeBase

#: Codes of the findings that leave an article out (``kcs build --strict`` names them).
DUPLICATE = "duplicate-id"
RESERVED = "reserved-name"
IMPOSSIBLE_DATE = "impossible-date"
CODES: tuple[str, ...] = (DUPLICATE, RESERVED, IMPOSSIBLE_DATE)

#: Names a domain cannot take: ``<lang>/d/<name>.md`` is a listing's own page.
RESERVED_NAMES = frozenset({"index"})
#: How far ahead a review date may lie before it is a typing error, not clock skew.
FUTURE_LIMIT = dt.timedelta(days=366)
#: The most distant year a due date may reach (the calendar ends at 9999).
LAST_YEAR = 9000

_STATE_RANK = {state: rank for rank, state in enumerate(("validated", "not-validated", "wip"))}


def keeper_order(article: Article) -> tuple[int, int, str]:
    """Sort key: the first article of a shared id keeps it."""
    return (
        _STATE_RANK.get(article.state, len(STATES)),
        -AUDIENCES.index(article.audience),
        article.path,
    )


def findings(kb: KnowledgeBase, today: dt.date | None = None) -> list[Finding]:
    """One finding per article no site can carry (see the module text)."""
    return list(_findings(kb, today or dt.date.today()))


def _findings(kb: KnowledgeBase, today: dt.date) -> Iterator[Finding]:
    gone: set[str] = set()
    for article in kb.articles:
        own = list(_own(article, kb, today))
        gone.update(finding.path for finding in own)
        yield from own
    # An article left out for its own sake keeps no id from another.
    owners: dict[str, list[Article]] = {}
    for article in kb.articles:
        if article.path not in gone:
            owners.setdefault(article.id, []).append(article)
    for ident, articles in owners.items():
        if len(articles) < 2:
            continue
        keeper, *others = sorted(articles, key=keeper_order)
        for article in others:
            yield Finding(
                article.path,
                article.line_of("id"),
                DUPLICATE,
                f"id '{ident}' is already the id of {keeper.path}, which keeps it; "
                "this article is left out of the sites: give it another id",
            )


def _own(article: Article, kb: KnowledgeBase, today: dt.date) -> Iterator[Finding]:
    if article.domain in RESERVED_NAMES:
        yield Finding(
            article.path,
            article.line_of("domain"),
            RESERVED,
            f"domain '{article.domain}' is the name of a listing page; this article "
            "is left out of the sites: choose another domain",
        )
        return
    yield from _dates(article, kb, today)


def _dates(article: Article, kb: KnowledgeBase, today: dt.date) -> Iterator[Finding]:
    if article.reviewed is not None and article.reviewed > today + FUTURE_LIMIT:
        yield Finding(
            article.path,
            article.line_of("reviewed"),
            IMPOSSIBLE_DATE,
            f"reviewed {article.reviewed.isoformat()} lies more than a year ahead; this "
            "article is left out of the sites: write the date it was validated",
        )
        return
    if article.reviewed is None:
        return
    try:
        days = article.review_every or kb.config.review_interval(
            type=article.type, domain=article.domain, audience=article.audience
        )
        due = article.reviewed + dt.timedelta(days=days)
    except (OverflowError, ValueError):
        due = dt.date.max
    if due.year > LAST_YEAR:
        name = "review_every" if article.review_every else "reviewed"
        yield Finding(
            article.path,
            article.line_of(name),
            IMPOSSIBLE_DATE,
            f"the next review falls after the year {LAST_YEAR}; this article is left out "
            "of the sites: write a review interval of years, not millennia",
        )


def leave_out(
    kb: KnowledgeBase, today: dt.date | None = None
) -> tuple[KnowledgeBase, list[Finding]]:
    """``kb`` without the articles no site can carry, and why each is left out."""
    found = findings(kb, today)
    if not found:
        return kb, []
    gone = {finding.path for finding in found}
    kept = tuple(a for a in kb.articles if a.path not in gone)
    return replace(kb, articles=kept), found
