"""The usage database: SQLite in WAL mode, filled by an incremental, idempotent ingest.

Exactly once: every log file is known by the fingerprint of its first line (plus
its device/inode, kept for the record) and the byte offset up to which it has
been read. A rotated file (``access.log`` → ``access.log.1`` → ``access.log.2.gz``)
keeps its first line, so it is recognised under any name and read on from its
offset. Each batch of lines is written in ONE transaction together with the new
offset: a killed ingest loses the open batch and nothing else, and a re-run starts
where the last committed batch ended.

Raw events (segments: see the schema) are kept ``usage.retention`` days;
:func:`rollup_dirty` turns each day into the ``daily`` aggregates that every report
reads (computed by :mod:`kcs.usage.rollup`), and those stay.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
import hashlib
import io
import logging
import os
import sqlite3
import sys
import time
from collections import Counter, deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from ..errors import KcsError
from ..fsutil import user_name
from .location import database_path as database_path  # where callers have long found it
from .parse import MAX_LINE, compile_format
from .period import usage_today
from .privacy import new_salt, visitor_hash

if TYPE_CHECKING:
    from .rollup import Rollup
    from .scan import Scanned

log = logging.getLogger(__name__)

SCHEMA_VERSION = "2"
MAX_SAMPLES = 50

# Raw data is kept as segments: per batch of log lines and day, one Arrow IPC stream
# (zstd) of the day's visitors (their hashes), one of their page views (visitor, article
# or language page, count) and one of their beacon events (visitor, time, what), written
# in the same transaction as the file offset. A million log lines make about a hundred
# segments instead of 600,000 rows, and the rollup reads them back as columns.
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS files(
  fingerprint TEXT PRIMARY KEY, first TEXT NOT NULL, tail TEXT NOT NULL DEFAULT '',
  device INTEGER, inode INTEGER, path TEXT,
  offset INTEGER NOT NULL DEFAULT 0, lines INTEGER NOT NULL DEFAULT 0,
  kept INTEGER NOT NULL DEFAULT 0, malformed INTEGER NOT NULL DEFAULT 0,
  bot INTEGER NOT NULL DEFAULT 0, probe INTEGER NOT NULL DEFAULT 0,
  method INTEGER NOT NULL DEFAULT 0, expired INTEGER NOT NULL DEFAULT 0, updated TEXT);
CREATE TABLE IF NOT EXISTS segments(
  id INTEGER PRIMARY KEY, day TEXT NOT NULL, kind TEXT NOT NULL, rows INTEGER NOT NULL,
  data BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS segments_day ON segments(day, id);
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
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        user = user_name()
        raise KcsError(
            f"{path.parent}: cannot create the folder of the usage database "
            f"({exc.strerror}); create it for {user}: mkdir -p {path.parent} && "
            f"chown {user} {path.parent}"
        ) from None
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=30)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        old = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'hits'"
        ).fetchone()
        conn.executescript(_SCHEMA)
        if old:
            _upgrade_v1(conn)
        conn.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
    except sqlite3.DatabaseError as exc:
        raise KcsError(_unusable(path, exc)) from None
    return conn


def _rollback(conn: sqlite3.Connection) -> None:
    """Roll back the open transaction, if SQLite has not done so itself already (it does
    when the disk is full), so that the error that stopped it is the one reported."""
    if conn.in_transaction:
        conn.execute("ROLLBACK")


def _full(exc: sqlite3.Error) -> bool:
    return getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL


def _no_space(path: Path) -> str:
    return (
        f"{path}: no space left on the device for the usage database; free some space and "
        "run the ingest again (what was read so far is kept, and nothing is counted twice)"
    )


def _unusable(path: Path, exc: sqlite3.DatabaseError) -> str:
    """Why the database cannot be opened: SQLite says "unable to open database file" or
    "readonly database" when it is the folder or a file that this user may not write,
    and moving a good database away would then be the wrong advice."""
    if _full(exc):
        return _no_space(path)
    # the write-ahead log and its index are written beside the database, in its folder
    wal = [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm")]
    for where in (path.parent, path, *wal):
        needs = os.W_OK | os.X_OK if where.is_dir() else os.R_OK | os.W_OK
        if where.exists() and not os.access(where, needs):
            user = user_name()
            return (
                f"{where}: not writable by {user}, who runs kcs; give it to them: "
                f"chown {user} {where}"
            )
    return f"{path}: not a usable usage database ({exc}); move it away"


def _upgrade_v1(conn: sqlite3.Connection) -> None:
    """Schema 1 kept one row per hit and per event: fold them into segments."""
    import polars as pl

    from .scan import STORED

    queries = {
        "visitors": "SELECT day, vh FROM visitors",
        "views": "SELECT day, vh, article AS a, lang AS l, count(*) AS n FROM hits "
        "GROUP BY day, vh, article, lang",
        "events": "SELECT day, vh, ts, type AS t, article AS a, lang AS l, q, n, p, h, r "
        "FROM events ORDER BY rowid",
    }
    conn.execute("BEGIN IMMEDIATE")
    try:
        for kind, query in queries.items():
            cursor = conn.execute(query)
            names = [d[0] for d in cursor.description]
            schema = {name: STORED[kind][name] for name in names}
            frame = pl.DataFrame(cursor.fetchall(), schema=schema, orient="row")
            frame = frame.select(*STORED[kind])
            conn.executemany(
                "INSERT INTO segments(day, kind, rows, data) VALUES (?, ?, ?, ?)",
                _segments(kind, frame),
            )
        for table in ("hits", "events", "visitors"):
            conn.execute(f"DROP TABLE {table}")
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
        conn.execute("COMMIT")
    except BaseException:
        _rollback(conn)
        raise


def _segments(kind: str, frame: Any) -> list[tuple[str, str, int, bytes]]:
    """A frame with a ``day`` column → one (day, kind, rows, Arrow IPC bytes) per day."""
    out = []
    for (day,), part in frame.partition_by("day", as_dict=True, maintain_order=True).items():
        data = io.BytesIO()
        part.drop("day").write_ipc_stream(data, compression="zstd")
        out.append((day, kind, part.height, data.getvalue()))
    return out


def _frame(data: bytes) -> Any:
    """One segment's frame. Segments are Arrow IPC streams compressed with zstd; those
    written before were IPC files (``ARROW1``) with lz4, and still read."""
    import polars as pl

    if data[:6] == b"ARROW1":
        return pl.read_ipc(data)
    return pl.read_ipc_stream(data)


def read_segments(conn: sqlite3.Connection, kind: str, days: Sequence[str] | None = None) -> Any:
    """The stored ``visitors``, ``views`` or ``events`` of some days (all without
    ``days``) as one Polars frame with a ``day`` column, in the order they were logged."""
    import polars as pl

    if days is None:
        cursor = conn.execute("SELECT day, data FROM segments WHERE kind = ? ORDER BY id", (kind,))
    else:
        cursor = conn.execute(
            "SELECT day, data FROM segments WHERE kind = ? "
            f"AND day IN ({','.join('?' * len(days))}) ORDER BY id",
            (kind, *days),
        )
    frames = [_frame(data).with_columns(day=pl.lit(day)) for day, data in cursor]
    if not frames:
        from .scan import STORED

        return pl.DataFrame(schema=STORED[kind])
    return pl.concat(frames, how="vertical_relaxed")


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
    state: str = ""

    @property
    def self_service(self) -> bool:
        """Whether reading it can count as self-service: not internal, not archived."""
        return self.audience != "internal" and self.state != "archived"


def metas(articles: Iterable[Any]) -> dict[str, ArticleMeta]:
    """Article id → language, domain, audience, title and state, for loaded articles."""
    return {a.id: ArticleMeta(a.lang, a.domain, a.audience, a.title, a.state) for a in articles}


def agent_database(path: Path) -> Path:
    """The database of the internal site's log beside the usage database: agents' reading
    is kept apart so that it never counts as self-service."""
    return path.with_name(f"{path.stem}-agents{path.suffix}")


def article_meta(root: Path) -> dict[str, ArticleMeta]:
    """:func:`metas` of the repository's articles; empty if the KB cannot be read."""
    try:
        from ..knowledge import load

        kb = load(root, bodies=False)  # id, language, domain, audience, title only
    except KcsError as exc:
        log.warning("articles not read (%s); domains and audiences stay unknown", exc)
        return {}
    return metas(kb.articles)


