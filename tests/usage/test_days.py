"""Usage days are UTC days, on a server in any time zone: the log lines are stored by their
UTC date, so the reports' periods and the home pages' ranking count back from UTC's today."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from usagekit import BROWSER

from kcs.usage.api import most_used
from kcs.usage.period import parse_period
from kcs.usage.store import ArticleMeta, ingest

META = {name: ArticleMeta("en", "general", "public") for name in ("fresh", "old")}


@pytest.fixture
def zone_off_utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The server's time zone set to one whose date is not UTC's at this hour: a day
    behind (UTC-11, before 11:00 UTC) or a day ahead (UTC+14, from 10:00 UTC)."""
    zone = "Pacific/Kiritimati" if dt.datetime.now(dt.UTC).hour >= 10 else "Pacific/Pago_Pago"
    monkeypatch.setenv("TZ", zone)
    time.tzset()
    yield zone
    monkeypatch.undo()
    time.tzset()


def _line(when: dt.datetime, article: str) -> str:
    stamp = when.strftime("%d/%b/%Y:%H:%M:%S +0000")
    return f'10.2.0.1 - - [{stamp}] "GET /a/{article}/ HTTP/1.1" 200 10 "-" "{BROWSER}"\n'


def test_periods_and_ranking_count_utc_days(zone_off_utc: str, tmp_path: Path) -> None:
    utc_today = dt.datetime.now(dt.UTC).date()
    assert dt.date.today() != utc_today, zone_off_utc  # the test means something here
    assert parse_period(None, None)[1] == utc_today
    assert parse_period("7d", None) == (utc_today - dt.timedelta(days=6), utc_today)
    # the newest UTC day and the oldest of the ranking's 90: each is lost when the days are
    # counted back from a local date behind or ahead of UTC
    midnight = dt.datetime.combine(utc_today, dt.time(), dt.UTC)
    fresh = max(dt.datetime.now(dt.UTC) - dt.timedelta(seconds=5), midnight)
    old = midnight - dt.timedelta(days=89) + dt.timedelta(seconds=1)
    log = tmp_path / "access.log"
    log.write_text(_line(old, "old") + _line(fresh, "fresh"))
    db = tmp_path / "usage.sqlite"
    ingest(db, [log], articles=META, retention_days=120)
    assert sorted(most_used(db)) == ["fresh", "old"]
