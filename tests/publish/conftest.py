"""Publish tests: a bare repository on a "server" and its publish folder."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
