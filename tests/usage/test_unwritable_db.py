"""kcs usage ingest run by a user who may not write the usage database or its folder.

Root ignores permission bits, so the ingest runs as another user (tests/unprivileged.py),
against a database an administrator's earlier run as root left behind, or a folder that
is not theirs: one ``Error:`` line naming the file or folder and the fix, exit 1, the
database as it was; once the folder is given to the user, each line counts once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest
from unprivileged import Runner, runner, workspace
from usagekit import line, make_kb, views

from kcs.usage.store import ingest


class Setup(NamedTuple):
    runner: Runner
    base: Path
    kb: Path
    log: Path


@pytest.fixture
def setup() -> Iterator[Setup]:
    found = runner()
    if isinstance(found, str):
        pytest.skip(f"no unprivileged user to run kcs as: {found}")
    with workspace() as base:
        kb = make_kb(base / "kb")
        log = base / "access.log"
        log.write_text("".join(line("192.0.2.7", n, f"/a/vpn-connect/?n={n}") for n in range(5)))
        found.give(base)
        yield Setup(found, base, kb, log)


def run_ingest(setup: Setup, db: Path) -> tuple[int, str]:
    done = setup.runner.run(
        "usage", "ingest", "--root", str(setup.kb), "--db", str(db), str(setup.log), home=setup.base
    )
    return done.returncode, done.stdout + done.stderr


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else ""


@pytest.mark.parametrize("case", ["folder", "database", "missing folder"])
def test_a_database_the_ingest_cannot_write(setup: Setup, case: str) -> None:
    user = setup.runner
    folder = setup.base / "srv"
    folder.mkdir()
    db = folder / "usage.sqlite"
    if case == "folder":  # the folder is root's; no database yet
        user.give(folder)
        user.deny(folder)
        denied, want = folder, f"not writable by {user.name}, who runs kcs; give it to them: "
    elif case == "database":  # root ingested once by hand: the database is root's
        ingest(db, [setup.log])
        user.give(folder)
        user.deny(db)
        denied, want = db, f"not writable by {user.name}, who runs kcs; give it to them: "
    else:  # kcs.yml points into a folder the user cannot create
        user.deny(folder)
        db = folder / "usage" / "usage.sqlite"
        denied = folder / "usage"
        want = "cannot create the folder of the usage database (Permission denied); "
    before = digest(db)
    code, output = run_ingest(setup, db)
    assert code == 1, output
    assert output.startswith(f"Error: {denied}: {want}"), output
    assert f"chown {user.name} {denied}" in output and output.count("\n") == 1
    assert digest(db) == before
    user.give(folder)
    code, output = run_ingest(setup, db)
    assert code == 0, output
    code, output = run_ingest(setup, db)
    assert (code, output.split(" new lines")[0]) == (0, "0")
    assert views(db) == {"vpn-connect": 5}


def test_a_log_the_ingest_cannot_read(setup: Setup) -> None:
    """nginx writes its logs 0640 to its own group: the ingest's user may not read one."""
    user = setup.runner
    db = setup.base / "usage.sqlite"
    other = setup.base / "other.access.log"
    other.write_text(line("192.0.2.8", 9, "/a/printing-add-printer/"))
    user.give(setup.base)
    user.deny(setup.log, read=True)
    done = user.run(
        "usage",
        "ingest",
        "--root",
        str(setup.kb),
        "--db",
        str(db),
        str(setup.log),
        str(other),
        home=setup.base,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert output.startswith(f"Error: {setup.log}: not readable by {user.name}, who runs the ")
    assert f"chmod g+r {setup.log}" in output and output.count("\n") == 1
    assert views(db) == {"printing-add-printer": 1}  # the log it may read was read