def ingest(
    db: Path,
    paths: Sequence[Path],
    *,
    log_format: str = "combined",
    languages: Sequence[str] = ("sv", "fi", "nl", "en"),
    articles: Mapping[str, ArticleMeta] | None = None,
    retention_days: int = 90,
    batch_lines: int = 100_000,
    today: dt.date | None = None,
) -> IngestResult:
    """Read access logs (plain or gzip) into ``db``, each line exactly once."""
    compile_format(log_format)  # a bad format fails here, before any file is opened
    _import_polars_with_one_arena()
    today = today or usage_today()
    result = IngestResult()
    conn = connect(db)
    try:
        options = _Options(
            log_format,
            tuple(languages),
            _meta(conn, "pruned_before") or "",
            batch_lines,
        )
        started = time.process_time()
        unread: list[str] = []
        for path in paths:
            try:
                _ingest_file(conn, Path(path), options, result)
            except _Unread as exc:
                # the other logs are read all the same: a rotation that took this one away
                # must not hold up the lines of the rest
                unread.append(str(exc))
        read = time.process_time()
        result.days = sorted(day for (day,) in conn.execute("SELECT day FROM dirty"))
        rollup_dirty(conn, articles or {})
        rolled = time.process_time()
        prune(conn, today=today, retention_days=retention_days, articles=articles)
        result.seconds = {
            "read": round(read - started, 2),
            "rollup": round(rolled - read, 2),
            "prune": round(time.process_time() - rolled, 2),
        }
        log.info("CPU seconds: %s", result.seconds)
    except sqlite3.OperationalError as exc:
        if _full(exc):
            raise KcsError(_no_space(db)) from None
        raise
    finally:
        conn.close()
    if unread:
        for message in unread[1:]:
            log.warning("%s", message)
        more = f" ({len(unread) - 1} more logs not read to their end)" if len(unread) > 1 else ""
        raise KcsError(unread[0] + more)
    return result


