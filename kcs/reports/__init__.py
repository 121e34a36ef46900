"""Reports computed from the articles and the one-pass Git history.

``REPORTS`` is the registry: name → function ``(kb, history, today, *, usage=None,
**options) -> Report``. The CLI (kcs/cli/report_*.py) and the internal site's
report pages (kcs/site/reports.py) both go through :func:`build`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from importlib import import_module
from pathlib import Path
from typing import Any, Protocol

from ..history import paused_gc
from .model import Report, Usage, UsageStats

__all__ = ["REPORTS", "Report", "ReportFunction", "Usage", "UsageStats", "build", "compute"]


class ReportFunction(Protocol):
    def __call__(
        self, kb: Any, history: Any, today: dt.date, *, usage: Usage | None = None, **options: Any
    ) -> Report: ...


#: report name → module holding ``report(kb, history, today, *, usage=None, ...)``.
#: A module that sets ``READS_BODIES = False`` gets articles without their text
#: (front matter only, a faster load; see :func:`kcs.knowledge.load`).
REPORTS: dict[str, str] = {
    "staleness": "kcs.reports.staleness",
    "health": "kcs.reports.health",
    "contributors": "kcs.reports.contributors",
}


def compute(name: str) -> ReportFunction:
    func: Callable[..., Report] = import_module(REPORTS[name]).report
    return func


def build(
    name: str,
    root: Path,
    *,
    as_of: dt.date | None = None,
    usage: Usage | None = None,
    **options: Any,
) -> Report:
    """Read the repository (once) and compute one report."""
    from .inputs import load_inputs

    module = import_module(REPORTS[name])
    bodies = getattr(module, "READS_BODIES", True)
    # Everything read and computed here is acyclic value objects: the cyclic collector
    # would only rescan them as they pile up (see kcs.history.paused_gc).
    with paused_gc():
        inputs = load_inputs(root, as_of=as_of, usage=usage, bodies=bodies)
        return compute(name)(inputs.kb, inputs.history, inputs.today, usage=inputs.usage, **options)
