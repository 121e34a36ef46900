"""The internal site's usage pages: ``reports/usage/``, ``search/``, ``gaps/``, ``value/``.

Same shape as kcs/site/reports.py: every value escaped, charts as inline SVG
(matplotlib, Agg backend). Without a usage database the pages say how to get one.
"""

from __future__ import annotations

import datetime as dt
import logging
from html import escape

from ..errors import KcsError
from ..reports.charts import render_all
from ..reports.render import html_body
from .model import Page, SiteContext

log = logging.getLogger(__name__)

#: page name → (report name, days covered)
PAGES: dict[str, tuple[str, int]] = {
    "usage": ("usage", 30),
    "search": ("search", 30),
    "gaps": ("gaps", 30),
    "value": ("value", 365),
}
SUMMARIES = {
    "usage": "What people read: views, visitors and feedback per article, language and domain.",
    "search": "What people search for, what they click, and what finds nothing.",
    "gaps": "Searches that found no answer, and contacts that followed a search.",
    "value": "Self-service success and the contacts it avoided, in money and hours.",
}


def pages(ctx: SiteContext) -> list[Page]:
    """One page per usage report on the internal site; none on the public one."""
    if not ctx.internal:
        return []
    from ..reports import module
    from ..reports.period import cost_model, open_inputs
    from ..usage.store import metas

    config = ctx.kb.config
    db = ctx.kb.root / config.usage.database
    cost = cost_model(config)
    articles = metas(ctx.kb.articles)
    today = ctx.now.date()
    out = []
    for name, (report_name, days) in PAGES.items():
        first = today - dt.timedelta(days=days - 1)
        try:
            inputs = open_inputs(db, first, today, articles, cost)
        except KcsError as exc:
            title = report_name.capitalize()
            body = (
                f"<p>No usage data yet ({escape(str(exc))}).</p>\n\n<p>Run "
                "<code>kcs usage ingest /var/log/nginx/access.log*</code> before the "
                "build.</p>"
            )
            out.append(
                Page(
                    f"reports/{name}.md",
                    f"# {escape(title)}\n\n{body}\n",
                    {"title": title, "kcs": {"kind": "report", "report": name}},
                )
            )
            continue
        try:
            report = module(report_name).report(inputs)
        finally:
            inputs.conn.close()
        body = html_body(report, render_all(report), sep="\n\n")
        out.append(
            Page(
                f"reports/{name}.md",
                f"# {escape(report.title)}\n\n<p>{escape(SUMMARIES[name])}</p>\n\n{body}\n",
                {
                    "title": report.title,
                    "kcs": {
                        "kind": "report",
                        "report": name,
                        "as_of": today.isoformat(),
                        "figures": dict(report.figures),
                    },
                },
            )
        )
    return out
