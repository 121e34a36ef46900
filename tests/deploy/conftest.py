"""Deploy tests: the shipped nginx configuration, really run (see served.py)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from served import served  # noqa: E402, F401  (the module-scoped fixture)
