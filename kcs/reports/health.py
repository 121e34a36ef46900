"""Knowledge health: the content standard, the review backlog, translations, concentration.

Everything comes from the articles, lint and the one-pass Git history:

* share of articles per state, lint findings per domain, broken links, articles past
  ``site.length_guideline``;
* time to publish per domain over 90 days (from the first commit of a proposal to
  its approved merge, :func:`kcs.review.publish_times.from_history` over the same history;
  and from the merge to its publish run when ``.kcs/publish-log.jsonl`` exists), and the
  open proposals (:func:`kcs.review.listing.list_proposals`);
* translations whose source changed after the translation last did, with the
  size of the source's change in lines (old texts read in one ``git cat-file``);
* knowledge concentration: distinct people who changed or validated a domain's
  articles in 12 months; one or none is flagged ("one expert" risk).
"""

from __future__ import annotations

import datetime as dt
import difflib
import logging
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from ..article import Article, domain_of
from ..errors import GitError, KcsError
from ..findings import Finding
from ..git import Repo
from ..history import History
from ..knowledge import KnowledgeBase
from ..review.publish_times import DEFAULT_LOG, PublishTime, from_history, read_log
from .model import Bar, Phrase, Report, Table, Usage
from .people import acts

#: reads the articles and the history (see :mod:`kcs.reports`)
SOURCE = "repository"

log = logging.getLogger(__name__)

PUBLISH_WINDOW = 90  # days
CONCENTRATION_WINDOW = 365  # days


# ------------------------------------------------------------------ content standard


def lint_findings(kb: KnowledgeBase) -> list[Finding]:
    """What ``kcs lint`` finds: the loader's findings and the content-standard checks."""
    from ..lint import lint  # the checks' own imports are paid only by this report

    return list(lint(kb))


def _domain_for_path(kb: KnowledgeBase) -> dict[str, str]:
    return {a.path: a.domain for a in kb.articles}


def content_tables(kb: KnowledgeBase, findings: list[Finding]) -> tuple[Table, Table, dict]:
    total = len(kb.articles) or 1
    states = Counter(a.state for a in kb.articles)
    state_rows = tuple(
        (Phrase(state), states.get(state, 0), round(100 * states.get(state, 0) / total, 1))
        for state in ("wip", "not-validated", "validated", "archived")
    )
    limit = kb.config.site.length_guideline
    domains = _domain_for_path(kb)
    per: dict[str, Counter[str]] = defaultdict(Counter)
    for article in kb.articles:
        per[article.domain]["articles"] += 1
        if limit and article.words > limit:
            per[article.domain]["too long"] += 1
    for f in findings:
        domain = domains.get(f.path) or domain_of(f.path) or "(other)"
        per[domain]["errors" if f.severity == "error" else "warnings"] += 1
        if f.code == "broken-link":
            per[domain]["broken links"] += 1
    lint_rows = tuple(
        (d, c["articles"], c["errors"], c["warnings"], c["broken links"], c["too long"])
        for d, c in sorted(per.items())
    )
    figures = {
        "validated share %": round(100 * states.get("validated", 0) / total, 1),
        "lint findings": len(findings),
        "broken links": sum(1 for f in findings if f.code == "broken-link"),
        "past length guideline": sum(c["too long"] for c in per.values()),
    }
    return (
        Table(
            "states",
            "Articles per state",
            ("state", "articles", "share_percent"),
            state_rows,
            "KCS confidence states; validated articles meet the content standard.",
        ),
        Table(
            "lint",
            "Content standard per domain",
            ("domain", "articles", "errors", "warnings", "broken_links", "too_long"),
            lint_rows,
            Phrase("Lint findings (kcs lint); too long means over {words} words.", words=limit),
        ),
        figures,
    )


# ------------------------------------------------------------------ time to publish


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def publish_records(
    kb: KnowledgeBase, history: History, today: dt.date
) -> tuple[list[PublishTime], str]:
    """Proposals that reached main in the last 90 days, and a note when the publish log
    (merge → publish run) is missing or unreadable ("" when it was read).

    Computed by :func:`kcs.review.publish_times.from_history` from the history this report
    already has: merges on the main line, and direct commits carrying an
    ``Approved-by:`` trailer (squash merges); other direct commits are no proposals.
    """
    start = dt.datetime.combine(today - dt.timedelta(days=PUBLISH_WINDOW), dt.time.min, dt.UTC)
    log_path = kb.root / DEFAULT_LOG
    runs: list[tuple[dt.datetime, str]] = []
    note = ""
    if not log_path.is_file():
        note = (
            "Minutes from merge to publish are left out: no publishing run has been "
            f"recorded yet (kcs publish writes {DEFAULT_LOG})."
        )
    else:
        try:
            runs = read_log(log_path)
        except KcsError as exc:
            note = f"Minutes from merge to publish left out: {exc}"
    approved = history.approved
    records = [
        r
        for r in from_history(history, runs, since=start)
        if r.merged.date() <= today and (r.kind == "merge" or r.commit in approved)
    ]
    return records, note


