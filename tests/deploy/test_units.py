"""deploy/systemd units and timers pass systemd's own check, and cron runs the same commands."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
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


SECRET = "KCS_SLACK_URL=https://hooks.example.test/T0/B0/secret\n"


def test_units_read_the_one_secrets_file() -> None:
    for name in ("kcs-publish.service", "kcs-gaps.service"):
        assert "EnvironmentFile=-/etc/kcs/kcs.env\n" in (UNITS / name).read_text(), name


def test_cron_exports_the_secrets_file(tmp_path: Path) -> None:
    """`.` alone sets shell variables that kcs never sees; each cron line that needs a
    secret must export the file's variables to the command."""
    cron = (REPO_ROOT / "deploy" / "kcs.cron").read_text()
    assert "KCS_ENV=/etc/kcs/kcs.env\n" in cron
    lines = [line for line in cron.splitlines() if "announce push" in line or "--alert" in line]
    assert len(lines) == 2
    env_file = tmp_path / "kcs.env"
    env_file.write_text(SECRET)
    probe = f"{sys.executable} -c 'import os; print(os.environ[\"KCS_SLACK_URL\"])'"
    for line in lines:
        shell = line.split(None, 6)[6]  # the command after the five time fields and user
        prefix = re.match(r"\(?(set -a;.*?set \+a;)", shell)
        assert prefix, line
        done = subprocess.run(
            ["sh", "-c", f"{prefix.group(1)} {probe}"],
            env={"KCS_ENV": str(env_file), "PATH": "/usr/bin:/bin"},
            capture_output=True,
            text=True,
        )
        assert done.stdout == "https://hooks.example.test/T0/B0/secret\n", done.stderr


def test_post_receive_hands_the_secrets_file_to_the_publisher(tmp_path: Path) -> None:
    dest = tmp_path / "srv"
    dest.mkdir()
    seen = tmp_path / "seen"
    python = tmp_path / "python"  # stands in for kcs publish and kcs announce push
    python.write_text(f'#!/bin/sh\nprintf "%s %s\\n" "$3" "$KCS_SLACK_URL" >>{seen}\n')
    python.chmod(0o755)
    env_file = tmp_path / "kcs.env"
    env_file.write_text(SECRET)
    done = subprocess.run(
        [str(REPO_ROOT / "hooks" / "post-receive")],
        input=f"{'0' * 39}1 {'2' * 40} refs/heads/main\n",
        env={
            "PATH": "/usr/bin:/bin",
            "GIT_DIR": str(tmp_path),
            "KCS_PYTHON": str(python),
            "KCS_PUBLISH_DIR": str(dest),
            "KCS_ENV": str(env_file),
        },
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 0, done.stderr
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(_lines(seen)) < 2:
        time.sleep(0.1)
    url = "https://hooks.example.test/T0/B0/secret"
    assert _lines(seen) == [f"publish {url}", f"announce {url}"]


def _lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []
