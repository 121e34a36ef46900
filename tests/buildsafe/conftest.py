"""Build-safety tests: links resolved on the parsed document, leaks, unrenderable articles."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
