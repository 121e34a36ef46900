"""Read what every report needs, once: articles, history, the date, usage data.

``as_of`` makes a report as of a past date: the articles are read from the last
commit on or before that day (one ``git archive``), the history stops there too.
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
import os
import pickle
import signal
import sys
import threading
from concurrent.futures import Future
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import GitError, UsageError
from ..git import Repo
from ..history import History, read_history, start_history
from .model import Usage

if TYPE_CHECKING:
    from ..knowledge import KnowledgeBase

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Inputs:
    kb: KnowledgeBase
    history: History
    today: dt.date
    usage: Usage | None = None


def parse_as_of(value: str | None, *, today: dt.date | None = None) -> dt.date | None:
    """``--as-of`` value → date; malformed or future dates are usage errors."""
    if value is None or value == "":
        return None
    try:
        when = dt.date.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(f"--as-of '{value}' is not a date; write it as YYYY-MM-DD") from None
    if when > (today or dt.date.today()):
        raise UsageError(
            f"--as-of {when.isoformat()} lies in the future; give today's date or an earlier one"
        )
    return when


def load_inputs(
    root: Path,
    *,
    as_of: dt.date | None = None,
    usage: Usage | None = None,
    bodies: bool = True,
    read_usage: bool = False,
) -> Inputs:
    """The knowledge base and its history (as of a date), read in parallel.

    ``bodies=False`` reads the articles' front matter only (see :func:`kcs.knowledge.load`),
    for reports that need no article text. ``read_usage`` reads the repository's usage
    data (:func:`load_usage`) instead of taking ``usage``.
    """
    if as_of is None:
        today = dt.date.today()
        # git first: it takes longest, and it needs none of what the articles need
        reading = start_history(root)
        try:
            loading = _Loading(root, bodies)
        except BaseException:
            reading.cancel()
            raise
        try:
            history = reading.result()  # the articles load meanwhile
        except BaseException:
            loading.cancel()
            raise
        kb = loading.result()
        if read_usage:
            usage = load_usage(root, today)
        return Inputs(kb, history, today, usage)
    history = read_history(root, as_of=as_of)
    if history.head is None:
        raise UsageError(
            f"--as-of {as_of.isoformat()}: the repository has no commits on or "
            "before that day; choose a later date"
        )
    kb = _load_at(root, _main_line_commit(root, as_of) or history.head, bodies=bodies)
    if read_usage:
        usage = load_usage(root, as_of)
    return Inputs(kb, history, as_of, usage)


def _load(root: Path, bodies: bool) -> KnowledgeBase:
    """:func:`kcs.knowledge.load`, imported on first use: the YAML reader and the article
    model are not needed to start git."""
    from ..knowledge import load

    return load(root, bodies=bodies)


def _single_threaded() -> bool:
    """True on Linux when this process runs one thread, native ones included (a library
    such as Polars starts threads that :mod:`threading` does not see)."""
    if sys.platform != "linux" or threading.active_count() != 1:
        return False
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:
        return False


class _Loading:
    """Articles loading beside the caller's ``git log`` pass: :meth:`result` waits for
    them, :meth:`cancel` stops the load when the caller fails.

    Parsing articles and parsing git's output are both Python work, so two threads
    take turns on one interpreter lock. On Linux, when no other thread runs, native
    threads included (forking a threaded process can copy a lock some thread holds),
    the articles load in a forked child that sends back the parsed knowledge base; a
    thread here receives and unpickles it while the caller waits for git. Elsewhere, or
    when the child fails, they load in this process, and any error the load raises is
    raised here.
    """

    def __init__(self, root: Path, bodies: bool) -> None:
        self.root, self.bodies = root, bodies
        self.pid = 0
        self.reaping, self.reaped = threading.Lock(), False
        # Imported here, before the fork, so that parent and child import them once.
        from .. import knowledge  # noqa: F401

        forked = self._fork() if _single_threaded() else None
        self.future: Future[KnowledgeBase | None] = Future()
        self.thread = threading.Thread(
            target=self._run, args=(forked,), name="kcs-articles", daemon=True
        )
        self.thread.start()

    def _run(self, reader: int | None) -> None:
        try:
            kb = _load(self.root, self.bodies) if reader is None else self._receive(reader)
        except BaseException as exc:  # handed to the caller by result()
            self.future.set_exception(exc)
        else:
            self.future.set_result(kb)

    def _fork(self) -> int | None:
        """Start the child; the pipe's reading end, or None when there is no child."""
        try:
            reader, writer = os.pipe()
        except OSError:
            return None
        try:
            pid = os.fork()
        except OSError:
            os.close(reader)
            os.close(writer)
            return None
        if pid == 0:  # the child: load, send, leave without running the parent's exit code
            status = 1
            try:
                os.close(reader)
                gc.disable()  # the child lives for one load; collections only cost time
                kept = _KeepRecords()
                logging.getLogger().handlers = [kept]  # logged by the parent, not here
                kb = _load(self.root, self.bodies)
                data = pickle.dumps((kb, kept.records), pickle.HIGHEST_PROTOCOL)
                with os.fdopen(writer, "wb") as out:
                    out.write(data)
                status = 0
            finally:
                os._exit(status)
        os.close(writer)
        self.pid = pid
        return reader

    def _receive(self, reader: int) -> KnowledgeBase | None:
        with os.fdopen(reader, "rb") as source:
            data = source.read()
        with self.reaping:
            _, status = os.waitpid(self.pid, 0)
            self.reaped = True
        if status != 0 or not data:
            log.debug("article loader process ended with status %s", status)
            return None
        kb: KnowledgeBase
        kb, records = pickle.loads(data)
        for record in records:  # what the load logged, as if it had run here
            logging.getLogger(record.name).handle(record)
        return kb

    def result(self) -> KnowledgeBase:
        self.thread.join()  # gone before the next load looks for other threads
        kb = self.future.result()
        # No result from the child (say, it met a ConfigError): load here, to raise it here.
        return kb if kb is not None else _load(self.root, self.bodies)

    def cancel(self) -> None:
        if self.pid:
            with self.reaping:  # a pid once reaped may belong to someone else
                if not self.reaped:
                    os.kill(self.pid, signal.SIGTERM)  # the receiving thread reaps it
            self.thread.join()
        # a load in a thread runs to its end in the background; its result is dropped


