"""Reports in the internal site's language: the report's own words through the
interface-text table's ``report: <phrase>`` entries, and the words around them.

The report modules write English; a report page on the site shows the default
language, like the rest of the internal site. Values (titles of articles, names,
queries) are data and stay as they are; a value the report marked as its own words
(a :class:`~kcs.reports.model.Phrase`: a status, an advice label) is translated.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from .. import i18n
from ..reports.model import Phrase, Report


def localise(report: Report, lang: str) -> Report:
    """``report`` with its title, figure labels, explanations, tables' titles, notes and
    columns, charts' titles and series, and the values it marked as :class:`Phrase`, in
    ``lang`` (English where not translated)."""

    def p(text: str) -> str:
        if isinstance(text, Phrase):
            values = {k: value(v) for k, v in text.values.items()}
            return i18n.phrase(lang, text.template, **values)
        return i18n.phrase(lang, text)

    def value(v: Any) -> Any:
        return p(v) if isinstance(v, Phrase) else v

    tables = tuple(
        replace(
            t,
            title=p(t.title),
            note=p(t.note),
            columns=tuple(p(c) for c in t.columns),
            rows=tuple(tuple(value(v) for v in row) for row in t.rows),
        )
        for t in report.tables
    )
    charts = tuple(
        replace(
            c,
            title=p(c.title),
            labels=tuple(value(label) for label in c.labels),
            series={p(series): values for series, values in c.series.items()},
            xlabel=p(c.xlabel),
        )
        for c in report.charts
    )
    return replace(
        report,
        title=p(report.title),
        figures={p(k): value(v) for k, v in report.figures.items()},
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
