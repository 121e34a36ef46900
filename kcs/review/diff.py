"""Read what changed between two commits, as plain values, in a fixed number of Git calls.

One ``git diff --raw`` gives status, modes and blob ids (renames and copies
detected), one ``git diff --numstat`` says which files are binary, and one
``git cat-file --batch`` reads every article blob on both sides. Front matter is
parsed with :func:`kcs.article.parse_article` against the *base* configuration.
Git runs through :mod:`kcs.git`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..article import Article, parse_article
from ..config import Config
from ..git import GITLINK, SYMLINK, Repo


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


def _looks_binary(data: bytes) -> bool:
    return b"\0" in data[:8000]


def raw_diff(repo: Repo, base: str, head: str) -> list[RawEntry]:
    """``git diff --raw -M`` from ``base`` to ``head`` as entries."""
    return parse_raw(repo.run("diff", "--raw", *_diff_args(base, head)).stdout)


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
    repo: Repo,
    base: str,
    head: str,
    config: Config,
    *,
    with_text: bool = False,
) -> list[Change]:
    """The changes from ``base`` to ``head`` (commit ids), article front matter parsed.

    Renames are detected (``-M``) so that a rename that also widens the audience is
    judged as one change of one article, old side against new side.
    """
    entries = raw_diff(repo, base, head)
    if not entries:
        return []
    binary = _binary_paths(repo.run("diff", "--numstat", *_diff_args(base, head)).stdout)
    blobs = repo.read_blobs(wanted_blobs(entries, with_text=with_text))
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
