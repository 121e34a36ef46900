"""The repository's Git history, read in ONE ``git log`` pass.

Every report and the site read dates and authors from here; nothing else runs
``git log``. A ``git log --follow`` per file would start one process and walk the
whole history once per article, so its cost would grow with articles × commits; one
pass walks it once and costs about as much as Git's own rename detection.

How the pass works: ``git log --name-status -M -z --diff-merges=first-parent``
lists every commit reachable from HEAD with the files it added (A), modified (M),
deleted (D) or renamed (R); we put parents before children and replay those
changes over a map *current path → record*: a rename moves the record to
its new path, so an article's history survives ``git mv``. A merge commit lists
what it brought into the first parent; its entries are attached to the records
as ``merge=True`` changes (that is where ``Approved-by:`` trailers of gated
merges live) but never move or create history twice. A path deleted and added
again keeps one record: its changes run through the deletion, like
``git log --follow`` shows them, and :attr:`FileHistory.readded` says so.

Dates are timezone-aware, in UTC. ``as_of`` ignores commits whose committer date lies
after it (the moment a change entered the repository).
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
import os
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from itertools import filterfalse
from operator import itemgetter
from pathlib import Path
from typing import IO, Any, Generic, NamedTuple, TypeVar, overload

from .errors import GitError
from .git import Repo

log = logging.getLogger(__name__)

_NO_GIT = (
    "git is not installed or not on PATH; install git (apt-get install git) to read article dates"
)
SHALLOW_FIX = (
    "fetch the full history: git fetch --unshallow, or actions/checkout with fetch-depth: 0"
)

# Record separator, field separator, list separator inside a field.
_RS, _FS, _LS = "\x1e", "\x1f", "\x1d"
_FORMAT = (
    _RS
    + _FS.join(
        [
            "%H",  # commit
            "%P",  # parents
            "%aI",  # author date, strict ISO 8601
            "%cI",  # committer date
            "%an",
            "%ae",
            "%cn",
            "%(trailers:key=Approved-by,valueonly,separator=%x1d)",
            "%s",
            "%(trailers:key=Proposal,valueonly,separator=%x1d)",
        ]
    )
    + _FS
)


_T = TypeVar("_T")


class _memo(Generic[_T]):  # noqa: N801 - used as a decorator, like cached_property
    """``functools.cached_property`` without its lock (Python 3.11 takes one on every
    first access; a report asks thousands of files for their dates). The values are
    pure functions of frozen data, so two threads computing one at once agree."""

    def __init__(self, func: Callable[[Any], _T]) -> None:
        self.func = func
        self.name = func.__name__
        self.__doc__ = func.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, obj: None, cls: type | None = None) -> _memo[_T]: ...
    @overload
    def __get__(self, obj: object, cls: type | None = None) -> _T: ...
    def __get__(self, obj: object | None, cls: type | None = None) -> _T | _memo[_T]:
        if obj is None:
            return self
        value = self.func(obj)
        obj.__dict__[self.name] = value  # found before this descriptor from now on
        return value


class Commit(NamedTuple):
    """One commit: who, when, and who approved it (``Approved-by:`` trailers)."""

    sha: str
    parents: tuple[str, ...]
    date: dt.datetime  # author date
    committed: dt.datetime  # committer date
    author: str
    email: str
    committer: str
    approved_by: tuple[str, ...]
    subject: str
    proposal: str = ""  # the ``Proposal:`` trailer kcs merge writes: the proposal branch

    @property
    def merge(self) -> bool:
        return len(self.parents) > 1


class Change(NamedTuple):
    """One file entry of one commit. ``path`` is the path after the commit.

    A NamedTuple, not a dataclass: a big history holds a million of them.
    """

    commit: str
    date: dt.datetime  # author date
    author: str
    status: str  # A, M, D, R (copies count as A, type changes as M)
    path: str
    old_path: str | None = None
    merge: bool = False  # listed by a merge commit (diff against its first parent)
    email: str = ""


_DATE, _STATUS, _MERGE = itemgetter(1), itemgetter(3), itemgetter(6)  # Change fields


@dataclass(frozen=True)
class FileHistory:
    """The history of one file that exists (at ``path``) at the end of the replay.

    Dates and authors are computed on first use: most reports read a few files only.
    """

    path: str
    changes: tuple[Change, ...]  # oldest first, merges included (Change.merge)

    @_memo
    def _edits(self) -> tuple[Change, ...]:
        return self.commits or self.changes

    # map/filter over itemgetters rather than generator expressions: the reports ask
    # these of every article, over every change of a long history.
    @_memo
    def created(self) -> dt.datetime:
        """Date of the first change (commits, not merges, where there are any)."""
        return min(map(_DATE, self._edits))

    @_memo
    def updated(self) -> dt.datetime:
        """Date of the last change (ditto)."""
        return max(map(_DATE, self._edits))

    @_memo
    def authors(self) -> tuple[str, ...]:
        """Distinct author names, most recent first."""
        ordered = sorted(self._edits, key=lambda c: c.date, reverse=True)
        return tuple(dict.fromkeys(c.author for c in ordered))

    @_memo
    def commits(self) -> tuple[Change, ...]:
        """The non-merge changes (the edits themselves)."""
        return tuple(filterfalse(_MERGE, self.changes))

    @property
    def merges(self) -> tuple[Change, ...]:
        return tuple(filter(_MERGE, self.changes))

    @property
    def readded(self) -> bool:
        """Deleted at some point and added again at the same path."""
        return "D" in map(_STATUS, self.changes)

    @property
    def paths(self) -> tuple[str, ...]:
        """Every path the file had, oldest first."""
        seen: list[str] = []
        for change in self.changes:
            for p in (change.old_path, change.path):
                if p and p not in seen:
                    seen.append(p)
        return tuple(seen)


@dataclass(frozen=True)
class History(Mapping[str, FileHistory]):
    """The whole history: a mapping current path (relative to root) → FileHistory.

    Being a Mapping, a History can be handed to whatever wants ``path → FileHistory``
    (the site's article pages) while the reports keep the commits and trailers.
    """

    files: dict[str, FileHistory] = field(default_factory=dict)
    commits: tuple[Commit, ...] = ()  # oldest first
    deleted: tuple[FileHistory, ...] = ()  # files gone at the end of the replay
    as_of: dt.datetime | None = None
    head: str | None = None  # the last commit taken into account

    def for_path(self, path: str | os.PathLike[str]) -> FileHistory | None:
        """The history of the file now at ``path``; None when Git never saw it."""
        return self.files.get(path if isinstance(path, str) else Path(path).as_posix())

    def __getitem__(self, path: str) -> FileHistory:
        return self.files[path]

    def __iter__(self) -> Iterator[str]:
        return iter(self.files)

    def __len__(self) -> int:
        return len(self.files)

    def __bool__(self) -> bool:
        return bool(self.commits)

    def commit(self, sha: str) -> Commit | None:
        return self.by_sha.get(sha)

    @_memo
    def by_sha(self) -> dict[str, Commit]:
        return {c.sha: c for c in self.commits}

    @_memo
    def approved(self) -> dict[str, Commit]:
        """Commits carrying ``Approved-by:`` trailers, by sha."""
        return {c.sha: c for c in self.commits if c.approved_by}


# ------------------------------------------------------------------ reading


def read_history(
    root: Path | str, *, as_of: dt.datetime | dt.date | None = None, rev: str = "HEAD"
) -> History:
    """Read the history of everything under ``root`` in one ``git log`` pass.

    ``rev`` is the commit whose history is read (HEAD by default; a branch or commit id).

    Raises :class:`GitError` on a shallow clone (its dates would be wrong) or when
    git fails. A folder that is not in a Git repository, or a repository without
    commits, gives an empty History and a logged warning.
    """
    return start_history(root, as_of=as_of, rev=rev).result()


def start_history(
    root: Path | str, *, as_of: dt.datetime | dt.date | None = None, rev: str = "HEAD"
) -> HistoryReading:
    """Start the ``git log`` pass of :func:`read_history` and return at once: git works
    while the caller does something else, and :meth:`HistoryReading.result` reads it."""
    return HistoryReading(Path(root), _cutoff(as_of), rev)


class HistoryReading:
    """A ``git log`` pass under way (see :func:`start_history`).

    Two git processes start together: the log itself, and a probe that says whether
    ``rev`` names a commit and whether the clone is shallow. The probe is judged
    before a line of the log is used, exactly as if it had run first.
    """

    def __init__(self, root: Path, cutoff: dt.datetime | None, rev: str) -> None:
        if rev.startswith("-"):
            raise GitError(f"{root}: {rev!r} names no commit; give a branch, tag or commit id")
        self.root, self.cutoff, self.rev = root, cutoff, rev
        args = [
            "-c",
            "log.showSignature=false",
            "-c",
            "core.quotepath=false",
            "log",
            "--relative",
            "--name-status",
            "-M",
            "-z",
            "--no-color",
            "--no-ext-diff",
            "--no-textconv",
            "--diff-merges=first-parent",
            f"--format={_FORMAT}",
            rev,
            "--",
        ]
        repo = Repo(root)
        self.stack = ExitStack()
        try:
            self.errors = self.stack.enter_context(tempfile.TemporaryFile())  # noqa: SIM115
            self.log = self.stack.enter_context(repo.stream(*args, errors=self.errors))
            assert self.log.stdout is not None
            _widen_pipe(self.log.stdout)
            self.probe = self.stack.enter_context(
                repo.stream(
                    "rev-parse",
                    "--is-shallow-repository",
                    "--verify",
                    "-q",
                    rev,
                    errors=subprocess.DEVNULL,
                )
            )
        except GitError:  # the only one Repo.stream raises: no git to start
            self.cancel()
            raise GitError(_NO_GIT) from None
        except BaseException:
            self.cancel()
            raise

    def result(self) -> History:
        """The history; parsed while git is still writing, so the wall time is git's
        plus the last chunk."""
        try:
            return self._read()
        finally:
            self.cancel()

    def cancel(self) -> None:
        """Stop git (if it still runs) and let go of its pipes."""
        log = getattr(self, "log", None)
        if log is not None and log.poll() is None:
            log.kill()
        self.stack.close()

    def _read(self) -> History:
        root, rev = self.root, self.rev
        assert self.probe.stdout is not None and self.log.stdout is not None
        lines = self.probe.stdout.read().split()
        probed = self.probe.wait()
        if rev != "HEAD" and probed != 0 and lines:
            raise GitError(f"{root}: {rev!r} names no commit; give a branch, tag or commit id")
        if probed != 0 or not lines:
            inside = _git(root, "rev-parse", "--is-inside-work-tree", check=False)
            if inside.returncode != 0:
                log.warning(
                    "%s: not a Git repository; dates and authors are unknown "
                    "(run git init and commit the articles)",
                    root,
                )
            else:
                log.warning(
                    "%s: the Git repository has no commits yet; dates and authors are "
                    "unknown until the articles are committed",
                    root,
                )
            return History(as_of=self.cutoff)
        if lines[0] == "true":
            raise GitError(
                f"{root}: the Git repository is a shallow clone, so article dates "
                f"and authors would be wrong; {SHALLOW_FIX}"
            )
        try:
            history = _parse(_stream(self.log.stdout), self.cutoff)
        finally:
            self.log.stdout.close()
            status = self.log.wait()
        if status != 0:
            self.errors.seek(0)
            message = self.errors.read().decode("utf-8", "replace").strip().splitlines()
            raise GitError(
                f"{root}: git log failed: {message[-1] if message else 'exit ' + str(status)}"
            )
        return history


def _widen_pipe(stream: IO[str]) -> None:
    """Let git write ahead of the parser (Linux): 1 MiB of pipe instead of 64 KiB.

    When the parser is off the CPU for a moment (the articles load beside it), git
    would otherwise stop at a full pipe and the whole pass would wait for the slower
    of the two.
    """
    try:
        import fcntl

        fcntl.fcntl(stream.fileno(), getattr(fcntl, "F_SETPIPE_SZ", 1031), 1 << 20)
    except (ImportError, OSError, ValueError):  # not Linux, or over the system's limit
        pass


def parse_log(text: str, *, as_of: dt.datetime | None = None) -> History:
    """Build a History from the output of the ``git log`` call in :func:`read_history`."""
    return _parse(iter(text.split(_RS)), as_of)


def _stream(stream: IO[str], size: int = 1 << 16) -> Iterator[str]:
    """Records (text between record separators) as they arrive."""
    buffer = ""
    while data := stream.read(size):
        buffer += data
        parts = buffer.split(_RS)
        buffer = parts.pop()
        yield from parts
    if buffer:
        yield buffer


def _parse(records: Iterator[str], as_of: dt.datetime | None) -> History:
    with paused_gc():
        listed: list[Record] = []
        seen: set[str] = set()
        children_first = True
        # Whether git listed every child before its parents (see _oldest_first), checked
        # as the records arrive, while git still writes, rather than after the last one.
        for record in _records(records):
            commit = record[0]
            if children_first and not seen.isdisjoint(commit.parents):
                children_first = False
            seen.add(commit.sha)
            listed.append(record)
        return _replay(listed[::-1] if children_first else _oldest_first(listed), as_of)


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a history (or a report) is built.

    A big history is hundreds of thousands of small tuples, none of them in a
    reference cycle; with the collector on, each time the heap grows by a quarter it
    rescans all of them (a fifth to a third of the parse time on the replayed real
    history). Reference counting
    still frees everything. On the way out, what survived is moved straight to the
    oldest generation (``freeze`` + ``unfreeze``: two list splices), where the
    collector would have put it after scanning it twice; it is scanned again at the
    next full collection, like any long-lived data. A program that froze objects
    itself (``gc.get_freeze_count()``) is left alone.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if gc.get_freeze_count() == 0:
                gc.freeze()
                gc.unfreeze()
            gc.enable()


def _replay(records: list[Record], as_of: dt.datetime | None) -> History:
    current: dict[str, list[Change]] = {}
    gone: list[tuple[str, list[Change]]] = []
    dead: dict[str, list[Change]] = {}  # deleted paths, in case they come back
    commits: list[Commit] = []
    for commit, changes in records:
        if as_of is not None and commit.committed > as_of:
            continue
        commits.append(commit)
        if commit.merge:
            for change in changes:
                _attach_merge(current, change)
            continue
        for change in changes:
            status, path, old = change[3], change[4], change[5]
            if status == "R" and old is not None:
                record = current.pop(old, None)
                if record is None:
                    record = dead.pop(old, None) or []
                existing = current.get(path)
                if existing is not None and existing is not record:
                    # Renamed onto a path that already existed: that file's history ends.
                    gone.append((path, existing))
                record.append(change)
                current[path] = record
            elif status == "D":
                record = current.pop(path, None)
                if record is not None:
                    record.append(change)
                    dead[path] = record
            else:  # A, M
                record = current.get(path)
                if record is None:
                    record = dead.pop(path, None) or []
                    current[path] = record
                record.append(change)
    files = {path: _file_history(path, changes) for path, changes in current.items() if changes}
    deleted = [_file_history(path, changes) for path, changes in (*gone, *dead.items()) if changes]
    return History(
        files=files,
        commits=tuple(commits),
        deleted=tuple(deleted),
        as_of=as_of,
        head=commits[-1].sha if commits else None,
    )


Record = tuple[Commit, list[Change]]
_new_tuple = tuple.__new__


def _oldest_first(records: list[Record]) -> list[Record]:
    """git log's default order (newest first, streamed) turned into parents-first order,
    for a log that listed some parent before its child (clocks skewed across branches;
    :func:`_parse` checks that while git writes): a topological sort.

    ``--date-order --reverse`` would do it in git, but makes git walk the whole graph
    before it prints anything (about 1.5x the time of the log itself).
    """
    by_sha = {commit.sha: (commit, entries) for commit, entries in records}
    order: list[Record] = []
    seen: set[str] = set()
    for commit, _ in reversed(records):
        stack = [(commit.sha, False)]
        while stack:
            sha, ready = stack.pop()
            if ready:
                order.append(by_sha[sha])
                continue
            if sha in seen or sha not in by_sha:
                continue
            seen.add(sha)
            stack.append((sha, True))
            stack.extend((p, False) for p in by_sha[sha][0].parents if p not in seen)
    return order


def _attach_merge(current: dict[str, list[Change]], change: Change) -> None:
    """A merge's entry repeats what its branch commits did; only note it on the record."""
    record = current.get(change.path)
    if record is None and change.old_path:
        record = current.get(change.old_path)
    if record is None:
        if change.status == "D":
            return
        # Only a merge (say, a conflict resolution) made this file: keep it.
        record = current[change.path] = []
    record.append(change)


def _file_history(path: str, changes: list[Change]) -> FileHistory:
    return FileHistory(path, tuple(changes))


def _records(chunks: Iterator[str]) -> Iterator[Record]:
    """Each commit of the log and its file changes, in git's order."""
    for chunk in chunks:
        if not chunk:
            continue
        head, _, body = chunk.partition("\0")
        fields = head.split(_FS)
        if len(fields) < 10:
            raise GitError(
                f"unexpected git log output near {chunk[:60]!r}; report this with your git version"
            )
        sha, parents, adate, cdate, author, email, committer, trailers, subject = fields[:9]
        proposal = fields[9].split(_LS, 1)[0].strip()
        parent_shas = tuple(parents.split())
        # In UTC (one shared tzinfo): comparing a million dates stays cheap.
        date = dt.datetime.fromisoformat(adate).astimezone(dt.UTC)
        committed = date if cdate == adate else dt.datetime.fromisoformat(cdate).astimezone(dt.UTC)
        approved = tuple(t.strip() for t in trailers.split(_LS) if t.strip()) if trailers else ()
        commit = _new_tuple(
            Commit,
            (
                sha,
                parent_shas,
                date,
                committed,
                author,
                email,
                committer,
                approved,
                subject,
                proposal,
            ),
        )
        yield commit, _changes(body, sha, date, author, len(parent_shas) > 1, email)


def _changes(
    body: str, sha: str, date: dt.datetime, author: str, merge: bool, email: str
) -> list[Change]:
    """``-z --name-status`` entries (status NUL path [NUL new path] NUL ...) as Changes."""
    out: list[Change] = []
    parts = iter(body.lstrip("\n").split("\0"))
    old: str | None
    for status in parts:
        if not status:
            continue
        kind = status[0]
        if kind == "R":
            old = next(parts)
        elif kind == "C":  # a copy is a new file as far as history goes
            next(parts)
            kind, old = "A", None
        else:
            old = None
            if kind not in "AD":  # T (type change) and the rest count as changes
                kind = "M"
        # tuple.__new__ skips NamedTuple's Python-level __new__: a million of these.
        out.append(_new_tuple(Change, (sha, date, author, kind, next(parts), old, merge, email)))
    return out


def _cutoff(as_of: dt.datetime | dt.date | None) -> dt.datetime | None:
    """A date means the end of that day (UTC); a naive datetime is taken as UTC."""
    if as_of is None:
        return None
    if not isinstance(as_of, dt.datetime):
        return dt.datetime.combine(as_of, dt.time.max, tzinfo=dt.UTC)
    return as_of if as_of.tzinfo else as_of.replace(tzinfo=dt.UTC)


class _Result(NamedTuple):
    returncode: int
    stdout: str


def _git(root: Path, *args: str, check: bool = True) -> _Result:
    try:
        result = Repo(root).run(*args, check=False)
    except GitError:
        raise GitError(_NO_GIT) from None
    if check and result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        verb = next((a for a in args if not a.startswith("-") and "=" not in a), "")
        raise GitError(
            f"{root}: git {verb} failed: "
            f"{message[-1] if message else 'exit ' + str(result.returncode)}"
        )
    return _Result(result.returncode, result.stdout.decode("utf-8", "surrogateescape"))


def iter_changes(history: History) -> Iterable[tuple[str, Change]]:
    """Every (current path, change) pair, for reports that count activity."""
    for path, file in history.files.items():
        for change in file.changes:
            yield path, change
