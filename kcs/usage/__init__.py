"""Usage analytics from web-server logs and ticket exports.

Modules: :mod:`parse` (log formats), :mod:`events` (requests → events),
:mod:`privacy` (visitor hashes, redaction), :mod:`store` (SQLite, ingest,
aggregates, retention), :mod:`reports` (usage, search, gaps, value),
:mod:`tickets` (ticket exports). :func:`most_used` and :func:`usage_by_article`
are what other areas read.
"""

from __future__ import annotations

from .api import UsageStats, article_usage, most_used, usage_by_article

__all__ = ["UsageStats", "article_usage", "most_used", "usage_by_article"]
