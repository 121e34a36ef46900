"""The usage database: SQLite in WAL mode, filled by an incremental, idempotent ingest.

Exactly once: every log file is known by the fingerprint of its first line (plus
its device/inode, kept for the record) and the byte offset up to which it has
been read. A rotated file (``access.log`` → ``access.log.1`` → ``access.log.2.gz``)
keeps its first line, so it is recognised under any name and read on from its
offset. Each batch of lines is written in ONE transaction together with the new
offset: a killed ingest loses the open batch and nothing else, and a re-run starts
where the last committed batch ended.

Raw events are kept ``usage.retention`` days; :func:`rollup` turns each day into
the ``daily`` aggregates that every report reads, and those stay.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import gzip
import hashlib
import logging
import os
import signal
import sqlite3
import time
from collections import Counter, defaultdict, deque
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from ..errors import KcsError
from .normalize import normalize_query
from .parse import compile_format
from .privacy import new_salt, visitor_hash
from .scan import MAX_LINE, Scanned, Scanner, scan_in_worker, start_worker

log = logging.getLogger(__name__)

SCHEMA_VERSION = "1"
MAX_SAMPLES = 50
VISIT_GAP = 30 * 60  # seconds of inactivity that end a visit
TYPING_GAP = 10  # a search refined within 10 s (prefix of the next) is typing, not a search

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS files(
  fingerprint TEXT PRIMARY KEY, first TEXT NOT NULL, tail TEXT NOT NULL DEFAULT '',
  device INTEGER, inode INTEGER, path TEXT,
  offset INTEGER NOT NULL DEFAULT 0, lines INTEGER NOT NULL DEFAULT 0,
  kept INTEGER NOT NULL DEFAULT 0, malformed INTEGER NOT NULL DEFAULT 0,
  bot INTEGER NOT NULL DEFAULT 0, probe INTEGER NOT NULL DEFAULT 0,
  method INTEGER NOT NULL DEFAULT 0, expired INTEGER NOT NULL DEFAULT 0, updated TEXT);
CREATE TABLE IF NOT EXISTS events(
  day TEXT NOT NULL, ts INTEGER NOT NULL, vh INTEGER NOT NULL, type TEXT NOT NULL,
  article TEXT NOT NULL DEFAULT '', lang TEXT NOT NULL DEFAULT '', q TEXT NOT NULL DEFAULT '',
  n INTEGER, p INTEGER, h INTEGER, r TEXT NOT NULL DEFAULT '');
CREATE INDEX IF NOT EXISTS events_day ON events(day);
CREATE TABLE IF NOT EXISTS hits(
  day TEXT NOT NULL, vh INTEGER NOT NULL, article TEXT NOT NULL, lang TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS hits_day ON hits(day);
CREATE TABLE IF NOT EXISTS visitors(day TEXT, vh INTEGER, PRIMARY KEY(day, vh)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS salts(day TEXT PRIMARY KEY, salt BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS dirty(day TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS daily(
  day TEXT NOT NULL, metric TEXT NOT NULL, article TEXT NOT NULL DEFAULT '',
  lang TEXT NOT NULL DEFAULT '', key TEXT NOT NULL DEFAULT '', label TEXT NOT NULL DEFAULT '',
  value REAL NOT NULL, PRIMARY KEY(day, metric, article, lang, key, label)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS samples(
  id INTEGER PRIMARY KEY, file TEXT, offset INTEGER, reason TEXT, line TEXT);
CREATE TABLE IF NOT EXISTS tickets(
  id TEXT PRIMARY KEY, opened TEXT, closed TEXT, category TEXT, channel TEXT,
  articles TEXT NOT NULL DEFAULT '');
"""


