"""Build the sites of one commit beside the live release and swap them in.

Two publishers started together (two quick merges) are serialised by the lock, and
the commit is resolved only once the lock is held, so the last one to run builds the
newest commit of the branch and the ones after it find it live already and stop.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import logging
import os
import re
import shutil
import sqlite3
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import BuildError, GitError, KcsError
from ..fsutil import user_name
from ..git import Repo
from ..review.publish_times import DEFAULT_LOG
from . import lock
from . import log as publog
from .releases import (
    RELEASE_NAME,
    SCRATCH_PREFIX,
    Layout,
    previous,
    prune,
    release_name,
    switch,
)

log = logging.getLogger(__name__)

RELEASE_FILE = "release.json"
#: the release's own copy of the repository: what the hourly ingest and the gaps job read
#: (kcs.yml, the articles); nginx serves only public/ and internal/ beside it
SOURCE_DIR = "source"
_NO_SPACE = (errno.ENOSPC, errno.EDQUOT)


@dataclass(frozen=True)
class PublishResult:
    """What a publish or rollback did; ``status`` is published, unchanged or rolled-back."""

    status: str
    commit: str
    release: str
    seconds: float = 0.0
    pages: dict[str, int] = field(default_factory=dict)
    removed: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "commit": self.commit,
            "release": self.release,
            "seconds": round(self.seconds, 2),
            "pages": self.pages,
            "removed": list(self.removed),
        }


def publish(
    repo: Path,
    dest: Path,
    ref: str = "main",
    *,
    keep: int = 5,
    wait: float = 3600,
    strict: bool = False,
    force: bool = False,
    full: bool = False,
) -> PublishResult:
    """Build ``ref`` of ``repo`` into a new release under ``dest`` and make it live.

    Pages the commit did not change are taken from the live release (hard links; see
    kcs/incremental.py) unless ``full``. Raises :class:`KcsError` (one line, the live site
    untouched) when the commit does not build or leaks, the folder is unusable, the disk
    is full or the lock stays busy.
    """
    if keep < 1:
        raise KcsError(f"--keep {keep}: keep at least 1 release (the live one)")
    layout = Layout(Path(dest).absolute())
    layout.check()
    repo = Path(repo).absolute()
    _check_repo(repo)
    with lock.hold(layout.lock, ref, wait=wait):
        layout.releases.mkdir(exist_ok=True)
        for name in layout.remove_scratch():
            log.warning("removed %s left by an interrupted publish", name)
        # A branch wins over a tag or other ref of the same short name (a pushed tag
        # "main" must not decide what goes live).
        commit = Repo(repo).try_resolve(f"refs/heads/{ref}") or Repo(repo).resolve(ref)
        live = layout.current()
        if live and not force and _covers(repo, _release_commit(layout, live), commit):
            log.info("%s is live already (release %s)", commit[:12], live)
            return PublishResult("unchanged", commit, live)
        started = time.monotonic()
        name = release_name(commit)
        scratch = layout.releases / f"{SCRATCH_PREFIX}{name}"
        try:
            pages, reused = _build(repo, commit, layout, scratch, strict, None if full else live)
            merged = Repo(repo).text("log", "-1", "--format=%cI", commit).strip()
            release = layout.releases / name
            info = {"commit": commit, "merged": merged, "pages": pages, "reused": reused}
            (scratch / "site" / RELEASE_FILE).write_text(json.dumps(info), encoding="utf-8")
            _keep_source(scratch / "src", scratch / "site" / SOURCE_DIR)
            os.replace(scratch / "site", release)
            switch(layout, name)
        except OSError as exc:
            raise _os_error(exc, layout, commit) from None
        except sqlite3.Error as exc:
            raise KcsError(
                f"{layout.usage_db}: cannot copy the usage database ({exc}); move it away "
                "or repair it; the live site is unchanged"
            ) from None
        except KcsError as exc:
            raise BuildError(f"commit {commit[:12]}: {exc}; the live site is unchanged") from None
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        seconds = time.monotonic() - started
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        entry = {**info, "published": now, "seconds": round(seconds, 2), "release": name}
        try:
            publog.append(layout.log, {**entry, "action": "publish"})
        except OSError as exc:
            raise KcsError(
                f"{layout.log}: {commit[:12]} is live as {name}, but its publish record could "
                f"not be written ({exc.strerror or exc}); free space and publish again"
            ) from None
        removed = tuple(prune(layout, keep))
        log.info("%s live as %s in %.1f s", commit[:12], name, seconds)
        return PublishResult("published", commit, name, seconds, pages, removed)


def activate(dest: Path, name: str, *, keep: int = 5, wait: float = 3600) -> PublishResult:
    """Make a release built elsewhere and uploaded to ``dest/incoming/name`` live.

    The deploy key's forced command runs this after rsync: the upload is checked (a
    release name, public/ and internal/ folders, no symlinks anywhere, since nginx would
    follow one out of the site), moved beside the others and swapped in like a publish.
    """
    layout = Layout(Path(dest).absolute())
    layout.check()
    if not RELEASE_NAME.match(name):
        raise KcsError(
            f"{name!r} is not a release name (<UTC time>-<commit>, as kcs publish makes)"
        )
    with lock.hold(layout.lock, f"activate {name}", wait=wait):
        layout.releases.mkdir(exist_ok=True)
        upload = layout.incoming / name
        if not upload.is_dir() or upload.is_symlink():
            raise KcsError(f"{upload}: no such uploaded release; rsync it there first")
        _check_upload(upload)
        info = _release_info_at(upload, name)
        if (layout.releases / name).exists():
            raise KcsError(f"{layout.releases / name}: a release of that name exists already")
        try:
            os.replace(upload, layout.releases / name)
            switch(layout, name)
        except OSError as exc:
            raise _os_error(exc, layout, str(info.get("commit", name))) from None
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        publog.append(
            layout.log,
            {**info, "published": now, "seconds": 0, "release": name, "action": "activate"},
        )
        removed = tuple(prune(layout, keep))
        return PublishResult(
            "published", str(info.get("commit", "")), name, 0.0, info.get("pages", {}), removed
        )


def _check_upload(upload: Path) -> None:
    for site in ("public", "internal"):
        if not (upload / site).is_dir() or (upload / site).is_symlink():
            raise KcsError(f"{upload / site}: missing; a release holds public/ and internal/")
        # A build always writes a home page and a search index; an upload without them
        # is not a site (an interrupted rsync, a wrong folder) and must not go live.
        for needed in ("index.html", "pagefind/pagefind-entry.json"):
            if not (upload / site / needed).is_file():
                raise KcsError(
                    f"{upload / site / needed}: missing; upload the whole release kcs build made"
                )
    for folder, dirs, files in os.walk(upload):
        for entry in (*dirs, *files):
            path = Path(folder) / entry
            mode = path.lstat().st_mode
            if stat.S_ISLNK(mode):
                raise KcsError(
                    f"{path}: a symlink; an uploaded release holds plain files only "
                    "(nginx would follow a link out of the site)"
                )
            if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
                raise KcsError(
                    f"{path}: not a regular file; an uploaded release holds plain files only"
                )


def _release_info_at(folder: Path, name: str) -> dict[str, Any]:
    fallback: dict[str, Any] = {"commit": Layout.commit_of(name), "pages": {}}
    path = folder / RELEASE_FILE
    if not path.is_file():
        return fallback
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise KcsError(f"{path}: not JSON; kcs build writes it, or leave it out") from None
    if not isinstance(data, dict):
        return fallback
    out: dict[str, Any] = dict(fallback)
    if isinstance(data.get("commit"), str) and re.fullmatch(r"[0-9a-f]{40}", data["commit"]):
        out["commit"] = data["commit"]
    if isinstance(data.get("merged"), str):
        out["merged"] = data["merged"][:40]
    pages = data.get("pages")
    if isinstance(pages, dict) and all(isinstance(v, int) for v in pages.values()):
        out["pages"] = {str(k)[:20]: v for k, v in pages.items()}
    return out


def rollback(dest: Path, *, wait: float = 3600) -> PublishResult:
    """Make the release before the live one live again, and log it."""
    layout = Layout(Path(dest).absolute())
    layout.check()
    with lock.hold(layout.lock, "rollback", wait=wait):
        name = previous(layout)
        info = _release_info(layout, name)
        switch(layout, name)
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        publog.append(
            layout.log,
            {**info, "published": now, "seconds": 0, "release": name, "action": "rollback"},
        )
        return PublishResult(
            "rolled-back", str(info.get("commit", "")), name, 0.0, info.get("pages", {})
        )


def _check_repo(repo: Path) -> None:
    if not repo.is_dir():
        raise KcsError(f"{repo}: no such repository folder; give --repo the Git repository")
    try:
        Repo(repo).run("rev-parse", "--git-dir")
    except GitError as exc:
        if "safe.directory" in str(exc):  # Git's "dubious ownership" refusal
            user = user_name()
            raise KcsError(
                f"{repo}: belongs to another user, so Git will not read it for {user}; run "
                f"kcs publish as its owner, or trust it: git config --global --add "
                f"safe.directory {repo}"
            ) from None
        raise KcsError(f"{repo}: not a Git repository; give --repo the Git repository") from None


def _covers(repo: Path, live: str, wanted: str) -> bool:
    """True when the live commit is ``wanted`` or a newer commit that contains it."""
    if not live:
        return False
    if live == wanted:
        return True
    result = Repo(repo).run("merge-base", "--is-ancestor", wanted, live, check=False)
    return result.returncode == 0


def _release_info(layout: Layout, name: str) -> dict[str, Any]:
    try:
        data = json.loads((layout.releases / name / RELEASE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"commit": layout.commit_of(name), "pages": {}}
    return data if isinstance(data, dict) else {"commit": layout.commit_of(name), "pages": {}}


def _release_commit(layout: Layout, name: str) -> str:
    return str(_release_info(layout, name).get("commit", ""))


def _build(
    repo: Path, commit: str, layout: Layout, scratch: Path, strict: bool, live: str | None
) -> tuple[dict[str, int], dict[str, int]]:
    """Clone ``commit`` cleanly into ``scratch/src`` and build ``scratch/site``; the pages
    the commit did not change are taken from the ``live`` release (kcs/incremental.py)."""
    from ..build import build_sites

    scratch.mkdir()
    src = scratch / "src"
    # --shared borrows the objects instead of copying them; the clone keeps the history
    # (created and updated dates, time to publish) and the proposal branches.
    Repo(scratch).run("clone", "--quiet", "--shared", "--no-checkout", str(repo), str(src))
    Repo(src).run("-c", "advice.detachedHead=false", "checkout", "--quiet", "--detach", commit)
    _bring_state(layout, src)
    previous = layout.releases / live if live else None
    result = build_sites(src, out=scratch / "site", strict=strict, previous=previous)
    for site in result.sites:
        site.path.chmod(0o755)
    (scratch / "site").chmod(0o755)
    return (
        {site.audience: site.pages for site in result.sites},
        {site.audience: site.reused for site in result.sites},
    )


def _keep_source(src: Path, target: Path) -> None:
    """The built commit's files (without the server's data copied in) go with the release."""
    from ..usage.store import agent_database, database_path

    try:
        db = database_path(src)
    except KcsError:
        db = None
    for path in (src / DEFAULT_LOG, db, agent_database(db) if db else None):
        if path is not None and path.is_file():
            path.unlink()
    os.replace(src, target)


def _bring_state(layout: Layout, src: Path) -> None:
    """Give the build the server's publish log and a consistent copy of its usage data."""
    if layout.log.is_file():
        target = src / DEFAULT_LOG
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(layout.log, target)
    if layout.usage_db.is_file():
        from ..usage.store import agent_database, database_path

        target = database_path(src)
        _copy_database(layout.usage_db, target)
        if agent_database(layout.usage_db).is_file():
            _copy_database(agent_database(layout.usage_db), agent_database(target))


def _copy_database(source_path: Path, target: Path) -> None:
    """A consistent copy: the online backup API copes with the hourly ingest writing."""
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
    try:
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
    finally:
        source.close()


def _os_error(exc: OSError, layout: Layout, commit: str) -> KcsError:
    if exc.errno in _NO_SPACE:
        return KcsError(
            f"{layout.dest}: no space left on the device while building {commit[:12]}; "
            "free some space (fewer releases: --keep) and publish again; the live site "
            "is unchanged"
        )
    where = exc.filename or layout.dest
    return KcsError(f"{where}: {exc.strerror or exc}; the live site is unchanged")