_JEMALLOC = "_RJEM_MALLOC_CONF"
_ONE_ARENA = "narenas:1"


def _import_polars_with_one_arena() -> None:
    """Import Polars with one jemalloc arena, unless it is loaded already or the
    administrator configured its allocator (``_RJEM_MALLOC_CONF``).

    jemalloc keeps several arenas per core by default, and memory one thread frees in
    its arena is not reused by a thread allocating from another, so the ingest's worker
    threads would hold freed blocks apart and its peak memory would grow with the number
    of cores, at no gain in speed (figures in docs/benchmarks/usage.md). jemalloc reads
    the variable once, when Polars loads its Rust library, and Polars adds its own
    settings in front of ours; ours is taken out again afterwards, so that programs
    started later that also use jemalloc (Pagefind) keep their own arenas.
    """
    if "polars" in sys.modules or _JEMALLOC in os.environ:
        return
    os.environ[_JEMALLOC] = _ONE_ARENA
    try:
        import polars  # noqa: F401
    finally:
        rest = os.environ.get(_JEMALLOC, "").removesuffix(_ONE_ARENA).rstrip(",")
        if rest:
            os.environ[_JEMALLOC] = rest
        else:
            os.environ.pop(_JEMALLOC, None)


def _meta(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


class _Unread(KcsError):
    """A log that could not be read to its end; the lines before were counted."""


@contextlib.contextmanager
def _opened(path: Path) -> Iterator[tuple[IO[bytes], int, bool]]:
    """The log as a stream of bytes (decompressed if gzip), its file descriptor and
    whether it is compressed.

    Everything after the open reads through this one descriptor, never the path again:
    logrotate may rename, delete or replace the path at any moment, and the file that
    was opened is the one whose lines and offset are recorded.
    """
    try:
        handle: IO[bytes] = open(path, "rb")  # noqa: SIM115 - closed below
    except PermissionError:
        import grp

        user = user_name()
        try:
            group = grp.getgrgid(os.getegid()).gr_name
        except KeyError:
            group = str(os.getegid())
        raise _Unread(
            f"{path}: not readable by {user}, who runs the ingest; give the logs its group: "
            f"chgrp {group} {path} && chmod g+r {path} (and logrotate's create line)"
        ) from None
    except OSError as exc:
        raise _Unread(
            f"{path}: cannot read the log ({exc.strerror}); the other logs were read, "
            "run the ingest again"
        ) from None
    with handle:
        magic = handle.read(2)
        handle.seek(0)
        if magic == b"\x1f\x8b":
            with gzip.GzipFile(fileobj=handle, mode="rb") as unpacked:
                yield unpacked, handle.fileno(), True  # type: ignore[misc]
        else:
            yield handle, handle.fileno(), False


@dataclass(frozen=True)
class _Options:
    log_format: str
    languages: tuple[str, ...]
    pruned_before: str  # lines of earlier days are counted as expired
    batch_lines: int


def _ingest_file(
    conn: sqlite3.Connection, path: Path, options: _Options, result: IngestResult
) -> None:
    with _opened(path) as (stream, fd, compressed):
        try:
            first = stream.readline(MAX_LINE)
        except (OSError, EOFError) as exc:
            raise _Unread(f"{path}: cannot read the log ({exc})") from None
        if not first or (not first.endswith(b"\n") and not compressed):
            result.skipped_files += 1  # no complete line yet: nothing to fingerprint
            return
        first_hash = hashlib.sha256(first).hexdigest()[:32]
        stat = os.fstat(fd)
        known = conn.execute(
            "SELECT fingerprint, offset, tail FROM files WHERE first = ? ORDER BY rowid",
            (first_hash,),
        ).fetchall()
        # the same first line is not enough (two servers' logs may both begin with the
        # same probe request): the bytes before the recorded offset must match as well
        row = next((r for r in known if r[1] == 0 or _tail(stream, compressed, r[1]) == r[2]), None)
        fingerprint = row[0] if row else f"{first_hash}:{len(known)}"
        offset = row[1] if row else 0
        # the bytes before the offset, to recognise the file next time
        tail = _before(stream, compressed, offset) or b""
        stream.seek(offset)
        result.files += 1
        if not row:
            if known:
                log.info("%s: begins like another log but is not its continuation", path)
            conn.execute(
                "INSERT INTO files(fingerprint, first, device, inode, path, offset, updated) "
                "VALUES (?, ?, ?, ?, ?, 0, ?)",
                (fingerprint, first_hash, stat.st_dev, stat.st_ino, str(path), _now()),
            )
        reader = _Reader(stream, compressed, None if compressed else (fd, first))
        _read_lines(conn, reader, fingerprint, offset, tail, options, result)
        if reader.problem:
            raise _Unread(f"{path}: {reader.problem}")


TAIL = 1024  # bytes before the offset that identify where reading stopped (several lines)


def _before(stream: IO[bytes], compressed: bool, offset: int) -> bytes | None:
    """The TAIL bytes before ``offset`` (decompressed), None if the file is shorter."""
    try:
        if compressed:
            stream.seek(0)
            data, remaining = b"", offset
            while remaining:
                chunk = stream.read(min(remaining, 1 << 20))
                if not chunk:
                    return None
                remaining -= len(chunk)
                data = (data + chunk)[-TAIL:]
            return data
        stream.seek(max(0, offset - TAIL))
        data = stream.read(min(TAIL, offset))
    except (OSError, EOFError):  # a compressed file cut short: not the one read before
        return None
    return data if len(data) == min(TAIL, offset) else None


def _tail(stream: IO[bytes], compressed: bool, offset: int) -> str | None:
    """Hash of the TAIL bytes before ``offset``, None if the file is shorter."""
    data = _before(stream, compressed, offset)
    return None if data is None else hashlib.sha256(data).hexdigest()[:32]


class _Batch:
    __slots__ = ("frames", "days", "samples", "counts", "lines", "events")

    def __init__(self) -> None:
        self.frames: list[tuple[Any, Any, Any]] = []  # the blocks' visitors, views, events
        self.days: set[str] = set()
        self.samples: list[tuple[int, str, str]] = []
        self.counts: Counter[str] = Counter()
        self.lines = 0
        self.events = 0


class _Reader:
    """Blocks of whole lines of one log and the bytes they took from the file; a plain
    file's unfinished last line is left for later.

    A plain log can be truncated while it is read (logrotate's copytruncate, then nginx
    writes on from the start): the bytes at the reader's position would then belong to
    other lines, and counting them would make the file unrecognisable next time and its
    rotated copy read again from the start. So each block counts only if the file still
    begins with the line it began with once the block is read; reading stops at the first
    block that fails this, and ``problem`` says why reading stopped early.
    """

    def __init__(
        self, stream: IO[bytes], compressed: bool, check: tuple[int, bytes] | None
    ) -> None:
        self.stream, self.compressed, self.check = stream, compressed, check
        self.problem = ""

    def _intact(self) -> bool:
        if self.check is None:
            return True
        fd, first = self.check
        try:
            return os.pread(fd, len(first), 0) == first
        except OSError:
            return False

    def _read(self, size: int) -> bytes:
        try:
            block = self.stream.read(size)
        except (OSError, EOFError) as exc:
            self.problem = (
                f"cannot read the log to its end ({exc}); the lines before were counted, "
                "run the ingest again once the file is whole"
            )
            return b""
        if not self._intact():
            self.problem = (
                "truncated while it was read (logrotate copytruncate?); the lines before "
                "were counted, run the ingest again with its rotated copy to read the rest"
            )
            return b""
        return block

    def chunks(self, size: int) -> Iterable[tuple[bytes, int]]:
        rest = b""
        while True:
            block = self._read(size)
            if not block:
                if rest and self.compressed and not self.problem:
                    # a closed (rotated) file: its last line is complete without a newline
                    yield rest + b"\n", len(rest)
                return
            cut = block.rfind(b"\n") + 1
            if cut == 0:
                rest += block
                continue
            # one copy: the rest of the last read, and this read up to its last newline
            whole = b"".join((rest, memoryview(block)[:cut]))
            rest = block[cut:]
            yield whole, len(whole)


def _read_lines(
    conn: sqlite3.Connection,
    reader: _Reader,
    fingerprint: str,
    offset: int,
    tail: bytes,
    options: _Options,
    result: IngestResult,
) -> None:
    salts: dict[str, bytes] = {}
    hashes: dict[tuple[str, str, str], int] = {}
    batch = _Batch()
    position = offset
    budget = MAX_SAMPLES - conn.execute("SELECT count(*) FROM samples").fetchone()[0]
    args = (options.log_format, options.languages, options.pruned_before, budget)
    # blocks of at most BLOCK_BYTES; a batch commits once it holds batch_lines lines
    chunk_size = max(4096, min(options.batch_lines * 230, BLOCK_BYTES))
    for scanned, used, last in _scanned(reader, offset, chunk_size, args):
        position += used
        tail = (tail + last)[-TAIL:]
        if scanned.people.height:
            vhs = []
            for day, _pid, ip, agent in scanned.people.iter_rows():
                vh = hashes.get((day, ip, agent))
                if vh is None:
                    salt = salts.get(day) or _salt(conn, day, salts)
                    vh = hashes[day, ip, agent] = visitor_hash(salt, ip, agent)
                vhs.append(vh)
            batch.frames.append(_with_visitors(scanned, vhs))
            batch.days.update(scanned.people["day"].unique().to_list())
            batch.events += int(scanned.views["n"].sum()) + scanned.events.height
        if len(hashes) > 200_000:
            hashes.clear()
        batch.counts.update(scanned.counts)
        batch.samples.extend(scanned.samples)
        batch.lines += scanned.lines
        if batch.lines >= options.batch_lines:
            _commit(conn, fingerprint, position, tail, batch, result)
            batch = _Batch()
    if batch.lines or position != offset:
        _commit(conn, fingerprint, position, tail, batch, result)


def _scanned(
    reader: _Reader, offset: int, chunk_size: int, args: tuple[Any, ...]
) -> Iterator[tuple[Scanned, int, bytes]]:
    """(scanned block, bytes used, their last TAIL bytes), each block scanned by a thread
    while the caller writes the one before: one block at a time, because a scan already
    keeps Polars' threads busy (a second scanning thread, or a scanning process, gained
    nothing on two cores and cost memory)."""
    from .scan import Scanner

    scanner = Scanner(*args)
    with ThreadPoolExecutor(1) as pool:
        pending: deque[tuple[Future[Scanned], int, bytes]] = deque()
        line_at = offset
        for block, used in reader.chunks(chunk_size):
            last = block[max(0, used - TAIL) : used]
            # counted here, not in the scanning thread, which is the one the ingest waits on
            lines = block.count(b"\n")
            pending.append((pool.submit(scanner.scan, block, line_at, lines), used, last))
            line_at += used
            while len(pending) > 1:
                future, used_, last = pending.popleft()
                yield future.result(), used_, last
        while pending:
            future, used_, last = pending.popleft()
            yield future.result(), used_, last


def _with_visitors(scanned: Any, vhs: list[int]) -> tuple[Any, Any, Any]:
    """The block's people, views and events with each person's visitor hash (``vh``)
    in place of the address and user agent."""
    import polars as pl

    from .scan import STORED

    people = scanned.people.select("day", "pid", pl.Series("vh", vhs, dtype=pl.Int64))
    views = scanned.views.join(people, on=["day", "pid"], maintain_order="left")
    events = scanned.events.join(people, on=["day", "pid"], maintain_order="left")
    return (
        people.select(*STORED["visitors"]),
        views.select(*STORED["views"]),
        events.select(*STORED["events"]),
    )


def _batch_segments(frames: list[tuple[Any, Any, Any]]) -> list[tuple[str, str, int, bytes]]:
    """A batch's blocks as segments, one per kind and day: decoding a segment has a
    fixed cost whatever its size, so fewer, larger segments read back faster."""
    import polars as pl

    if not frames:
        return []
    return [
        segment
        for kind, parts in zip(KINDS, zip(*frames, strict=True), strict=True)
        for segment in _segments(kind, pl.concat(parts))
    ]


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
        conn.executemany(
            "INSERT INTO segments(day, kind, rows, data) VALUES (?, ?, ?, ?)",
            _batch_segments(batch.frames),
        )
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
        _rollback(conn)
        raise
    result.lines += batch.lines
    result.events += batch.events
    for name in ("kept", "malformed", "bot", "probe", "method", "expired"):
        setattr(result, name, getattr(result, name) + counts[name])
    result.samples.extend(
        sample[2] for sample in batch.samples[: max(0, MAX_SAMPLES - len(result.samples))]
    )


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


# ----------------------------------------------------------------- aggregates


BLOCK_BYTES = 16 << 20  # log bytes scanned at once (the scan's memory grows with it)
ROLLUP_ROWS = 240_000  # stored rows (visitors, views, events) per rollup pass: flat memory


def rollup_dirty(conn: sqlite3.Connection, articles: Mapping[str, ArticleMeta]) -> None:
    """Recompute the daily aggregates of every day that received lines.

    Days are computed together, several per pass (up to ROLLUP_ROWS of stored
    segments), each pass in one transaction, so memory stays bounded whatever the backlog.
    """
    sizes = conn.execute(
        "SELECT d.day, coalesce(sum(s.rows), 0) FROM dirty d "
        "LEFT JOIN segments s ON s.day = d.day GROUP BY d.day ORDER BY d.day"
    ).fetchall()
    if not sizes:
        return
    from .rollup import Rollup

    rollup = Rollup(articles)
    passes: list[list[str]] = [[]]
    size = 0
    for day, length in sizes:
        if passes[-1] and size + length > ROLLUP_ROWS:
            passes.append([])
            size = 0
        passes[-1].append(day)
        size += length
    # Each pass's rows are written by a thread, on a connection of its own, while the
    # next pass is computed (Polars lets go of the GIL while it computes).
    writer = sqlite3.connect(
        conn.execute("PRAGMA database_list").fetchone()[2],
        isolation_level=None,
        timeout=30,
        check_same_thread=False,
    )
    try:
        writer.execute("PRAGMA synchronous=NORMAL")
        with ThreadPoolExecutor(1) as pool:
            written: Future[None] | None = None
            for days in passes:
                rows = _rows(conn, rollup, days)
                if written is not None:
                    written.result()  # one pass's rows in memory at a time, besides these
                written = pool.submit(_write_daily, writer, days, rows)
            assert written is not None
            written.result()
    finally:
        writer.close()


def _write_daily(conn: sqlite3.Connection, days: list[str], rows: list[tuple[Any, ...]]) -> None:
    """One pass: the days' daily rows replaced and the days no longer dirty, atomically."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.executemany("DELETE FROM daily WHERE day = ?", [(day,) for day in days])
        conn.executemany("INSERT INTO daily VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        conn.executemany("DELETE FROM dirty WHERE day = ?", [(day,) for day in days])
        conn.execute("COMMIT")
    except BaseException:
        _rollback(conn)
        raise


KINDS = ("visitors", "views", "events")


def day_rows(
    conn: sqlite3.Connection, articles: Mapping[str, ArticleMeta], day: str
) -> list[tuple[Any, ...]]:
    """The ``daily`` rows of one day, computed from its stored segments."""
    from .rollup import Rollup

    return _rows(conn, Rollup(articles), [day])


def _rows(conn: sqlite3.Connection, rollup: Rollup, days: list[str]) -> list[tuple[Any, ...]]:
    """The ``daily`` rows of some days, from their stored segments."""
    return rollup.days(*(read_segments(conn, kind, days) for kind in KINDS))


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
    ``expired`` (its aggregates are final). Returns the number of days whose raw data was dropped.
    """
    rollup_dirty(conn, articles or {})  # what a killed ingest left, before anything goes
    cutoff = (today - dt.timedelta(days=retention_days)).isoformat()
    salt_cutoff = (today - dt.timedelta(days=1)).isoformat()
    conn.execute("BEGIN IMMEDIATE")
    try:
        dropped = conn.execute(
            "SELECT count(DISTINCT day) FROM segments WHERE day < ?", (cutoff,)
        ).fetchone()[0]
        conn.execute("DELETE FROM segments WHERE day < ?", (cutoff,))
        conn.execute("DELETE FROM salts WHERE day < ?", (salt_cutoff,))
        old = _meta(conn, "pruned_before") or ""
        if cutoff > old:
            conn.execute("INSERT OR REPLACE INTO meta VALUES ('pruned_before', ?)", (cutoff,))
        conn.execute("COMMIT")
    except BaseException:
        _rollback(conn)
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
