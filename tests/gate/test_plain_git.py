"""Plain Git server over SSH, simulated with a real bare repository and the real hook.

Keys are real ssh-keygen keys; pushes are real pushes from clones, so the
pre-receive hook runs exactly as on a server (quarantined objects included).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from gitrepo import REPO_ROOT, git, unpin_identity, write
from kbrepo import PEOPLE, article, make_kb, public_key

from kcs.cli import cli

NAMES = {pid: (p["name"], p["email"]) for pid, p in PEOPLE.items()}
NAMES["mallory"] = ("Mallory", "mallory@example.org")


@pytest.fixture
def server(tmp_path: Path, ssh_keys: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> Path:
    keys = {pid: public_key(path) for pid, path in ssh_keys.items() if pid in PEOPLE}
    seed = make_kb(tmp_path / "seed", keys=keys)
    bare = tmp_path / "server.git"
    git(tmp_path, "clone", "-q", "--bare", str(seed), str(bare))
    hook = bare / "hooks" / "pre-receive"
    shutil.copy(REPO_ROOT / "hooks" / "pre-receive", hook)
    hook.chmod(0o755)
    git(bare, "config", "kcs.python", sys.executable)
    # from here on each clone commits as its own person (the suite pins one identity)
    unpin_identity(monkeypatch)
    return bare


def clone(server: Path, who: str, keys: dict[str, Path], *, sign: bool = True) -> Path:
    path = server.parent / f"clone-{who}"
    git(server.parent, "clone", "-q", str(server), str(path))
    name, email = NAMES[who]
    for key, value in (
        ("user.name", name),
        ("user.email", email),
        ("gpg.format", "ssh"),
        ("user.signingkey", str(keys[who])),
        ("commit.gpgsign", "true" if sign else "false"),
    ):
        git(path, "config", key, value)
    return path


def kcs(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def push(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "push", *args], cwd=repo, capture_output=True, text=True)


def edit(repo: Path, rel: str, text: str) -> None:
    """Write an article as the content standard wants it on main: with its id."""
    if text.startswith("---\n") and "\nid: " not in text.split("\n---\n", 1)[0]:
        text = f"---\nid: {Path(rel).stem}\n" + text[4:]
    write(repo / rel, text)


def test_propose_list_review_merge(server: Path, ssh_keys: dict[str, Path]) -> None:
    lotta = clone(server, "lotta", ssh_keys)
    edit(
        lotta,
        "articles/accounts/reset.md",
        article(
            "I forgot my password",
            body="## Issue\n\nLocked out.\n\n## Resolution\n\nUse the self-service reset page.\n",
        ),
    )
    code, out = kcs("propose", "--root", str(lotta), "-m", "Clearer reset steps")
    assert code == 0, out
    assert out == "Proposed 1 file(s) on proposal/lotta/reset (pushed to origin).\n"
    assert git(lotta, "branch", "--show-current").strip() == "main"
    assert git(lotta, "status", "--porcelain") == ""

    jan = clone(server, "jan", ssh_keys)
    code, out = kcs("proposals", "--root", str(jan), "--json")
    (listed,) = json.loads(out)
    assert listed["branch"] == "proposal/lotta/reset"
    assert listed["author"] == "lotta" and listed["articles"] == ["reset"]
    assert listed["waiting_for"] == ["contributor of accounts"]
    code, out = kcs("review", "--root", str(jan), "proposal/lotta/reset")
    assert code == 0
    assert "== articles/accounts/reset.md (M): I forgot my password" in out
    assert "  +Use the self-service reset page." in out

    code, out = kcs("merge", "--root", str(jan), "proposal/lotta/reset")
    assert code == 0, out
    assert out.startswith("Merged proposal/lotta/reset as ")
    assert out.endswith(", approved by jan and pushed.\n")
    message = git(server, "log", "-1", "--format=%B", "main")
    assert "Approved-by: Jan Bakker <jan@example.org>" in message
    assert "Proposal: proposal/lotta/reset" in message
    code, out = kcs("proposals", "--root", str(jan))
    assert out == "No open proposals.\n"


def test_candidate_approving_own_change_is_refused(server: Path, ssh_keys: dict[str, Path]) -> None:
    lotta = clone(server, "lotta", ssh_keys)
    edit(lotta, "articles/accounts/reset.md", article("I forgot it"))
    kcs("propose", "--root", str(lotta))
    code, out = kcs("merge", "--root", str(lotta), "proposal/lotta/reset")
    assert code == 1
    assert "note: lotta's own approval does not count twice (they wrote the change)" in out
    assert out.endswith("Refused: lotta may not merge proposal/lotta/reset.\n")
    # going around kcs: a signed merge pushed by hand meets the hook
    git(lotta, "merge", "-q", "--no-ff", "-S", "-m", "merge", "origin/proposal/lotta/reset")
    result = push(lotta, "origin", "main")
    assert result.returncode != 0
    assert "remote: kcs: " in result.stderr
    assert "needs the approval of a contributor" in result.stderr
    assert "lotta approved their own change" in result.stderr


def test_contributor_publishing_to_public_is_refused(
    server: Path, ssh_keys: dict[str, Path]
) -> None:
    mikko = clone(server, "mikko", ssh_keys)
    edit(
        mikko,
        "articles/accounts/reset.md",
        article("I forgot my password", audience="public", state="validated"),
    )
    git(mikko, "commit", "-q", "-am", "Publish it")
    result = push(mikko, "origin", "main")
    assert result.returncode != 0
    assert (
        "needs the approval of a publisher of accounts (audience internal -> public"
        in result.stderr
    )
    assert "mikko is contributor of accounts" in result.stderr


def test_publisher_of_another_domain_is_refused(server: Path, ssh_keys: dict[str, Path]) -> None:
    lotta = clone(server, "lotta", ssh_keys)
    edit(lotta, "articles/accounts/reset.md", article("I forgot", audience="customer"))
    kcs("propose", "--root", str(lotta))
    mikko = clone(server, "mikko", ssh_keys)
    code, out = kcs("merge", "--root", str(mikko), "proposal/lotta/reset")
    assert code == 1
    assert "mikko is publisher of network, not of accounts" in out
    anna = clone(server, "anna", ssh_keys)
    code, out = kcs("merge", "--root", str(anna), "proposal/lotta/reset")
    assert code == 0, out


def test_approval_signed_by_key_not_in_kcs_yml(server: Path, ssh_keys: dict[str, Path]) -> None:
    lotta = clone(server, "lotta", ssh_keys)
    edit(lotta, "articles/accounts/reset.md", article("I forgot"))
    kcs("propose", "--root", str(lotta))
    fake = clone(server, "jan", ssh_keys)  # looks like Jan, signs with Mallory's key
    git(fake, "config", "user.signingkey", str(ssh_keys["mallory"]))
    code, out = kcs("merge", "--root", str(fake), "proposal/lotta/reset")
    assert code == 1 and "your signing key" in out
    git(
        fake,
        "merge",
        "-q",
        "--no-ff",
        "-S",
        "-m",
        "Approved-by: Jan Bakker",
        "origin/proposal/lotta/reset",
    )
    result = push(fake, "origin", "main")
    assert result.returncode != 0
    assert "signed by a key that is not in kcs.yml" in result.stderr


def test_force_push_and_unsigned_commits_are_refused(
    server: Path, ssh_keys: dict[str, Path]
) -> None:
    jan = clone(server, "jan", ssh_keys)
    edit(jan, "articles/accounts/reset.md", article("I forgot", state="validated"))
    git(jan, "commit", "-q", "-am", "Validate (a contributor may, signed)")
    assert push(jan, "origin", "main").returncode == 0
    git(jan, "reset", "-q", "--hard", "HEAD~1")
    edit(jan, "articles/devices/laptop.md", article("Slow laptop"))
    git(jan, "commit", "-q", "-am", "Rewrite history")
    result = push(jan, "--force", "origin", "main")
    assert result.returncode != 0
    assert "non-fast-forward push to main refused" in result.stderr
    result = push(jan, "origin", ":main")
    assert result.returncode != 0
    assert "deleting main is refused" in result.stderr
    unsigned = clone(server, "erik", ssh_keys, sign=False)
    edit(unsigned, "articles/printing/add.md", article("Add a printer", audience="customer"))
    git(unsigned, "commit", "-q", "-am", "Unsigned")
    result = push(unsigned, "origin", "main")
    assert result.returncode != 0
    assert "the commit is not signed" in result.stderr
    # proposal branches are open to anyone
    assert push(unsigned, "origin", "HEAD:refs/heads/proposal/erik/add").returncode == 0


def test_merge_conflict_leaves_nothing_half_merged(server: Path, ssh_keys: dict[str, Path]) -> None:
    lotta = clone(server, "lotta", ssh_keys)
    edit(
        lotta,
        "articles/network/vpn.md",
        article("VPN fails", body="## Issue\n\nA\n\n## Resolution\n\nA\n"),
    )
    kcs("propose", "--root", str(lotta))
    mikko = clone(server, "mikko", ssh_keys)
    edit(
        mikko,
        "articles/network/vpn.md",
        article("VPN broken", body="## Issue\n\nB\n\n## Resolution\n\nB\n"),
    )
    git(mikko, "commit", "-q", "-am", "Direct fix")
    head = git(mikko, "rev-parse", "HEAD")
    code, out = kcs("merge", "--root", str(mikko), "--no-push", "proposal/lotta/vpn")
    assert code == 1
    assert out.startswith("Error: merge conflict in articles/network/vpn.md; nothing was merged")
    assert git(mikko, "rev-parse", "HEAD") == head
    assert git(mikko, "status", "--porcelain") == ""
    assert not (mikko / ".git" / "MERGE_HEAD").exists()


def test_bad_input(server: Path, ssh_keys: dict[str, Path]) -> None:
    jan = clone(server, "jan", ssh_keys)
    code, out = kcs("merge", "--root", str(jan), "proposal/nobody/nothing")
    assert code == 2
    assert (
        out == "Error: no branch 'proposal/nobody/nothing': see `kcs proposals` for the open ones\n"
    )
    git(jan, "switch", "-q", "--detach", "HEAD")
    edit(jan, "articles/network/vpn.md", article("VPN"))
    code, out = kcs("propose", "--root", str(jan))
    assert (code, out) == (1, "Error: detached HEAD: switch to a branch first (git switch main)\n")
    code, out = kcs("merge", "--root", str(jan), "main")
    assert (code, out) == (1, "Error: detached HEAD: switch to a branch first (git switch main)\n")
    git(jan, "switch", "-q", "main")
    code, out = kcs("propose", "--root", str(jan), "--no-push")
    assert code == 0 and "not pushed" in out
    code, out = kcs("propose", "--root", str(jan))
    assert (code, out) == (
        1,
        "Error: nothing to propose: no changed or new files in the work tree\n",
    )


def test_review_as_and_merge_only_on_main(server: Path, ssh_keys: dict[str, Path]) -> None:
    lotta = clone(server, "lotta", ssh_keys)
    edit(lotta, "articles/network/vpn.md", article("VPN", audience="public"))
    kcs("propose", "--root", str(lotta))
    jan = clone(server, "jan", ssh_keys)
    code, out = kcs("review", "--root", str(jan), "proposal/lotta/vpn", "--as", "mikko")
    assert code == 0
    assert "  audience: internal -> public" in out
    assert out.endswith("Allowed: 1 changed file(s), every rule satisfied.\n")
    code, out = kcs("review", "--root", str(jan), "proposal/lotta/vpn", "--as", "nobody")
    assert code == 2 and out.startswith("Error: unknown reviewer 'nobody'")
    git(jan, "switch", "-q", "-c", "elsewhere")
    code, out = kcs("merge", "--root", str(jan), "proposal/lotta/vpn")
    assert (code, out) == (
        1,
        "Error: you are on elsewhere; switch to main first (git switch main)\n",
    )


def test_commands_ignore_hook_variables(
    server: Path, ssh_keys: dict[str, Path], tmp_path: Path
) -> None:
    lotta = clone(server, "lotta", ssh_keys)
    edit(lotta, "articles/network/vpn.md", article("VPN"))
    other = tmp_path / "other"
    git(tmp_path, "init", "-q", str(other))
    hook_env = {
        "GIT_DIR": str(other / ".git"),
        "GIT_WORK_TREE": str(other),
        "GIT_INDEX_FILE": str(other / ".git" / "index"),
    }
    result = CliRunner().invoke(cli, ["propose", "--root", str(lotta)], env=hook_env)
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(cli, ["proposals", "--root", str(lotta), "--json"], env=hook_env)
    assert [p["branch"] for p in json.loads(result.output)] == ["proposal/lotta/vpn"]


def test_propose_a_staged_rename(server: Path, ssh_keys: dict[str, Path]) -> None:
    jan = clone(server, "jan", ssh_keys)
    git(jan, "mv", "articles/network/vpn.md", "articles/network/vpn-connect.md")
    code, out = kcs("propose", "--root", str(jan), "--no-push")
    assert (code, out) == (0, "Proposed 2 file(s) on proposal/jan/vpn-connect (not pushed).\n")
    changed = git(jan, "diff", "--name-status", "-M", "main", "proposal/jan/vpn-connect")
    assert changed == "R100\tarticles/network/vpn.md\tarticles/network/vpn-connect.md\n"


def test_review_shows_terminal_escapes_as_text(server: Path, ssh_keys: dict[str, Path]) -> None:
    lotta = clone(server, "lotta", ssh_keys)
    body = "## Issue\n\nFine.\x1b[2K\x1b[1AHidden \u202eevil\n"
    edit(lotta, "articles/network/vpn.md", article("VPN", body=body))
    kcs("propose", "--root", str(lotta))
    code, out = kcs("review", "--root", str(lotta), "proposal/lotta/vpn")
    assert code == 0
    assert "\x1b" not in out and "\u202e" not in out
    assert "  +Fine.\\x1b[2K\\x1b[1AHidden \\u202eevil" in out