def publish_table(records: list[PublishTime], *, with_log: bool) -> Table:
    hours: dict[str, list[float]] = defaultdict(list)
    minutes: dict[str, list[float]] = defaultdict(list)
    for record in records:
        for domain in record.domains:
            hours[domain].append(record.to_merge.total_seconds() / 3600)
            if record.to_publish is not None:
                minutes[domain].append(record.to_publish.total_seconds() / 60)
    columns: tuple[str, ...] = ("domain", "proposals", "median_hours", "p90_hours")
    if with_log:
        columns += ("published", "median_publish_minutes", "p90_publish_minutes")
    rows = []
    for domain, values in sorted(hours.items()):
        row: tuple[Any, ...] = (
            domain,
            len(values),
            round(statistics.median(values), 1),
            round(_percentile(values, 0.9), 1),
        )
        if with_log:
            done = minutes.get(domain, [])
            row += (
                len(done),
                round(statistics.median(done), 1) if done else None,
                round(_percentile(done, 0.9), 1) if done else None,
            )
        rows.append(row)
    caption = (
        "From a proposal's first commit to its approved merge; KCS aims at minutes "
        "internally, 90 minutes externally."
    )
    if with_log:
        caption += (
            " Publish minutes run from the merge to the first publish run that "
            "contained it; published counts the proposals already out."
        )
    return Table(
        "publish", "Time to publish per domain (last 90 days)", columns, tuple(rows), caption
    )


def backlog_table(kb: KnowledgeBase, today: dt.date) -> tuple[Table | None, str]:
    """Open proposals (:func:`kcs.review.listing.list_proposals`) with their age and what
    they wait for; None and a note when they cannot be listed."""
    from ..review.listing import list_proposals

    try:
        found = list_proposals(kb.root)
    except Exception as exc:  # no main branch, odd refs: the report still builds
        log.warning("open proposals unavailable: %s", exc)
        return None, f"Review backlog left out: open proposals unavailable ({exc})."
    rows = []
    for p in found:
        domains = sorted({d for path in p.paths if (d := domain_of(path))}) or ["(other)"]
        started = p.started.date()
        rows.append(
            (
                ", ".join(domains),
                p.branch,
                p.author_name,
                started,
                max(0, (today - started).days),
                "; ".join(p.waiting_for),
            )
        )
    rows.sort(key=lambda r: (r[0], -r[4]))
    return Table(
        "backlog",
        "Open proposals",
        ("domains", "branch", "author", "started", "age_days", "waits_for"),
        tuple(rows),
        "Proposals waiting for review, oldest first per domain.",
    ), ""


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


# ------------------------------------------------------------------ translations


def outdated_translations(kb: KnowledgeBase, history: History) -> list[tuple[Any, ...]]:
    """(translation, source, translation changed, source changed, lines changed)."""
    by_id = kb.by_id()
    pending: list[tuple[Article, Article, str, str]] = []
    rows: list[tuple[Any, ...]] = []
    for article in kb.articles:
        if not article.translation_of or article.state == "archived":
            continue
        source = by_id.get(article.translation_of)
        mine, theirs = (
            history.for_path(article.path),
            (history.for_path(source.path) if source else None),
        )
        if source is None or mine is None or theirs is None:
            continue
        if theirs.updated <= mine.updated:
            continue
        base = [c for c in theirs.changes if c.status != "D" and c.date <= mine.updated]
        old = f"{base[-1].commit}:{base[-1].path}" if base else ""
        new = f"{history.head}:{source.path}"
        pending.append((article, source, old, new))
        rows.append((article.path, source.path, mine.updated.date(), theirs.updated.date()))
    texts = _blobs([spec for _, _, old, new in pending for spec in (old, new) if spec], kb)
    out = []
    for row, (_a, _s, old, new) in zip(rows, pending, strict=True):
        before = texts.get(old, "").splitlines()
        after = texts.get(new, "").splitlines()
        size = sum(
            1
            for line in difflib.unified_diff(before, after, lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))
        )
        out.append((*row, size))
    return out


def _blobs(specs: Iterable[str], kb: KnowledgeBase) -> dict[str, str]:
    """Many ``commit:path`` texts in one ``git cat-file --batch`` call."""
    try:
        found = Repo(kb.root).read_blobs(specs)
    except GitError as exc:
        log.warning("git cat-file failed: %s", exc)
        return {}
    return {spec: data.decode("utf-8", "replace") for spec, data in found.items()}


# ------------------------------------------------------------------ concentration

#: The flag of a domain that one person or nobody keeps up.
AT_RISK = Phrase("at risk")


