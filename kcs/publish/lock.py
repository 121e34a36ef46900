"""One publisher at a time per server folder: an advisory lock (flock) on a file.

The kernel drops the lock when its holder exits, however it exits, so a publisher
that was killed never blocks the next one; the holder writes its pid and commit into
the file so that a waiting publisher can say who it waits for, and the next holder
can tell that the last one did not finish.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import logging
import os
import time
from collections.abc import Iterator
from pathlib import Path

from ..errors import KcsError

log = logging.getLogger(__name__)


class LockBusy(KcsError):
    """Another publisher holds the lock for longer than we may wait."""


@contextlib.contextmanager
def hold(path: Path, what: str, *, wait: float) -> Iterator[str]:
    """Hold the lock at ``path``; yield what the previous holder left in it ("" if done)."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise KcsError(f"{path}: cannot open the publish lock ({exc.strerror})") from None
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    holder = _read(fd) or "another publisher"
                    raise LockBusy(
                        f"{path}: held by {holder}; waited {wait:g} s, try again "
                        "later or wait longer with --wait"
                    ) from None
                time.sleep(0.2)
        left = _read(fd)
        if left:
            log.warning("%s: the last publisher (%s) did not finish; cleaning up", path, left)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} publishing {what}".encode(), 0)
        os.fsync(fd)
        try:
            yield left
        finally:
            # An empty file says "finished"; the kernel releases the lock on close.
            os.ftruncate(fd, 0)
    finally:
        os.close(fd)


def _read(fd: int) -> str:
    try:
        return os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
    except OSError:
        return ""
