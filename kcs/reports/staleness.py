"""Staleness: per article, when it was created, changed, validated, and when review is due.

Last validated is the front-matter ``reviewed`` date; without one, the last
approved change (a commit or merge carrying an ``Approved-by:`` trailer, as
``kcs merge`` writes) of a validated article; without that, its last change.
The status says what the article needs: fresh, due-soon, overdue,
never-validated, wip-too-long, archived.

With usage data, demand-driven triage (KCS "reuse is review") says what to do
first: review what is used, archive what nobody reads.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .model import Bar, Phrase, Report, Table, Usage, UsageStats

if TYPE_CHECKING:  # the report reads them; loading them is the caller's business
    from ..article import Article
    from ..history import FileHistory, History
    from ..knowledge import KnowledgeBase

#: Front matter and history are all this report reads: articles load without their text.
#: reads the articles and the history (see :mod:`kcs.reports`)
SOURCE = "repository"
READS_BODIES = False

STATUSES = ("overdue", "due-soon", "never-validated", "wip-too-long", "fresh", "archived")

REVIEW_FIRST = "review first"
REVIEW_FEEDBACK = "review first (feedback)"
ARCHIVE = "archive candidate"
FINDABILITY = "check findability"

#: An article is "much used" with at least this many views in 90 days, or when it is in
#: the top fifth of the articles that have views at all (whichever is higher).
MUCH_USED_MIN = 10


@dataclass(frozen=True)
class ArticleStatus:
    path: str
    id: str
    title: str
    domain: str
    lang: str
    state: str
    created: dt.date | None
    changed: dt.date | None
    validated: dt.date | None
    validated_from: str  # "reviewed", "approved <sha>", "last change", ""
    interval: int  # days
    due: dt.date | None
    status: str
    days_left: int | None  # negative when overdue
    triage: str
    note: str


def validation(
    article: Article, file: FileHistory | None, history: History
) -> tuple[dt.date | None, str]:
    """The date the article was last validated, and where that date comes from."""
    if article.reviewed is not None:
        return article.reviewed, "reviewed"
    if file is None:
        return None, ""
    approved = history.approved
    if approved:
        for change in reversed(file.changes):
            commit = approved.get(change.commit)
            if commit is not None:
                return commit.committed.date(), f"approved {commit.sha[:10]}"
    if article.state == "validated":
        return file.updated.date(), "last change"
    return None, ""


def article_status(
    article: Article,
    history: History,
    kb: KnowledgeBase,
    today: dt.date,
    *,
    due_soon: int,
    wip_max: int,
    findings: dict[str, list[str]],
    intervals: dict[tuple[str, str, str], int] | None = None,
) -> ArticleStatus:
    file = history.for_path(article.path)
    notes = list(findings.get(article.path, ()))
    if file is None:
        notes.append(
            "not committed yet (untracked): created and changed are unknown"
            if history
            else "no Git history: created and changed are unknown"
        )
    elif file.readded:
        notes.append("deleted and added again; history runs through the deletion")
    key = (article.type, article.domain, article.audience)
    cache = intervals if intervals is not None else {}
    if key not in cache:
        cache[key] = kb.config.review_interval(type=key[0], domain=key[1], audience=key[2])
    interval = article.review_every or cache[key]
    validated, source = validation(article, file, history)
    if validated is not None and validated > today:
        notes.append(
            f"validation date {validated.isoformat()} lies in the future; counted as today"
        )
        validated = today
    created = file.created.date() if file else None
    changed = file.updated.date() if file else None
    due: dt.date | None = None
    days_left: int | None = None
    if article.state == "archived":
        status = "archived"
    elif article.state == "wip":
        since = created or changed
        status = (
            "wip-too-long"
            if since is not None and (today - since).days > wip_max
            else "never-validated"
        )
    elif validated is None or (article.state == "not-validated" and source != "reviewed"):
        status = "never-validated"
    else:
        due = validated + dt.timedelta(days=interval)
        days_left = (due - today).days
        status = "overdue" if days_left < 0 else "due-soon" if days_left <= due_soon else "fresh"
    return ArticleStatus(
        path=article.path,
        id=article.id,
        title=article.title,
        domain=article.domain,
        lang=article.lang,
        state=article.state,
        created=created,
        changed=changed,
        validated=validated,
        validated_from=source,
        interval=interval,
        due=due,
        status=status,
        days_left=days_left,
        triage="",
        note="; ".join(notes),
    )


def covers_a_year(usage: Usage) -> bool:
    """Whether the usage data reaches back beyond 90 days (some article has older views).

    Without that, "nobody read it in 12 months" cannot be told from "we only started
    counting last month", so nothing is proposed for archiving.
    """
    return any(s.views_12m > s.views_90d for s in usage.values())


def triage(
    row: ArticleStatus,
    stats: UsageStats | None,
    much_used: int,
    today: dt.date,
    *,
    year_of_data: bool = True,
) -> str:
    """Demand-driven triage: what to do with this article first, given its use."""
    if row.status == "archived":
        return ""
    stats = stats or UsageStats()
    if stats.flags or (stats.not_helped >= 3 and stats.not_helped > stats.helped):
        return REVIEW_FEEDBACK
    if row.status in ("overdue", "due-soon", "never-validated") and stats.views_90d >= much_used:
        return REVIEW_FIRST
    old = row.created is not None and (today - row.created).days >= 365
    if stats.views_12m == 0 and old and year_of_data:
        return ARCHIVE
    if row.status == "fresh" and stats.views_90d == 0:
        return FINDABILITY
    return ""


def much_used_threshold(usage: Usage) -> int:
    views = sorted(s.views_90d for s in usage.values() if s.views_90d > 0)
    top_fifth = views[int(len(views) * 0.8)] if views else 0
    return max(MUCH_USED_MIN, top_fifth)


def _findings_by_path(kb: KnowledgeBase) -> dict[str, list[str]]:
    """Front-matter problems that change dates: malformed or future ``reviewed``."""
    out: dict[str, list[str]] = {}
    for f in kb.findings:
        if f.code in ("bad-value", "future-date") and "review" in f.message:
            out.setdefault(f.path, []).append(f"line {f.line}: {f.message}")
    return out


def compute(
    kb: KnowledgeBase, history: History, today: dt.date, *, usage: Usage | None = None
) -> list[ArticleStatus]:
    due_soon = kb.config.review.due_soon.days
    wip_max = kb.config.review.wip_max.days
    findings = _findings_by_path(kb)
    intervals: dict[tuple[str, str, str], int] = {}
    rows = [
        article_status(
            a,
            history,
            kb,
            today,
            due_soon=due_soon,
            wip_max=wip_max,
            findings=findings,
            intervals=intervals,
        )
        for a in kb.articles
    ]
    if usage is not None:
        threshold = much_used_threshold(usage)
        year = covers_a_year(usage)
        rows = [
            _with_triage(r, triage(r, usage.get(r.id), threshold, today, year_of_data=year))
            for r in rows
        ]
    order = {s: i for i, s in enumerate(STATUSES)}
    rows.sort(
        key=lambda r: (order[r.status], r.days_left if r.days_left is not None else 0, r.path)
    )
    return rows


def _advice(triage: str) -> str:
    """The triage cell: the report's own advice label (translated on the site), or empty."""
    return Phrase(triage) if triage else ""


