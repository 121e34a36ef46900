"""The shipped pre-commit hook, installed by pre-commit itself from this repository."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from gitrepo import REPO_ROOT, commit_all, init_repo, write

PRE_COMMIT = Path(sys.executable).with_name("pre-commit")


@pytest.mark.slow
def test_kcs_lint_hook_runs_in_another_knowledge_repository(tmp_path: Path) -> None:
    kb = init_repo(tmp_path / "kb")
    write(
        kb / "articles/vpn/drops.md",
        "---\nid: vpn-drops\ntitle: VPN drops\nstate: validated\n"
        "---\n\n## Issue\n\nIt drops. TODO\n",
    )
    commit_all(kb, "bad article")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}

    def hook() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(PRE_COMMIT), "try-repo", str(REPO_ROOT), "kcs-lint", "--all-files"],
            cwd=kb,
            capture_output=True,
            text=True,
            env=env,
            check=False,
            timeout=600,
        )

    failed = hook()
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert (
        "articles/vpn/drops.md:6: missing-section: section 'Resolution' is missing; "
        "a validated article needs Issue and Resolution"
    ) in failed.stdout
    assert (
        "articles/vpn/drops.md:9: placeholder: placeholder 'TODO' left in the text" in failed.stdout
    )

    write(
        kb / "articles/vpn/drops.md",
        "---\nid: vpn-drops\ntitle: VPN drops\nstate: validated\n"
        "---\n\n## Issue\n\nIt drops.\n\n## Resolution\n\nUpdate the client.\n",
    )
    commit_all(kb, "fixed")
    passed = hook()
    assert passed.returncode == 0, passed.stdout + passed.stderr


def test_hook_manifest_and_config_are_valid() -> None:
    for args in (
        ["validate-manifest", ".pre-commit-hooks.yaml"],
        ["validate-config", ".pre-commit-config.yaml"],
    ):
        result = subprocess.run(
            [str(PRE_COMMIT), *args], cwd=REPO_ROOT, capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stdout + result.stderr
