"""A log that disappears while it is read: deleted, rotated (renamed, a new one created),
truncated in place (logrotate's copytruncate) or truncated outright.

The disappearance is made to happen at a chosen point of the read: the ingest's file is
opened through a hook that runs the rotation before the reader's n-th read. Whatever the
point, the reader either finishes correctly or stops with one line naming the log and a
non-zero exit, and once the ingest has run again over the logs that exist, every line
that still exists was counted once, and none twice.
"""

from __future__ import annotations

import builtins
import gzip
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from usagekit import line, make_kb, views

from kcs.cli import cli
from kcs.errors import KcsError
from kcs.usage import store
from kcs.usage.store import ingest

ACTIONS = ("delete", "rotate", "copytruncate", "truncate")
BATCH = 10  # lines per transaction: a few kilobytes a read, so a small log takes many reads


def lines(first: int, count: int) -> list[str]:
    """Log lines that each view an article of their own (/a/l<n>/): the views per article
    then say how often each line was counted."""
    return [
        line(f"10.1.{n // 250}.{n % 250}", n % 600, f"/a/l{n}/")
        for n in range(first, first + count)
    ]


def ids(text: str) -> set[str]:
    return {chunk.split("/", 1)[0] for chunk in text.split(" /a/")[1:]}


def text_of(path: Path) -> str:
    return gzip.decompress(path.read_bytes()).decode() if path.suffix == ".gz" else path.read_text()


class Interrupted:
    """Opens ``path`` for the ingest through a handle that runs ``action`` once, before
    the reader's ``at``-th read (``readline`` and ``read`` calls, counted from 0)."""

    def __init__(self, path: Path, at: int, action: Callable[[], None]) -> None:
        self.path, self.at, self.action = path, at, action
        self.reads = 0
        self.done = False

    def open(self, file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        handle = builtins.open(file, mode, *args, **kwargs)  # noqa: SIM115 - the ingest closes it
        if Path(file) == self.path and not self.done:
            return _Handle(handle, self)
        return handle

    def tick(self) -> None:
        if not self.done and self.reads >= self.at:
            self.done = True
            self.action()
        self.reads += 1


class _Handle:
    def __init__(self, real: Any, hook: Interrupted) -> None:
        self._real, self._hook = real, hook

    def read(self, *args: Any) -> bytes:
        self._hook.tick()
        return bytes(self._real.read(*args))

    def readline(self, *args: Any) -> bytes:
        self._hook.tick()
        return bytes(self._real.readline(*args))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def __enter__(self) -> _Handle:
        return self

    def __exit__(self, *exc: object) -> None:
        self._real.close()


def disappearance(kind: str, log: Path, later: list[str]) -> Callable[[], None]:
    """What logrotate (or an administrator) does to ``log``; ``later`` are the lines nginx
    writes to the log after it."""
    rotated = log.with_name(log.name + ".1")

    def run() -> None:
        if kind == "delete":
            log.unlink()
            return
        if kind == "rotate":
            log.rename(rotated)
        elif kind == "copytruncate":
            shutil.copyfile(log, rotated)
        if kind in ("copytruncate", "truncate"):
            with builtins.open(log, "r+b") as handle:
                handle.truncate(0)
        with builtins.open(log, "a") as out:
            out.write("".join(later))

    return run


def existing(log: Path) -> list[Path]:
    """The logs the hourly run's ``access.log*`` finds now, in the shell's order."""
    return sorted(log.parent.glob(log.name + "*"))


def interrupted_ingest(
    monkeypatch: pytest.MonkeyPatch, db: Path, log: Path, hook: Interrupted
) -> KcsError | None:
    with monkeypatch.context() as patch:
        patch.setattr(store, "open", hook.open, raising=False)
        try:
            ingest(db, [log], batch_lines=BATCH)
        except KcsError as exc:
            return exc
    return None


def check_exactly_once(db: Path, log: Path, written: list[str]) -> dict[str, int]:
    """Every line in a log that still exists counted once, no line twice, none made up."""
    counted = views(db)
    assert {a: n for a, n in counted.items() if n != 1} == {}, "lines counted twice"
    still_there = set().union(*(ids(text_of(p)) for p in existing(log)))
    assert still_there - set(counted) == set(), "lines that exist were never counted"
    assert set(counted) <= ids("".join(written))
    return counted


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    kind=st.sampled_from(ACTIONS),
    at=st.integers(0, 14),
    new=st.integers(0, 400),
)
def test_a_log_that_disappears_mid_read_is_counted_exactly_once(
    monkeypatch: pytest.MonkeyPatch, kind: str, at: int, new: int
) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        log, db = folder / "access.log", folder / "usage.sqlite"
        first, second, later = lines(0, 40), lines(40, 160), lines(200, new)
        log.write_text("".join(first))
        ingest(db, [log], batch_lines=BATCH)  # the hour before: the reader has an offset
        with log.open("a") as out:
            out.write("".join(second))
        before = ids("".join(first + second))

        hook = Interrupted(log, at, disappearance(kind, log, later))
        error = interrupted_ingest(monkeypatch, db, log, hook)
        assert hook.done or at > 8, "the reader reads the log in more than 8 reads"

        if error is not None:
            message = str(error)
            assert message.startswith(f"{log}: ") and "\n" not in message
            assert kind in ("copytruncate", "truncate"), message
        if kind in ("delete", "rotate") and hook.done:
            # the open file is read to its end, whatever became of its name
            assert before <= set(views(db))
        if existing(log):
            ingest(db, existing(log), batch_lines=BATCH)  # the next hour
        counted = check_exactly_once(db, log, first + second + later)
        if kind != "truncate":  # only an outright truncation destroys lines
            assert before <= set(counted)
        if existing(log):
            assert ingest(db, existing(log), batch_lines=BATCH).lines == 0


