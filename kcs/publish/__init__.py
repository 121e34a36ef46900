"""``kcs publish``: put the sites of a commit live on this server, atomically.

A server folder (``--dest``) holds every release and one symlink that nginx serves::

    DEST/releases/<UTC time>-<commit>/public/     one folder per release
    DEST/releases/<UTC time>-<commit>/internal/
    DEST/releases/<UTC time>-<commit>/source/     the commit's files (kcs.yml, articles)
    DEST/incoming/<name>/                         a release built elsewhere, before activation
    DEST/live -> releases/<...>                   the served release (one rename swaps it)
    DEST/publish.lock                             one publisher at a time
    DEST/publish-log.jsonl                        one line per release put live
    DEST/usage.sqlite                             the usage database (optional)

The release is built from a clean clone of the commit in a scratch folder beside the
releases, never from a working tree; the symlink is replaced only after both sites
built and passed the leak check, so a failed build leaves the live site as it was.
"""

from __future__ import annotations

from .publisher import PublishResult, activate, publish, rollback
from .releases import Layout

__all__ = ["Layout", "PublishResult", "activate", "publish", "rollback"]
