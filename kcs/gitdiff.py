"""Read what changed between two commits, as plain values, in a fixed number of Git calls.

One ``git diff --raw`` gives status, modes and blob ids (renames and copies
detected), one ``git diff --numstat`` says which files are binary, and one
``git cat-file --batch`` reads every article blob on both sides. Front matter is
parsed with :func:`kcs.article.parse_article` against the *base* configuration.

Git is always run with the hook variables (``GIT_DIR``, ``GIT_INDEX_FILE``,
``GIT_WORK_TREE`` ...) stripped, so ``kcs`` behaves the same when it runs inside
someone's Git hook; a pre-receive hook passes ``keep_objects=True`` so that Git
still sees the quarantined objects of the push being checked.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .article import Article, parse_article
from .config import Config
from .errors import GitError, UsageError

ZERO = "0" * 40

#: Variables Git sets for hooks; inherited, they would point kcs at another repository.
HOOK_VARIABLES: tuple[str, ...] = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_PREFIX",
    "GIT_COMMON_DIR",
    "GIT_NAMESPACE",
    "GIT_CEILING_DIRECTORIES",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_QUARANTINE_PATH",
    "GIT_EDITOR",
)
_OBJECT_VARIABLES = (
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_QUARANTINE_PATH",
)

#: Modes Git uses for things that are not plain files.
SYMLINK, GITLINK = "120000", "160000"


def git_env(
    *, keep_objects: bool = False, extra: Mapping[str, str] | None = None
) -> dict[str, str]:
    env = dict(os.environ)
    for name in HOOK_VARIABLES:
        if keep_objects and name in _OBJECT_VARIABLES:
            continue
        env.pop(name, None)
    env.setdefault("GIT_TERMINAL_PROMPT", "0")
    env["LC_ALL"] = "C"
    if extra:
        env.update(extra)
    return env


def run_git(
    root: Path,
    *args: str,
    input: bytes | None = None,
    check: bool = True,
    keep_objects: bool = False,
    env: Mapping[str, str] | None = None,
) -> subprocess.CompletedProcess[bytes]:
    """Run ``git args`` in ``root``; raise :class:`GitError` with Git's first line on failure."""
    try:
        result = subprocess.run(
            ["git", *args],
            cwd=root,
            input=input,
            capture_output=True,
            check=False,
            env=git_env(keep_objects=keep_objects, extra=env),
        )
    except FileNotFoundError:
        raise GitError("git is not installed or not on PATH; install Git 2.34 or newer") from None
    if check and result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        first = message[-1] if message else f"exit status {result.returncode}"
        raise GitError(f"git {args[0]} failed: {first}")
    return result


def git_text(root: Path, *args: str, keep_objects: bool = False) -> str:
    return run_git(root, *args, keep_objects=keep_objects).stdout.decode("utf-8", "replace")


def resolve_commit(root: Path, ref: str, *, keep_objects: bool = False) -> str:
    """The commit id ``ref`` names, or :class:`UsageError` (exit 2) naming the ref."""
    if not ref or ref.startswith("-"):
        raise UsageError(f"{ref!r} is not a Git revision")
    result = run_git(
        root,
        "rev-parse",
        "--verify",
        "--quiet",
        f"{ref}^{{commit}}",
        check=False,
        keep_objects=keep_objects,
    )
    if result.returncode != 0:
        raise UsageError(f"unknown revision {ref!r}: no such branch, tag or commit in {root}")
    return result.stdout.decode().strip()


