"""The internal site's report pages: ``reports/<name>/`` with inline SVG charts.

Only the internal site gets them (they name people and unreviewed work). The
charts are inline ``<svg>`` inside a block ``<div>``, so Markdown passes them
through untouched and the page needs no extra files, scripts or fonts.
"""

from __future__ import annotations

import logging
from html import escape

from ..history import History, read_history
from ..reports import compute, names
from ..reports.charts import render_all
from ..reports.inputs import load_usage
from ..reports.render import html_body
from .model import Page, SiteContext

log = logging.getLogger(__name__)

#: One sentence per report for the index page.
SUMMARIES = {
    "staleness": "What is due for review, overdue, never validated, or in progress too long.",
    "health": "Content standard, review backlog, outdated translations and one-expert risk.",
    "contributors": "Thank you: who created, improved and validated knowledge.",
}


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
    out: list[Page] = []
    index = ["# Reports", ""]
    for name in names("repository"):
        report = compute(name)(ctx.kb, history, today, usage=usage)
        body = html_body(report, render_all(report), sep="\n\n")
        out.append(
            Page(
                f"reports/{name}.md",
                f"# {escape(report.title)}\n\n{body}\n",
                {
                    "title": report.title,
                    "kcs": {
                        "kind": "report",
                        "report": name,
                        "as_of": today.isoformat(),
                        "figures": {k: v for k, v in report.figures.items()},
                    },
                },
            )
        )
        index.append(f"- [{escape(report.title)}]({name}.md): {escape(SUMMARIES.get(name, ''))}")
    # the usage pages (kcs/site/usage.py) and open proposals (kcs/site/proposals.py) are
    # built by their own generators on every internal site
    from .usage import PAGES as USAGE_PAGES
    from .usage import SUMMARIES as USAGE_SUMMARIES

    index += ["", "## Use of the site", ""]
    for name in USAGE_PAGES:
        index.append(f"- [{name.capitalize()}]({name}.md): {escape(USAGE_SUMMARIES[name])}")
    index += [
        "",
        "## Review",
        "",
        "- [Open proposals](../proposals/index.md): proposed edits waiting for a reviewer.",
    ]
    out.append(
        Page(
            "reports/index.md",
            "\n".join(index) + "\n",
            {"title": "Reports", "kcs": {"kind": "report", "report": "index"}},
        )
    )
    return out
