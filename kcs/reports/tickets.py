"""The tickets report: link rate, reuse per article, known against new, channel mix and
categories without articles, from the ticket exports :mod:`kcs.usage.tickets` stored."""

from __future__ import annotations

from collections import Counter

from .model import Bar, Report, Table
from .period import PeriodInputs

#: reads the usage database (see :mod:`kcs.reports`)
SOURCE = "usage"

MIN_CATEGORY = 5  # a category needs this many tickets before "no article" is worth telling


def report(inputs: PeriodInputs) -> Report:
    """Link rate, reuse per article, known vs new, channel mix, categories without articles.

    Every ticket imported so far counts, whatever the period; the report is dated
    with the period's last day.
    """
    conn, articles, today = inputs.conn, inputs.articles, inputs.last
    tickets = conn.execute(
        "SELECT id, opened, closed, category, channel, articles FROM tickets ORDER BY opened, id"
    ).fetchall()
    closed = [t for t in tickets if t[2]]
    linked_closed = [t for t in closed if t[5]]
    first_use: set[str] = set()
    known = new = 0
    reuse: Counter[str] = Counter()
    for _id, _opened, _closed, _cat, _chan, refs in tickets:
        ids = [r for r in refs.split(",") if r]
        if not ids:
            continue
        if any(r in first_use for r in ids):
            known += 1
        else:
            new += 1
        for ref in ids:
            reuse[ref] += 1
            first_use.add(ref)
    channels = Counter(t[4] or "(none)" for t in tickets)
    categories: dict[str, list[int]] = {}
    for t in tickets:
        entry = categories.setdefault(t[3] or "(none)", [0, 0])
        entry[0] += 1
        entry[1] += 1 if t[5] else 0
    lonely = sorted(
        ((c, n) for c, (n, linked) in categories.items() if linked == 0 and n >= MIN_CATEGORY),
        key=lambda kv: (-kv[1], kv[0]),
    )
    link_rate = 100 * len(linked_closed) / len(closed) if closed else 0.0
    figures = {
        "Tickets": len(tickets),
        "Closed": len(closed),
        "Link rate": f"{link_rate:.1f} %",
        "Known / new": f"{known} / {new}",
        "Articles linked": len(reuse),
    }
    explain = {
        "Tickets": "Rows of the ticket exports imported so far (re-imports replace).",
        "Closed": "Tickets with a closing date.",
        "Link rate": "Closed tickets whose text names an article (id or /a/<id>/ URL), as a "
        "share of closed tickets; KCS calls 60–80 % good.",
        "Known / new": "Linked tickets whose article an earlier ticket had already linked "
        "(known) versus the first ticket to link it (new).",
        "Articles linked": "Distinct articles linked by at least one ticket.",
    }
    reuse_rows = tuple(
        (a, articles[a].title if a in articles else "(not in the knowledge base)", n)
        for a, n in sorted(reuse.items(), key=lambda kv: (-kv[1], kv[0]))
    )
    total = len(tickets) or 1
    return Report(
        "tickets",
        "Tickets and articles",
        today,
        figures,
        (
            Table(
                "reuse",
                "Reuse per article",
                ("article", "title", "tickets"),
                reuse_rows,
                "How many tickets linked each article: reuse is review.",
            ),
            Table(
                "channels",
                "Channel mix",
                ("channel", "tickets", "share %"),
                tuple((c, n, round(100 * n / total, 1)) for c, n in channels.most_common()),
                "Where the tickets came from.",
            ),
            Table(
                "categories",
                "Categories with many tickets and no article",
                ("category", "tickets"),
                tuple(lonely),
                f"At least {MIN_CATEGORY} tickets and not one linked to an article: "
                "candidates for new articles.",
            ),
        ),
        (
            Bar(
                "channels",
                "Tickets per channel",
                tuple(c for c, _n in channels.most_common()),
                {"tickets": tuple(float(n) for _c, n in channels.most_common())},
            ),
        ),
        (),
        explain,
    )
