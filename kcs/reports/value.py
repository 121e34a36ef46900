"""The value report: self-service success, contacts avoided and their estimated worth."""

from __future__ import annotations

from collections import Counter, defaultdict

from .model import Bar, Phrase, Report, Table
from .period import PeriodInputs, pct, period_label

#: reads the usage database over a period (see :mod:`kcs.reports`)
SOURCE = "usage"

POTENTIAL = (
    "Potential deflection: visits to the self-service sites that read an article (clicked a "
    "search result or suggestion, or answered 'did this help?') or were shown suggestions on "
    "the contact form, and sent no contact form in that visit."
)
CONFIRMED = (
    "Confirmed deflection (contacts avoided): visits where the reader said an article helped "
    "or clicked a suggested article on the contact form, with no contact form sent after it in "
    "that visit; at most one per visit, credited to the last such article."
)
NOT_COUNTED = (
    "Only the public, customer and partner sites count: the internal site's reading is agent "
    "use, and internal or archived articles are never credited."
)


def report(inputs: PeriodInputs) -> Report:
    """Self-service success, contacts avoided and their value per article, domain and month."""
    cost = inputs.cost
    monthly = inputs.conn.execute(
        "SELECT substr(day, 1, 7), metric, article, sum(value) FROM daily WHERE day BETWEEN "
        "? AND ? AND metric IN ('search_sessions', 'search_success', 'contact', 'avoided', "
        "'potential') GROUP BY 1, 2, 3 ORDER BY 1",
        (inputs.first.isoformat(), inputs.last.isoformat()),
    ).fetchall()
    months: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for month, metric, article, value in monthly:
        # an internal or archived article never counts as self-service
        if inputs.self_service(article):
            months[month][metric] += int(value)
    hours_each = cost.user_minutes_lost / 60
    month_rows = tuple(
        (
            month,
            m["search_sessions"],
            pct(m["search_success"], m["search_sessions"]),
            m["contact"],
            m["potential"],
            m["avoided"],
            round(m["avoided"] * cost.per_avoided, 2),
            round(m["avoided"] * hours_each, 1),
        )
        for month, m in sorted(months.items())
    )
    avoided = {
        k: v for k, v in inputs.sums("avoided", "article").items() if inputs.self_service(k[0])
    }
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
    total_avoided = int(sum(avoided.values()))
    potential = sum(
        v for (a,), v in inputs.sums("potential", "article").items() if inputs.self_service(a)
    )
    money = total_avoided * cost.per_avoided
    figures = {
        "Period": period_label(inputs),
        "Search visits": sessions,
        "Self-service success": f"{pct(success, sessions) or 0:.1f} %",
        "Contacts submitted": inputs.total("contact"),
        "Potential deflection": int(potential),
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
        "Potential deflection": POTENTIAL,
        "Contacts avoided": CONFIRMED,
        "Value of one avoided contact": Phrase("The cost model: {formula}.", formula=cost.formula),
        "Money saved (estimate)": Phrase(
            "Contacts avoided × {per_avoided} {currency} (see above); an estimate, not a "
            "measurement.",
            per_avoided=f"{cost.per_avoided:.2f}",
            currency=cost.currency,
        ),
        "User hours saved (estimate)": Phrase(
            "Contacts avoided × {minutes} working minutes lost per contact / 60.",
            minutes=f"{cost.user_minutes_lost:g}",
        ),
    }
    notes = (
        NOT_COUNTED,
        Phrase(
            "How the estimates are computed: contacts avoided × ({formula}); hours = contacts "
            "avoided × {minutes} / 60. Visitors who leave without voting or clicking a "
            "suggestion are not counted, so the figures are a lower bound.",
            formula=cost.formula,
            minutes=f"{cost.user_minutes_lost:g}",
        ),
    )
    money_column = Phrase("money ({currency})", currency=cost.currency)
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
                    "potential",
                    "avoided",
                    money_column,
                    "user hours",
                ),
                month_rows,
                "Each row applies the same cost model to that month's avoided contacts.",
            ),
            Table(
                "by_article",
                "Per article",
                ("article", "title", "domain", "avoided", money_column, "user hours"),
                tuple(article_rows),
                "Credited to the article that answered the visit.",
            ),
            Table(
                "by_domain",
                "Per domain",
                ("domain", "avoided", money_column, "user hours"),
                domain_rows,
                "Sum of the domain's articles.",
            ),
        ),
        (
            Bar(
                "avoided_by_month",
                "Contacts avoided per month",
                tuple(r[0] for r in month_rows),
                {"avoided": tuple(float(r[5]) for r in month_rows)},
            ),
        ),
        notes,
        explain,
    )
