"""Contributors: who created, improved and validated knowledge, per person and period.

KCS rewards learning and collaboration, so this is a thank-you list, not a
ranking: people are listed by name, within each period, and nothing is summed
into a score. Reviews given count ``Approved-by:`` trailers (``kcs merge``).

Flags resolved (with usage data): a flag is a reader's "this is outdated" answer
for an article on a day D; the first edit of that article's file after the end of
day D (UTC, renames followed) resolves it, and its author is credited with the
flags, in the period of that edit.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from ..errors import UsageError
from ..history import Change, History
from ..knowledge import KnowledgeBase
from .model import Bar, Flag, Phrase, Report, Table, Usage, UsageData
from .people import acts, approvals, is_edit, person_name

#: Paths and ids are all this report reads of the articles: they load without their text.
#: reads the articles and the history (see :mod:`kcs.reports`)
SOURCE = "repository"
READS_BODIES = False

PERIODS = ("month", "quarter", "year")


def period_of(day: dt.date, period: str) -> str:
    if period == "month":
        return f"{day.year}-{day.month:02d}"
    if period == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    if period == "year":
        return str(day.year)
    raise UsageError(f"unknown period '{period}' (choose one of {', '.join(PERIODS)})")


def resolutions(
    kb: KnowledgeBase, history: History, flags: Iterable[Flag]
) -> Iterator[tuple[Flag, Change | None]]:
    """Each flag of an existing article with the edit that resolved it, or None: the
    first edit of the article's file on a later (UTC) day than the flag's."""
    paths = {a.id: a.path for a in kb.articles}
    edits: dict[str, tuple[list[dt.date], list[Change]]] = {}
    for flag in flags:
        if flag.article not in paths:
            continue  # an article gone since: nothing left to resolve
        if flag.article not in edits:
            file = history.for_path(paths[flag.article])
            changes = sorted(filter(is_edit, file.changes if file else ()), key=lambda c: c.date)
            edits[flag.article] = ([c.date.date() for c in changes], changes)
        days, changes = edits[flag.article]
        index = bisect_right(days, flag.day)
        yield flag, changes[index] if index < len(changes) else None


def report(
    kb: KnowledgeBase,
    history: History,
    today: dt.date,
    *,
    usage: Usage | None = None,
    period: str = "quarter",
    months: int = 12,
) -> Report:
    period_of(today, period)  # validates the period name early
    start = today - dt.timedelta(days=round(months * 30.44))
    counts: dict[tuple[str, str], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    created_by: dict[str, str] = {}
    for act in acts(history, kb.config):
        day = act.date.date()
        if act.kind == "created":
            created_by.setdefault(act.path, act.person)
        if not start <= day <= today:
            continue
        counts[(period_of(day, period), act.person)][act.kind].add(act.path)
    reviews: Counter[tuple[str, str]] = Counter()
    for person, commit in approvals(history, kb.config):
        day = commit.committed.date()
        if start <= day <= today:
            reviews[(period_of(day, period), person)] += 1
    flags = usage.flags if isinstance(usage, UsageData) else None
    resolved: Counter[tuple[str, str]] = Counter()
    unresolved = 0
    for flag, change in resolutions(kb, history, flags or ()):
        if change is None:
            unresolved += flag.readers
            continue
        day = change.date.date()
        if start <= day <= today:
            person = person_name(kb.config, change.author, change.email)
            resolved[(period_of(day, period), person)] += flag.readers
    keys = sorted(set(counts) | set(reviews) | set(resolved), key=lambda k: (k[0], k[1].casefold()))
    keys.sort(key=lambda k: k[0], reverse=True)  # newest period first, names A–Z inside
    rows = tuple(
        (
            p,
            person,
            len(counts[(p, person)]["created"]),
            len(counts[(p, person)]["improved"]),
            len(counts[(p, person)]["validated"]),
            reviews[(p, person)],
            *((resolved[(p, person)],) if flags is not None else ()),
        )
        for p, person in keys
    )
    people = {person for _, person in keys}
    figures: dict[str, Any] = {
        "contributors": len(people),
        "articles created": len({a for k in counts for a in counts[k]["created"]}),
        "articles improved": len({a for k in counts for a in counts[k]["improved"]}),
        "reviews given": sum(reviews.values()),
    }
    if flags is not None:
        figures["flags resolved"] = sum(resolved.values())
        figures["flags unresolved"] = unresolved
    tables = [
        Table(
            "contributions",
            # the period word is part of the phrase: translations decline it as they need
            Phrase(
                f"Thank you: contributions per {period} (last {{months}} months)", months=months
            ),
            (
                "period",
                "person",
                "created",
                "improved",
                "validated",
                "reviews_given",
                *(("flags_resolved",) if flags is not None else ()),
            ),
            rows,
            (
                "Distinct articles each person created, improved or validated (approved), the "
                "reviews they gave and the readers' flags their changes resolved; listed by "
                "name, not ranked."
                if flags is not None
                else "Distinct articles each person created, improved or validated (approved), "
                "the reviews they gave; listed by name, not ranked."
            ),
        )
    ]
    notes = []
    if flags is None:
        notes.append(
            'No usage data: flags resolved (readers\' "outdated" answers followed by a change) '
            "are left out."
            if usage is None
            else "No day-by-day flags in the usage data: flags resolved (readers' "
            '"outdated" answers followed by a change) are left out.'
        )
    if usage is not None:
        reach: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        path_ids = {a.path: a.id for a in kb.articles}
        for path, person in created_by.items():
            stats = usage.get(path_ids.get(path, ""))
            if stats is None:
                continue
            reach[person][0] += 1
            reach[person][1] += stats.views_90d
            reach[person][2] += stats.helped
        tables.append(
            Table(
                "reach",
                "Reach of the articles each person created (90 days)",
                ("person", "articles", "views_90d", "helped"),
                tuple((p, *v) for p, v in sorted(reach.items(), key=lambda i: i[0].casefold())),
                "How often the articles someone started were read and helped someone.",
            )
        )
    else:
        notes.append(
            "No usage data: how often each person's articles were read and helped is left out."
        )
    periods = sorted({k[0] for k in keys})
    totals = {
        kind: tuple(
            float(sum(len(counts[(p, person)][kind]) for q, person in keys if q == p))
            for p in periods
        )
        for kind in ("created", "improved", "validated")
    }
    chart = Bar(
        "activity",
        f"Contributions per {period} (everyone together)",
        tuple(periods),
        totals,
        xlabel="articles",
    )
    explain = {
        "contributors": Phrase(
            "People who created, improved or validated an article, or gave a review, "
            "in the last {months} months.",
            months=months,
        ),
        "articles created": "Distinct articles first committed in the window.",
        "articles improved": "Distinct articles changed after their creation in the window.",
        "reviews given": "Approved-by trailers on merges and commits in the window.",
        "flags resolved": 'Readers\' "outdated" answers followed, on a later day, by a '
        "change to the article in the window; its author is credited.",
        "flags unresolved": 'Readers\' "outdated" answers to existing articles not '
        "followed by any change yet.",
    }
    return Report(
        "contributors",
        "Contributors",
        today,
        figures,
        tuple(tables),
        (chart,),
        tuple(notes),
        explain,
    )
