"""Render a :class:`Report` as text, JSON, CSV or a standalone HTML page.

HTML escapes every value (article titles and author names are user input), and
carries its charts as inline SVG: no scripts, no fonts or styles from other hosts.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Mapping
from html import escape
from typing import Any

from ..errors import UsageError
from .model import Report, Table

FORMATS = ("text", "json", "csv", "html")


def cell(value: Any) -> str:
    """One value as text: dates as ISO dates, None as empty, floats rounded."""
    if type(value) is str:  # most cells: paths, titles, names
        return value
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.1f}"
    if isinstance(value, tuple | list):
        return ", ".join(cell(v) for v in value)
    return str(value)


def to_text(report: Report) -> str:
    out = [f"{report.title} (as of {report.as_of.isoformat()})", ""]
    if report.figures:
        width = max(len(k) for k in report.figures)
        out += [f"  {k.ljust(width)}  {cell(v)}" for k, v in report.figures.items()]
        out.append("")
    for table in report.tables:
        out += _text_table(table)
        out.append("")
    out += [f"Note: {n}" for n in report.notes]
    return "\n".join(out).rstrip() + "\n"


def _text_table(table: Table) -> list[str]:
    lines = [f"{table.title} ({len(table.rows)})"]
    if not table.rows:
        return [*lines, "  (none)"]
    texts = [list(map(cell, row)) for row in table.rows]
    widths = [
        max(len(name), *map(len, column))
        for name, column in zip(table.columns, zip(*texts, strict=True), strict=True)
    ]
    # one format per table: each value left-aligned in its column's width
    template = "  " + "  ".join(f"{{:<{w}}}" for w in widths)

    def line(values: list[str]) -> str:
        return template.format(*values).rstrip()

    lines.append(line(list(table.columns)))
    lines.append(line(["-" * w for w in widths]))
    lines += [line(r) for r in texts]
    return lines


def to_json(report: Report) -> str:
    return json.dumps(report.as_dict(), ensure_ascii=False, indent=2, default=cell) + "\n"


def to_csv(report: Report, table: str | None = None) -> str:
    """One table as CSV (the first by default; ``table`` names another)."""
    chosen = report.table(table) if table else (report.tables[0] if report.tables else None)
    if chosen is None:
        names = ", ".join(t.name for t in report.tables)
        raise UsageError(f"report {report.name} has no table '{table}' (tables: {names})")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(chosen.columns)
    writer.writerows([cell(v) for v in row] for row in chosen.rows)
    return buffer.getvalue()


#: The words html_body writes around a report's own text (the site passes them in the
#: page's language).
LABELS = {
    "as_of": "As of {date}",
    "figures": "Figures",
    "figure": "Figure",
    "value": "Value",
    "meaning": "What it means",
    "empty": "not measured yet",
}


def html_body(
    report: Report,
    svgs: dict[str, str] | None = None,
    *,
    sep: str = "\n",
    labels: Mapping[str, str] | None = None,
) -> str:
    """The report as an HTML fragment: one block per line, or per ``sep`` (the site pages
    use a blank line so Markdown sees each block as raw HTML). ``labels`` replaces
    :data:`LABELS`; a figure without a value says ``empty`` instead of staying blank."""
    words = {**LABELS, **(labels or {})}
    as_of = words["as_of"].replace("{date}", report.as_of.isoformat())
    out = [f'<p class="kcs-report-asof">{escape(as_of)}</p>']
    if report.figures:
        rows = "".join(
            f"<tr><th>{escape(key)}</th><td>{escape(cell(value) or words['empty'])}</td>"
            f"<td>{escape(report.explain.get(key, ''))}</td></tr>"
            for key, value in report.figures.items()
        )
        out.append(
            '<div class="kcs-table-scroll" tabindex="0" role="region" '
            f'aria-label="{escape(words["figures"])}">'
            f'<table class="kcs-table"><thead><tr><th>{escape(words["figure"])}</th>'
            f"<th>{escape(words['value'])}</th><th>{escape(words['meaning'])}</th></tr></thead>"
            f"<tbody>{rows}</tbody></table></div>"
        )
    for name, svg in (svgs or {}).items():
        out.append(f'<div class="kcs-chart" id="chart-{escape(name)}">{svg}</div>')
    for table in report.tables:
        out.append(html_table(table))
    for note in report.notes:
        out.append(f'<p class="kcs-note">{escape(note)}</p>')
    return sep.join(out)


def html_table(table: Table) -> str:
    head = "".join(f"<th>{escape(c)}</th>" for c in table.columns)
    rows = "".join(
        "<tr>" + "".join(f"<td>{escape(cell(v))}</td>" for v in row) + "</tr>" for row in table.rows
    )
    note = f"<p>{escape(table.note)}</p>" if table.note else ""
    # A wide table scrolls in its own box, which keyboard users must be able to focus.
    return (
        f'<section class="kcs-report-table"><h2 id="{escape(table.name)}">'
        f"{escape(table.title)} ({len(table.rows)})</h2>{note}"
        f'<div class="kcs-table-scroll" tabindex="0" role="region" '
        f'aria-labelledby="{escape(table.name)}"><table class="kcs-table"><thead><tr>{head}'
        f"</tr></thead><tbody>{rows}</tbody></table></div></section>"
    )


_STYLE = """body{font-family:system-ui,sans-serif;margin:2rem;max-width:80rem;color:#222}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}th,td{border:1px solid #ccc;
padding:.2rem .5rem;text-align:left;font-size:.9rem}th{background:#f3f3f3}
.kcs-chart svg{max-width:100%;height:auto}"""


def to_html(report: Report) -> str:
    from .charts import render_all

    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(report.title)}</title>"
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:\">"
        f"<style>{_STYLE}</style></head><body>\n<h1>{escape(report.title)}</h1>\n"
        f"{html_body(report, render_all(report))}\n</body></html>\n"
    )


RENDERERS: dict[str, Callable[[Report], str]] = {
    "text": to_text,
    "json": to_json,
    "csv": to_csv,
    "html": to_html,
}


def render(report: Report, fmt: str, *, table: str | None = None) -> str:
    if fmt == "csv":
        return to_csv(report, table)
    try:
        return RENDERERS[fmt](report)
    except KeyError:
        raise UsageError(f"unknown format '{fmt}' (choose one of {', '.join(FORMATS)})") from None