def _with_triage(row: ArticleStatus, value: str) -> ArticleStatus:
    from dataclasses import replace

    return replace(row, triage=value)


COLUMNS = (
    "path",
    "id",
    "title",
    "domain",
    "state",
    "created",
    "changed",
    "validated",
    "interval_days",
    "due",
    "status",
    "days_left",
    "triage",
    "note",
)

EXPLAIN = {
    "articles": "Every article under articles/, whatever its state.",
    "overdue": "Articles whose review due date (last validated + review interval) has passed.",
    "due soon": "Articles due for review within the next {due_soon} days.",
    "never validated": "Articles in state wip or not-validated that nobody licensed has "
    "validated yet.",
    "wip too long": "Drafts (work in progress) older than {wip_max} days.",
    "fresh": "Validated articles whose review is not yet due.",
    "archived": "Articles kept for reference, out of active use.",
}


def report(
    kb: KnowledgeBase, history: History, today: dt.date, *, usage: Usage | None = None
) -> Report:
    rows = compute(kb, history, today, usage=usage)
    counts = Counter(r.status for r in rows)
    figures: dict[str, object] = {"articles": len(rows)}
    for status in ("overdue", "due-soon", "never-validated", "wip-too-long", "fresh", "archived"):
        figures[status.replace("-", " ")] = counts.get(status, 0)
    notes: list[str] = []
    tables = [
        Table(
            "articles",
            "Articles by review status",
            COLUMNS,
            tuple(
                (
                    r.path,
                    r.id,
                    r.title,
                    r.domain,
                    Phrase(r.state),
                    r.created,
                    r.changed,
                    r.validated,
                    r.interval,
                    r.due,
                    Phrase(r.status),
                    r.days_left,
                    _advice(r.triage),
                    r.note,
                )
                for r in rows
            ),
            "Most urgent first: overdue, due soon, never validated, wip too long, fresh, archived.",
        )
    ]
    days = {"due_soon": kb.config.review.due_soon.days, "wip_max": kb.config.review.wip_max.days}
    explain: dict[str, str] = {
        label: Phrase(text, **days) if "{" in text else text for label, text in EXPLAIN.items()
    }
    if usage is None:
        notes.append(
            "No usage data: demand-driven triage (review what is used, archive what "
            "nobody reads) is left out; ingest web-server logs with kcs usage."
        )
    else:
        if not covers_a_year(usage):
            notes.append(
                "Usage data covers 90 days or less: no archive candidates until "
                "it reaches back a year."
            )
        tri = Counter(r.triage for r in rows if r.triage)
        for label in (REVIEW_FEEDBACK, REVIEW_FIRST, ARCHIVE, FINDABILITY):
            figures[label] = tri.get(label, 0)
        explain.update(
            {
                REVIEW_FEEDBACK: "Articles with flags, or more 'did not help' than 'helped'.",
                REVIEW_FIRST: "Much-used articles that are overdue, due soon or never validated.",
                ARCHIVE: "Articles older than a year that nobody read in 12 months.",
                FINDABILITY: "Fresh articles nobody read in 90 days: check title and words.",
            }
        )
        tables.append(
            Table(
                "triage",
                "Triage: what to do first",
                ("path", "title", "status", "triage"),
                tuple(
                    (r.path, r.title, Phrase(r.status), _advice(r.triage)) for r in rows if r.triage
                ),
                "Reuse is review: review what is used, archive what nobody reads.",
            )
        )
    if not history:
        notes.append("No Git history: created and changed dates are unknown; commit the articles.")
    domains = sorted({r.domain for r in rows})
    per_domain = Counter((r.domain, r.status) for r in rows)
    chart = Bar(
        "status-by-domain",
        "Review status per domain",
        tuple(domains),
        {s: tuple(float(per_domain[d, s]) for d in domains) for s in STATUSES if counts.get(s)},
        xlabel="articles",
        horizontal=True,
    )
    return Report(
        "staleness",
        "Staleness and review status",
        today,
        figures,
        tuple(tables),
        (chart,),
        tuple(notes),
        explain,
    )
