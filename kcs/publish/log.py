"""The publish log: one JSON line per release put live, kept on the server.

``{"published": <live at>, "commit": <sha>, "merged": <commit time>, "seconds":
<build and swap>, "pages": {"public": n, "internal": m}, "release": <folder>,
"action": "publish"|"rollback"}``. ``published`` and ``commit`` are what the health
report's time to publish reads (:func:`kcs.review.publish_times.read_log`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..fsutil import atomic_write


def append(path: Path, entry: dict[str, Any]) -> None:
    """Add one line; the whole file is rewritten through a rename, never half-written."""
    old = path.read_text(encoding="utf-8") if path.is_file() else ""
    if old and not old.endswith("\n"):
        old += "\n"
    atomic_write(path, old + json.dumps(entry, sort_keys=True) + "\n")


def entries(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            out.append(json.loads(line))
    return out
