"""The value report: self-service success, contacts avoided and their estimated worth."""

from __future__ import annotations

from collections import Counter, defaultdict

from .model import Bar, Report, Table
from .period import PeriodInputs, pct, period_label

#: reads the usage database over a period (see :mod:`kcs.reports`)
SOURCE = "usage"


def report(inputs: PeriodInputs) -> Report:
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
            pct(m["search_success"], m["search_sessions"]),
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
        "Period": period_label(inputs),
        "Search visits": sessions,
        "Self-service success": f"{pct(success, sessions) or 0:.1f} %",
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