def concentration(
    kb: KnowledgeBase, history: History, today: dt.date, usage: Usage | None
) -> list[tuple[Any, ...]]:
    start = today - dt.timedelta(days=CONCENTRATION_WINDOW)
    people: dict[str, set[str]] = defaultdict(set)
    for act in acts(history, kb.config):
        if start <= act.date.date() <= today:
            domain = domain_of(act.path)
            if domain:
                people[domain].add(act.person)
    views: Counter[str] = Counter()
    if usage is not None:
        for article in kb.articles:
            stats = usage.get(article.id)
            if stats:
                views[article.domain] += stats.views_12m
    total_views = sum(views.values())
    rows = []
    for domain in sorted({a.domain for a in kb.articles} | set(people)):
        names = sorted(people.get(domain, ()))
        share = (
            round(100 * views[domain] / total_views, 1)
            if usage is not None and total_views
            else None
        )
        rows.append(
            (domain, len(names), ", ".join(names), AT_RISK if len(names) <= 1 else "", share)
        )
    return rows


# ------------------------------------------------------------------ the report

EXPLAIN = {
    "articles": "Every article under articles/.",
    "validated share %": "Share of articles in state validated.",
    "lint findings": "Errors and warnings from kcs lint over all articles.",
    "broken links": "Links to articles, files or ids that do not exist.",
    "past length guideline": "Articles longer than the length guideline ({words} words).",
    "outdated translations": "Translations whose source article changed after them.",
    "domains at risk": "Domains changed or validated by one person or nobody in 12 months.",
    "median hours to publish": "Median time from a proposal's first commit to its approved "
    "merge over the last 90 days, all domains.",
}

MERGE_TO_PUBLISH = "median minutes merge to publish"
EXPLAIN_PUBLISH_LOG = Phrase(
    "Median time from an approved merge to the first publish run that contained it "
    "(recorded in {log}), over the last 90 days, all domains.",
    log=DEFAULT_LOG,
)


def report(
    kb: KnowledgeBase, history: History, today: dt.date, *, usage: Usage | None = None
) -> Report:
    findings = lint_findings(kb)
    states, lint_table, content = content_tables(kb, findings)
    figures: dict[str, Any] = {"articles": len(kb.articles), **content}
    notes: list[str] = []
    translations = outdated_translations(kb, history)
    figures["outdated translations"] = len(translations)
    conc = concentration(kb, history, today, usage)
    figures["domains at risk"] = sum(1 for r in conc if r[3])
    proposals, publish_note = publish_records(kb, history, today)
    with_log = not publish_note
    publish = publish_table(proposals, with_log=with_log)
    # each proposal once, however many domains it touched
    to_merge = [r.to_merge.total_seconds() / 3600 for r in proposals if r.domains]
    figures["median hours to publish"] = round(statistics.median(to_merge), 1) if to_merge else None
    if with_log:
        to_publish = [
            r.to_publish.total_seconds() / 60
            for r in proposals
            if r.domains and r.to_publish is not None
        ]
        figures[MERGE_TO_PUBLISH] = round(statistics.median(to_publish), 1) if to_publish else None
    else:
        notes.append(publish_note)
    tables = [states, lint_table, publish]
    if today < dt.date.today():
        backlog, note = (
            None,
            (
                "Review backlog left out: open proposals are only known for "
                "today, not as of a past date."
            ),
        )
    else:
        backlog, note = backlog_table(kb, today)
    if backlog is not None:
        tables.append(backlog)
        figures["open proposals"] = len(backlog.rows)
    else:
        notes.append(note)
    tables.append(
        Table(
            "translations",
            "Outdated translations",
            ("translation", "source", "translation_changed", "source_changed", "lines_changed"),
            tuple(translations),
            "The source changed after the translation last did; "
            "lines changed is the size of the source's change since then.",
        )
    )
    tables.append(
        Table(
            "concentration",
            "Knowledge concentration (12 months)",
            ("domain", "people", "names", "flag", "readership_percent"),
            tuple(conc),
            "Distinct people who changed or validated the domain's articles; one or none "
            "means the knowledge sits with one expert.",
        )
    )
    if usage is None:
        notes.append("No usage data: the share of readership at risk per domain is left out.")
    if not history:
        notes.append(
            "No Git history: time to publish, translations and concentration need "
            "committed articles."
        )
    charts = (
        Bar(
            "states",
            "Articles per state",
            tuple(r[0] for r in states.rows),
            {"articles": tuple(float(r[1]) for r in states.rows)},
            xlabel="articles",
        ),
        Bar(
            "concentration",
            "People per domain (12 months)",
            tuple(r[0] for r in conc),
            {"people": tuple(float(r[1]) for r in conc)},
            xlabel="people",
            horizontal=True,
        ),
        Bar(
            "lint",
            "Lint findings per domain",
            tuple(r[0] for r in lint_table.rows),
            {
                "errors": tuple(float(r[2]) for r in lint_table.rows),
                "warnings": tuple(float(r[3]) for r in lint_table.rows),
            },
            xlabel="findings",
            horizontal=True,
        ),
    )
    words = kb.config.site.length_guideline
    explain: dict[str, str] = {
        label: Phrase(text, words=words) if "{" in text else text for label, text in EXPLAIN.items()
    }
    if with_log:
        explain[MERGE_TO_PUBLISH] = EXPLAIN_PUBLISH_LOG
    return Report(
        "health", "Knowledge health", today, figures, tuple(tables), charts, tuple(notes), explain
    )