@dataclass(frozen=True)
class Change:
    """One changed path. ``old_*`` is None for additions, ``new_*`` for deletions.

    ``old_article``/``new_article`` are set for Markdown files under articles/ whose
    front matter could be read; ``old_problem``/``new_problem`` say why not otherwise.
    """

    status: str  # A, M, D, R, C or T
    old_path: str | None
    new_path: str | None
    old_mode: str | None = None
    new_mode: str | None = None
    binary: bool = False
    old_article: Article | None = None
    new_article: Article | None = None
    old_problem: str | None = None
    new_problem: str | None = None
    old_text: str | None = None
    new_text: str | None = None

    @property
    def path(self) -> str:
        return self.new_path or self.old_path or ""

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p for p in (self.old_path, self.new_path) if p))

    def label(self) -> str:
        if self.status in ("R", "C") and self.old_path != self.new_path:
            return f"{self.old_path} -> {self.new_path}"
        return self.path


def is_article_path(path: str | None) -> bool:
    return bool(path) and path.startswith("articles/") and path.endswith(".md")  # type: ignore[union-attr]


@dataclass(frozen=True)
class RawEntry:
    status: str
    old_mode: str
    new_mode: str
    old_blob: str
    new_blob: str
    old_path: str | None
    new_path: str | None


def parse_raw(data: bytes) -> list[RawEntry]:
    fields = data.split(b"\0")
    out: list[RawEntry] = []
    i = 0
    while i < len(fields) and fields[i]:
        meta = fields[i].decode().lstrip(":").split()
        old_mode, new_mode, old_blob, new_blob, status = meta[:5]
        letter = status[0]
        first = fields[i + 1].decode("utf-8", "surrogateescape")
        if letter in ("R", "C"):
            second = fields[i + 2].decode("utf-8", "surrogateescape")
            out.append(RawEntry(letter, old_mode, new_mode, old_blob, new_blob, first, second))
            i += 3
            continue
        old_path = None if letter == "A" else first
        new_path = None if letter == "D" else first
        out.append(RawEntry(letter, old_mode, new_mode, old_blob, new_blob, old_path, new_path))
        i += 2
    return out


def _binary_paths(data: bytes) -> set[str]:
    """Paths ``git diff --numstat -z`` reports as binary (``-<TAB>-``)."""
    out: set[str] = set()
    fields = data.split(b"\0")
    i = 0
    while i < len(fields) and fields[i]:
        head = fields[i].decode("utf-8", "surrogateescape")
        parts = head.split("\t")
        binary = parts[0] == "-" and parts[1] == "-"
        if len(parts) >= 3 and parts[2]:
            if binary:
                out.add(parts[2])
            i += 1
        else:  # rename: "a\tb\t" then old NUL new
            if binary:
                out.add(fields[i + 2].decode("utf-8", "surrogateescape"))
                out.add(fields[i + 1].decode("utf-8", "surrogateescape"))
            i += 3
    return out


def read_blobs(root: Path, ids: Iterable[str], *, keep_objects: bool = False) -> dict[str, bytes]:
    """Contents of many blobs through one ``git cat-file --batch``."""
    wanted = [i for i in dict.fromkeys(ids) if i and i != ZERO]
    if not wanted:
        return {}
    result = run_git(
        root,
        "cat-file",
        "--batch",
        input=("\n".join(wanted) + "\n").encode(),
        keep_objects=keep_objects,
    )
    data = result.stdout
    out: dict[str, bytes] = {}
    pos = 0
    for ident in wanted:
        end = data.index(b"\n", pos)
        header = data[pos:end].split()
        pos = end + 1
        if len(header) < 3 or header[1] == b"missing":
            continue
        size = int(header[2])
        out[ident] = data[pos : pos + size]
        pos += size + 1
    return out


def read_file_at(root: Path, commit: str, path: str, *, keep_objects: bool = False) -> str | None:
    """Text of ``path`` in ``commit``, or None when it is not there."""
    result = run_git(
        root, "cat-file", "blob", f"{commit}:{path}", check=False, keep_objects=keep_objects
    )
    if result.returncode != 0:
        return None
    return result.stdout.decode("utf-8", "replace")


def _looks_binary(data: bytes) -> bool:
    return b"\0" in data[:8000]


