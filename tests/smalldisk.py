"""A small disk of its own: a tmpfs mounted in a test's folder (import as ``smalldisk``).

Filling the real disk would disturb everything else running; a tmpfs of a few hundred
kilobytes fills in a moment, and a remount makes room again without touching its files.
Mounting takes root: elsewhere the tests that need it skip.
"""

from __future__ import annotations

import gc
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


@contextmanager
def mounted(mount: Path, size: str) -> Iterator[Path]:
    """``mount`` as a tmpfs of ``size`` (``10m``, ``400k``) for the block."""
    mount.mkdir(exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        # an SQLite connection nobody closed keeps its files open until the collector
        # frees it (its statement cache refers back to it), and the disk busy
        gc.collect()
        if subprocess.run(["umount", str(mount)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "--lazy", str(mount)], check=False)


def resize(mount: Path, size: str) -> None:
    """Give the disk another size, its files kept: room again after it filled."""
    subprocess.run(["mount", "-o", f"remount,size={size}", str(mount)], check=True)
