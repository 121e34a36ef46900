"""Helpers for tests: real Git repositories with a fixed identity (import as ``gitrepo``)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
CORPUS = REPO_ROOT.parent / "shared" / "corpus"

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test Author",
    "GIT_AUTHOR_EMAIL": "author@example.org",
    "GIT_COMMITTER_NAME": "Test Committer",
    "GIT_COMMITTER_EMAIL": "committer@example.org",
    "GIT_CONFIG_NOSYSTEM": "1",
}

#: The pinned identity; tests in which each clone commits as its own person drop it.
IDENTITY_VARIABLES = (
    "GIT_AUTHOR_NAME",
    "GIT_AUTHOR_EMAIL",
    "GIT_COMMITTER_NAME",
    "GIT_COMMITTER_EMAIL",
)


def unpin_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    """From here on each clone commits as the person its own Git config names."""
    for name in IDENTITY_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def git(cwd: Path, *args: str, env: dict[str, str] | None = None) -> str:
    """Run git in ``cwd`` and return its stdout; fail the test on a non-zero exit."""
    result = subprocess.run(
        ["git", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
    )
    if result.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {result.stderr.strip()}")
    return result.stdout


def init_repo(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    git(path, "config", "commit.gpgsign", "false")
    return path


def commit_all(
    path: Path, message: str, *, date: str | None = None, author: str | None = None
) -> str:
    """Stage everything and commit; ``date`` is ISO 8601, ``author`` 'Name <mail>'."""
    env = {}
    if date:
        env = {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    git(path, "add", "-A")
    args = ["commit", "-q", "--allow-empty", "-m", message]
    if author:
        args += ["--author", author]
    git(path, *args, env=env)
    return git(path, "rev-parse", "HEAD").strip()


@contextmanager
def git_identity() -> Iterator[None]:
    """GIT_ENV in os.environ for the block, restored after it: for repositories made
    outside the fixture that sets it (session and module fixtures)."""
    saved = {k: os.environ.get(k) for k in GIT_ENV}
    os.environ.update(GIT_ENV)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def record_git_calls(folder: Path) -> tuple[Path, str]:
    """A ``git`` in ``folder/bin`` that appends its arguments to ``folder/calls.txt`` and
    runs the real git: put the returned PATH in the environment, then read the file."""
    import stat

    real = next(
        Path(p) / "git" for p in os.environ["PATH"].split(os.pathsep) if (Path(p) / "git").is_file()
    )
    shim = folder / "bin"
    shim.mkdir()
    calls = folder / "calls.txt"
    (shim / "git").write_text(f'#!/bin/sh\necho "$@" >> {calls}\nexec {real} "$@"\n')
    (shim / "git").chmod(stat.S_IRWXU)
    return calls, f"{shim}{os.pathsep}{os.environ['PATH']}"
