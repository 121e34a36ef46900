"""Small batches (many blocks, many segments per day) give the
same aggregates as one big batch; a stored day recomputes to what was stored; a
schema-1 database (one row per hit and event) is upgraded without losing a figure; the
rollup in many passes agrees with one pass."""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from usagekit import BROWSER

from kcs.usage import store
from kcs.usage.store import ArticleMeta, connect, day_rows, ingest

META = {f"a-{n}": ArticleMeta("sv" if n % 2 else "en", f"d{n % 3}", "public") for n in range(9)}


def write_log(path: Path) -> None:
    rng = random.Random(11)
    # from noon a week ago to yesterday morning, whatever the time the test runs: seven
    # days, the first of them half a day of lines
    midnight = dt.datetime.now(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    start = midnight - dt.timedelta(days=7) + dt.timedelta(hours=12)
    with path.open("w") as out:
        for n in range(30_000):
            when = (start + dt.timedelta(seconds=17 * n)).strftime("%d/%b/%Y:%H:%M:%S +0000")
            ip = f"10.1.{rng.randrange(20)}.{rng.randrange(50)}"
            path_ = rng.choice(
                [
                    f"/a/a-{rng.randrange(9)}/",
                    "/sv/",
                    "/assets/x.css",
                    f"/_kcs/e?v=1&t=search&q=q{rng.randrange(5)}&n={rng.randrange(3)}&l=sv",
                    f"/_kcs/e?v=1&t=click&q=q{rng.randrange(5)}&p=1&a=a-{rng.randrange(9)}&l=sv",
                    f"/_kcs/e?v=1&t=feedback&a=a-{rng.randrange(9)}&h=yes&l=sv",
                    "/_kcs/e?v=1&t=contact&q=&l=sv",
                ]
            )
            out.write(f'{ip} - - [{when}] "GET {path_} HTTP/1.1" 200 1 "-" "{BROWSER}"\n')


def daily(db: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT * FROM daily ORDER BY 1, 2, 3, 4, 5, 6").fetchall()


def test_batches_agree(tmp_path: Path) -> None:
    log = tmp_path / "access.log"
    write_log(log)
    small, big = tmp_path / "p.sqlite", tmp_path / "s.sqlite"
    ingest(small, [log], articles=META, batch_lines=3000)
    ingest(big, [log], articles=META)
    rows = daily(small)
    assert len({r[0] for r in rows}) == 7
    assert rows == daily(big)
    conn = connect(small)
    try:
        segments = conn.execute("SELECT count(*) FROM segments").fetchone()[0]
        day = rows[0][0]
        recomputed = sorted(tuple(r) for r in day_rows(conn, META, str(day)))
    finally:
        conn.close()
    assert segments > 3 * 7  # several blocks per day
    assert recomputed == sorted(r for r in rows if r[0] == day)


V1_SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE events(
  day TEXT NOT NULL, ts INTEGER NOT NULL, vh INTEGER NOT NULL, type TEXT NOT NULL,
  article TEXT NOT NULL DEFAULT '', lang TEXT NOT NULL DEFAULT '', q TEXT NOT NULL DEFAULT '',
  n INTEGER, p INTEGER, h INTEGER, r TEXT NOT NULL DEFAULT '');
CREATE TABLE hits(
  day TEXT NOT NULL, vh INTEGER NOT NULL, article TEXT NOT NULL, lang TEXT NOT NULL);
CREATE TABLE visitors(day TEXT, vh INTEGER, PRIMARY KEY(day, vh)) WITHOUT ROWID;
INSERT INTO meta VALUES ('schema', '1');
INSERT INTO visitors VALUES ('2026-11-20', 1), ('2026-11-20', 2), ('2026-11-20', 3);
INSERT INTO hits VALUES ('2026-11-20', 1, 'a-1', ''), ('2026-11-20', 1, 'a-1', ''),
  ('2026-11-20', 2, 'a-1', ''), ('2026-11-20', 2, '', 'sv');
INSERT INTO events VALUES ('2026-11-20', 100, 1, 'search', '', 'sv', 'vpn', 0, NULL, NULL, ''),
  ('2026-11-20', 101, 2, 'feedback', 'a-1', 'sv', '', NULL, NULL, 1, '');
"""


def test_schema_1_is_upgraded(tmp_path: Path) -> None:
    db = tmp_path / "usage.sqlite"
    with sqlite3.connect(db) as old:
        old.executescript(V1_SCHEMA)
    conn = connect(db)
    try:
        tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master")}
        # (metric, article, key) → value
        rows = {(r[1], r[2], r[4]): r[6] for r in day_rows(conn, META, "2026-11-20")}
        schema = conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()[0]
    finally:
        conn.close()
    assert not {"hits", "events", "visitors"} & tables and schema == "2"
    assert rows["visitors", "", ""] == 3
    assert rows["views", "a-1", ""] == 3 and rows["article_visitors", "a-1", ""] == 2
    assert rows["page_views", "", ""] == 1
    assert rows["search_zero", "", "vpn"] == 1 and rows["helped", "a-1", ""] == 1


def test_segments_of_the_earlier_encoding_are_still_read(tmp_path: Path) -> None:
    """Segments were Arrow IPC files with lz4 before they became zstd IPC streams: a
    database holding both kinds recomputes a day from all of them."""
    import io

    import polars as pl

    log = tmp_path / "access.log"
    write_log(log)
    db = tmp_path / "usage.sqlite"
    ingest(db, [log], articles=META)
    conn = connect(db)
    try:
        day = conn.execute("SELECT min(day) FROM segments").fetchone()[0]
        before = sorted(day_rows(conn, META, day))
        stored = conn.execute("SELECT id, data FROM segments WHERE day = ?", (day,)).fetchall()
        assert all(data[:6] != b"ARROW1" for _id, data in stored)
        for id_, data in stored[::2]:  # every other segment back to the earlier form
            old = io.BytesIO()
            pl.read_ipc_stream(data).write_ipc(old, compression="lz4")
            conn.execute("UPDATE segments SET data = ? WHERE id = ?", (old.getvalue(), id_))
        after = sorted(day_rows(conn, META, day))
    finally:
        conn.close()
    assert len(stored) >= 3 and before and after == before


def test_rollup_in_passes_agrees_and_survives_a_failed_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Many small rollup passes (each written by a thread while the next is computed)
    give the daily rows of one pass; a pass whose write fails leaves its days dirty,
    and the next ingest rolls them up."""
    log = tmp_path / "access.log"
    write_log(log)
    one, many = tmp_path / "one.sqlite", tmp_path / "many.sqlite"
    ingest(one, [log], articles=META)
    monkeypatch.setattr(store, "ROLLUP_ROWS", 1_000)  # about one day per pass
    real_write = store._write_daily
    calls: list[list[str]] = []

    def failing(conn: sqlite3.Connection, days: list[str], rows: list[tuple[Any, ...]]) -> None:
        calls.append(days)
        if len(calls) == 3:
            raise sqlite3.OperationalError("disk I/O error")
        real_write(conn, days, rows)

    monkeypatch.setattr(store, "_write_daily", failing)
    with pytest.raises(sqlite3.OperationalError):
        ingest(many, [log], articles=META)
    with sqlite3.connect(many) as conn:
        dirty = sorted(day for (day,) in conn.execute("SELECT day FROM dirty"))
        rolled = {day for (day,) in conn.execute("SELECT DISTINCT day FROM daily")}
    assert dirty and rolled and not set(dirty) & rolled
    assert dirty[0] == calls[2][0]  # the failed pass and everything after it
    calls.clear()
    monkeypatch.setattr(store, "_write_daily", lambda *a: (calls.append(a[1]), real_write(*a)))
    ingest(many, [log], articles=META)  # nothing new to read: only the dirty days
    assert calls == [[day] for day in dirty]  # one pass per day, each written
    assert daily(many) == daily(one)
