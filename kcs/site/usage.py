"""The internal site's usage pages: ``reports/usage/``, ``search/``, ``gaps/``, ``value/``.

Same shape as kcs/site/reports.py: every value escaped, charts as inline SVG
(matplotlib, Agg backend). Without a usage database the pages say how to get one.
"""

from __future__ import annotations

import datetime as dt
import logging
from html import escape

from .. import i18n
from ..errors import KcsError
from ..reports.charts import render_all
from ..reports.render import html_body
from .model import Page, SiteContext
from .report_text import labels, localise, summary

log = logging.getLogger(__name__)

#: page name → (report name, days covered)
PAGES: dict[str, tuple[str, int]] = {
    "usage": ("usage", 30),
    "search": ("search", 30),
    "gaps": ("gaps", 30),
    "value": ("value", 365),
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
    lang = config.default_language  # the internal site's language
    out = []
    for name, (report_name, days) in PAGES.items():
        first = today - dt.timedelta(days=days - 1)
        try:
            inputs = open_inputs(db, first, today, articles, cost)
        except KcsError as exc:
            log.info("no usage data for reports/%s: %s", name, exc)
            title = i18n.phrase(lang, report_name.capitalize())
            body = (
                f"<p>{escape(i18n.text(lang, 'report.nodata'))}</p>\n\n"
                f"<p>{escape(i18n.text(lang, 'report.nodata.howto'))}</p>"
            )
            out.append(
                Page(
                    f"reports/{name}.md",
                    f"# {escape(title)}\n\n{body}\n",
                    {"title": title, "kcs": {"kind": "report", "lang": lang, "report": name}},
                )
            )
            continue
        try:
            report = module(report_name).report(inputs)
        finally:
            inputs.conn.close()
        shown = localise(report, lang)
        body = html_body(shown, render_all(shown), sep="\n\n", labels=labels(lang))
        out.append(
            Page(
                f"reports/{name}.md",
                f"# {escape(shown.title)}\n\n<p>{escape(summary(lang, name))}</p>\n\n{body}\n",
                {
                    "title": shown.title,
                    "kcs": {
                        "kind": "report",
                        "lang": lang,
                        "report": name,
                        "as_of": today.isoformat(),
                        "figures": dict(report.figures),
                    },
                },
            )
        )
    return out
