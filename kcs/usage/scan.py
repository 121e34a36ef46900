"""Blocks of log lines → visitors, page views and beacon events, in Polars frames.

:class:`Scanner` turns one block of whole lines into a :class:`Scanned`: counts per
drop reason, a few scrubbed samples of malformed lines, the distinct (day, address,
user agent) of the block's people, and per person the page views (article or
language page, and how many) and the beacon events, which refer to their person by
a 64-bit key (``pid``). The raw address never leaves the ingest's memory: the store
replaces each person by a salted visitor hash before anything is written.

Why Polars: a Python loop over every line cost about 3 µs a line (regex, dictionary
look-ups, tuples), and storing every hit as its own SQLite row as much again. Here the
lines are split by Polars' CSV reader (or a regex for other formats), and request
lines, user agents and days are looked up by their 64-bit hash in small tables, and
only what has not been seen before is classified: new request lines and days in Python,
new user agents in Polars (:mod:`kcs.usage.agents`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import polars as pl

from .agents import BOT, HUMAN, PROBE_AGENT, agent_kinds
from .events import BEACON, METHOD, PAGE, PROBE, VIEW, Classifier
from .parse import _IP_VARS, FORMATS, MAX_LINE, _day_base, compile_format
from .privacy import scrub_line

CACHE_ROWS = 200_000  # classified request lines kept between blocks (memory stays bounded)

#: what every way of splitting lines gives: the day (dd/Mon/yyyy), its zone (+hhmm), the
#: clock (hh:mm:ss), and the request, status and user agent as logged
_FIELDS = ("ip", "dd", "zz", "clock", "request", "status", "agent")
_PAYLOAD = {
    "t": pl.String,  # the beacon's type; views and pages have none
    "a": pl.String,
    "l": pl.String,
    "q": pl.String,
    "n": pl.Int64,
    "p": pl.Int64,
    "h": pl.Int64,
    "r": pl.String,
}
_REQUESTS = {"rh": pl.UInt64, "code": pl.Int8} | _PAYLOAD
_AGENTS = {"ah": pl.UInt64, "kind": pl.Int8}
_DAYS = {"dh": pl.UInt64, "state": pl.Int8, "day": pl.String, "base": pl.Int64}
#: why a line is not kept (0: kept), in the order the rules apply
FATES = {0: "kept", 1: "method", 2: "probe", 3: "bot", 4: "probe", 5: "malformed", 6: "expired"}
_KINDS = {"human": HUMAN, "bot": BOT, "probe": PROBE_AGENT}
#: the columns of an event (besides the visitor)
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

    # ------------------------------------------------------------------ fields

    def _fields(self, block: bytes, lines: int) -> pl.DataFrame:
        """The well-formed lines of ``block`` as the columns of _FIELDS."""
        if not self.vectorised:
            text = block.decode("utf-8", "replace")
            names = ["ip", "stamp", "request", "status", "agent"]
            frame = pl.DataFrame(self.fmt.records(text), schema=names, orient="row")
            return _hashed(_split_time_local(frame.lazy())).collect()
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
        stamp, zone, status = pl.col("stamp"), pl.col("zone"), pl.col("status")
        well_formed = (
            (pl.col("dash") == "-")
            & (stamp.str.len_bytes() == 21)
            & stamp.str.starts_with("[")
            & (zone.str.len_bytes() == 6)
            & zone.str.ends_with("]")
            & (status.str.len_bytes() == 3)
            & status.cast(pl.Int16, strict=False).is_not_null()
            & pl.col("request").is_not_null()
        )
        if "agent" in frame.columns:  # a line without it is as malformed as for the regex
            well_formed &= pl.col("agent").is_not_null()
        agent = pl.col("agent") if "agent" in frame.columns else pl.lit("")
        return _hashed(
            frame.lazy()
            .filter(well_formed.fill_null(False))
            .select(
                "ip",
                stamp.str.slice(1, 11).alias("dd"),
                zone.str.slice(0, 5).alias("zz"),
                stamp.str.slice(13, 8).alias("clock"),
                "request",
                "status",
                agent.fill_null("").alias("agent"),
            )
        ).collect()

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
                empty = pl.LazyFrame(schema=dict.fromkeys(_FIELDS, pl.String))
                return _hashed(empty).collect()
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
        return _hashed(_split_time_local(found)).collect()

    # ------------------------------------------------------------ classifying

    def _learn(self, fields: pl.LazyFrame) -> None:
        """Classify, in Python, the request lines, user agents and days not seen before."""
        if self.requests.height > CACHE_ROWS:
            self.requests = self.requests.clear()
        new_requests, new_agents, new_days = pl.collect_all(
            [
                _unseen(fields, "rh", ["request"], self.requests),
                _unseen(fields, "ah", ["agent"], self.agents),
                _unseen(fields, "dh", ["dd", "zz"], self.days),
            ]
        )
        if new_requests.height:
            rows = [(rh, *self._request(request)) for rh, request in new_requests.iter_rows()]
            frame = pl.DataFrame(rows, schema=_REQUESTS, orient="row")
            self.requests = pl.concat([self.requests, frame])
        if new_agents.height:
            kinds = agent_kinds(new_agents["agent"])
            done = new_agents.select("ah", kinds.alias("kind"))
            left = new_agents.filter(kinds.is_null())
            python = [
                (ah, _KINDS[self.classifier.agent_kind(agent)]) for ah, agent in left.iter_rows()
            ]
            self.agents = pl.concat(
                [
                    self.agents,
                    done.filter(pl.col("kind").is_not_null()),
                    pl.DataFrame(python, schema=_AGENTS, orient="row"),
                ]
            )
        if new_days.height:
            rows = []
            for dh, dd, zz in new_days.iter_rows():
                base = _day_base(f"{dd}:00:00:00 {zz}") if len(dd) == 11 and len(zz) == 5 else None
                if base is None:
                    rows.append((dh, 5, None, None))  # not a date: malformed
                else:
                    rows.append((dh, 6 if base[1] < self.pruned_before else 0, base[1], base[0]))
            self.days = pl.concat([self.days, pl.DataFrame(rows, schema=_DAYS, orient="row")])

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

    def scan(self, block: bytes, line_at: int, lines: int | None = None) -> Scanned:
        """``lines``: the block's newlines, when the caller has counted them already."""
        if lines is None:
            lines = block.count(b"\n")
        fields = self._fields(block, lines)
        counts: dict[str, int] = {}
        samples: list[tuple[int, str, str]] = []
        if fields.height != lines:
            counts["malformed"] = lines - fields.height
            if self.samples_left > 0:
                samples = self._samples(block.decode("utf-8", "replace"), line_at)
        if fields.height == 0:
            return Scanned(lines, counts, EMPTY["people"], EMPTY["views"], EMPTY["events"], samples)
        self._learn(fields.lazy())
        requests, agents, days = self.requests, self.agents, self.days
        indexed = (
            fields.lazy()
            .with_columns(
                _index("rh", requests, "ri"),
                _index("dh", days, "di"),
                _lookup("ah", agents, "kind"),
                # a person within this block; 64-bit, so two people share one by chance
                # about once in 10^10 blocks
                pl.col("ip").hash().xor(pl.col("ah")).alias("pid"),
            )
            .with_columns(
                pl.lit(requests["code"]).gather(pl.col("ri")).alias("code"),
                pl.lit(days["state"]).gather(pl.col("di")).alias("state"),
            )
        )
        code = pl.col("code")
        fate = (
            pl.when(code == METHOD)
            .then(1)
            .when(code == PROBE)
            .then(2)
            .when(pl.col("kind") != 0)
            .then(pl.col("kind"))
            .otherwise(pl.col("state"))
            .cast(pl.Int8)
            .alias("fate")
        )
        indexed = indexed.with_columns(fate).collect().lazy()  # shared by the four results
        kept = indexed.filter(pl.col("fate") == 0)
        status = pl.col("status")
        success = status.str.starts_with("2")
        day_of = days.lazy().with_row_index("di").select("di", "day", "base")
        payload = requests.lazy().with_row_index("ri").drop("rh", "code")
        fates, people, views, events = pl.collect_all(
            [
                indexed.group_by("fate").len(),
                kept.group_by("di", "pid")
                .agg(pl.col("ip", "agent").first())
                .join(day_of, on="di")
                .select("day", "pid", "ip", "agent"),
                kept.filter(code.is_in([VIEW, PAGE]) & (success | (status == "304")))
                .group_by("di", "pid", "ri")
                .agg(pl.len().cast(pl.Int64).alias("n"))
                .join(payload.select("ri", "a", "l"), on="ri")
                .group_by("di", "pid", "a", "l")
                .agg(pl.col("n").sum())
                .join(day_of, on="di")
                .select("day", "pid", "a", "l", "n"),
                kept.filter((code == BEACON) & success)
                .select("di", "pid", "ri", _seconds(pl.col("clock")).alias("secs"))
                .join(payload, on="ri", maintain_order="left")
                .join(day_of, on="di", maintain_order="left")
                .select(
                    "day",
                    "pid",
                    (pl.col("base") + pl.col("secs")).alias("ts"),
                    *EVENT_COLUMNS[1:],
                ),
            ]
        )
        for fate_code, n in fates.iter_rows():
            name = FATES[fate_code]
            counts[name] = counts.get(name, 0) + n
        bad_clock = events["ts"].null_count()
        if bad_clock:  # an event needs its time of day: the line is malformed
            counts["kept"] -= bad_clock
            counts["malformed"] = counts.get("malformed", 0) + bad_clock
            events = events.filter(pl.col("ts").is_not_null())
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


