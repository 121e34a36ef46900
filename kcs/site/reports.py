"""The internal site's report pages: ``reports/<name>/`` with inline SVG charts.

Only the internal site gets them (they name people and unreviewed work). The
charts are inline ``<svg>`` inside a block ``<div>``, so Markdown passes them
through untouched and the page needs no extra files, scripts or fonts.
"""

from __future__ import annotations

import logging
from html import escape

from .. import i18n
from ..history import History, read_history
from ..reports import compute, names
from ..reports.charts import render_all
from ..reports.inputs import load_usage
from ..reports.render import html_body
from .model import Page, SiteContext
from .report_text import labels, localise, summary

log = logging.getLogger(__name__)


def _history(ctx: SiteContext) -> History:
    """The build's History when the plugin passes one, else one git log pass here."""
    if isinstance(ctx.history, History):
        return ctx.history
    return read_history(ctx.kb.root)


def pages(ctx: SiteContext) -> list[Page]:
    if not ctx.internal:
        return []
    history = _history(ctx)
    today = ctx.now.date()
    usage = load_usage(ctx.kb.root, today)
    # The internal site speaks its default language; its report pages do too.
    lang = ctx.kb.config.default_language
    out: list[Page] = []
    title = i18n.text(lang, "reports")
    index = [f"# {escape(title)}", ""]
    for name in names("repository"):
        computed = compute(name)(ctx.kb, history, today, usage=usage)
        report = localise(computed, lang)
        body = html_body(report, render_all(report), sep="\n\n", labels=labels(lang))
        out.append(
            Page(
                f"reports/{name}.md",
                f"# {escape(report.title)}\n\n{body}\n",
                {
                    "title": report.title,
                    "kcs": {
                        "kind": "report",
                        "lang": lang,
                        "report": name,
                        "as_of": today.isoformat(),
                        "figures": dict(computed.figures),
                    },
                },
            )
        )
        index.append(f"- [{escape(report.title)}]({name}.md): {escape(summary(lang, name))}")
    # the usage pages (kcs/site/usage.py) and open proposals (kcs/site/proposals.py) are
    # built by their own generators on every internal site
    from .usage import PAGES as USAGE_PAGES

    index += ["", f"## {escape(i18n.text(lang, 'report.section.usage'))}", ""]
    for name, (report_name, _days) in USAGE_PAGES.items():
        label = i18n.phrase(lang, report_name.capitalize())
        index.append(f"- [{escape(label)}]({name}.md): {escape(summary(lang, name))}")
    index += [
        "",
        f"## {escape(i18n.text(lang, 'report.section.review'))}",
        "",
        f"- [{escape(i18n.text(lang, 'proposals'))}](../proposals/index.md): "
        f"{escape(summary(lang, 'proposals'))}",
    ]
    out.append(
        Page(
            "reports/index.md",
            "\n".join(index) + "\n",
            {"title": title, "kcs": {"kind": "report", "lang": lang, "report": "index"}},
        )
    )
    return out
