"""The publish log: one JSON line per release put live, kept on the server.

``{"published": <live at>, "commit": <sha>, "merged": <commit time>, "seconds":
<build and swap>, "pages": {"public": n, "internal": m}, "reused": {"public": pages
taken from the live release, ...}, "release": <folder>,
"action": "publish"|"rollback"}``. ``published`` and ``commit`` are what the health
report's time to publish reads (:func:`kcs.review.publish_times.read_log`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..fsutil import append_line


def append(path: Path, entry: dict[str, Any]) -> None:
    """Add one record; never half-written."""
    append_line(path, json.dumps(entry, sort_keys=True))
