"""Blocks of log lines → visitors, page views and beacon events, in Polars frames.

:class:`Scanner` turns one block of whole lines into a :class:`Scanned`: counts per
drop reason, a few scrubbed samples of malformed lines, the distinct (day, address,
user agent) keys of the block's people, and per key the page views (article or
language page, and how many) and the beacon events, which refer to their person by
a 64-bit key (``pid``). The raw address never leaves the ingest's memory: the store
replaces each key by its salted visitor hash before anything is written.

Why Polars: a Python loop over every line cost about 3 µs a line (regex, dictionary
look-ups, tuples), and storing every hit as its own SQLite row as much again. Here the
line regex, the joins with the classification caches and the grouping per person run
in Polars' compiled, multi-threaded engine; Python only looks at what is new — a
request line, a user agent or a day it has not classified before.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any, NamedTuple

import polars as pl

from .events import BEACON, METHOD, PAGE, PROBE, VIEW, Classifier
from .parse import _IP_VARS, FORMATS, MAX_LINE, _day_base, compile_format
from .privacy import scrub_line

CACHE_ROWS = 200_000  # classified request lines kept between blocks (memory stays bounded)

_FIELDS = ("ip", "stamp", "request", "status", "agent")
_REQUESTS = {
    "request": pl.String,
    "code": pl.Int8,
    "t": pl.String,  # the beacon's type; views and pages have none
    "a": pl.String,
    "l": pl.String,
    "q": pl.String,
    "n": pl.Int64,
    "p": pl.Int64,
    "h": pl.Int64,
    "r": pl.String,
}
_AGENTS = {"agent": pl.String, "kind": pl.String}
_DAYS = {"dkey": pl.String, "base": pl.Int64, "day": pl.String}
#: the columns of the stored frames (besides the visitor)
VIEW_COLUMNS = ("a", "l", "n")
EVENT_COLUMNS = ("ts", "t", "a", "l", "q", "n", "p", "h", "r")


class Scanned(NamedTuple):
    lines: int
    counts: dict[str, int]
    people: pl.DataFrame  # day, pid, ip, agent — one row per person (pid) and day
    views: pl.DataFrame  # day, pid, a (article id or ""), l (language page or ""), n
    events: pl.DataFrame  # day, pid, ts, t, a, l, q, n, p, h, r — in the log's order
    samples: list[tuple[int, str, str]]  # (byte offset, reason, scrubbed line)


class Scanner:
    def __init__(
        self, log_format: str, languages: Sequence[str], pruned_before: str, samples: int
    ) -> None:
        self.fmt = compile_format(log_format)
        names = self.fmt.names
        # the vectorised path needs $time_local and $request; other formats (ISO or
        # epoch times, $request_method + $request_uri) go through the Python parser
        self.vectorised = "time_local" in names and "request" in names
        self.line_pattern = "^" + self.fmt.chunk_pattern.pattern.removeprefix("^")
        self.ip_var = next(name for name in _IP_VARS if name in names)
        #: the fields of the formats the CSV reader can split, in their order
        common = ["ip", "dash", "user", "stamp", "zone", "request", "status", "bytes"]
        self.csv_columns = {
            FORMATS["combined"]: [*common, "referer", "agent"],
            FORMATS["common"]: common,
        }.get(self.fmt.source)
        self.classifier = Classifier(tuple(languages))
        self.pruned_before = pruned_before
        self.samples_left = samples
        self.requests = pl.DataFrame(schema=_REQUESTS)
        self.agents = pl.DataFrame(schema=_AGENTS)
        self.days = pl.DataFrame(schema=_DAYS)
        self.lock = threading.Lock()

    # ------------------------------------------------------------------ fields

    def _fields(self, block: bytes) -> pl.DataFrame:
        """The well-formed lines of ``block`` as columns ip, dkey (day and zone of the
        time), secs (seconds into that day), request, status and agent."""
        if not self.vectorised:
            text = block.decode("utf-8", "replace")
            frame = pl.DataFrame(self.fmt.records(text), schema=list(_FIELDS), orient="row")
            return _split_time(frame.lazy()).collect()
        lines = block.count(b"\n")
        if self.csv_columns is not None:
            fields = self._csv_fields(block, lines)
            if fields is not None:
                return fields
        return self._regex_fields(block)

    def _csv_fields(self, block: bytes, lines: int) -> pl.DataFrame | None:
        """The combined and common formats are space-separated values with quotes: Polars'
        CSV reader splits them several times faster than a regex. None when the block has
        a line that reader could misread (an odd quote joins lines, extra fields): the
        regex path then decides line by line."""
        columns = self.csv_columns
        assert columns is not None
        wanted = [c for c in columns if c not in ("user", "bytes", "referer")]
        try:
            frame = pl.read_csv(
                block,
                has_header=False,
                separator=" ",
                quote_char='"',
                new_columns=columns,
                columns=[columns.index(c) for c in wanted],
                encoding="utf8-lossy",
                infer_schema=False,
                raise_if_empty=False,
            )
        except pl.exceptions.PolarsError:
            return None
        if frame.height != lines or frame.width != len(wanted):
            return None
        if "agent" not in frame.columns:
            frame = frame.with_columns(agent=pl.lit(""))
        stamp, zone, status = pl.col("stamp"), pl.col("zone"), pl.col("status")
        well_formed = (
            (pl.col("dash") == "-")
            & (stamp.str.len_bytes() == 21)
            & stamp.str.starts_with("[")
            & (zone.str.len_bytes() == 6)
            & zone.str.ends_with("]")
            & status.str.contains(r"^\d{3}$")
            & pl.col("request").is_not_null()
        )
        return (
            frame.lazy()
            .filter(well_formed.fill_null(False))
            .select(
                "ip",
                (stamp.str.slice(1, 11) + " " + zone.str.slice(0, 5)).alias("dkey"),
                _seconds(stamp, 13).alias("secs"),
                "request",
                "status",
                "agent",
            )
            .collect()
        )

    def _regex_fields(self, block: bytes) -> pl.DataFrame:
        if b"\x1f" in block:  # the unit separator splits lines below: take the slow road
            lines = pl.DataFrame({"line": block.decode("utf-8", "replace").split("\n")[:-1]})
        else:
            lines = pl.read_csv(
                block,
                has_header=False,
                separator="\x1f",
                quote_char=None,
                new_columns=["line"],
                encoding="utf8-lossy",
                infer_schema=False,
                raise_if_empty=False,
            )
            if lines.width != 1:  # an empty block
                return _split_time(pl.LazyFrame(schema=dict.fromkeys(_FIELDS, pl.String))).collect()
        names = self.fmt.names
        groups = pl.col("line").str.extract_groups(self.line_pattern)
        found = lines.lazy().select(groups.alias("g")).unnest("g")
        found = found.rename({str(n + 1): name for n, name in enumerate(names)})
        ip = pl.col(self.ip_var)
        if self.ip_var != "remote_addr":  # X-Forwarded-For: the first address
            ip = ip.str.split(",").list.first().str.strip_chars()
        agent = pl.col("http_user_agent") if "http_user_agent" in names else pl.lit("")
        found = found.filter(pl.col(names[0]).is_not_null()).select(
            ip.alias("ip"),
            pl.col("time_local").alias("stamp"),
            pl.col("request"),
            pl.col("status"),
            agent.alias("agent"),
        )
        return _split_time(found).collect()

    # ------------------------------------------------------------ classifying

    def _learn(self, fields: pl.DataFrame) -> None:
        """Classify, in Python, the request lines, user agents and days not seen before."""
        if self.requests.height > CACHE_ROWS:
            self.requests = self.requests.clear()
        new = _unseen(fields, "request", self.requests)
        if new:
            rows = [(request, *self._request(request)) for request in new]
            self.requests = pl.concat(
                [self.requests, pl.DataFrame(rows, schema=_REQUESTS, orient="row")]
            )
        new = _unseen(fields, "agent", self.agents)
        if new:
            kinds = [(agent, self.classifier.agent_kind(agent)) for agent in new]
            self.agents = pl.concat(
                [self.agents, pl.DataFrame(kinds, schema=_AGENTS, orient="row")]
            )
        new = _unseen(fields, "dkey", self.days)
        if new:
            days = [
                (key, *(_day_base(key[:11] + ":00:00:00" + key[11:]) or (None, None)))
                for key in new
            ]
            self.days = pl.concat([self.days, pl.DataFrame(days, schema=_DAYS, orient="row")])

    def _request(self, request: str) -> tuple[Any, ...]:
        code, payload = self.classifier.request(request)
        if code == VIEW:
            return code, None, payload, "", None, None, None, None, None
        if code == PAGE:
            return code, None, "", payload, None, None, None, None, None
        if code == BEACON:
            return (code, *payload)
        return code, None, None, None, None, None, None, None, None

    # ---------------------------------------------------------------- scanning

    def scan(self, block: bytes, line_at: int) -> Scanned:
        """Safe to call from several threads at once: Polars works without the GIL, and
        only the classification of new values (:meth:`_learn`) is serialised."""
        lines = block.count(b"\n")
        fields = self._fields(block)
        counts: dict[str, int] = {}
        samples: list[tuple[int, str, str]] = []
        with self.lock:
            if fields.height != lines:
                counts["malformed"] = lines - fields.height
                if self.samples_left > 0:
                    samples = self._samples(block.decode("utf-8", "replace"), line_at)
            if fields.height == 0:
                return Scanned(
                    lines, counts, EMPTY["people"], EMPTY["views"], EMPTY["events"], samples
                )
            self._learn(fields)
            requests, agents, days = self.requests, self.agents, self.days
        code, kind, day = pl.col("code"), pl.col("kind"), pl.col("day")
        joined = (
            fields.lazy()
            .with_columns(
                # a person within this block; 64-bit, so two people share one by chance
                # about once in 10^10 blocks
                pl.struct("ip", "agent").hash().alias("pid"),
            )
            .join(requests.lazy(), on="request", how="left")
            .join(agents.lazy(), on="agent", how="left")
            .join(days.lazy(), on="dkey", how="left")
            .with_columns(
                pl.when(code == METHOD)
                .then(pl.lit("method"))
                .when(code == PROBE)
                .then(pl.lit("probe"))
                .when(kind != "human")
                .then(kind)
                .when(day.is_null() | pl.col("secs").is_null())
                .then(pl.lit("malformed"))
                .when(day < self.pruned_before)
                .then(pl.lit("expired"))
                .otherwise(pl.lit("kept"))
                .alias("fate")
            )
        )
        kept = joined.filter(pl.col("fate") == "kept")
        status = pl.col("status")
        success = status.str.starts_with("2")
        fates, people, views, events = pl.collect_all(
            [
                joined.group_by("fate").len(),
                kept.group_by("day", "pid").agg(pl.col("ip", "agent").first()),
                kept.filter(code.is_in([VIEW, PAGE]) & (success | (status == "304")))
                .group_by("day", "pid", "a", "l")
                .agg(pl.len().cast(pl.Int64).alias("n")),
                kept.filter((code == BEACON) & success).select(
                    "day", "pid", (pl.col("base") + pl.col("secs")).alias("ts"), *EVENT_COLUMNS[1:]
                ),
            ]
        )
        for fate, n in fates.iter_rows():
            counts[fate] = counts.get(fate, 0) + n
        return Scanned(lines, counts, people, views, events, samples)

    def _samples(self, text: str, line_at: int) -> list[tuple[int, str, str]]:
        """A few scrubbed malformed lines; once the budget is spent, no second look."""
        found = []
        pattern = self.fmt.chunk_pattern
        at = line_at
        for line in text.split("\n")[:-1]:
            if pattern.fullmatch(line) is None and pattern.fullmatch(line + "\r") is None:
                too_long = len(line) > MAX_LINE
                sample = f"{len(line)} characters" if too_long else scrub_line(line[:300])
                found.append((at, "too long" if too_long else "unparsable", sample))
                self.samples_left -= 1
                if self.samples_left <= 0:
                    break
            at += len(line.encode("utf-8", "replace")) + 1
        return found


def _unseen(frame: pl.DataFrame, column: str, known: pl.DataFrame) -> list[str]:
    """Distinct values of ``column`` that the cache ``known`` has no row for."""
    return (
        frame.lazy()
        .select(column)
        .unique()
        .join(known.lazy().select(column), on=column, how="anti")
        .collect()[column]
        .to_list()
    )


def _split_time(frame: pl.LazyFrame) -> pl.LazyFrame:
    """A ``$time_local`` column ``stamp`` → ``dkey`` (``dd/Mon/yyyy +zzzz``, null unless
    the stamp has its 26 characters) and ``secs`` (seconds since that day's midnight)."""
    stamp = pl.col("stamp")
    dkey = pl.when(stamp.str.len_chars() == 26).then(
        stamp.str.slice(0, 11) + stamp.str.slice(20, 6)
    )
    return frame.select(
        "ip", dkey.alias("dkey"), _seconds(stamp, 12).alias("secs"), "request", "status", "agent"
    )


def _seconds(stamp: pl.Expr, at: int) -> pl.Expr:
    """``hh:mm:ss`` starting at ``at`` → seconds; null unless it is two digits each."""
    clock = stamp.str.slice(at, 8)
    valid = clock.str.contains(r"^\d\d:\d\d:\d\d$")
    number = [clock.str.slice(i, 2).cast(pl.Int64, strict=False) for i in (0, 3, 6)]
    return pl.when(valid).then(number[0] * 3600 + number[1] * 60 + number[2])


EMPTY = {
    "people": pl.DataFrame(
        schema={"day": pl.String, "pid": pl.UInt64, "ip": pl.String, "agent": pl.String}
    ),
    "views": pl.DataFrame(
        schema={"day": pl.String, "pid": pl.UInt64, "a": pl.String, "l": pl.String, "n": pl.Int64}
    ),
    "events": pl.DataFrame(
        schema={"day": pl.String, "pid": pl.UInt64, "ts": pl.Int64}
        | {name: _REQUESTS[name] for name in EVENT_COLUMNS[1:]}
    ),
}
