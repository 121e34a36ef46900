"""``--since 7d|2026-01-01`` and ``--until`` → a closed range of days."""

from __future__ import annotations

import datetime as dt

from ..config import parse_duration
from ..errors import UsageError

DEFAULT_DAYS = 30


def usage_today() -> dt.date:
    """Today as the usage data counts days: in UTC, the calendar every log line is stored
    in (kcs.usage.parse), whatever the server's time zone. A report period, a retention
    cut-off or a ranking that ended on the local date instead would leave out, or add,
    the newest day of data on a server behind or ahead of UTC."""
    return dt.datetime.now(dt.UTC).date()


def parse_period(
    since: str | None, until: str | None, *, today: dt.date | None = None
) -> tuple[dt.date, dt.date]:
    """The first and last day (both included) a report covers.

    ``since`` is a date or a duration counted back from ``until`` (``7d`` = the
    last seven days, ``until`` included); the default is the last 30 days.
    """
    today = today or usage_today()
    last = _date(until, "--until") if until else today
    if not since:
        return last - dt.timedelta(days=DEFAULT_DAYS - 1), last
    try:
        first = dt.date.fromisoformat(since.strip())
    except ValueError:
        try:
            days = parse_duration(since)
        except ValueError:
            raise UsageError(
                f"--since '{since}' is neither a date (YYYY-MM-DD) nor a duration such as 7d"
            ) from None
        first = last - dt.timedelta(days=days - 1)
    if first > last:
        raise UsageError(f"--since {first} lies after --until {last}; swap them")
    return first, last


def _date(value: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(f"{option} '{value}' is not a date; write it as YYYY-MM-DD") from None
