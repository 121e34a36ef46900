"""Run ``kcs`` as a user who cannot write where it is told to (import as ``unprivileged``).

The suite runs as root in CI, and root writes anywhere whatever the permission bits say, so
a folder the publisher or the ingest "cannot write" must be tried by someone else:

- as root, the command runs as ``nobody`` (uid 65534, ``setpriv`` from util-linux), and a
  folder it may not write belongs to root, as after an administrator ran kcs once by hand;
- as root with a Python or a checkout ``nobody`` cannot read (under /root), it runs as root
  without the capabilities that let root ignore permission bits, and a folder is denied by
  its mode;
- as any other user, it runs as that user, and a folder is denied by its mode.

:func:`workspace` makes a folder every one of them can reach (pytest's own temporary
folders are private to the user running the tests).
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

NOBODY = 65534
KCS = [sys.executable, "-c", "from kcs.cli import main; main()"]


@dataclass(frozen=True)
class Runner:
    prefix: tuple[str, ...]  # what runs a command as the unprivileged user
    uid: int  # whom the folders that user may write belong to
    name: str  # the user's name, as kcs says it in its messages
    by_owner: bool  # a folder is denied by handing it to root (else by its mode)

    def run(self, *args: str, home: Path) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
        env["HOME"] = str(home)
        return subprocess.run(
            [*self.prefix, *KCS, *args], capture_output=True, text=True, env=env, timeout=600
        )

    def give(self, path: Path) -> None:
        """Let the user write ``path`` and everything under it."""
        for entry in [path, *path.rglob("*")]:
            if entry.is_symlink():
                os.lchown(entry, self.uid, self.uid)
                continue
            os.chown(entry, self.uid, self.uid)
            entry.chmod(entry.stat().st_mode | (0o700 if entry.is_dir() else 0o600))

    def deny(self, path: Path, *, read: bool = False) -> None:
        """Take ``path`` (only it) away from the user; they may still read it, unless
        ``read``."""
        mode = path.stat().st_mode & ~(0o666 if read else 0o222)
        if self.by_owner:
            os.chown(path, 0, 0)
            mode = path.stat().st_mode & ~(0o066 if read else 0)
        path.chmod(mode)


@cache
def runner() -> Runner | str:
    """The unprivileged runner here, or why there is none."""
    me = os.geteuid()
    if me != 0:
        return Runner((), me, pwd.getpwuid(me).pw_name, by_owner=False)
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return "setpriv (util-linux) is not installed"
    as_nobody = (setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups")
    probe = subprocess.run(
        [*as_nobody, sys.executable, "-c", "import sys, kcs.cli; print(sys.base_prefix)"],
        capture_output=True,
        text=True,
        cwd="/",
    )
    # nobody must run this very Python: an interpreter under /root starts for nobody
    # (setpriv execs it before it drops root's capabilities) but then finds another
    # standard library, or none
    if probe.returncode == 0 and probe.stdout.strip() == sys.base_prefix:
        return Runner(as_nobody, NOBODY, pwd.getpwuid(NOBODY).pw_name, by_owner=True)
    capless = (setpriv, "--inh-caps=-all", "--ambient-caps=-all", "--bounding-set=-all")
    probe = subprocess.run([*capless, "true"], capture_output=True)
    if probe.returncode != 0:
        return f"setpriv cannot drop root's capabilities here: {probe.stderr.decode().strip()}"
    return Runner(capless, 0, "root", by_owner=False)


@contextmanager
def workspace() -> Iterator[Path]:
    """A folder under /tmp that the unprivileged user can reach, removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="kcs-unprivileged-", dir="/tmp"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        for entry in [folder, *folder.rglob("*")]:
            if not entry.is_symlink():
                entry.chmod(entry.stat().st_mode | 0o700)
        shutil.rmtree(folder)
