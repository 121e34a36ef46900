"""Small file-system helpers: atomic writes and paths that cannot escape a root."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import tempfile
from pathlib import Path, PurePosixPath
from stat import S_ISDIR, S_ISREG
from typing import Any

from .errors import KcsError


def atomic_write(path: Path, data: str | bytes, *, encoding: str = "utf-8") -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename.

    A reader sees either the old file or the new one, never half of it; a crash
    leaves at most a stray temporary file beside the target.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data.encode(encoding) if isinstance(data, str) else data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def link_or_copy(source: Path, target: Path) -> None:
    """Make ``target`` the file ``source`` is, as a hard link (a copy across file systems
    or where links are not allowed); its folders are made as needed. Neither file is
    ever written to afterwards, so the two may share their data.

    ``source`` must be a regular file: a symbolic link is refused (OSError), wherever
    it leads, so that nothing outside an earlier site is ever taken into a new one.
    """
    if not S_ISREG(os.lstat(source).st_mode):
        raise OSError(errno.EINVAL, "not a regular file", str(source))
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:
        shutil.copy2(source, target, follow_symlinks=False)


def entries(root: Path) -> dict[str, bool]:
    """Relative path → whether it is a regular file, for everything under ``root`` but
    its folders; symbolic links (to folders too) are listed, never followed."""
    found = {}

    def fail(error: OSError) -> None:
        raise error  # a folder that cannot be read: not a listing of all of it

    for folder, dirs, files in os.walk(root, onerror=fail):
        for name in [*dirs, *files]:
            path = Path(folder, name)
            mode = path.lstat().st_mode
            if not S_ISDIR(mode):
                found[path.relative_to(root).as_posix()] = S_ISREG(mode)
    return found


def append_line(path: Path, line: str) -> None:
    """Add ``line`` to the text file ``path``: the whole file is rewritten through
    :func:`atomic_write`, so a reader never sees half a line (logs of a few lines a day)."""
    old = path.read_text(encoding="utf-8") if path.is_file() else ""
    if old and not old.endswith("\n"):
        old += "\n"
    atomic_write(path, old + line + "\n")


def user_name() -> str:
    """The user this process runs as, for messages that say whom to give a file to."""
    import pwd

    try:
        return pwd.getpwuid(os.geteuid()).pw_name
    except KeyError:  # a uid without a passwd entry (a container's arbitrary uid)
        return str(os.geteuid())


def read_state(path: Path, key: str, kind: type, what: str, lost: str) -> Any:
    """``key`` of the JSON state file ``path`` (None when there is no file yet), which must
    be a ``kind``; a damaged file is an error naming it and ``lost``: what moving the file
    away costs (state is never silently reset)."""
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        value = data[key]
        if not isinstance(value, kind):
            raise TypeError
    except (ValueError, KeyError, TypeError) as exc:
        raise KcsError(
            f"{path}: not a {what} state file ({exc.__class__.__name__}); move it away "
            f"only if you accept that {lost}"
        ) from None
    return value


def inside(root: Path, relative: str, *, what: str = "path") -> Path:
    """Resolve ``relative`` under ``root`` and refuse anything that escapes it.

    Used for every path that comes from front matter, kcs.yml or a mapping file.
    """
    pure = PurePosixPath(relative.replace("\\", "/"))
    if pure.is_absolute() or relative.startswith("~"):
        raise KcsError(f"{what} {relative!r} must be relative to {root}")
    resolved = (root / pure).resolve()
    base = root.resolve()
    if resolved != base and base not in resolved.parents:
        raise KcsError(f"{what} {relative!r} leads outside {root}; use a path inside it")
    return resolved


def posix(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` with forward slashes (how Git names files)."""
    return Path(path).resolve().relative_to(root.resolve()).as_posix()
