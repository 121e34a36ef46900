"""The gate workflow's script, run for real with bash, jq and kcs; only GitHub's API is faked."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from gitrepo import REPO_ROOT, git
from kbrepo import article, branch

pytestmark = pytest.mark.skipif(shutil.which("jq") is None, reason="jq is not installed")

SCRIPT = yaml.safe_load((REPO_ROOT / ".github/workflows/gate.yml").read_text())["jobs"]["gate"][
    "steps"
][-1]["run"]


def review(login: str, state: str, commit: str, at: str) -> dict:
    return {"user": {"login": login}, "state": state, "commit_id": commit, "submitted_at": at}


def run_script(
    kb: Path, tmp_path: Path, head: str, pages: list[list[dict]]
) -> subprocess.CompletedProcess[str]:
    fake = tmp_path / "bin"
    fake.mkdir(exist_ok=True)
    (tmp_path / "reviews.json").write_text("".join(json.dumps(p) + "\n" for p in pages))
    gh = fake / "gh"  # GitHub's API, faked: `gh api --paginate` prints one array per page
    gh.write_text(
        f'#!/bin/sh\n[ "$1" = api ] && [ "$3" = "repos/o/kb/pulls/7/reviews" ] '
        f"&& exec cat {tmp_path / 'reviews.json'}\nexit 9\n"
    )
    gh.chmod(0o755)
    env = {
        **os.environ,
        "PATH": f"{fake}:{Path(sys.executable).parent}:{os.environ['PATH']}",
        "GH_TOKEN": "x",
        "REPO": "o/kb",
        "PR": "7",
        "AUTHOR": "mvirtanen",
        "BASE_REF": "main",
        "HEAD_SHA": head,
    }
    return subprocess.run(
        ["bash", "-e", "-c", SCRIPT], cwd=kb, env=env, capture_output=True, text=True
    )


@pytest.fixture
def pr(kb: Path) -> tuple[Path, str, str]:
    old = branch(
        kb, "pr", {"articles/accounts/reset.md": article("Reset", audience="public", ident="reset")}
    )
    git(kb, "switch", "-q", "pr")
    (kb / "articles/accounts/reset.md").write_text(
        article("Reset it", audience="public", ident="reset")
    )
    git(kb, "commit", "-q", "-am", "second push")
    head = git(kb, "rev-parse", "HEAD").strip()
    git(kb, "switch", "-q", "main")
    git(kb, "update-ref", "refs/remotes/origin/main", "main")
    return kb, old, head


def test_approval_of_the_head_by_the_domain_publisher_passes(pr, tmp_path: Path) -> None:
    kb, old, head = pr
    pages = [
        [review("lottan", "APPROVED", head, "2026-01-01T10:00:00Z")],
        [
            review("anna-l", "APPROVED", head, "2026-01-01T11:00:00Z"),
            review("anna-l", "COMMENTED", head, "2026-01-01T12:00:00Z"),
        ],
    ]
    result = run_script(kb, tmp_path, head, pages)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Author: mvirtanen; approvals of {head}: anna-l lottan" in result.stdout
    assert "publish in accounts: audience internal -> public; by anna" in result.stdout


@pytest.mark.parametrize("case", ["stale", "withdrawn", "none"])
def test_stale_or_withdrawn_approvals_do_not_count(pr, tmp_path: Path, case: str) -> None:
    kb, old, head = pr
    pages = {
        "stale": [[review("anna-l", "APPROVED", old, "2026-01-01T11:00:00Z")]],
        "withdrawn": [
            [
                review("anna-l", "APPROVED", head, "2026-01-01T11:00:00Z"),
                review("anna-l", "CHANGES_REQUESTED", head, "2026-01-01T12:00:00Z"),
            ]
        ],
        "none": [[]],
    }[case]
    result = run_script(kb, tmp_path, head, pages)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "needs the approval of a publisher of accounts" in result.stdout
