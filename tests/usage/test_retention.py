"""Retention: raw events go after N days, daily aggregates and nothing else stay."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from usagekit import BROWSER

from kcs.usage.store import ingest


def line(day: dt.date, ip: str, path: str) -> str:
    stamp = dt.datetime.combine(day, dt.time(10)).strftime("%d/%b/%Y:%H:%M:%S +0000")
    return f'{ip} - - [{stamp}] "GET {path} HTTP/1.1" 200 1 "-" "{BROWSER}"\n'


def test_old_events_are_pruned_and_aggregates_kept(tmp_path: Path) -> None:
    today = dt.date(2026, 11, 23)
    old, recent = today - dt.timedelta(days=200), today - dt.timedelta(days=3)
    log = tmp_path / "access.log"
    log.write_text(
        line(old, "192.0.2.1", "/a/vpn-connect/")
        + line(recent, "192.0.2.2", "/a/vpn-connect/")
        + line(today, "192.0.2.3", "/a/vpn-connect/")
    )
    db = tmp_path / "usage.sqlite"
    result = ingest(db, [log], retention_days=90, today=today)
    assert result.kept == 3
    with sqlite3.connect(db) as conn:
        assert [d for (d,) in conn.execute("SELECT DISTINCT day FROM segments ORDER BY day")] == [
            recent.isoformat(),
            today.isoformat(),
        ]
        assert conn.execute(
            "SELECT value FROM daily WHERE metric = 'views' AND day = ?", (old.isoformat(),)
        ).fetchone() == (1.0,)
        # salts survive only for today and yesterday: older visitors can no longer be linked
        assert [d for (d,) in conn.execute("SELECT day FROM salts ORDER BY day")] == [
            today.isoformat()
        ]
    # a late line for the pruned day is counted as expired, and the aggregate stays
    late = tmp_path / "late.log"
    late.write_text(line(old, "192.0.2.9", "/a/vpn-connect/"))
    again = ingest(db, [late], retention_days=90, today=today)
    assert (again.kept, again.expired) == (0, 1)
    with sqlite3.connect(db) as conn:
        assert conn.execute(
            "SELECT value FROM daily WHERE metric = 'views' AND day = ?", (old.isoformat(),)
        ).fetchone() == (1.0,)
