"""Which tree entries may reach the official branch at all, whoever approves them.

Git stores whatever names a tree object holds; the file system a clone checks
out to does not. A name with ``..`` components escapes its folder, one that
differs from another only in case overwrites it on macOS and Windows, a symbolic
link makes the build copy a file from outside the repository, and a submodule
makes a clone fetch another one. None of them can be approved: the rules here
are refusals, checked by the gate and by the server's pre-receive hook alike.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence

from ..git import GITLINK, SYMLINK
from .diff import Change

#: Modes of entries that are regular files (plain and executable).
REGULAR = frozenset({"100644", "100755"})
_NAMES = {SYMLINK: "a symbolic link", GITLINK: "a submodule"}


def name_problem(path: str) -> str | None:
    """Why ``path`` may not be a tree entry on main, or None."""
    if any(0xDC80 <= ord(ch) <= 0xDCFF for ch in path):
        return "the name is not UTF-8"
    if "\\" in path:
        return "the name holds a backslash"
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in path):
        return "the name holds a control or invisible formatting character"
    parts = path.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return "the name has an empty, '.' or '..' component"
    if any(
        part.casefold() in (".git", ".git.") or part.casefold().startswith(".git ")
        for part in parts
    ):
        return "the name has a '.git' component"
    if unicodedata.normalize("NFC", path) != path:
        return "the name is not in Unicode normal form C"
    return None


def _shown(path: str) -> str:
    return path.encode("utf-8", "backslashreplace").decode("ascii", "backslashreplace")


def path_problems(changes: Sequence[Change], tree: Iterable[str] = ()) -> list[str]:
    """One line per forbidden entry the change brings: ``<path>: <rule>``.

    ``tree`` is every path of the resulting tree, for the case-fold collision check.
    """
    problems: list[str] = []
    tree = list(tree)
    # Git writes each name once; a hand-made tree may hold one twice, and then a diff and
    # a checkout disagree on which of the two counts
    seen: set[str] = set()
    for path in tree:
        if path in seen:
            problems.append(
                f"{_shown(path)}: the tree names it twice (a duplicate entry); "
                "commit it once with git add"
            )
        seen.add(path)
    added: list[str] = []
    for change in changes:
        if change.new_path is None:
            continue
        path = change.new_path
        why = name_problem(path)
        if why:
            problems.append(f"{_shown(path)!r}: {why}; rename it")
            continue
        if change.new_mode and change.new_mode not in REGULAR:
            kind = _NAMES.get(change.new_mode, f"a tree entry of mode {change.new_mode}")
            problems.append(
                f"{path}: {kind} is refused (only regular files may be committed); "
                "commit the file itself"
            )
            continue
        added.append(path)
    if added:
        folded: dict[str, set[str]] = {}
        for path in {*tree, *added}:
            parts = path.split("/")
            # a collision of a folder name collides everything under it
            for depth in range(1, len(parts) + 1):
                prefix = "/".join(parts[:depth])
                folded.setdefault(unicodedata.normalize("NFKC", prefix).casefold(), set()).add(
                    prefix
                )
        for path in added:
            parts = path.split("/")
            for depth in range(1, len(parts) + 1):
                prefix = "/".join(parts[:depth])
                same = folded.get(unicodedata.normalize("NFKC", prefix).casefold(), set())
                if len(same) > 1:
                    others = ", ".join(sorted(same - {prefix}))
                    problems.append(
                        f"{path}: its name collides with {others} when case is ignored "
                        "(one overwrites the other on macOS and Windows); rename it"
                    )
                    break
    return list(dict.fromkeys(problems))
