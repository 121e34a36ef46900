"""deploy/systemd units and timers pass systemd's own check, and cron runs the same commands."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from gitrepo import REPO_ROOT

UNITS = REPO_ROOT / "deploy" / "systemd"


def test_units_verify(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    kcs = Path(sys.executable).parent / "kcs"
    for unit in UNITS.iterdir():
        text = unit.read_text().replace("/opt/kcs/bin/kcs", str(kcs))
        (tmp_path / unit.name).write_text(text)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert {"kcs-ingest.timer", "kcs-publish.timer", "kcs-gaps.timer"} <= set(names)
    done = subprocess.run(
        [analyze, "verify", "--man=no", *names], cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode == 0 and done.stderr == "", done.stderr


def commands(text: str) -> set[str]:
    found = re.findall(r"/opt/kcs/bin/kcs ([^'&\n>)]+)", text)
    return {" ".join(c.split()) for c in found}


def test_cron_runs_what_the_timers_run() -> None:
    units = "".join(p.read_text() for p in UNITS.glob("*.service"))
    cron = (REPO_ROOT / "deploy" / "kcs.cron").read_text()
    assert commands(units) - {"usage ingest"} == commands(cron) - {"usage ingest"}
    assert len(commands(cron)) == 5
