"""The end-to-end test: real Git server, publisher, nginx, sign-in stand-in, ingest, reports."""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).parent
for folder in ("browser", "publish", "deploy"):
    sys.path.insert(0, str(HERE.parent / folder))