def test_copytruncate_during_the_read_stops_with_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The CLI: exit 1 and one line naming the log; the next run reads the rest from the
    rotated copy and counts nothing twice."""
    kb = make_kb(tmp_path / "kb")
    log, db = tmp_path / "access.log", tmp_path / "usage.sqlite"
    written = lines(0, 300)
    # the new log outgrows the point the reader had reached before it reads on
    later = lines(300, 400)
    log.write_text("".join(written))
    hook = Interrupted(log, 5, disappearance("copytruncate", log, later))
    args = ["usage", "ingest", "--root", str(kb), "--db", str(db), "--batch", str(BATCH)]
    with monkeypatch.context() as patch:
        patch.setattr(store, "open", hook.open, raising=False)
        result = CliRunner().invoke(cli, [*args, str(log)])
    assert hook.done
    assert result.exit_code == 1, result.output
    assert result.output.startswith(f"Error: {log}: truncated while it was read")
    assert result.output.count("\n") == 1
    again = CliRunner().invoke(cli, [*args, *map(str, existing(log))])
    assert again.exit_code == 0, again.output
    assert check_exactly_once(db, log, written + later).keys() == ids("".join(written + later))


def test_a_log_rotated_away_before_it_is_opened(tmp_path: Path) -> None:
    """The shell's glob named a log that logrotate removed before the ingest reached it:
    the other logs are still read, and the run says which one it missed."""
    kb = make_kb(tmp_path / "kb")
    old, log, db = tmp_path / "access.log.2.gz", tmp_path / "access.log", tmp_path / "u.sqlite"
    with gzip.open(old, "wt") as out:
        out.write("".join(lines(0, 20)))
    log.write_text("".join(lines(20, 30)))
    args = ["usage", "ingest", "--root", str(kb), "--db", str(db), str(old), str(log)]

    class Expiring:
        """Deletes access.log.2.gz once the CLI has checked that it exists."""

        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            old.unlink(missing_ok=True)
            return ingest(*args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(store, "ingest", Expiring())
        result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {old}: ") and result.output.count("\n") == 1
    assert set(views(db)) == ids("".join(lines(20, 30)))


def test_a_compressed_log_cut_short_is_read_up_to_the_cut(tmp_path: Path) -> None:
    """logrotate still compressing access.log.2.gz when the ingest reads it: the lines
    before the cut count, the run fails with one line, and the next run reads the rest."""
    log, db = tmp_path / "access.log.2.gz", tmp_path / "usage.sqlite"
    written = lines(0, 2000)
    whole = gzip.compress("".join(written).encode(), mtime=0)
    log.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(KcsError) as failed:
        ingest(db, [log], batch_lines=50)
    assert str(failed.value).startswith(f"{log}: ") and "\n" not in str(failed.value)
    part = views(db)
    assert 0 < len(part) < len(written) and set(part.values()) == {1}
    log.write_bytes(whole)
    ingest(db, [log], batch_lines=50)
    assert check_exactly_once(db, log, written).keys() == ids("".join(written))
