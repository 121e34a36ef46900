"""Every report: what it reads, how it is computed, one registry, one :func:`build`.

A report module holds ``report(...) -> Report`` and says in ``SOURCE`` what it reads:

* ``"repository"``: the articles and the one-pass Git history, as
  ``report(kb, history, today, *, usage=None, **options)`` (staleness, health,
  contributors). ``READS_BODIES = False`` gets articles without their text (front
  matter only, a faster load; see :func:`kcs.knowledge.load`).
* ``"usage"``: the usage database over a period, as
  ``report(inputs: PeriodInputs, **options)`` (usage, search, gaps, value, tickets).

The CLI (kcs/cli/report_*.py) and the internal site's report pages
(kcs/site/reports.py, kcs/site/usage.py) all go through :data:`REPORTS`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from importlib import import_module
from pathlib import Path
from typing import Any, Literal, Protocol, cast

from .model import Report, Usage, UsageStats

__all__ = [
    "REPORTS",
    "Report",
    "ReportFunction",
    "ReportModule",
    "Usage",
    "UsageStats",
    "build",
    "compute",
    "module",
    "names",
]

Source = Literal["repository", "usage"]


class ReportModule(Protocol):
    """What every module named in :data:`REPORTS` provides."""

    SOURCE: Source
    report: Callable[..., Report]


class ReportFunction(Protocol):
    """A repository report's ``report`` function."""

    def __call__(
        self, kb: Any, history: Any, today: dt.date, *, usage: Usage | None = None, **options: Any
    ) -> Report: ...


#: report name → module holding it (an explicit registry, imported on first use)
REPORTS: dict[str, str] = {
    "staleness": "kcs.reports.staleness",
    "health": "kcs.reports.health",
    "contributors": "kcs.reports.contributors",
    "usage": "kcs.reports.usage",
    "search": "kcs.reports.search",
    "gaps": "kcs.reports.gaps",
    "value": "kcs.reports.value",
    "tickets": "kcs.reports.tickets",
}


def module(name: str) -> ReportModule:
    return cast(ReportModule, import_module(REPORTS[name]))


def names(source: Source) -> list[str]:
    """The reports that read ``source``, in registry order."""
    return [name for name in REPORTS if source == module(name).SOURCE]


def compute(name: str) -> ReportFunction:
    """A repository report's function (``report(kb, history, today, *, usage=None)``)."""
    found = module(name)
    if found.SOURCE != "repository":
        raise ValueError(f"{name} reads {found.SOURCE} data, not the repository")
    return cast(ReportFunction, found.report)


def build(
    name: str,
    root: Path,
    *,
    as_of: dt.date | None = None,
    usage: Usage | None = None,
    since: str | None = None,
    until: str | None = None,
    db: Path | None = None,
    read_usage: bool = False,
    **options: Any,
) -> Report:
    """Read what report ``name`` needs from the repository at ``root`` (once) and compute it.

    ``as_of`` and ``usage`` concern repository reports (``read_usage`` reads the
    repository's usage data while the history is read, instead of taking ``usage``);
    ``since``, ``until`` and ``db`` (the period and the usage database) the usage reports.
    """
    found = module(name)
    if found.SOURCE == "usage":
        from .period import inputs_for

        inputs = inputs_for(root, since=since, until=until, db=db)
        try:
            return found.report(inputs, **options)
        finally:
            inputs.conn.close()
    from ..history import paused_gc
    from .inputs import load_inputs

    bodies = getattr(found, "READS_BODIES", True)
    # Everything read and computed here is acyclic value objects: the cyclic collector
    # would only rescan them as they pile up (see kcs.history.paused_gc).
    with paused_gc():
        inputs_ = load_inputs(root, as_of=as_of, usage=usage, bodies=bodies, read_usage=read_usage)
        return compute(name)(
            inputs_.kb, inputs_.history, inputs_.today, usage=inputs_.usage, **options
        )