def raw_diff(root: Path, base: str, head: str, *, keep_objects: bool = False) -> list[RawEntry]:
    """``git diff --raw -M`` from ``base`` to ``head`` as entries."""
    raw = run_git(root, "diff", "--raw", *_diff_args(base, head), keep_objects=keep_objects).stdout
    return parse_raw(raw)


def _diff_args(base: str, head: str) -> list[str]:
    return ["--no-ext-diff", "--no-textconv", "-z", "-M", "--no-abbrev", base, head, "--"]


def wanted_blobs(entries: Iterable[RawEntry], *, with_text: bool = False) -> list[str]:
    """Blob ids worth reading: articles on both sides (or everything with ``with_text``)."""
    wanted: list[str] = []
    for entry in entries:
        if with_text or is_article_path(entry.old_path) or is_article_path(entry.new_path):
            if entry.old_mode not in (SYMLINK, GITLINK):
                wanted.append(entry.old_blob)
            if entry.new_mode not in (SYMLINK, GITLINK):
                wanted.append(entry.new_blob)
    return wanted


def read_changes(
    root: Path,
    base: str,
    head: str,
    config: Config,
    *,
    keep_objects: bool = False,
    with_text: bool = False,
) -> list[Change]:
    """The changes from ``base`` to ``head`` (commit ids), article front matter parsed.

    Renames are detected (``-M``) so that a rename that also widens the audience is
    judged as one change of one article, old side against new side.
    """
    entries = raw_diff(root, base, head, keep_objects=keep_objects)
    if not entries:
        return []
    binary = _binary_paths(
        run_git(
            root, "diff", "--numstat", *_diff_args(base, head), keep_objects=keep_objects
        ).stdout
    )
    blobs = read_blobs(root, wanted_blobs(entries, with_text=with_text), keep_objects=keep_objects)
    return build_changes(entries, blobs, config, binary=binary, with_text=with_text)


def build_changes(
    entries: Sequence[RawEntry],
    blobs: Mapping[str, bytes],
    config: Config,
    *,
    binary: set[str] | None = None,
    with_text: bool = False,
) -> list[Change]:
    """Turn raw entries and their blobs into :class:`Change` values."""
    binary = binary or set()
    changes: list[Change] = []
    for entry in entries:
        is_binary = (
            bool(binary & {p for p in (entry.old_path, entry.new_path) if p})
            or entry.new_mode in (SYMLINK, GITLINK)
            or entry.old_mode in (SYMLINK, GITLINK)
        )
        sides: dict[str, object] = {}
        for side, path, blob, mode in (
            ("old", entry.old_path, entry.old_blob, entry.old_mode),
            ("new", entry.new_path, entry.new_blob, entry.new_mode),
        ):
            data = blobs.get(blob)
            if data is None or path is None:
                continue
            if _looks_binary(data):
                is_binary = True
            text = data.decode("utf-8", "replace")
            if with_text or is_article_path(path):
                sides[f"{side}_text"] = text
            if not is_article_path(path):
                continue
            if mode in (SYMLINK, GITLINK) or _looks_binary(data):
                sides[f"{side}_problem"] = "not a text file"
                continue
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:
                sides[f"{side}_problem"] = "not UTF-8"
                continue
            article, findings = parse_article(path, text, config)
            if article is None:
                first = findings[0] if findings else None
                sides[f"{side}_problem"] = (
                    f"front matter cannot be read ({first.message})"
                    if first
                    else "front matter cannot be read"
                )
            else:
                sides[f"{side}_article"] = article
        changes.append(
            Change(
                status=entry.status,
                old_path=entry.old_path,
                new_path=entry.new_path,
                old_mode=None if entry.status == "A" else entry.old_mode,
                new_mode=None if entry.status == "D" else entry.new_mode,
                binary=is_binary,
                **sides,  # type: ignore[arg-type]
            )
        )
    return changes


def changed_paths(changes: Sequence[Change]) -> list[str]:
    return [p for c in changes for p in c.paths]
