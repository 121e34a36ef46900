"""A knowledge repository on a plain-Git server: a bare repository and a clone (import as
``pubkb``)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from gitrepo import commit_all, git, init_repo, write

KCS_YML = """\
site:
  name: Testdesk
  url: https://help.example.test/
  internal_url: https://kb.example.test/
languages: [en]
default_language: en
domains:
  accounts: {en: Accounts}
  network: {en: Network}
"""

INTERNAL_SENTENCE = "The break-glass console lives behind the blue door on floor three"


def article(aid: str, title: str, body: str, *, audience: str = "public") -> str:
    return f"""\
---
id: {aid}
title: {title}
lang: en
state: validated
audience: {audience}
reviewed: 2026-11-10
---

## Issue

{title}.

## Resolution

{body}
"""


ARTICLES = {
    "articles/accounts/reset.md": article(
        "reset", "I forgot my password", "Open the password reset page and follow it."
    ),
    "articles/network/vpn.md": article(
        "vpn", "VPN does not connect from home", "Restart the VPN client and sign in again."
    ),
    "articles/accounts/breakglass.md": article(
        "breakglass",
        "Break-glass procedure for locked tenants",
        f"{INTERNAL_SENTENCE}. Ask the duty manager for the key.",
        audience="internal",
    ),
}


def make_server(base: Path) -> tuple[Path, Path]:
    """``base/server.git`` (bare, main) and ``base/work`` (a clone with the articles pushed)."""
    bare = base / "server.git"
    git(base, "init", "-q", "--bare", "-b", "main", str(bare))
    work = init_repo(base / "work")
    write(work / "kcs.yml", KCS_YML)
    for rel, text in ARTICLES.items():
        write(work / rel, text)
    commit_all(work, "Articles", date="2026-11-15T10:00:00+01:00")
    git(work, "remote", "add", "origin", str(bare))
    git(work, "push", "-q", "origin", "main")
    return bare, work


def change(work: Path, rel: str, text: str, message: str) -> str:
    """Commit one file in the clone and push it to the server; return the commit."""
    write(work / rel, text)
    sha = commit_all(work, message)
    git(work, "push", "-q", "origin", "main")
    return sha


def live_page(dest: Path, site: str, rel: str) -> str:
    return (dest / "live" / site / rel).read_text(encoding="utf-8")


HOLDER = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)
fcntl.flock(fd, fcntl.LOCK_EX)
os.ftruncate(fd, 0)
os.pwrite(fd, f"pid {os.getpid()} publishing main".encode(), 0)
os.makedirs(sys.argv[2], exist_ok=True)
print("held", flush=True)
time.sleep(120)
"""


def hold_lock(dest: Path) -> subprocess.Popen[str]:
    scratch = dest / "releases" / ".build-20261204T000000000000Z-000000000000"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(dest / "publish.lock"), str(scratch)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline() == "held\n"
    return holder
