"""The usage report: views, visitors and feedback per article, language, domain and audience."""

from __future__ import annotations

from collections import Counter, defaultdict

from ..usage.store import connect, status
from .model import Bar, Phrase, Report, Table
from .period import PeriodInputs, pct, period_label
from .value import CONFIRMED, POTENTIAL

#: reads the usage database over a period (see :mod:`kcs.reports`)
SOURCE = "usage"
MONTHLY_AFTER = 62  # periods longer than this are shown per month instead of per day
#: The title cell of an article the usage database knows and the knowledge base does not.
NOT_IN_KB = Phrase("(not in the knowledge base)")
#: The counters of the ingest table, in its order.
INGEST = ("files", "lines", "kept", "bot", "probe", "method", "malformed", "expired")


def report(inputs: PeriodInputs) -> Report:
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
                meta.title if meta else NOT_IN_KB,
                meta.domain if meta else "",
                meta.audience if meta else "",
                meta.lang if meta else "",
                int(views.get((article,), 0)),
                int(visitors.get((article,), 0)),
                yes,
                no,
                pct(yes, yes + no),
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
        "Period": period_label(inputs),
        "Article views": total_views,
        "Language-page views": sum(int(v) for v in page_views.values()),
        "Unique visitors": inputs.total("visitors"),
        "Articles read": sum(1 for r in rows if r[5]),
        "Feedback yes / no": f"{yes_total} / {no_total}",
        "Helpful share": f"{pct(yes_total, yes_total + no_total) or 0:.1f} %",
        "Potential deflection": _self_service_total(inputs, "potential"),
        "Confirmed deflection": _self_service_total(inputs, "avoided"),
    }
    agent_rows = _agent_use(inputs)
    if inputs.agents is not None:
        figures["Agent article views (internal site)"] = sum(r[3] for r in agent_rows)
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
        "Potential deflection": POTENTIAL,
        "Confirmed deflection": CONFIRMED,
        "Agent article views (internal site)": "Article views in the internal site's log "
        "(kcs usage ingest --site internal): agents' reading, never counted as self-service.",
    }
    ingest = status(inputs.conn)
    ingest_rows = tuple((Phrase(name), ingest[name]) for name in INGEST)
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
            "agent_use",
            "Agent use (internal site)",
            ("article", "title", "audience", "views", "visitors"),
            agent_rows,
            "Reading on the internal site, from its own access log; apart from the "
            "self-service figures above.",
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


def _self_service_total(inputs: PeriodInputs, metric: str) -> int:
    """``metric`` summed over the visits credited to self-service articles."""
    sums = inputs.sums(metric, "article")
    return int(sum(v for (article,), v in sums.items() if inputs.self_service(article)))


def _agent_use(inputs: PeriodInputs) -> tuple[tuple[str, str, str, int, int], ...]:
    """Views and visitors per article in the internal site's database, most read first."""
    if inputs.agents is None:
        return ()
    conn = connect(inputs.agents)
    try:
        rows = conn.execute(
            "SELECT article, sum(CASE metric WHEN 'views' THEN value ELSE 0 END), "
            "sum(CASE metric WHEN 'article_visitors' THEN value ELSE 0 END) FROM daily "
            "WHERE metric IN ('views', 'article_visitors') AND day BETWEEN ? AND ? "
            "AND article != '' GROUP BY article",
            (inputs.first.isoformat(), inputs.last.isoformat()),
        ).fetchall()
    finally:
        conn.close()
    out = []
    for article, views, visitors in rows:
        meta = inputs.articles.get(article)
        out.append(
            (
                article,
                meta.title if meta else NOT_IN_KB,
                meta.audience if meta else "",
                int(views),
                int(visitors),
            )
        )
    return tuple(sorted(out, key=lambda r: (-r[3], r[0])))
