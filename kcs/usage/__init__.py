"""Usage analytics from web-server logs and ticket exports.

Modules: :mod:`parse` (log formats), :mod:`events` (requests → events),
:mod:`agents` (user agents in bulk), :mod:`privacy` (visitor hashes, redaction),
:mod:`scan` (log lines → visitors, views and events), :mod:`store` (SQLite, ingest,
retention), :mod:`rollup` (daily aggregates), :mod:`tickets` (ticket exports),
:mod:`model` (:class:`UsageStats`). :func:`most_used` and :func:`usage_by_article`
are what other areas read; the reports on this data live in :mod:`kcs.reports`
(usage, search, gaps, value, tickets), which imports this package and never the
other way round.
"""

from __future__ import annotations

from typing import Any

__all__ = ["UsageStats", "article_usage", "most_used", "usage_by_article"]


def __getattr__(name: str) -> Any:
    # imported on first use: an ingest needs none of the query code this pulls in
    if name in __all__:
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
