"""Start-up cost of a command is part of its speed: ``kcs report staleness`` imports
none of the heavy libraries other commands need (charts, data frames, Markdown, the
site builder), so a whole process costs little more than its own work."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

#: libraries that take tens of milliseconds to import and that the report does not need
HEAVY = (
    "matplotlib",
    "polars",
    "markdown",
    "mkdocs",
    "jinja2",
    "frontmatter",
    "nh3",
    "datasketch",
    "markdownify",
    "crawlerdetect",
    "charset_normalizer",
    "snowballstemmer",
    "sqlite3",
)

_PROBE = """
import atexit, json, sys
heavy = json.loads(sys.argv.pop(1))
atexit.register(lambda: print(json.dumps(sorted(m for m in heavy if m in sys.modules)),
                              file=sys.stderr))
from kcs.cli import main
main()
"""


def imported_by(*args: str) -> tuple[int, list[str]]:
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(HEAVY), *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    return result.returncode, json.loads(result.stderr.strip().splitlines()[-1])


def test_the_staleness_report_imports_no_heavy_library(sample_repo: Path) -> None:
    code, heavy = imported_by("report", "staleness", "--root", str(sample_repo))
    assert code == 0
    assert heavy == []


def test_the_probe_sees_a_heavy_import(sample_repo: Path) -> None:
    """The same probe on a command that needs charts' and data frames' libraries."""
    code, heavy = imported_by("report", "health", "--root", str(sample_repo), "--format", "html")
    assert code == 0
    assert "matplotlib" in heavy