class _KeepRecords(logging.Handler):
    """Keeps a child process's log records, made picklable, to hand them to the parent."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        record.msg, record.args = record.getMessage(), None
        if record.exc_info:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        self.records.append(record)


def _main_line_commit(root: Path, as_of: dt.date) -> str | None:
    """The commit HEAD's first-parent line had at the end of ``as_of`` (so a proposal
    branch committed before that day but merged later is not read as published)."""
    end = dt.datetime.combine(as_of, dt.time.max, tzinfo=dt.UTC).isoformat()
    result = Repo(root).run(
        "rev-list", "-1", "--first-parent", f"--before={end}", "HEAD", check=False
    )
    return result.stdout.decode().strip() or None


def _load_at(root: Path, commit: str, *, bodies: bool = True) -> KnowledgeBase:
    """The knowledge base as committed in ``commit`` (kcs.yml and articles/)."""
    result = Repo(root).run("archive", "--format=tar", commit, "--", ".", check=False)
    if result.returncode != 0:
        raise GitError(
            f"{root}: git archive {commit[:12]} failed: "
            f"{result.stderr.decode(errors='replace').strip()}"
        )
    import io
    import tarfile
    import tempfile

    with tempfile.TemporaryDirectory(prefix="kcs-asof-") as tmp:
        with tarfile.open(fileobj=io.BytesIO(result.stdout)) as tar:
            members = [
                m for m in tar.getmembers() if m.name == "kcs.yml" or m.name.startswith("articles/")
            ]
            tar.extractall(tmp, members=members, filter="data")
        kb = _load(Path(tmp), bodies)
    return replace(kb, root=root)


def load_usage(root: Path, today: dt.date) -> Usage | None:
    """Per-article usage from the usage analytics, or None when there is none.

    The result is a :class:`~kcs.reports.model.UsageData`: it also carries the flags
    day by day (:func:`load_flags`), for the contributors' flags resolved.
    """
    from ..usage.api import article_usage

    try:
        found = article_usage(root, today=today)
    except Exception as exc:  # a missing or locked database must not stop a report
        log.warning("usage data unavailable: %s", exc)
        return None
    if found is None:
        return None
    from .model import Flag, UsageData

    return UsageData(found, (Flag(*row) for row in load_flags(root, today)))


def load_flags(root: Path, today: dt.date) -> list[tuple[dt.date, str, int]]:
    """Readers' "outdated" answers per (day, article id) up to ``today``; [] without them."""
    from ..usage.api import flags_by_day

    try:
        return flags_by_day(root, until=today)
    except Exception as exc:  # as for load_usage: never stop a report
        log.warning("flags unavailable: %s", exc)
        return []
