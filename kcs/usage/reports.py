"""The usage, search, gaps and value reports, computed from the ``daily`` aggregates.

Every report is a :class:`kcs.reports.model.Report` (the same shape as the
staleness and health reports), so text, JSON, CSV, HTML and the internal site
pages render them alike. ``explain`` carries one sentence per headline figure;
estimates say how they were computed.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import KcsError
from ..reports.model import Bar, Report, Table
from .store import ArticleMeta, connect, status

MONTHLY_AFTER = 62  # periods longer than this are shown per month instead of per day


@dataclass(frozen=True)
class Cost:
    """kcs.yml ``cost.*``: the model behind every money and hours estimate."""

    per_contact: float = 50.0
    user_minutes_lost: float = 30.0
    hourly_cost: float = 45.0
    currency: str = "EUR"

    @property
    def per_avoided(self) -> float:
        return self.per_contact + self.user_minutes_lost / 60 * self.hourly_cost

    @property
    def formula(self) -> str:
        return (
            f"per contact {self.per_contact:g} {self.currency} + {self.user_minutes_lost:g} "
            f"lost minutes / 60 × {self.hourly_cost:g} {self.currency} an hour = "
            f"{self.per_avoided:.2f} {self.currency}"
        )


@dataclass(frozen=True)
class Inputs:
    """What every usage report reads: the database, the period, the articles, the cost model."""

    conn: sqlite3.Connection
    first: dt.date
    last: dt.date
    articles: Mapping[str, ArticleMeta]
    cost: Cost = Cost()

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def sums(self, metric: str, *by: str, previous: bool = False) -> dict[tuple[Any, ...], float]:
        """Sum of ``metric`` over the period, grouped by columns of ``daily``."""
        first, last = self.first, self.last
        if previous:
            first, last = first - dt.timedelta(days=self.days), first - dt.timedelta(days=1)
        cols = ", ".join(by) if by else "''"
        rows = self.conn.execute(
            f"SELECT {cols}, sum(value) FROM daily WHERE metric = ? AND day BETWEEN ? AND ? "
            f"GROUP BY {cols}",
            (metric, first.isoformat(), last.isoformat()),
        )
        return {tuple(row[:-1]): row[-1] for row in rows}

    def total(self, metric: str) -> int:
        return int(sum(self.sums(metric).values()))

    def title(self, article: str) -> str:
        meta = self.articles.get(article)
        return meta.title if meta else ""


def open_inputs(
    db: Path,
    first: dt.date,
    last: dt.date,
    articles: Mapping[str, ArticleMeta] | None = None,
    cost: Cost | None = None,
) -> Inputs:
    if not db.is_file():
        raise KcsError(f"{db}: no usage data yet; run 'kcs usage ingest ACCESS.LOG' first")
    return Inputs(connect(db), first, last, articles or {}, cost or Cost())


def _pct(part: float, whole: float) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _period(inputs: Inputs) -> str:
    return f"{inputs.first.isoformat()} – {inputs.last.isoformat()} ({inputs.days} days)"


# ----------------------------------------------------------------------- usage


def usage_report(inputs: Inputs) -> Report:
    """Views and unique visitors per article, language, domain, audience and over time."""
    views = inputs.sums("views", "article")
    visitors = inputs.sums("article_visitors", "article")
    helped = inputs.sums("helped", "article")
    not_helped = inputs.sums("not_helped", "article")
    reasons: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for (article, reason), count in inputs.sums("reason", "article", "key").items():
        reasons[article][reason] += int(count)
    articles = sorted(
        set(views) | set(helped) | set(not_helped), key=lambda k: (-views.get(k, 0), k)
    )
    rows = []
    for (article,) in articles:
        meta = inputs.articles.get(article)
        yes, no = int(helped.get((article,), 0)), int(not_helped.get((article,), 0))
        rows.append(
            (
                article,
                meta.title if meta else "(not in the knowledge base)",
                meta.domain if meta else "",
                meta.audience if meta else "",
                meta.lang if meta else "",
                int(views.get((article,), 0)),
                int(visitors.get((article,), 0)),
                yes,
                no,
                _pct(yes, yes + no),
                ", ".join(f"{r} {n}" for r, n in reasons[article].most_common()),
            )
        )
    groups = inputs.sums("group_visitors", "key")
    page_views = inputs.sums("page_views", "lang")
    by_lang: Counter[str] = Counter()
    by_domain: Counter[str] = Counter()
    by_audience: Counter[str] = Counter()
    for (article,), count in views.items():
        meta = inputs.articles.get(article)
        by_lang[meta.lang if meta else "?"] += int(count)
        by_domain[meta.domain if meta else "?"] += int(count)
        by_audience[meta.audience if meta else "?"] += int(count)
    for (lang,), count in page_views.items():
        by_lang[lang] += int(count)

    def group_table(name: str, title: str, counter: Counter[str], note: str) -> Table:
        return Table(
            f"by_{name}",
            title,
            (name, "views", "visitors"),
            tuple(
                (key, count, int(groups.get((f"{name}:{key}",), 0)))
                for key, count in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
            ),
            note,
        )

    monthly = inputs.days > MONTHLY_AFTER
    bucket = "substr(day, 1, 7)" if monthly else "day"
    time_rows = inputs.conn.execute(
        f"SELECT {bucket}, sum(CASE metric WHEN 'views' THEN value ELSE 0 END), "
        "sum(CASE metric WHEN 'page_views' THEN value ELSE 0 END), "
        "sum(CASE metric WHEN 'visitors' THEN value ELSE 0 END) FROM daily "
        "WHERE metric IN ('views', 'page_views', 'visitors') AND day BETWEEN ? AND ? "
        f"GROUP BY {bucket} ORDER BY 1",
        (inputs.first.isoformat(), inputs.last.isoformat()),
    ).fetchall()
    over_time = tuple((b, int(v), int(p), int(u)) for b, v, p, u in time_rows)
    total_views = sum(int(v) for v in views.values())
    yes_total, no_total = sum(r[7] for r in rows), sum(r[8] for r in rows)
    figures = {
        "Period": _period(inputs),
        "Article views": total_views,
        "Language-page views": sum(int(v) for v in page_views.values()),
        "Unique visitors": inputs.total("visitors"),
        "Articles read": sum(1 for r in rows if r[5]),
        "Feedback yes / no": f"{yes_total} / {no_total}",
        "Helpful share": f"{_pct(yes_total, yes_total + no_total) or 0:.1f} %",
    }
    explain = {
        "Period": "The days counted, both included, in the server's local dates.",
        "Article views": "Successful GETs of /a/<id>/ by people (bots, probes and other "
        "methods left out).",
        "Language-page views": "Successful GETs of the home, listing and contact pages under "
        "/<lang>/.",
        "Unique visitors": "Distinct address + browser pairs per day, summed over the days "
        "(the way GoAccess counts them); no cookies.",
        "Articles read": "Articles with at least one view in the period.",
        "Feedback yes / no": "'Did this help?' answers given on article pages.",
        "Helpful share": "Yes answers as a share of all answers (only 1–2 % of readers vote).",
    }
    ingest = status(inputs.conn)
    ingest_rows = tuple(
        (name, ingest[name])
        for name in ("files", "lines", "kept", "bot", "probe", "method", "malformed", "expired")
    )
    top = rows[:10]
    charts = [
        Bar(
            "views_over_time",
            "Article views per " + ("month" if monthly else "day"),
            tuple(r[0] for r in over_time),
            {"views": tuple(float(r[1]) for r in over_time)},
        ),
        Bar(
            "top_articles",
            "Most-read articles",
            tuple(r[0] for r in top),
            {"views": tuple(float(r[5]) for r in top)},
            horizontal=True,
        ),
    ]
    tables = (
        Table(
            "by_article",
            "Views and feedback per article",
            (
                "article",
                "title",
                "domain",
                "audience",
                "lang",
                "views",
                "visitors",
                "helped",
                "not helped",
                "helpful %",
                "reasons",
            ),
            tuple(rows),
            "Most-read first; visitors are summed per day; reasons are the answers to "
            "'what was wrong?' after a no.",
        ),
        Table(
            "over_time",
            "Views over time",
            ("period", "article views", "page views", "visitors"),
            over_time,
            "Per day, or per month for periods over two months.",
        ),
        group_table(
            "lang",
            "Per language",
            by_lang,
            "An article view counts for the article's language, a page view for its "
            "/<lang>/ prefix.",
        ),
        group_table("domain", "Per domain", by_domain, "Article views per knowledge domain."),
        group_table(
            "audience",
            "Per audience",
            by_audience,
            "Article views per audience the article is written for.",
        ),
        Table(
            "ingest",
            "Log lines read (all time)",
            ("what", "lines"),
            ingest_rows,
            "kept = a person's GET or HEAD; bot/probe/method/malformed lines were left out; "
            "expired = older than the retention.",
        ),
        Table(
            "malformed",
            "Samples of malformed lines",
            ("reason", "line (addresses removed)"),
            tuple((s["reason"], s["line"]) for s in ingest["samples"][:20]),
            "Never fatal: the lines are counted and skipped.",
        ),
    )
    notes: tuple[str, ...] = ()
    if not inputs.articles:
        notes = ("The knowledge base was not read, so domains, audiences and titles are unknown.",)
    return Report("usage", "Usage", inputs.last, figures, tables, tuple(charts), notes, explain)


# ---------------------------------------------------------------------- search


def _query_stats(
    inputs: Inputs, previous: bool = False
) -> dict[tuple[str, str], defaultdict[str, float]]:
    stats: defaultdict[tuple[str, str], defaultdict[str, float]] = defaultdict(
        lambda: defaultdict(float)
    )
    for metric in (
        "search",
        "search_zero",
        "search_noclick",
        "click_pos",
        "contact_after_search",
        "suggest_zero",
    ):
        for (lang, key), value in inputs.sums(metric, "lang", "key", previous=previous).items():
            if key:
                stats[lang, key][metric] += value
    for (lang, key), value in inputs.sums("click", "lang", "key", previous=previous).items():
        if key:
            stats[lang, key]["click"] += value
    return stats


def _forms(inputs: Inputs) -> dict[tuple[str, str], str]:
    """The most common (redacted) wording of each normalised query."""
    best: dict[tuple[str, str], tuple[float, str]] = {}
    for (lang, key, label), count in inputs.sums("q_form", "lang", "key", "label").items():
        if count > best.get((lang, key), (0, ""))[0]:
            best[lang, key] = (count, label)
    return {k: v[1] for k, v in best.items()}


def search_report(inputs: Inputs) -> Report:
    """Top queries (normalised), click-through, mean click position, queries with no result."""
    stats = _query_stats(inputs)
    forms = _forms(inputs)
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
                _pct(clicked, searches),
                round(s["click_pos"] / clicks, 1) if clicks and s.get("click_pos") else None,
                key,
            )
        )
    rows.sort(key=lambda r: (-r[2], r[0]))
    zero = tuple(r for r in rows if r[3])
    searches = sum(r[2] for r in rows)
    clicked = sum(r[4] for r in rows)
    positions = inputs.total("click_pos")
    total_clicks = inputs.total("click")
    figures = {
        "Period": _period(inputs),
        "Searches": searches,
        "Distinct queries": len(rows),
        "No-result share": f"{_pct(sum(r[3] for r in rows), searches) or 0:.1f} %",
        "Click-through": f"{_pct(clicked, searches) or 0:.1f} %",
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
                columns,
                zero[:200],
                "Candidates for new articles or for synonyms in existing ones.",
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


# ------------------------------------------------------------------------ gaps


@dataclass(frozen=True)
class Gap:
    query: str
    lang: str
    no_result: int
    no_click: int
    previous: int
    contacts: int
    key: str

    @property
    def count(self) -> int:
        return self.no_result + self.no_click

    @property
    def trend(self) -> str:
        if not self.previous:
            return "new"
        if self.count > self.previous:
            return "up"
        return "down" if self.count < self.previous else "same"


def find_gaps(inputs: Inputs) -> list[Gap]:
    now = _query_stats(inputs)
    before = _query_stats(inputs, previous=True)
    forms = _forms(inputs)
    gaps = []
    for (lang, key), s in now.items():
        no_result = int(s.get("search_zero", 0) + s.get("suggest_zero", 0))
        no_click = int(s.get("search_noclick", 0))
        if not no_result and not no_click:
            continue
        b: Mapping[str, float] = before.get((lang, key), {})
        previous = int(
            b.get("search_zero", 0) + b.get("suggest_zero", 0) + b.get("search_noclick", 0)
        )
        gaps.append(
            Gap(
                forms.get((lang, key), key),
                lang,
                no_result,
                no_click,
                previous,
                int(s.get("contact_after_search", 0)),
                key,
            )
        )
    gaps.sort(key=lambda g: (-g.count, -g.contacts, g.query))
    return gaps


def gaps_report(inputs: Inputs, *, min_count: int | None = None) -> Report:
    """Queries with no result or no click, grouped, with their trend and the contacts after."""
    gaps = find_gaps(inputs)
    threshold = min_count or 0
    new = [g for g in gaps if min_count and g.count >= threshold and g.previous < threshold]
    contacts = inputs.sums("contact_after_search", "lang", "key")
    forms = _forms(inputs)
    contact_rows = tuple(
        sorted(
            (
                (forms.get((lang, key), key) or "(no query)", lang, int(n))
                for (lang, key), n in contacts.items()
            ),
            key=lambda r: (-r[2], r[0]),
        )
    )
    figures: dict[str, Any] = {
        "Period": _period(inputs),
        "Gap queries": len(gaps),
        "Searches without an answer": sum(g.count for g in gaps),
        "Contacts after a search": inputs.total("contact_after_search"),
        "Contacts in total": inputs.total("contact"),
    }
    explain = {
        "Period": "The days counted; the trend compares with the equally long period before.",
        "Gap queries": "Normalised queries that found nothing, or found results nobody "
        "clicked, at least once.",
        "Searches without an answer": "Searches (and contact-form suggestions) with no result "
        "plus searches with results but no click in the same visit.",
        "Contacts after a search": "Contact-form submissions in a visit that had searched "
        "first: self-service was tried and failed.",
        "Contacts in total": "All contact-form submissions (the contact beacon).",
    }
    if min_count:
        figures[f"New gaps with ≥ {min_count}"] = len(new)
        explain[f"New gaps with ≥ {min_count}"] = (
            "Gaps that reached the threshold in this period but not in the period before; "
            "with --min-count, kcs report gaps exits 3 when there is at least one."
        )
    rows = tuple(
        (g.query, g.lang, g.count, g.no_result, g.no_click, g.previous, g.trend, g.contacts)
        for g in gaps[:300]
    )
    top = gaps[:15]
    return Report(
        "gaps",
        "Content gaps",
        inputs.last,
        figures,
        (
            Table(
                "gaps",
                "Queries people did not find an answer for",
                (
                    "query",
                    "lang",
                    "unanswered",
                    "no result",
                    "no click",
                    "previous period",
                    "trend",
                    "contacts after",
                ),
                rows,
                "Write or retitle an article for the top rows: KCS asks to alert agents "
                "as soon as people search for something that has no article.",
            ),
            Table(
                "contacts",
                "Contact-form submissions after a search",
                ("last query", "lang", "contacts"),
                contact_rows,
                "The query is the last search of that visit, as the contact beacon sent it.",
            ),
        ),
        (
            Bar(
                "gaps",
                "Unanswered queries",
                tuple(g.query[:40] for g in top),
                {
                    "no result": tuple(float(g.no_result) for g in top),
                    "no click": tuple(float(g.no_click) for g in top),
                },
                horizontal=True,
            ),
        ),
        (),
        explain,
    )


def new_gaps(report: Report) -> int:
    """How many new gaps reached the --min-count threshold (0 without a threshold)."""
    for key, value in report.figures.items():
        if key.startswith("New gaps"):
            return int(value)
    return 0


def article_request(inputs: Inputs, min_count: int) -> str:
    """A Markdown issue body asking for articles for the new gaps ("article request")."""
    gaps = [g for g in find_gaps(inputs) if g.count >= min_count and g.previous < min_count]
    lines = [
        f"People searched for these {len(gaps)} topics at least {min_count} times between "
        f"{inputs.first.isoformat()} and {inputs.last.isoformat()} without finding an answer "
        "(no result, or no result they clicked). Please write or improve an article, then "
        "link it here.",
        "",
        "| Query | Language | Unanswered | No result | No click | Contacts after |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for g in gaps:
        lines.append(
            f"| {_md_cell(g.query)} | {g.lang or '–'} | {g.count} | {g.no_result} | "
            f"{g.no_click} | {g.contacts} |"
        )
    lines += [
        "",
        "Queries are shown in their most common wording after personal data was redacted. "
        "Generated by `kcs report gaps --min-count "
        f"{min_count}`; the figures are explained in docs/guides/usage-analytics.md.",
    ]
    return "\n".join(lines) + "\n"


def _md_cell(text: str) -> str:
    """Text safe inside a Markdown table cell of an issue: no HTML, no pipes, no mentions."""
    import html

    text = html.escape(text, quote=False).replace("|", "\\|").replace("@", "@\u200b")
    return text.replace("`", "\\`").replace("\n", " ")


# ----------------------------------------------------------------------- value


def value_report(inputs: Inputs) -> Report:
    """Self-service success, contacts avoided and their value per article, domain and month."""
    cost = inputs.cost
    monthly = inputs.conn.execute(
        "SELECT substr(day, 1, 7), metric, sum(value) FROM daily WHERE day BETWEEN ? AND ? "
        "AND metric IN ('search_sessions', 'search_success', 'contact', 'avoided') "
        "GROUP BY 1, 2 ORDER BY 1",
        (inputs.first.isoformat(), inputs.last.isoformat()),
    ).fetchall()
    months: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for month, metric, value in monthly:
        months[month][metric] += int(value)
    hours_each = cost.user_minutes_lost / 60
    month_rows = tuple(
        (
            month,
            m["search_sessions"],
            _pct(m["search_success"], m["search_sessions"]),
            m["contact"],
            m["avoided"],
            round(m["avoided"] * cost.per_avoided, 2),
            round(m["avoided"] * hours_each, 1),
        )
        for month, m in sorted(months.items())
    )
    avoided = inputs.sums("avoided", "article")
    article_rows = []
    domains: Counter[str] = Counter()
    for (article,), count in sorted(avoided.items(), key=lambda kv: (-kv[1], kv[0])):
        meta = inputs.articles.get(article)
        domain = meta.domain if meta else "?"
        domains[domain] += int(count)
        article_rows.append(
            (
                article,
                meta.title if meta else "",
                domain,
                int(count),
                round(count * cost.per_avoided, 2),
                round(count * hours_each, 1),
            )
        )
    domain_rows = tuple(
        (d, n, round(n * cost.per_avoided, 2), round(n * hours_each, 1))
        for d, n in domains.most_common()
    )
    sessions = inputs.total("search_sessions")
    success = inputs.total("search_success")
    total_avoided = inputs.total("avoided")
    money = total_avoided * cost.per_avoided
    figures = {
        "Period": _period(inputs),
        "Search visits": sessions,
        "Self-service success": f"{_pct(success, sessions) or 0:.1f} %",
        "Contacts submitted": inputs.total("contact"),
        "Contacts avoided": total_avoided,
        "Value of one avoided contact": f"{cost.per_avoided:.2f} {cost.currency}",
        "Money saved (estimate)": f"{money:,.2f} {cost.currency}",
        "User hours saved (estimate)": round(total_avoided * hours_each, 1),
    }
    explain = {
        "Period": "The days counted, both included.",
        "Search visits": "Visits (same visitor, same day, no 30-minute pause) with at least "
        "one search.",
        "Self-service success": "Search visits that clicked a result and sent no contact "
        "form, as a share of all search visits.",
        "Contacts submitted": "Contact-form submissions (the contact beacon).",
        "Contacts avoided": "Visits where a suggested article was clicked on the contact form "
        "or an article got 'yes, this helped', with no contact submitted after it in the "
        "same visit; at most one per visit, credited to the last such article.",
        "Value of one avoided contact": f"kcs.yml cost model: {cost.formula}.",
        "Money saved (estimate)": f"Contacts avoided × {cost.per_avoided:.2f} {cost.currency} "
        "(see above); an estimate, not a measurement.",
        "User hours saved (estimate)": f"Contacts avoided × {cost.user_minutes_lost:g} "
        "minutes (cost.user_minutes_lost) / 60.",
    }
    notes = (
        f"How the estimates are computed: contacts avoided × ({cost.formula}); hours = "
        f"contacts avoided × {cost.user_minutes_lost:g} / 60. Visitors who leave without "
        "voting or clicking a suggestion are not counted, so the figures are a lower bound.",
    )
    return Report(
        "value",
        "Self-service value",
        inputs.last,
        figures,
        (
            Table(
                "by_month",
                "Per month",
                (
                    "month",
                    "search visits",
                    "success %",
                    "contacts",
                    "avoided",
                    f"money ({cost.currency})",
                    "user hours",
                ),
                month_rows,
                "Each row applies the same cost model to that month's avoided contacts.",
            ),
            Table(
                "by_article",
                "Per article",
                ("article", "title", "domain", "avoided", f"money ({cost.currency})", "user hours"),
                tuple(article_rows),
                "Credited to the article that answered the visit.",
            ),
            Table(
                "by_domain",
                "Per domain",
                ("domain", "avoided", f"money ({cost.currency})", "user hours"),
                domain_rows,
                "Sum of the domain's articles.",
            ),
        ),
        (
            Bar(
                "avoided_by_month",
                "Contacts avoided per month",
                tuple(r[0] for r in month_rows),
                {"avoided": tuple(float(r[4]) for r in month_rows)},
            ),
        ),
        notes,
        explain,
    )


#: report name → function(inputs, **options) -> Report (an explicit registry)
REPORTS: dict[str, Callable[..., Report]] = {
    "usage": usage_report,
    "search": search_report,
    "gaps": gaps_report,
    "value": value_report,
}
