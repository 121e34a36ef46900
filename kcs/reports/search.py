"""The search report: top queries (normalised), click-through, queries with no result."""

from __future__ import annotations

from .model import Bar, Report, Table
from .period import PeriodInputs, pct, period_label, query_forms, query_stats

#: reads the usage database over a period (see :mod:`kcs.reports`)
SOURCE = "usage"


def report(inputs: PeriodInputs) -> Report:
    """Top queries (normalised), click-through, mean click position, queries with no result."""
    stats = query_stats(inputs)
    forms = query_forms(inputs)
    rows = []
    for (lang, key), s in stats.items():
        searches = s.get("search", 0)
        if not searches:
            continue
        clicked = searches - s.get("search_zero", 0) - s.get("search_noclick", 0)
        clicks = s.get("click", 0)
        rows.append(
            (
                forms.get((lang, key), key),
                lang,
                int(searches),
                int(s.get("search_zero", 0)),
                int(clicked),
                pct(clicked, searches),
                round(s["click_pos"] / clicks, 1) if clicks and s.get("click_pos") else None,
                key,
            )
        )
    rows.sort(key=lambda r: (-r[2], r[0]))
    # Its own columns and order: the same rows as "Top queries" would read as a copy.
    zero = tuple(
        sorted(
            ((r[0], r[1], r[3], r[2], pct(r[3], r[2])) for r in rows if r[3]),
            key=lambda z: (-z[2], z[0]),
        )
    )
    searches = sum(r[2] for r in rows)
    clicked = sum(r[4] for r in rows)
    positions = inputs.total("click_pos")
    total_clicks = inputs.total("click")
    figures = {
        "Period": period_label(inputs),
        "Searches": searches,
        "Distinct queries": len(rows),
        "No-result share": f"{pct(sum(r[3] for r in rows), searches) or 0:.1f} %",
        "Click-through": f"{pct(clicked, searches) or 0:.1f} %",
        "Mean click position": round(positions / total_clicks, 2) if total_clicks else "–",
    }
    explain = {
        "Period": "The days counted, both included.",
        "Searches": "Search beacons, once per visit and normalised query; a query refined "
        "within 10 seconds while typing counts once.",
        "Distinct queries": "Queries after normalisation: case, spacing, punctuation, word "
        "order and word endings (Snowball stemming per language).",
        "No-result share": "Searches that showed no result at all.",
        "Click-through": "Searches followed, in the same visit, by a click on a result of "
        "that query.",
        "Mean click position": "Average 1-based position of the clicked result (1 = top).",
    }
    columns = (
        "query",
        "lang",
        "searches",
        "no result",
        "clicked",
        "click-through %",
        "mean position",
        "normalised",
    )
    top = rows[:15]
    return Report(
        "search",
        "Search",
        inputs.last,
        figures,
        (
            Table(
                "top_queries",
                "Top queries",
                columns,
                tuple(rows[:200]),
                "Most-searched first; the query shown is its most common wording, after "
                "personal data was redacted.",
            ),
            Table(
                "no_result",
                "Queries with no result",
                ("query", "lang", "no result", "searches", "no-result %"),
                zero[:200],
                "Most often unanswered first: candidates for new articles or for synonyms "
                "in existing ones.",
            ),
        ),
        (
            Bar(
                "top_queries",
                "Top queries",
                tuple(r[0][:40] for r in top),
                {
                    "clicked": tuple(float(r[4]) for r in top),
                    "not clicked": tuple(float(r[2] - r[4]) for r in top),
                },
                horizontal=True,
            ),
        ),
        (),
        explain,
    )
