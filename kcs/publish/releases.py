"""The release folders of one server and the symlink that says which one is live."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from ..errors import KcsError
from ..fsutil import user_name

log = logging.getLogger(__name__)

#: ``20261204T183012123456Z-0123456789ab``: sorting the names sorts the releases by age.
RELEASE_NAME = re.compile(r"^(\d{8}T\d{12}Z)-([0-9a-f]{12,40})$")
SCRATCH_PREFIX = ".build-"
#: an old release on its way out: renamed first, so that a removal that stops half-way
#: (killed, or a folder in it that this user may not delete) never leaves a release with
#: pages missing among those a rollback can go back to
DOOMED_PREFIX = ".removing-"


@dataclass(frozen=True)
class Layout:
    """Where things are in a server folder (see :mod:`kcs.publish`)."""

    dest: Path

    @property
    def releases(self) -> Path:
        return self.dest / "releases"

    @property
    def live(self) -> Path:
        return self.dest / "live"

    @property
    def incoming(self) -> Path:
        """Where a release built elsewhere is uploaded before it is activated."""
        return self.dest / "incoming"

    @property
    def lock(self) -> Path:
        return self.dest / "publish.lock"

    @property
    def log(self) -> Path:
        return self.dest / "publish-log.jsonl"

    @property
    def usage_db(self) -> Path:
        return self.dest / "usage.sqlite"

    def check(self) -> None:
        """Refuse a server folder that is missing, not a folder or not writable."""
        if not self.dest.exists():
            raise KcsError(
                f"{self.dest}: the publish folder does not exist; create it "
                "(mkdir -p) and let the publishing user write to it"
            )
        if not self.dest.is_dir():
            raise KcsError(f"{self.dest}: not a folder; give --dest a folder")
        if self.releases.exists() and not self.releases.is_dir():
            raise KcsError(
                f"{self.releases}: not a folder; move it away, kcs publish keeps releases there"
            )
        # Checked before anything is built: a folder or file left to another user (kcs run
        # once by hand as root) would otherwise fail a publish half-way, after the build,
        # or after the swap when the publish log cannot be read.
        for path, mode in (
            (self.dest, os.W_OK | os.X_OK),
            (self.releases, os.W_OK | os.X_OK),
            (self.lock, os.R_OK | os.W_OK),
            (self.log, os.R_OK),
            (self.usage_db, os.R_OK),
        ):
            if (path == self.dest or path.exists()) and not os.access(path, mode):
                what = "writable" if mode & os.W_OK else "readable"
                user = user_name()  # a passwd look-up (LDAP on some servers): for the message
                raise KcsError(
                    f"{path}: not {what} by {user}; give the server folder to the user "
                    f"that publishes: chown -R {user} {self.dest}"
                )
        if self.live.exists() and not self.live.is_symlink():
            raise KcsError(
                f"{self.live}: a real folder, not a symlink; move it away, kcs publish "
                "points it at the live release"
            )

    def release_names(self) -> list[str]:
        """Release folders, oldest first."""
        if not self.releases.is_dir():
            return []
        return sorted(p.name for p in self.releases.iterdir() if RELEASE_NAME.match(p.name))

    def current(self) -> str | None:
        """The name of the live release, or None before the first publish."""
        if not self.live.is_symlink():
            return None
        name = Path(os.readlink(self.live)).name
        return name if RELEASE_NAME.match(name) else None

    @staticmethod
    def commit_of(name: str) -> str:
        match = RELEASE_NAME.match(name)
        return match.group(2) if match else ""

    def remove_scratch(self) -> list[str]:
        """Remove what an interrupted publish left behind; return the names removed."""
        removed = []
        if self.releases.is_dir():
            for path in self.releases.iterdir():
                if path.name.startswith((SCRATCH_PREFIX, DOOMED_PREFIX)):
                    shutil.rmtree(path, ignore_errors=True)
                    removed.append(path.name)
        for path in self.dest.glob(".live.*"):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
            removed.append(path.name)
        return removed


def release_name(commit: str, now: dt.datetime | None = None) -> str:
    when = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    return f"{when:%Y%m%dT%H%M%S%f}Z-{commit[:12]}"


def switch(layout: Layout, name: str) -> None:
    """Point ``live`` at ``releases/name`` with one rename: readers see old or new."""
    target = Path("releases") / name
    if not (layout.dest / target).is_dir():
        raise KcsError(f"{layout.dest / target}: no such release")
    temp = layout.dest / f".live.{os.getpid()}"
    with contextlib.suppress(FileNotFoundError):
        temp.unlink()
    os.symlink(target, temp)
    os.replace(temp, layout.live)
    _sync(layout.dest)


def prune(layout: Layout, keep: int) -> list[str]:
    """Remove all but the ``keep`` newest releases; the live one always stays."""
    names = layout.release_names()
    live = layout.current()
    doomed = [n for n in names[: max(len(names) - keep, 0)] if n != live]
    for name in doomed:
        gone = layout.releases / f"{DOOMED_PREFIX}{name}"
        try:
            os.rename(layout.releases / name, gone)
        except OSError as exc:
            log.warning("%s: old release not removed (%s)", layout.releases / name, exc.strerror)
            continue
        shutil.rmtree(gone, ignore_errors=True)
        if gone.exists():
            user = user_name()
            log.warning(
                "%s: old release only partly removed (a file in it is not %s's); chown -R "
                "%s %s and the next publish removes it",
                gone,
                user,
                user,
                layout.releases,
            )
        else:
            log.info("removed old release %s", name)
    return doomed


def previous(layout: Layout) -> str:
    """The newest release older than the live one: what a rollback goes back to."""
    live = layout.current()
    if live is None:
        raise KcsError(f"{layout.live}: nothing is live yet, so there is nothing to roll back")
    older = [n for n in layout.release_names() if n < live]
    if not older:
        raise KcsError(
            f"{layout.releases}: no release older than the live {live}; keep more "
            "releases with --keep to be able to roll back"
        )
    return older[-1]


def _sync(folder: Path) -> None:
    """Make the rename durable (the folder entry), where the platform allows it."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
