"""The worker process (parsing) and the parallel day rollup give the serial results."""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
from pathlib import Path

from usagekit import BROWSER

from kcs.usage.store import ArticleMeta, connect, day_rows, ingest

META = {f"a-{n}": ArticleMeta("sv" if n % 2 else "en", f"d{n % 3}", "public") for n in range(9)}


def write_log(path: Path) -> None:
    rng = random.Random(11)
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=6)
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


def test_worker_and_serial_agree(tmp_path: Path) -> None:
    log = tmp_path / "access.log"
    write_log(log)
    parallel, serial = tmp_path / "p.sqlite", tmp_path / "s.sqlite"
    ingest(parallel, [log], articles=META, workers=1, batch_lines=3000)
    ingest(serial, [log], articles=META, workers=0)
    rows = daily(parallel)
    assert len({r[0] for r in rows}) == 7  # seven days: the rollup ran in two processes
    assert rows == daily(serial)
    conn = connect(parallel)
    try:
        day = rows[0][0]
        recomputed = sorted(tuple(r) for r in day_rows(conn, META, str(day)))
    finally:
        conn.close()
    assert recomputed == sorted(r for r in rows if r[0] == day)
