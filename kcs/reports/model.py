"""What a report is: plain values every renderer (text, JSON, CSV, HTML, site) reads.

A report is a title, a few headline figures, tables and charts. The computing
modules build these (staleness.py, health.py, contributors.py from the
KnowledgeBase and the History; usage.py, search.py, gaps.py, value.py and
tickets.py from the usage database); render.py and charts.py never compute.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from ..usage.model import UsageStats

__all__ = ["Bar", "Flag", "Phrase", "Report", "Table", "Usage", "UsageData", "UsageStats"]


class Phrase(str):
    """Words the report itself writes, as opposed to data: a sentence, a label, or a
    table cell from a fixed vocabulary (a review status, an advice label).

    It is the English text (``template`` with ``values`` filled in), so text, JSON and
    CSV show it as any other string; the site's report pages look ``template`` up in
    the interface-text table and fill the values in after (:mod:`kcs.site.report_text`).
    A plain ``str`` in a table is data (a title, a name, a path) and is never translated.
    """

    template: str
    values: Mapping[str, Any]

    def __new__(cls, template: str, /, **values: Any) -> Phrase:
        self = super().__new__(cls, template.format(**values) if values else template)
        self.template = template
        self.values = values
        return self


#: article id → usage, or None when there is no usage data.
Usage = Mapping[str, UsageStats]


class Flag(NamedTuple):
    """Readers who said an article is outdated on one day (the usage database's day)."""

    day: dt.date
    article: str  # article id
    readers: int  # how many said so


class UsageData(dict[str, UsageStats]):
    """A :data:`Usage` mapping that also carries the flags day by day
    (what :func:`kcs.reports.inputs.load_usage` returns)."""

    def __init__(
        self, stats: Mapping[str, UsageStats] | None = None, flags: Iterable[Flag] = ()
    ) -> None:
        super().__init__(stats or {})
        self.flags: tuple[Flag, ...] = tuple(flags)


@dataclass(frozen=True)
class Table:
    """One table: ``rows`` hold plain values (str, int, float, date, None)."""

    name: str  # machine name, used by --table and in JSON
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    note: str = ""  # one sentence shown under the title (what the table means)

    def as_dicts(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


@dataclass(frozen=True)
class Bar:
    """A bar chart: one or more series over the same labels (stacked when several)."""

    name: str
    title: str
    labels: tuple[str, ...]
    series: Mapping[str, tuple[float, ...]]
    xlabel: str = ""
    horizontal: bool = False


@dataclass(frozen=True)
class Report:
    name: str
    title: str
    as_of: dt.date
    figures: Mapping[str, Any]  # headline numbers, label → value
    tables: tuple[Table, ...]
    charts: tuple[Bar, ...] = ()
    notes: tuple[str, ...] = ()  # what was left out and why (no usage data, ...)
    explain: Mapping[str, str] = field(default_factory=dict)  # figure label → one sentence

    def table(self, name: str) -> Table | None:
        return next((t for t in self.tables if t.name == name), None)

    def as_dict(self) -> dict[str, Any]:
        return {
            "report": self.name,
            "title": self.title,
            "as_of": self.as_of.isoformat(),
            "figures": dict(self.figures),
            "notes": list(self.notes),
            "tables": {t.name: t.as_dicts() for t in self.tables},
        }
