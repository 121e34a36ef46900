"""Access-log lines → fields, for the combined format or any nginx ``log_format``.

An nginx ``log_format`` string is compiled once into a regular expression: each
``$variable`` matches everything up to the literal character that follows it in
the format (the way nginx writes it), so ``"$request"`` becomes ``"([^"]*)"``.
Only the variables the analytics need are captured.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from ..errors import ConfigError

#: Named formats; anything else in kcs.yml ``usage.log_format`` is an nginx format string.
FORMATS: dict[str, str] = {
    "combined": '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent '
    '"$http_referer" "$http_user_agent"',
    "common": '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent',
}

_VARIABLE = re.compile(r"\$(?:\{(\w+)\}|(\w+))")
_IP_VARS = ("remote_addr", "realip_remote_addr", "http_x_forwarded_for", "binary_remote_addr")
_TIME_VARS = ("time_local", "time_iso8601", "msec")
MAX_LINE = 16 * 1024  # longer lines are sampled by their length only
_MONTHS = {m: i for i, m in enumerate(calendar.month_abbr) if m}


class Fields(NamedTuple):
    """What one log line says, before any interpretation."""

    ip: str
    ts: int  # seconds since the epoch, UTC
    day: str  # the line's own (server-local) date, YYYY-MM-DD — what GoAccess uses too
    method: str
    uri: str
    status: int
    user_agent: str


@dataclass(frozen=True)
class LogFormat:
    """A compiled log format: ``parse(line)`` gives :class:`Fields` or None if malformed."""

    source: str
    pattern: re.Pattern[str]
    parse: Callable[[str], Fields | None]
    chunk_pattern: re.Pattern[str]  # the same, anchored per line, for findall over many lines
    names: tuple[str, ...]  # captured variables, in group order

    def records(self, text: str) -> list[tuple[str, str, str, str, str]]:
        """All well-formed lines of ``text`` as (addr, time_local, request, status, agent),
        through :attr:`parse`: the path of formats :mod:`kcs.usage.scan` cannot split
        itself (times as ISO 8601 or epoch, ``$request_method`` and ``$request_uri``).
        """
        out = []
        for found in self.chunk_pattern.finditer(text):
            fields = self.parse(found.group(0).rstrip("\r"))
            if fields is not None:
                stamp = dt.datetime.fromtimestamp(fields.ts, dt.UTC).strftime(
                    "%d/%b/%Y:%H:%M:%S +0000"
                )
                out.append(
                    (
                        fields.ip,
                        stamp,
                        f"{fields.method} {fields.uri} HTTP/1.1",
                        str(fields.status),
                        fields.user_agent,
                    )
                )
        return out


def compile_format(spec: str) -> LogFormat:
    """Compile ``combined``, ``common`` or an nginx ``log_format`` string.

    Raises ConfigError if the format lacks what the analytics need (an address,
    a time, the request and the status).
    """
    source = FORMATS.get(spec.strip(), spec)
    parts: list[str] = []
    names: list[str] = []
    position = 0
    matches = list(_VARIABLE.finditer(source))
    for index, match in enumerate(matches):
        parts.append(re.escape(source[position : match.start()]))
        name = match.group(1) or match.group(2)
        following = source[match.end() : match.end() + 1]
        if index + 1 < len(matches) and matches[index + 1].start() == match.end():
            raise ConfigError(
                f"usage.log_format: ${name} is directly followed by another variable; "
                "put a separator between them"
            )
        # a variable runs up to the literal character after it (or the end of the line)
        body = f"[^{re.escape(following)}\\n]*" if following else "[^\\n]*"
        if name == "status":
            body = r"\d{3}"
        wanted = (
            name in _IP_VARS
            or name in _TIME_VARS
            or name in ("request", "request_method", "request_uri", "uri", "args", "status")
            or name == "http_user_agent"
        )
        if wanted and name not in names:
            names.append(name)
            parts.append(f"({body})")
        else:
            parts.append(f"(?:{body})")
        position = match.end()
    parts.append(re.escape(source[position:]))
    pattern = re.compile("".join(parts) + r"\Z")
    chunk = re.compile("^" + "".join(parts) + r"\r?$", re.MULTILINE)
    return LogFormat(source, pattern, _extractor(pattern, names, spec), chunk, tuple(names))


def _extractor(
    pattern: re.Pattern[str], names: list[str], spec: str
) -> Callable[[str], Fields | None]:
    def need(options: tuple[str, ...], what: str) -> int:
        for option in options:
            if option in names:
                return names.index(option) + 1
        raise ConfigError(
            f"usage.log_format {spec!r} has no {what} (one of "
            + ", ".join("$" + o for o in options)
            + ")"
        )

    ip_at = need(_IP_VARS, "client address")
    time_at = need(_TIME_VARS, "time")
    parsers = {"time_local": parse_time_local, "time_iso8601": parse_iso8601, "msec": parse_msec}
    time_parser = parsers[names[time_at - 1]]
    status_at = need(("status",), "status")
    ua_at = names.index("http_user_agent") + 1 if "http_user_agent" in names else 0
    if "request" in names:
        request_at = names.index("request") + 1
        method_at = uri_at = 0
    else:
        request_at = 0
        method_at = need(("request_method",), "request ($request or $request_method)")
        uri_at = need(("request_uri", "uri"), "request URI ($request or $request_uri)")
    args_at = names.index("args") + 1 if "args" in names else 0
    match_line = pattern.match

    def parse(line: str) -> Fields | None:
        found = match_line(line)
        if found is None:
            return None
        group = found.group
        when = time_parser(group(time_at))
        if when is None:
            return None
        if request_at:
            request = group(request_at)
            method, _, rest = request.partition(" ")
            uri, _, protocol = rest.rpartition(" ")
            if not protocol.startswith("HTTP/"):
                uri = uri or rest
                if not rest:
                    return None
        else:
            method, uri = group(method_at), group(uri_at)
            if args_at and group(args_at) not in ("", "-"):
                uri = f"{uri}?{group(args_at)}"
        ip = group(ip_at).split(",", 1)[0].strip()
        return Fields(
            ip, when[0], when[1], method, uri, int(group(status_at)), group(ua_at) if ua_at else ""
        )

    return parse


_DAY_CACHE: dict[str, tuple[int, str] | None] = {}


def parse_time_local(text: str) -> tuple[int, str] | None:
    """``23/Nov/2026:09:08:49 +0100`` → (UTC epoch seconds, ``2026-11-23``)."""
    if len(text) != 26:
        return None
    key = text[:11] + text[20:]
    base = _DAY_CACHE.get(key)
    if base is None:
        if key in _DAY_CACHE:
            return None
        base = _day_base(text)
        if len(_DAY_CACHE) > 10000:
            _DAY_CACHE.clear()
        _DAY_CACHE[key] = base
        if base is None:
            return None
    clock = text[12:20]
    try:
        seconds = int(clock[0:2]) * 3600 + int(clock[3:5]) * 60 + int(clock[6:8])
    except ValueError:
        return None
    return base[0] + seconds, base[1]


def _day_base(text: str) -> tuple[int, str] | None:
    try:
        day, month, year = int(text[0:2]), _MONTHS[text[3:6]], int(text[7:11])
        sign = -1 if text[21] == "-" else 1
        if text[21] not in "+-":
            return None
        offset = sign * (int(text[22:24]) * 3600 + int(text[24:26]) * 60)
        date = dt.date(year, month, day)
    except (KeyError, ValueError, IndexError):
        return None
    midnight = calendar.timegm(date.timetuple()) - offset
    return midnight, date.isoformat()


def parse_iso8601(text: str) -> tuple[int, str] | None:
    """``2026-11-23T09:08:49+01:00`` → (UTC epoch seconds, ``2026-11-23``)."""
    try:
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return int(when.timestamp()), when.date().isoformat()


def parse_msec(text: str) -> tuple[int, str] | None:
    """``1763888929.123`` → (UTC epoch seconds, UTC date)."""
    try:
        seconds = int(float(text))
    except ValueError:
        return None
    return seconds, dt.datetime.fromtimestamp(seconds, dt.UTC).date().isoformat()
