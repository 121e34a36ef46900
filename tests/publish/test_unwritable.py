"""kcs publish run by a user who may not write the server folder, or a part of it.

Root ignores permission bits, so these run ``kcs publish`` as another user (see
tests/unprivileged.py). Each refusal is one ``Error:`` line naming what cannot be written
and the fix, exit 1, before anything is built: the live link, the releases, the publish
log and the served files stay as they were, and no half-built release is left behind.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest
from gitrepo import git_identity
from pubkb import article, change, make_server
from unprivileged import NOBODY, Runner, runner, workspace

from kcs.publish import publish

VPN = "articles/network/vpn.md"


class Server(NamedTuple):
    runner: Runner
    base: Path
    bare: Path
    work: Path
    dest: Path


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    """A server folder with one release live, published by root, and a newer commit."""
    found = runner()
    if isinstance(found, str):
        pytest.skip(f"no unprivileged user to run kcs as: {found}")
    with workspace() as base, git_identity():
        bare, work = make_server(base)
        dest = base / "srv"
        dest.mkdir()
        publish(bare, dest)
        change(work, VPN, article("vpn", "VPN", "A release the user may not publish."), "v2")
        (base / "home").mkdir()
        # Git refuses a repository that belongs to someone else unless it is trusted:
        # the server's repository belongs to root here, its publisher is another user
        (base / "home" / ".gitconfig").write_text("[safe]\n\tdirectory = *\n")
        yield Server(found, base, bare, work, dest)


def state(dest: Path) -> dict[str, str]:
    """Everything a refused publish must leave as it was: every entry of the server folder
    (links by target, files by content)."""
    seen = {}
    for path in sorted(dest.rglob("*")):
        rel = str(path.relative_to(dest))
        if path.is_symlink():
            seen[rel] = "-> " + os.readlink(path)
        elif path.is_file():
            seen[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            seen[rel] = "dir"
    return seen


@pytest.mark.parametrize(
    ("denied", "what"),
    [
        ("srv", "writable"),
        ("srv/releases", "writable"),
        ("srv/publish.lock", "writable"),
        # root's publish wrote its log for root alone: the publish would go live and
        # only then fail to add its record
        ("srv/publish-log.jsonl", "readable"),
    ],
)
def test_a_folder_the_publisher_cannot_write(server: Server, denied: str, what: str) -> None:
    user = server.runner
    user.give(server.dest)
    target = server.base / denied
    user.deny(target, read=what == "readable")
    before = state(server.dest)
    try:
        done = user.run(
            "publish",
            "--repo",
            str(server.bare),
            "--dest",
            str(server.dest),
            home=server.base / "home",
        )
    finally:
        user.give(server.dest)
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert output.startswith(f"Error: {target}: not {what} by {user.name}; ")
    assert f"chown -R {user.name} {server.dest}" in output
    assert output.count("\n") == 1, output
    assert state(server.dest) == before


def test_the_same_publish_goes_through_once_the_folder_is_given(server: Server) -> None:
    """The refusals above are about the folder: given to the user, the publish works. An
    old release it cannot delete completely (a folder in it is root's) is set apart from
    the releases, so that a rollback never goes to a release with pages missing."""
    user = server.runner
    user.give(server.dest)
    (old,) = [p for p in (server.dest / "releases").iterdir() if not p.name.startswith(".")]
    user.deny(old / "public" / "a")
    home = server.base / "home"
    done = user.run(
        "publish", "--repo", str(server.bare), "--dest", str(server.dest), "--keep", "1", home=home
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert (
        "A release the user may not publish."
        in (server.dest / "live/public/a/vpn/index.html").read_text()
    )
    releases = [p.name for p in (server.dest / "releases").iterdir()]
    assert not [name for name in releases if name.startswith(".build-")]
    assert old.name not in releases
    assert f"chown -R {user.name} {server.dest / 'releases'}" in done.stderr
    before = state(server.dest)
    back = user.run("publish", "--dest", str(server.dest), "--rollback", home=home)
    assert back.returncode == 1
    assert "no release older than the live" in back.stdout + back.stderr
    assert state(server.dest) == before


def test_a_repository_of_another_user(server: Server) -> None:
    """Git refuses to read a repository that belongs to someone else: kcs says so, not
    that it is no repository."""
    user = server.runner
    if os.geteuid() != 0:
        pytest.skip("only root can hand the repository to another user")
    other = NOBODY if user.uid == 0 else 0
    user.give(server.dest)
    before = state(server.dest)
    for path in [server.bare, *server.bare.rglob("*")]:
        os.lchown(path, other, other)
    try:
        done = user.run(
            "publish", "--repo", str(server.bare), "--dest", str(server.dest), home=server.base
        )
    finally:
        for path in [server.bare, *server.bare.rglob("*")]:
            os.lchown(path, 0, 0)
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert output == (
        f"Error: {server.bare}: belongs to another user, so Git will not read it for "
        f"{user.name}; run kcs publish as its owner, or trust it: git config --global "
        f"--add safe.directory {server.bare}\n"
    )
    assert state(server.dest) == before