def _hashed(fields: pl.LazyFrame) -> pl.LazyFrame:
    """The fields and the 64-bit hashes the classification tables are keyed by."""
    return fields.with_columns(
        pl.col("request").hash().alias("rh"),
        pl.col("agent").hash().alias("ah"),
        pl.col("dd").hash().xor(pl.col("zz").hash()).alias("dh"),
    )


def _unseen(fields: pl.LazyFrame, key: str, values: list[str], known: pl.DataFrame) -> pl.LazyFrame:
    """One row (hash and the values it was made from) per hash ``known`` lacks."""
    return (
        fields.select(key, *values)
        .filter(~pl.col(key).is_in(known[key].implode()))
        .unique(subset=key)
    )


def _lookup(key: str, table: pl.DataFrame, column: str) -> pl.Expr:
    return pl.col(key).replace_strict(table[key], table[column], default=None).alias(column)


def _index(key: str, table: pl.DataFrame, name: str) -> pl.Expr:
    rows = pl.Series(range(table.height), dtype=pl.UInt32)
    return pl.col(key).replace_strict(table[key], rows, default=None).alias(name)


def _split_time_local(frame: pl.LazyFrame) -> pl.LazyFrame:
    """A ``$time_local`` column ``stamp`` (``dd/Mon/yyyy:hh:mm:ss +zzzz``) → dd, zz, clock;
    a stamp that is not 26 characters long gives an empty day (malformed)."""
    stamp = pl.col("stamp")
    whole = stamp.str.len_chars() == 26
    return frame.select(
        "ip",
        pl.when(whole).then(stamp.str.slice(0, 11)).otherwise(pl.lit("")).alias("dd"),
        pl.when(whole).then(stamp.str.slice(21, 5)).otherwise(pl.lit("")).alias("zz"),
        stamp.str.slice(12, 8).alias("clock"),
        "request",
        "status",
        "agent",
    )


def _seconds(clock: pl.Expr) -> pl.Expr:
    """``hh:mm:ss`` → seconds; null unless it is two digits each."""
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
        | {name: _PAYLOAD[name] for name in EVENT_COLUMNS[1:]}
    ),
}
#: the frames as stored (kcs.usage.store's segments): the visitor hash ``vh`` in place of
#: the block's person key, and no address or user agent
STORED = {
    kind: {
        ("vh" if name == "pid" else name): (pl.Int64 if name == "pid" else dtype)
        for name, dtype in EMPTY[source].schema.items()
        if name not in ("ip", "agent")
    }
    for kind, source in (("visitors", "people"), ("views", "views"), ("events", "events"))
}
