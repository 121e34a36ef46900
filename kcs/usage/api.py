"""What other areas read from the usage database (the reports among them).

* :func:`most_used` — article ids, most viewed first (the site's home page).
* :func:`usage_by_article` — views and feedback per article (staleness triage);
  :func:`article_usage` is the same keyed by repository root, the hook that
  ``kcs.reports.inputs.load_usage`` calls.
* :func:`flags_by_day` — readers' "this is outdated" answers per day and article
  (the contributors report's flags resolved).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

from .location import database_path
from .model import UsageStats
from .period import usage_today


def _db(root_or_db: Path) -> Path:
    path = Path(root_or_db)
    return database_path(path) if path.is_dir() else path


def most_used(
    root_or_db: Path, *, days: int = 90, limit: int = 10, today: dt.date | None = None
) -> list[str]:
    """Article ids with the most views in the last ``days`` days; [] without usage data."""
    db = _db(root_or_db)
    if not db.is_file():
        return []
    today = today or usage_today()
    first = (today - dt.timedelta(days=days - 1)).isoformat()
    from .store import connect  # only once there is a database to read

    conn = connect(db)
    try:
        rows = conn.execute(
            "SELECT article, sum(value) AS n FROM daily WHERE metric = 'views' AND article != '' "
            "AND day BETWEEN ? AND ? GROUP BY article ORDER BY n DESC, article LIMIT ?",
            (first, today.isoformat(), limit),
        ).fetchall()
    finally:
        conn.close()
    return [article for article, _n in rows]


def usage_by_article(db: Path, as_of: dt.date) -> dict[str, UsageStats]:
    """Article id → :class:`UsageStats` as of a day (that day included)."""
    db = _db(db)
    if not db.is_file():
        return {}
    day90 = (as_of - dt.timedelta(days=89)).isoformat()
    day365 = (as_of - dt.timedelta(days=364)).isoformat()
    from .store import connect  # only once there is a database to read

    conn = connect(db)
    try:
        rows = conn.execute(
            "SELECT article, metric, key, sum(CASE WHEN day >= ? THEN value ELSE 0 END), "
            "sum(value) FROM daily WHERE metric IN ('views', 'helped', 'not_helped', 'reason') "
            "AND article != '' AND day BETWEEN ? AND ? GROUP BY article, metric, key",
            (day90, day365, as_of.isoformat()),
        ).fetchall()
    finally:
        conn.close()
    found: dict[str, dict[str, Any]] = {}
    for article, metric, key, recent, year in rows:
        entry = found.setdefault(article, {"reasons": Counter()})
        if metric == "views":
            entry["views_90d"] = int(recent)
            entry["views_12m"] = int(year)
        elif metric == "reason":
            entry["reasons"][key] += int(year)
        else:
            entry[metric] = int(year)
    return {
        article: UsageStats(
            views_90d=e.get("views_90d", 0),
            views_12m=e.get("views_12m", 0),
            helped=e.get("helped", 0),
            not_helped=e.get("not_helped", 0),
            flags=e["reasons"].get("outdated", 0),
            reasons=dict(e["reasons"]),
        )
        for article, e in found.items()
    }


def flags_by_day(
    root_or_db: Path, *, since: dt.date | None = None, until: dt.date | None = None
) -> list[tuple[dt.date, str, int]]:
    """(day, article id, count) of "outdated" answers, oldest first; [] without usage data."""
    db = _db(root_or_db)
    if not db.is_file():
        return []
    from .store import connect  # only once there is a database to read

    conn = connect(db)
    try:
        rows = conn.execute(
            "SELECT day, article, sum(value) FROM daily WHERE metric = 'reason' "
            "AND key = 'outdated' AND article != '' AND day BETWEEN ? AND ? "
            "GROUP BY day, article ORDER BY day, article",
            (
                since.isoformat() if since else "0000-01-01",
                until.isoformat() if until else "9999-12-31",
            ),
        ).fetchall()
    finally:
        conn.close()
    return [(dt.date.fromisoformat(day), article, int(n)) for day, article, n in rows if n]


def article_usage(root: Path, *, today: dt.date) -> dict[str, UsageStats] | None:
    """The reports' hook: :func:`usage_by_article` for a repository, None without data."""
    db = database_path(root)
    if not db.is_file():
        return None
    return usage_by_article(db, today)
