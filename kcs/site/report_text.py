"""Reports in the internal site's language: the report's own words through the
interface-text table's ``report: <phrase>`` entries, and the words around them.

The report modules write English; a report page on the site shows the default
language, like the rest of the internal site. Values (titles of articles, names,
queries) are data and stay as they are.
"""

from __future__ import annotations

from dataclasses import replace

from .. import i18n
from ..reports.model import Report


def localise(report: Report, lang: str) -> Report:
    """``report`` with its title, figure labels, explanations, tables' titles, notes and
    columns, and charts' titles and series in ``lang`` (English where not translated)."""

    def p(text: str) -> str:
        return i18n.phrase(lang, text)

    tables = tuple(
        replace(t, title=p(t.title), note=p(t.note), columns=tuple(p(c) for c in t.columns))
        for t in report.tables
    )
    charts = tuple(
        replace(
            c,
            title=p(c.title),
            series={p(series): values for series, values in c.series.items()},
            xlabel=p(c.xlabel),
        )
        for c in report.charts
    )
    return replace(
        report,
        title=p(report.title),
        figures={p(k): v for k, v in report.figures.items()},
        explain={p(k): p(v) for k, v in report.explain.items()},
        tables=tables,
        charts=charts,
        notes=tuple(p(n) for n in report.notes),
    )


def labels(lang: str) -> dict[str, str]:
    """The words html_body writes around a report, in ``lang``."""
    return {
        "as_of": i18n.text(lang, "report.as_of"),
        "figures": i18n.text(lang, "report.figures"),
        "figure": i18n.text(lang, "report.figure"),
        "value": i18n.text(lang, "report.value"),
        "meaning": i18n.text(lang, "report.meaning"),
        "empty": i18n.text(lang, "report.empty"),
    }


def summary(lang: str, name: str) -> str:
    """The one-sentence description of report ``name`` on the reports index."""
    return i18n.text(lang, f"report.summary.{name}")
