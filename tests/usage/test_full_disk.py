"""The usage database's disk fills during an ingest: one line, exit 1, and once there is
room again the next run counts every line once."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner
from smalldisk import mounted, resize
from usagekit import line, make_kb, views

from kcs.cli import cli


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    with mounted(tmp_path / "disk", "256k") as mount:
        yield mount


def test_a_full_disk_stops_the_ingest_and_the_next_run_counts_once(
    tmp_path: Path, small_disk: Path
) -> None:
    kb = make_kb(tmp_path / "kb")
    log, db = tmp_path / "access.log", small_disk / "usage.sqlite"
    count = 20_000
    log.write_text(
        "".join(
            line(f"10.2.{n // 250 % 250}.{n % 250}", n % 600, f"/a/l{n}/") for n in range(count)
        )
    )
    args = ["usage", "ingest", "--root", str(kb), "--db", str(db), "--batch", "1000", str(log)]
    full = CliRunner().invoke(cli, args)
    assert full.exit_code == 1, full.output
    assert full.output == (
        f"Error: {db}: no space left on the device for the usage database; free some space and "
        "run the ingest again (what was read so far is kept, and nothing is counted twice)\n"
    )
    with closing(sqlite3.connect(db)) as conn:  # closed, or the disk stays busy
        read = conn.execute("SELECT coalesce(sum(lines), 0) FROM files").fetchone()[0]
    assert 0 < read < count
    resize(small_disk, "20m")
    again = CliRunner().invoke(cli, args)
    assert again.exit_code == 0, again.output
    assert again.output.startswith(f"{count - read} new lines from 1 files")
    counted = views(db)
    assert set(counted.values()) == {1} and len(counted) == count