def connect(path: Path) -> sqlite3.Connection:
    """Open (and create) the usage database in WAL mode with autocommit transactions."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=30)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.executescript(_SCHEMA)
        conn.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
    except sqlite3.DatabaseError as exc:
        raise KcsError(f"{path}: not a usable usage database ({exc}); move it away") from None
    return conn


def database_path(root: Path) -> Path:
    """Where kcs.yml ``usage.database`` puts the database (relative to the repository)."""
    from ..config import load_config

    config = load_config(root)
    return root / str(config.get("usage.database"))


@dataclass
class IngestResult:
    """What one ingest run did, per drop reason; ``samples`` are scrubbed malformed lines."""

    files: int = 0
    skipped_files: int = 0
    lines: int = 0
    kept: int = 0
    events: int = 0
    malformed: int = 0
    bot: int = 0
    probe: int = 0
    method: int = 0
    expired: int = 0
    days: list[str] = field(default_factory=list)
    samples: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)  # CPU time per phase

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class ArticleMeta:
    """What the reports need to know of an article, from the knowledge base."""

    lang: str
    domain: str
    audience: str
    title: str = ""


def article_meta(root: Path) -> dict[str, ArticleMeta]:
    """Article id → language, domain, audience and title; empty if the KB cannot be read."""
    try:
        from ..knowledge import load

        kb = load(root)
    except KcsError as exc:
        log.warning("articles not read (%s); domains and audiences stay unknown", exc)
        return {}
    return {a.id: ArticleMeta(a.lang, a.domain, a.audience, a.title) for a in kb.articles}


def ingest(
    db: Path,
    paths: Sequence[Path],
    *,
    log_format: str = "combined",
    languages: Sequence[str] = ("sv", "fi", "nl", "en"),
    articles: Mapping[str, ArticleMeta] | None = None,
    retention_days: int = 90,
    batch_lines: int = 50_000,
    today: dt.date | None = None,
    workers: int | None = None,
) -> IngestResult:
    """Read access logs (plain or gzip) into ``db``, each line exactly once.

    ``workers``: processes that parse while this one writes; None = one for files of
    more than a few megabytes when a core is idle (load average), 0 = none.
    """
    compile_format(log_format)  # a bad format fails here, before any file is opened
    today = today or dt.datetime.now(dt.UTC).date()
    result = IngestResult()
    conn = connect(db)
    try:
        options = _Options(
            log_format,
            tuple(languages),
            _meta(conn, "pruned_before") or "",
            batch_lines,
            workers,
        )
        started = time.process_time()
        for path in paths:
            _ingest_file(conn, Path(path), options, result)
        read = time.process_time()
        result.days = sorted(day for (day,) in conn.execute("SELECT day FROM dirty"))
        rollup_dirty(conn, articles or {}, workers)
        rolled = time.process_time()
        prune(conn, today=today, retention_days=retention_days, articles=articles)
        result.seconds = {
            "read": round(read - started, 2),
            "rollup": round(rolled - read, 2),
            "prune": round(time.process_time() - rolled, 2),
        }
        log.info("CPU seconds: %s", result.seconds)
    finally:
        conn.close()
    return result


def _meta(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def _open(path: Path) -> tuple[IO[bytes], bool]:
    try:
        handle: IO[bytes] = open(path, "rb")  # noqa: SIM115 - closed by the caller
    except OSError as exc:
        raise KcsError(f"{path}: cannot read the log ({exc.strerror})") from None
    magic = handle.read(2)
    handle.seek(0)
    if magic == b"\x1f\x8b":
        handle.close()
        return gzip.open(path, "rb"), True  # type: ignore[return-value]
    return handle, False


@dataclass(frozen=True)
class _Options:
    log_format: str
    languages: tuple[str, ...]
    pruned_before: str  # lines of earlier days are counted as expired
    batch_lines: int
    workers: int | None


def _ingest_file(
    conn: sqlite3.Connection, path: Path, options: _Options, result: IngestResult
) -> None:
    stream, compressed = _open(path)
    with stream:
        try:
            first = stream.readline(MAX_LINE)
        except (OSError, EOFError) as exc:
            raise KcsError(f"{path}: cannot read the log ({exc})") from None
        if not first or (not first.endswith(b"\n") and not compressed):
            result.skipped_files += 1  # no complete line yet: nothing to fingerprint
            return
        first_hash = hashlib.sha256(first).hexdigest()[:32]
        stat = os.stat(path)
        known = conn.execute(
            "SELECT fingerprint, offset, tail FROM files WHERE first = ? ORDER BY rowid",
            (first_hash,),
        ).fetchall()
        # the same first line is not enough (two servers' logs may both begin with the
        # same probe request): the bytes before the recorded offset must match as well
        row = next((r for r in known if r[1] == 0 or _tail(path, r[1]) == r[2]), None)
        fingerprint = row[0] if row else f"{first_hash}:{len(known)}"
        offset = row[1] if row else 0
        tail = b""  # the bytes before the offset, to recognise the file next time
        if compressed:
            stream.seek(0)
            remaining = offset
            while remaining:
                chunk = stream.read(min(remaining, 1 << 20))
                if not chunk:
                    break
                remaining -= len(chunk)
                tail = (tail + chunk)[-TAIL:]
        else:
            stream.seek(max(0, offset - TAIL))
            tail = stream.read(min(TAIL, offset))
        result.files += 1
        if not row:
            if known:
                log.info("%s: begins like another log but is not its continuation", path)
            conn.execute(
                "INSERT INTO files(fingerprint, first, device, inode, path, offset, updated) "
                "VALUES (?, ?, ?, ?, ?, 0, ?)",
                (fingerprint, first_hash, stat.st_dev, stat.st_ino, str(path), _now()),
            )
        # a compressed file's size says little; assume ten to one
        size = stat.st_size * 10 if compressed else stat.st_size
        _read_lines(conn, stream, compressed, size, fingerprint, offset, tail, options, result)


def _idle_core() -> bool:
    """True when another core is free: a second process only pays off then (on a busy
    machine it adds the cost of shipping data between processes and gains nothing)."""
    cores = os.cpu_count() or 1
    return cores > 1 and os.getloadavg()[0] < cores - 0.5


TAIL = 1024  # bytes before the offset that identify where reading stopped (several lines)


def _tail(path: Path, offset: int) -> str | None:
    """Hash of the TAIL bytes before ``offset`` (decompressed), None if the file is shorter."""
    stream, _compressed = _open(path)
    with stream:
        if not _compressed:
            stream.seek(max(0, offset - TAIL))
            data = stream.read(min(TAIL, offset))
        else:
            data, remaining = b"", offset
            while remaining:
                chunk = stream.read(min(remaining, 1 << 20))
                if not chunk:
                    return None
                remaining -= len(chunk)
                data = (data + chunk)[-TAIL:]
    if len(data) < min(TAIL, offset):
        return None
    return hashlib.sha256(data).hexdigest()[:32]


class _Batch:
    __slots__ = ("hits", "events", "visitors", "days", "samples", "counts", "lines")

    def __init__(self) -> None:
        self.hits: list[tuple[str, int, str, str]] = []
        self.events: list[tuple[Any, ...]] = []
        self.visitors: list[tuple[str, int]] = []
        self.days: set[str] = set()
        self.samples: list[tuple[int, str, str]] = []
        self.counts: Counter[str] = Counter()
        self.lines = 0


def _chunks(stream: IO[bytes], compressed: bool, size: int) -> Iterable[tuple[bytes, int]]:
    """Blocks of whole lines and the bytes they took from the file; a plain file's
    unfinished last line is left for later."""
    rest = b""
    while True:
        block = stream.read(size)
        if not block:
            if rest and compressed:
                # a closed (rotated) file: its last line is complete without a newline
                yield rest + b"\n", len(rest)
            return
        block = rest + block
        cut = block.rfind(b"\n") + 1
        if cut == 0:
            rest = block
            continue
        rest = block[cut:]
        yield block[:cut], cut


def _read_lines(
    conn: sqlite3.Connection,
    stream: IO[bytes],
    compressed: bool,
    size: int,
    fingerprint: str,
    offset: int,
    tail: bytes,
    options: _Options,
    result: IngestResult,
) -> None:
    salts: dict[str, bytes] = {}
    hashes: dict[tuple[str, str, str], int] = {}
    seen: set[tuple[str, int]] = set()
    batch = _Batch()
    position = offset
    budget = MAX_SAMPLES - conn.execute("SELECT count(*) FROM samples").fetchone()[0]
    # a block is about batch_lines lines, so a batch commits after every block or two
    chunk_size = max(4096, min(options.batch_lines * 230, 4 << 20))

    def take(scanned: Scanned, raw: bytes) -> None:
        nonlocal batch, position, tail
        lines, counts, keys, hits, events, samples = scanned
        position += len(raw)
        tail = (tail + raw[-TAIL:])[-TAIL:]
        vhs = []
        for key in keys:
            vh = hashes.get(key)
            if vh is None:
                day, ip, agent = key
                salt = salts.get(day) or _salt(conn, day, salts)
                vh = hashes[key] = visitor_hash(salt, ip, agent)
                if (day, vh) not in seen:
                    seen.add((day, vh))
                    batch.visitors.append((day, vh))
                    batch.days.add(day)
            vhs.append(vh)
        if len(hashes) > 200_000:
            hashes.clear()
            seen.clear()
        batch.hits.extend([(day, vhs[at], article, lang) for day, at, article, lang in hits])
        batch.events.extend([(e[0], e[1], vhs[e[2]], *e[3:]) for e in events])
        batch.counts.update(counts)
        batch.samples.extend(samples)
        batch.lines += lines
        if batch.lines >= options.batch_lines:
            _commit(conn, fingerprint, position, tail, batch, result)
            batch = _Batch()

    blocks = _chunks(stream, compressed, chunk_size)
    args = (options.log_format, options.languages, options.pruned_before, budget)
    workers = options.workers
    if workers is None:
        workers = 1 if _idle_core() and size - offset > 4 * chunk_size else 0
    line_at = offset
    if workers:
        # the worker scans block n+1 while this process writes block n to SQLite
        with ProcessPoolExecutor(workers, initializer=start_worker, initargs=args) as pool:
            pending: deque[tuple[Future[Scanned], bytes]] = deque()
            for block, used in blocks:
                pending.append((pool.submit(scan_in_worker, block, line_at), block[:used]))
                line_at += used
                while len(pending) > 2 * workers:
                    future, raw = pending.popleft()
                    take(future.result(), raw)
            while pending:
                future, raw = pending.popleft()
                take(future.result(), raw)
    else:
        scanner = Scanner(*args)
        for block, used in blocks:
            take(scanner.scan(block, line_at), block[:used])
            line_at += used
    if batch.lines or position != offset:
        _commit(conn, fingerprint, position, tail, batch, result)


def _salt(conn: sqlite3.Connection, day: str, salts: dict[str, bytes]) -> bytes:
    row = conn.execute("SELECT salt FROM salts WHERE day = ?", (day,)).fetchone()
    if row:
        salt = bytes(row[0])
    else:
        salt = new_salt()
        # committed with the batch that first uses it, so a killed run leaves no orphan
        if not conn.in_transaction:
            conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO salts VALUES (?, ?)", (day, salt))
    salts[day] = salt
    return salt


def _commit(
    conn: sqlite3.Connection,
    fingerprint: str,
    position: int,
    tail: bytes,
    batch: _Batch,
    result: IngestResult,
) -> None:
    counts = batch.counts
    if not conn.in_transaction:
        conn.execute("BEGIN IMMEDIATE")
    try:
        conn.executemany("INSERT INTO hits VALUES (?,?,?,?)", batch.hits)
        conn.executemany("INSERT INTO events VALUES (?,?,?,?,?,?,?,?,?,?,?)", batch.events)
        conn.executemany("INSERT OR IGNORE INTO visitors VALUES (?, ?)", batch.visitors)
        conn.executemany("INSERT OR IGNORE INTO dirty VALUES (?)", [(d,) for d in batch.days])
        have = conn.execute("SELECT count(*) FROM samples").fetchone()[0]
        room = max(0, MAX_SAMPLES - have)
        conn.executemany(
            "INSERT INTO samples(file, offset, reason, line) VALUES (?, ?, ?, ?)",
            [(fingerprint, *sample) for sample in batch.samples[:room]],
        )
        conn.execute(
            "UPDATE files SET offset = ?, tail = ?, lines = lines + ?, kept = kept + ?, "
            "malformed = malformed + ?, bot = bot + ?, probe = probe + ?, method = method + ?, "
            "expired = expired + ?, updated = ? WHERE fingerprint = ?",
            (
                position,
                hashlib.sha256(tail).hexdigest()[:32],
                batch.lines,
                counts["kept"],
                counts["malformed"],
                counts["bot"],
                counts["probe"],
                counts["method"],
                counts["expired"],
                _now(),
                fingerprint,
            ),
        )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    result.lines += batch.lines
    result.events += len(batch.events) + len(batch.hits)
    for name in ("kept", "malformed", "bot", "probe", "method", "expired"):
        setattr(result, name, getattr(result, name) + counts[name])
    result.samples.extend(
        sample[2] for sample in batch.samples[: max(0, MAX_SAMPLES - len(result.samples))]
    )


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


# ----------------------------------------------------------------- aggregates


def rollup_dirty(
    conn: sqlite3.Connection, articles: Mapping[str, ArticleMeta], workers: int | None = None
) -> None:
    """Recompute the daily aggregates of every day that received lines, one day (and one
    transaction) at a time, so memory stays bounded by one day's traffic.

    A backlog of days is computed by two processes (each reading its own connection,
    which WAL allows while this one writes the results).
    """
    days = [day for (day,) in conn.execute("SELECT day FROM dirty ORDER BY day")]
    if len(days) > 3 and (workers if workers is not None else _idle_core()):
        db = conn.execute("PRAGMA database_list").fetchone()[2]
        with ProcessPoolExecutor(
            2, initializer=_start_rollup_worker, initargs=(db, dict(articles))
        ) as pool:
            for day, rows in zip(days, pool.map(_rollup_in_worker, days), strict=True):
                _write_day(conn, day, rows)
        return
    for day in days:
        _write_day(conn, day, day_rows(conn, articles, day))


def day_rows(
    conn: sqlite3.Connection, articles: Mapping[str, ArticleMeta], day: str
) -> list[tuple[Any, ...]]:
    """The ``daily`` rows of one day, computed from its raw hits, events and visitors."""
    rows = _rollup_hits(conn, articles, day) + _rollup_events(conn, day)
    visitors = conn.execute("SELECT count(*) FROM visitors WHERE day = ?", (day,)).fetchone()[0]
    if visitors:
        rows.append((day, "visitors", "", "", "", "", visitors))
    return rows


def _write_day(conn: sqlite3.Connection, day: str, rows: list[tuple[Any, ...]]) -> None:
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("DELETE FROM daily WHERE day = ?", (day,))
        conn.executemany("INSERT INTO daily VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        conn.execute("DELETE FROM dirty WHERE day = ?", (day,))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


_ROLLUP: tuple[sqlite3.Connection, Mapping[str, ArticleMeta]] | None = None


def _start_rollup_worker(db: str, articles: Mapping[str, ArticleMeta]) -> None:
    global _ROLLUP
    _ROLLUP = (sqlite3.connect(db, timeout=30), articles)
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").prctl(1, signal.SIGKILL)  # die with the parent
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _rollup_in_worker(day: str) -> list[tuple[Any, ...]]:
    assert _ROLLUP is not None
    return day_rows(_ROLLUP[0], _ROLLUP[1], day)


def _rollup_hits(
    conn: sqlite3.Connection, articles: Mapping[str, ArticleMeta], day: str
) -> list[tuple[Any, ...]]:
    """Views and unique visitors per article, language page, domain, audience and language."""
    langs = {key: m.lang for key, m in articles.items()}
    groups: dict[str, tuple[str, ...]] = {
        key: (f"lang:{m.lang}", f"domain:{m.domain}", f"audience:{m.audience}")
        for key, m in articles.items()
    }
    # one plain scan: SQLite's GROUP BY and DISTINCT would each sort the day again
    views: Counter[tuple[str, str]] = Counter()
    seen: defaultdict[int, set[str]] = defaultdict(set)
    for vh, article, lang in conn.execute(
        "SELECT vh, article, lang FROM hits WHERE day = ?", (day,)
    ):
        views[article, lang] += 1
        seen[vh].add(article or "/" + lang)
    rows: list[tuple[Any, ...]] = [
        (day, "views" if article else "page_views", article, langs.get(article, lang), "", "", n)
        for (article, lang), n in views.items()
    ]
    article_visitors: Counter[str] = Counter()
    group_visitors: Counter[str] = Counter()
    for items in seen.values():
        touched: set[str] = set()
        for item in items:
            if item[0] == "/":
                touched.add("lang:" + item[1:])
            else:
                article_visitors[item] += 1
                touched.update(groups.get(item, ()))
        group_visitors.update(touched)
    rows += [
        (day, "article_visitors", article, langs.get(article, ""), "", "", n)
        for article, n in article_visitors.items()
    ]
    rows += [
        (day, "group_visitors", "", "", group, "", n)
        for group, n in group_visitors.items()
        if not group.endswith(":")
    ]
    return rows


def _rollup_events(conn: sqlite3.Connection, day: str) -> list[tuple[Any, ...]]:
    """Feedback, searches, clicks, suggestions, contacts and value, visit by visit."""
    rows: Counter[tuple[str, str, str, str, str, str]] = Counter()
    by_visitor: defaultdict[int, list[Any]] = defaultdict(list)
    # rows come in insertion order; grouping here is cheaper than ORDER BY vh, ts
    cursor = conn.execute(
        "SELECT vh, ts, type, article, lang, q, n, p, h, r FROM events WHERE day = ?", (day,)
    )
    for vh, ts, kind, article, lang, q, n, p, h, r in cursor:
        if kind == "feedback":
            rows[day, "helped" if h else "not_helped", article, lang, "", ""] += 1
            if not h:
                rows[day, "reason", article, lang, r or "none", ""] += 1
        elif kind == "announcement":
            rows[day, "announcement", article, lang, "", ""] += 1
            continue
        by_visitor[vh].append((ts, kind, article, lang, q, n, h if kind == "feedback" else p))
    for events in by_visitor.values():
        if len(events) == 1 and events[0][1] == "feedback" and not events[0][6]:
            continue  # a lone "no": nothing more to learn from the visit
        events.sort(key=_first)  # stable: equal times keep the log's order
        for visit in _split_visits(events):
            _visit_rows(day, visit, rows)
    return [(*key, value) for key, value in rows.items()]


def _first(item: tuple[Any, ...]) -> Any:
    return item[0]


def _split_visits(events: list[Any]) -> Iterable[list[Any]]:
    visit: list[Any] = []
    last = None
    for event in events:
        if last is not None and event[0] - last > VISIT_GAP:
            yield visit
            visit = []
        visit.append(event)
        last = event[0]
    if visit:
        yield visit


def _visit_rows(
    day: str, visit: list[Any], rows: Counter[tuple[str, str, str, str, str, str]]
) -> None:
    """Searches, clicks, suggestions, contacts and the value of one visit."""
    searches: list[tuple[int, str, str, str, int | None]] = []
    clicked: set[str] = set()
    contacts: list[int] = []
    qualifying: list[tuple[int, str, str]] = []
    searched = False
    for ts, kind, article, lang, q, n, extra in visit:
        if kind == "search":
            key = normalize_query(q, lang)
            if (
                searches
                and searches[-1][2] == lang
                and ts - searches[-1][0] <= TYPING_GAP
                and (q.lower().startswith(searches[-1][3].lower()))
            ):
                searches.pop()  # the user was still typing
            searches.append((ts, key, lang, q, n))
            searched = True
        elif kind == "click":
            key = normalize_query(q, lang)
            clicked.add(key)
            rows[day, "click", article, lang, key, ""] += 1
            if extra:
                rows[day, "click_pos", "", lang, key, ""] += extra
        elif kind == "suggest":
            key = normalize_query(q, lang)
            rows[day, "suggest", "", lang, key, ""] += 1
            if n == 0:
                rows[day, "suggest_zero", "", lang, key, ""] += 1
        elif kind == "suggest-click":
            rows[day, "suggest_click", article, lang, normalize_query(q, lang), ""] += 1
            qualifying.append((ts, article, lang))
        elif kind == "feedback" and extra:
            qualifying.append((ts, article, lang))
        elif kind == "contact":
            key = normalize_query(q, lang)
            contacts.append(ts)
            rows[day, "contact", "", lang, key, ""] += 1
            if searched or key:
                rows[day, "contact_after_search", "", lang, key, ""] += 1
    seen: set[tuple[str, str]] = set()
    for _ts, key, lang, q, n in searches:
        if (key, lang) in seen or not key:
            continue  # a query counts once per visit
        seen.add((key, lang))
        rows[day, "search", "", lang, key, ""] += 1
        rows[day, "q_form", "", lang, key, q] += 1
        if n == 0:
            rows[day, "search_zero", "", lang, key, ""] += 1
        elif key not in clicked:
            rows[day, "search_noclick", "", lang, key, ""] += 1
    if searches:
        rows[day, "search_sessions", "", "", "", ""] += 1
        if clicked and not contacts:
            rows[day, "search_success", "", "", "", ""] += 1
    last_contact = max(contacts) if contacts else None
    avoided = [q for q in qualifying if last_contact is None or q[0] > last_contact]
    if avoided:
        _ts, article, lang = avoided[-1]
        rows[day, "avoided", article, lang, "", ""] += 1


# ------------------------------------------------------------------ retention


def prune(
    conn: sqlite3.Connection,
    *,
    today: dt.date,
    retention_days: int,
    articles: Mapping[str, ArticleMeta] | None = None,
) -> int:
    """Drop raw events older than the retention and salts of days that are over.

    Aggregates stay. Lines that arrive later for a pruned day are counted as
    ``expired`` (its aggregates are final). Returns the number of events dropped.
    """
    rollup_dirty(conn, articles or {})  # what a killed ingest left, before anything goes
    cutoff = (today - dt.timedelta(days=retention_days)).isoformat()
    salt_cutoff = (today - dt.timedelta(days=1)).isoformat()
    conn.execute("BEGIN IMMEDIATE")
    try:
        dropped = conn.execute("DELETE FROM events WHERE day < ?", (cutoff,)).rowcount
        dropped += conn.execute("DELETE FROM hits WHERE day < ?", (cutoff,)).rowcount
        conn.execute("DELETE FROM visitors WHERE day < ?", (cutoff,))
        conn.execute("DELETE FROM salts WHERE day < ?", (salt_cutoff,))
        old = _meta(conn, "pruned_before") or ""
        if cutoff > old:
            conn.execute("INSERT OR REPLACE INTO meta VALUES ('pruned_before', ?)", (cutoff,))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return dropped


def status(conn: sqlite3.Connection) -> dict[str, Any]:
    """Totals of what was read, by drop reason, and the malformed-line samples."""
    row = conn.execute(
        "SELECT count(*), coalesce(sum(lines),0), coalesce(sum(kept),0), "
        "coalesce(sum(malformed),0), coalesce(sum(bot),0), coalesce(sum(probe),0), "
        "coalesce(sum(method),0), coalesce(sum(expired),0) FROM files"
    ).fetchone()
    names = ("files", "lines", "kept", "malformed", "bot", "probe", "method", "expired")
    data: dict[str, Any] = dict(zip(names, row, strict=True))
    data["samples"] = [
        {"reason": reason, "line": line}
        for reason, line in conn.execute("SELECT reason, line FROM samples ORDER BY id")
    ]
    return data
