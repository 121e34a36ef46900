"""The one door to Git: every ``git`` process the package starts is started here.

One environment rule: the variables Git sets for hooks and for its own children
(``GIT_DIR``, ``GIT_INDEX_FILE``, ``GIT_WORK_TREE`` ...) are stripped, so kcs reads
the repository it was pointed at even when it runs inside someone's hook, and
``LC_ALL=C`` keeps Git's messages parseable. One exception, carried by the
:class:`Repo` value rather than by a flag on every call: a pre-receive hook must
still see the quarantined objects of the push it judges, so a repository opened
with :meth:`Repo.in_hook` keeps the object-directory variables.

One batch reader (:meth:`Repo.read_blobs`) reads any number of objects through
one ``git cat-file --batch``.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from .errors import GitError, UsageError

ZERO = "0" * 40

#: Variables Git sets for hooks and subprocesses; inherited, they would point kcs at
#: another repository, index or work tree.
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
    "GIT_CONFIG",
    "GIT_CONFIG_PARAMETERS",
    "GIT_CONFIG_COUNT",
    "GIT_EXTERNAL_DIFF",
    "GIT_DIFF_OPTS",
    "GIT_REPLACE_REF_BASE",
    "GIT_NO_REPLACE_OBJECTS",
    "GIT_GRAFT_FILE",
    "GIT_SHALLOW_FILE",
)
#: Kept inside a pre-receive hook: they hold the pushed objects until Git accepts them.
QUARANTINE_VARIABLES: tuple[str, ...] = (
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_QUARANTINE_PATH",
)

#: Modes Git uses for entries that are not plain files.
SYMLINK, GITLINK = "120000", "160000"


def clean_env(
    *, quarantine: bool = False, extra: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The environment every git process runs with (see the module docstring)."""
    env = dict(os.environ)
    for name in HOOK_VARIABLES:
        if quarantine and name in QUARANTINE_VARIABLES:
            continue
        env.pop(name, None)
    # Replace refs could make a pushed object read as another one.
    env["GIT_NO_REPLACE_OBJECTS"] = "1"
    env.setdefault("GIT_TERMINAL_PROMPT", "0")
    env["LC_ALL"] = "C"
    if extra:
        env.update(extra)
    return env


def _missing_git() -> GitError:
    return GitError("git is not installed or not on PATH; install Git 2.34 or newer")


@dataclass(frozen=True)
class Repo:
    """A repository kcs reads: where it is, and whether it runs inside a pre-receive hook."""

    root: Path
    quarantine: bool = False

    @classmethod
    def of(cls, where: Repo | Path | str) -> Repo:
        return where if isinstance(where, Repo) else cls(Path(where))

    @classmethod
    def in_hook(cls, git_dir: Path) -> Repo:
        """The bare repository a pre-receive hook runs in, quarantined objects visible."""
        return cls(Path(git_dir), quarantine=True)

    # -------------------------------------------------------------- processes

    def run(
        self,
        *args: str,
        input: bytes | None = None,
        check: bool = True,
        env: Mapping[str, str] | None = None,
    ) -> subprocess.CompletedProcess[bytes]:
        """Run ``git args``; :class:`GitError` with Git's last line of error on failure."""
        try:
            result = subprocess.run(
                ["git", "-C", str(self.root), *args],
                input=input,
                capture_output=True,
                check=False,
                env=clean_env(quarantine=self.quarantine, extra=env),
            )
        except FileNotFoundError:
            raise _missing_git() from None
        if check and result.returncode != 0:
            message = result.stderr.decode("utf-8", "replace").strip().splitlines()
            first = message[-1] if message else f"exit status {result.returncode}"
            verb = next((a for a in args if not a.startswith("-") and "=" not in a), "")
            raise GitError(f"git {verb} failed: {first}")
        return result

    def text(self, *args: str) -> str:
        """Standard output of ``git args`` as text (failure raises)."""
        return self.run(*args).stdout.decode("utf-8", "surrogateescape")

    def ok(self, *args: str) -> bool:
        """Whether ``git args`` exits 0."""
        return self.run(*args, check=False).returncode == 0

    @contextmanager
    def stream(self, *args: str, errors: IO[bytes] | int) -> Iterator[subprocess.Popen[str]]:
        """``git args`` with its output read while Git still writes (large logs);
        ``errors`` receives its standard error (a file, or ``subprocess.DEVNULL``)."""
        try:
            proc = subprocess.Popen(
                ["git", "-C", str(self.root), *args],
                stdout=subprocess.PIPE,
                stderr=errors,
                text=True,
                encoding="utf-8",
                errors="surrogateescape",
                env=clean_env(quarantine=self.quarantine),
            )
        except FileNotFoundError:
            raise _missing_git() from None
        with proc:
            yield proc

    # -------------------------------------------------------------- objects

    def resolve(self, ref: str) -> str:
        """The commit id ``ref`` names, or :class:`UsageError` (exit 2) naming the ref."""
        found = self.try_resolve(ref)
        if found is None:
            raise UsageError(
                f"unknown revision {ref!r}: no such branch, tag or commit in {self.root}"
            )
        return found

    def try_resolve(self, ref: str) -> str | None:
        """The commit ``ref`` names, or None. A branch or remote-tracking branch of that
        name wins over a tag or any other ref: a pushed tag ``origin/main`` must not
        stand in for the branch a review is judged against."""
        if not ref or ref.startswith("-"):
            raise UsageError(f"{ref!r} is not a Git revision")
        candidates = [ref]
        if not ref.startswith("refs/") and "^" not in ref and "~" not in ref and ":" not in ref:
            candidates = [f"refs/heads/{ref}", f"refs/remotes/{ref}", ref]
        for name in candidates:
            result = self.run(
                "rev-parse",
                "--verify",
                "--quiet",
                "--end-of-options",
                f"{name}^{{commit}}",
                check=False,
            )
            if result.returncode == 0:
                return result.stdout.decode().strip()
        return None

    def read_blobs(self, specs: Iterable[str]) -> dict[str, bytes]:
        """Contents of many objects (ids or ``commit:path``) through one ``cat-file --batch``.

        Missing objects and objects that are not blobs are left out.
        """
        wanted = [i for i in dict.fromkeys(specs) if i and i != ZERO]
        if not wanted:
            return {}
        data = self.run("cat-file", "--batch", input=("\n".join(wanted) + "\n").encode()).stdout
        out: dict[str, bytes] = {}
        pos = 0
        for ident in wanted:
            end = data.index(b"\n", pos)
            header = data[pos:end].split()
            pos = end + 1
            if len(header) != 3 or header[-1] in (b"missing", b"ambiguous"):
                continue
            size = int(header[2])
            if header[1] == b"blob":
                out[ident] = data[pos : pos + size]
            pos += size + 1
        return out

    def file_at(self, commit: str, path: str) -> str | None:
        """Text of ``path`` in ``commit``, or None when it is not there."""
        data = self.read_blobs([f"{commit}:{path}"]).get(f"{commit}:{path}")
        return None if data is None else data.decode("utf-8", "replace")

    def is_ancestor(self, old: str, new: str) -> bool:
        return self.ok("merge-base", "--is-ancestor", old, new)
