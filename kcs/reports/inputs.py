"""Read what every report needs, once: articles, history, the date, usage data.

``as_of`` makes a report as of a past date: the articles are read from the last
commit on or before that day (one ``git archive``), the history stops there too.
"""

from __future__ import annotations

import datetime as dt
import gc
import io
import logging
import os
import pickle
import signal
import subprocess
import sys
import tarfile
import tempfile
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..errors import GitError, UsageError
from ..history import History, read_history
from ..knowledge import KnowledgeBase, load
from .model import Usage

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Inputs:
    kb: KnowledgeBase
    history: History
    today: dt.date
    usage: Usage | None = None
    proposals: Any = None  # kcs.proposals' open proposals, when that module exists


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
) -> Inputs:
    """The knowledge base and its history (as of a date), read in parallel.

    ``bodies=False`` reads the articles' front matter only (see :func:`kcs.knowledge.load`),
    for reports that need no article text.
    """
    if as_of is None:
        loading = _Loading(root, bodies)
        try:
            history = read_history(root)  # the articles load meanwhile
        except BaseException:
            loading.cancel()
            raise
        return Inputs(loading.result(), history, dt.date.today(), usage)
    history = read_history(root, as_of=as_of)
    if history.head is None:
        raise UsageError(
            f"--as-of {as_of.isoformat()}: the repository has no commits on or "
            "before that day; choose a later date"
        )
    kb = _load_at(root, _main_line_commit(root, as_of) or history.head, bodies=bodies)
    return Inputs(kb, history, as_of, usage)


class _Loading:
    """Articles loading beside the caller's ``git log`` pass: :meth:`result` waits for
    them, :meth:`cancel` stops the load when the caller fails.

    Parsing articles and parsing git's output are both Python work, so two threads
    take turns on one interpreter lock. On Linux, when no other thread runs (forking
    a threaded process can copy a lock some thread holds), the articles load in a
    forked child that sends back the parsed knowledge base (a fraction of a second
    of pickling for thousands of articles). Elsewhere, or when the child fails,
    they load in this process, and any error the load raises is raised from here.
    """

    def __init__(self, root: Path, bodies: bool) -> None:
        self.root, self.bodies = root, bodies
        self.pid = 0
        self.reader = -1
        self.future: Future[KnowledgeBase] | None = None
        if sys.platform == "linux" and threading.active_count() == 1:
            self._fork()
        if not self.pid:
            pool = ThreadPoolExecutor(1, thread_name_prefix="kcs-articles")
            self.future = pool.submit(load, root, bodies=bodies)
            pool.shutdown(wait=False)

    def _fork(self) -> None:
        try:
            reader, writer = os.pipe()
        except OSError:
            return
        try:
            pid = os.fork()
        except OSError:
            os.close(reader)
            os.close(writer)
            return
        if pid == 0:  # the child: load, send, leave without running the parent's exit code
            status = 1
            try:
                os.close(reader)
                gc.disable()  # the child lives for one load; collections only cost time
                data = pickle.dumps(load(self.root, bodies=self.bodies), pickle.HIGHEST_PROTOCOL)
                with os.fdopen(writer, "wb") as out:
                    out.write(data)
                status = 0
            finally:
                os._exit(status)
        os.close(writer)
        self.pid, self.reader = pid, reader

    def result(self) -> KnowledgeBase:
        if self.future is not None:
            return self.future.result()
        with os.fdopen(self.reader, "rb") as source:
            data = source.read()
        _, status = os.waitpid(self.pid, 0)
        if status == 0 and data:
            kb: KnowledgeBase = pickle.loads(data)
            return kb
        # The child failed (say, on a ConfigError): load here, so the error is raised here.
        log.debug("article loader process ended with status %s; loading in process", status)
        return load(self.root, bodies=self.bodies)

    def cancel(self) -> None:
        if self.future is not None:
            self.future.cancel()
            return
        os.close(self.reader)
        os.kill(self.pid, signal.SIGTERM)  # not reaped yet, so the pid is still ours
        os.waitpid(self.pid, 0)


def _main_line_commit(root: Path, as_of: dt.date) -> str | None:
    """The commit HEAD's first-parent line had at the end of ``as_of`` (so a proposal
    branch committed before that day but merged later is not read as published)."""
    end = dt.datetime.combine(as_of, dt.time.max, tzinfo=dt.UTC).isoformat()
    result = subprocess.run(
        ["git", "-C", str(root), "rev-list", "-1", "--first-parent", f"--before={end}", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout.strip() or None


def _load_at(root: Path, commit: str, *, bodies: bool = True) -> KnowledgeBase:
    """The knowledge base as committed in ``commit`` (kcs.yml and articles/)."""
    result = subprocess.run(
        ["git", "-C", str(root), "archive", "--format=tar", commit, "--", "."],
        capture_output=True,
        check=False,
    )
    if result.returncode != 0:
        raise GitError(
            f"{root}: git archive {commit[:12]} failed: "
            f"{result.stderr.decode(errors='replace').strip()}"
        )
    with tempfile.TemporaryDirectory(prefix="kcs-asof-") as tmp:
        with tarfile.open(fileobj=io.BytesIO(result.stdout)) as tar:
            members = [
                m for m in tar.getmembers() if m.name == "kcs.yml" or m.name.startswith("articles/")
            ]
            tar.extractall(tmp, members=members, filter="data")
        kb = load(Path(tmp), bodies=bodies)
    return replace(kb, root=root)


def load_usage(root: Path, today: dt.date) -> Usage | None:
    """Per-article usage from the usage analytics, or None when there is none.

    The hook: ``kcs.usage.article_usage(root, *, today) -> Mapping[article id,
    UsageStats-like] | None`` (objects with views_90d, views_12m, helped,
    not_helped, flags). Until kcs.usage provides it, reports run without usage.
    """
    try:
        from ..usage import article_usage
    except ImportError:
        return None
    try:
        found = article_usage(root, today=today)
    except Exception as exc:  # a missing or locked database must not stop a report
        log.warning("usage data unavailable: %s", exc)
        return None
    if found is None:
        return None
    from .model import UsageStats

    return {
        str(key): UsageStats(*(int(getattr(value, f, 0) or 0) for f in UsageStats._fields))
        for key, value in found.items()
    }
