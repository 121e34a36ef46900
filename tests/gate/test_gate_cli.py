"""`kcs gate` on real repositories: exact output, exit codes, JSON and bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from gitrepo import commit_all, git, init_repo, write
from kbrepo import PEOPLE, article, branch, kcs_yml

from kcs.cli import cli

KCS = [sys.executable, "-c", "from kcs.cli import main; main()"]


def run(kb: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["gate", "--root", str(kb), *args])
    return result.exit_code, result.output


def test_allowed_internal_change_exact_output(kb: Path) -> None:
    branch(
        kb,
        "fix",
        {"articles/accounts/reset.md": article("I forgot my password", state="validated")},
    )
    code, out = run(kb, "--base", "main", "--head", "fix", "--author", "jan")
    assert code == 0
    assert out == (
        "articles/accounts/reset.md (M)\n"
        "  ok       internal in accounts: changes an article in accounts; by jan\n"
        "Allowed: 1 changed file(s), every rule satisfied.\n"
    )


def test_contributor_publishing_to_public_exact_output(kb: Path) -> None:
    branch(
        kb,
        "pub",
        {
            "articles/accounts/reset.md": article(
                "I forgot my password", audience="public", state="validated"
            )
        },
    )
    code, out = run(kb, "--base", "main", "--head", "pub", "--author", "mikko")
    assert code == 1
    reason = (
        "needs the approval of a publisher of accounts (audience internal -> public, "
        "sets state validated); mikko is contributor of accounts; nobody approved"
    )
    assert out == (
        "articles/accounts/reset.md (M)\n"
        "  ok       internal in accounts: changes an article in accounts; by mikko\n"
        f"  missing  publish in accounts: {reason}\n"
        "Not allowed (1 reason(s)):\n"
        f"- articles/accounts/reset.md: {reason}\n"
    )
    code, _ = run(
        kb, "--base", "main", "--head", "pub", "--author", "mikko", "--approver", "anna-l"
    )  # a forge login works as well as an id
    assert code == 0


def test_json_output(kb: Path) -> None:
    branch(kb, "pub", {"articles/network/vpn.md": article("VPN", audience="partner")})
    code, out = run(
        kb,
        "--base",
        "main",
        "--head",
        "pub",
        "--author",
        "lotta",
        "--approver",
        "mvirtanen",
        "--json",
    )
    data = json.loads(out)
    assert code == 0 and data["allowed"] is True
    assert data["author"] == "lotta" and data["approvers"] == ["mikko"]
    assert data["files"][0]["needs"][1] == {
        "action": "publish",
        "domain": "network",
        "why": "audience internal -> partner",
        "satisfied_by": "mikko",
        "missing": None,
    }


def test_rename_widening_in_real_git(kb: Path) -> None:
    text = (
        (kb / "articles/accounts/reset.md")
        .read_text()
        .replace("audience: internal", "audience: public")
    )
    branch(
        kb,
        "ren",
        {"articles/accounts/reset.md": None, "articles/accounts/forgot-password.md": text},
    )
    code, out = run(kb, "--base", "main", "--head", "ren", "--author", "jan")
    assert code == 1
    assert "articles/accounts/reset.md -> articles/accounts/forgot-password.md (R)" in out
    assert "audience internal -> public (in a rename)" in out


def test_self_grant_with_public_article_is_refused(kb: Path) -> None:
    people = {**PEOPLE, "mikko": {**PEOPLE["mikko"], "roles": {"*": "publisher"}}}
    branch(
        kb,
        "grab",
        {
            "kcs.yml": kcs_yml(people),
            "articles/accounts/reset.md": article("I forgot", audience="public", state="validated"),
        },
    )
    code, out = run(kb, "--base", "main", "--head", "grab", "--author", "mikko")
    assert code == 1
    assert "- kcs.yml: needs the approval of an admin (kcs.yml is an admin path)" in out
    assert (
        "note: mikko counts for nothing in this change: their own entry is altered "
        "(roles changed in kcs.yml)" in out
    )
    assert "articles/accounts/reset.md: needs the approval of a publisher of accounts" in out
    # an admin granting herself a role with the same change gets nowhere either
    people = {**PEOPLE, "anna": {**PEOPLE["anna"], "roles": {"*": "publisher"}}}
    branch(
        kb,
        "grab2",
        {"kcs.yml": kcs_yml(people), "articles/network/vpn.md": article("VPN", audience="public")},
    )
    code, out = run(
        kb, "--base", "main", "--head", "grab2", "--author", "anna", "--approver", "anna"
    )
    assert code == 1
    assert "anna's approval does not count: roles changed in kcs.yml by this change" in out


def test_rules_come_from_the_base_commit(kb: Path) -> None:
    branch(
        kb,
        "loosen",
        {
            "kcs.yml": kcs_yml(rules="publisher_self_publish: true"),
            "articles/accounts/public-mfa.md": article(
                "Set up MFA now", audience="public", state="validated"
            ),
        },
    )
    code, out = run(kb, "--base", "main", "--head", "loosen", "--author", "anna")
    assert code == 1
    assert "anna wrote it and rules.publisher_self_publish is off" in out


def test_binary_deletion_and_outside_files(kb: Path) -> None:
    (kb / "articles/accounts/shot.png").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0")
    commit_all(kb, "screenshot")
    git(kb, "switch", "-q", "-c", "mixed")
    (kb / "articles/accounts/shot.png").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\1")
    git(kb, "rm", "-q", "articles/devices/laptop.md")
    write(kb / "docs/portal/index.md", "# Help us\n")
    commit_all(kb, "mixed")
    git(kb, "switch", "-q", "main")
    code, out = run(kb, "--base", "main", "--head", "mixed", "--author", "jan", "--json")
    data = json.loads(out)
    by_path = {f["path"]: f for f in data["files"]}
    assert code == 1
    assert [n["action"] for n in by_path["articles/accounts/shot.png"]["needs"]] == ["publish"]
    assert [
        (n["action"], n["satisfied_by"]) for n in by_path["articles/devices/laptop.md"]["needs"]
    ] == [("internal", "jan"), ("archive", "jan")]
    assert by_path["docs/portal/index.md"]["needs"][0]["missing"].startswith(
        "needs the approval of an admin (outside articles/: portal pages are shown on every site)"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--head", "nope"], "Error: unknown revision 'nope': no such branch, tag or commit"),
        (["--head", "main", "--author", "bob"], "Error: unknown author 'bob': not among"),
        (["--head", "main", "--approver", "eve"], "Error: unknown approver 'eve': not among"),
    ],
)
def test_usage_errors_exit_2(kb: Path, args: list[str], message: str) -> None:
    argv = ["--base", "main", "--author", "jan", *args]
    result = subprocess.run([*KCS, "gate", *argv], cwd=kb, capture_output=True, text=True)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith(message)
    assert len(result.stderr.strip().splitlines()) == 1


def test_skip_unknown_for_forges(kb: Path) -> None:
    branch(kb, "x", {"articles/network/vpn.md": article("VPN!")})
    code, out = run(
        kb,
        "--base",
        "main",
        "--head",
        "x",
        "--author",
        "stranger",
        "--approver",
        "dependabot",
        "--approver",
        "mvirtanen",
        "--skip-unknown",
    )
    assert code == 0
    assert "note: author 'stranger' is not in kcs.yml: treated as a candidate" in out
    assert "note: approval by 'dependabot' ignored: not in kcs.yml" in out


def test_malformed_kcs_yml(kb: Path) -> None:
    branch(kb, "bad", {"kcs.yml": "people: [\n"})
    code, out = run(kb, "--base", "main", "--head", "bad", "--author", "anna", "--approver", "anna")
    assert code == 1
    assert "- kcs.yml in commit" in out and "fix it before this change can be merged" in out
    result = subprocess.run(
        [*KCS, "gate", "--base", "bad", "--head", "main", "--author", "anna"],
        cwd=kb,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("Error: in commit ") and "kcs.yml:" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_inside_a_git_hook_the_hook_variables_are_ignored(kb: Path, tmp_path: Path) -> None:
    other = init_repo(tmp_path / "other")
    commit_all(other, "unrelated")
    branch(kb, "fix", {"articles/accounts/reset.md": article("Forgot", state="validated")})
    env = {
        **os.environ,
        "GIT_DIR": str(other / ".git"),
        "GIT_WORK_TREE": str(other),
        "GIT_INDEX_FILE": str(other / ".git/index"),
    }
    result = subprocess.run(
        [*KCS, "gate", "--base", "main", "--head", "fix", "--author", "jan"],
        cwd=kb,
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert "Allowed: 1 changed file(s)" in result.stdout


def test_head_behind_base_judges_only_the_branch(kb: Path) -> None:
    branch(kb, "fix", {"articles/accounts/reset.md": article("Forgot", state="validated")})
    write(kb / "articles/network/vpn.md", article("VPN", audience="public"))
    commit_all(kb, "main moved on")
    code, out = run(kb, "--base", "main", "--head", "fix", "--author", "jan")
    assert code == 0, out
    assert "vpn.md" not in out


def test_shallow_clone_is_named(kb: Path, tmp_path: Path) -> None:
    branch(kb, "fix", {"articles/accounts/reset.md": article("Forgot", state="validated")})
    write(kb / "articles/network/vpn.md", article("VPN moved on"))
    commit_all(kb, "main moved on")
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", "--no-single-branch", f"file://{kb}", str(shallow))
    code, out = run(shallow, "--base", "origin/main", "--head", "origin/fix", "--author", "jan")
    assert code == 1
    assert out.startswith("Error: this is a shallow clone")
