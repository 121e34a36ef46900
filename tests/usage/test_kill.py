"""An ingest killed half-way (SIGKILL) loses nothing and counts nothing twice."""

from __future__ import annotations

import datetime as dt
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from usagekit import BROWSER, make_kb, views

from kcs.usage.store import connect, read_segments

KCS = [sys.executable, "-c", "from kcs.cli import main; main()"]


def write_log(path: Path, lines: int) -> dict[str, int]:
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=3)
    expected: dict[str, int] = {}
    with path.open("w") as out:
        for n in range(lines):
            when = (start + dt.timedelta(seconds=3 * n)).strftime("%d/%b/%Y:%H:%M:%S +0000")
            article = f"article-{n % 37}"
            expected[article] = expected.get(article, 0) + 1
            out.write(
                f'10.0.{n % 200}.{n % 250} - - [{when}] "GET /a/{article}/ HTTP/1.1" 200 '
                f'100 "-" "{BROWSER}"\n'
            )
            out.write(
                f'10.0.{n % 200}.{n % 250} - - [{when}] "GET /_kcs/e?v=1&t=search&q=q{n % 9}'
                f'&n=0&l=sv HTTP/1.1" 204 0 "-" "{BROWSER}"\n'
            )
    return expected


def offset(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db, timeout=0.2) as conn:
            row = conn.execute("SELECT max(offset) FROM files").fetchone()
    except sqlite3.OperationalError:
        return 0
    return int(row[0] or 0)


def test_killed_ingest_resumes_exactly(tmp_path: Path) -> None:
    root = make_kb(tmp_path / "kb")
    log = tmp_path / "access.log"
    expected = write_log(log, 60_000)
    db = tmp_path / "usage.sqlite"
    args = [
        *KCS,
        "usage",
        "ingest",
        "--root",
        str(root),
        "--db",
        str(db),
        "--batch",
        "500",
        str(log),
    ]
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    size = log.stat().st_size
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and offset(db) < size // 10:
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait()
    reached = offset(db)
    assert 0 < reached < size, "the kill should land in the middle of the file"
    with sqlite3.connect(db) as conn:
        read = int(conn.execute("SELECT sum(lines) FROM files").fetchone()[0])
    done = subprocess.run(args, capture_output=True, text=True, check=True)
    assert done.stdout.startswith(f"{120_000 - read} new lines from 1 files"), done.stdout
    assert views(db) == expected
    conn = connect(db)
    try:
        lines = conn.execute("SELECT sum(lines) FROM files").fetchone()[0]
        events = read_segments(conn, "events")
    finally:
        conn.close()
    assert lines == 120_000
    assert events.filter(events["t"] == "search").height == 60_000
