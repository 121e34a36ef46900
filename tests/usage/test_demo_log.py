"""The demo's generated access log (scripts/sample_log.py) feeds the usage data end to end."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from gitrepo import REPO_ROOT

from kcs.cli import cli
from kcs.knowledge import load
from kcs.usage.api import most_used


def test_generated_log_ingests_and_ranks_sample_articles(sample_repo: Path) -> None:
    log = sample_repo / "access.log"
    subprocess.run(
        [
            sys.executable,
            str(REPO_ROOT / "scripts/sample_log.py"),
            "--root",
            str(sample_repo),
            "--lines",
            "3000",
            str(log),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    result = CliRunner().invoke(cli, ["usage", "ingest", str(log), "--root", str(sample_repo)])
    assert result.exit_code == 0, result.output
    written = len(log.read_text(encoding="utf-8").splitlines())
    assert f"{written} new lines from 1 files" in result.stderr + result.stdout
    ranked = most_used(sample_repo, limit=5)
    ids = {a.id for a in load(sample_repo).articles}
    assert len(ranked) == 5 and set(ranked) <= ids
    again = CliRunner().invoke(cli, ["usage", "ingest", str(log), "--root", str(sample_repo)])
    assert "0 new lines" in again.stderr + again.stdout
