"""`kcs codeowners` and `kcs signers` on a real repository."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from kbrepo import PEOPLE, kcs_yml, public_key

from kcs.cli import cli


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_codeowners_write_and_check(kb: Path) -> None:
    code, out = run("codeowners", "--check", "--root", str(kb))
    assert (code, out) == (
        1,
        "Error: .github/CODEOWNERS is missing; run `kcs codeowners` and commit it\n",
    )
    assert run("codeowners", "--root", str(kb)) == (0, "Wrote .github/CODEOWNERS.\n")
    text = (kb / ".github/CODEOWNERS").read_text()
    assert "\n* @anna-l\n" in text
    assert "\n/articles/accounts/ @anna-l\n" in text
    assert "\n/articles/network/ @mvirtanen\n" in text
    assert "\n/articles/printing/ @erikj\n" in text  # kde
    assert "\n/articles/devices/ @janbakker\n" in text
    assert "\n/.github/ @anna-l\n" in text and "\n/kcs.yml @anna-l\n" in text
    # every path the gate treats as an admin path asks an admin to review on GitHub too
    for line in ("/pyproject.toml", "/scripts/", "/deploy/", "**/.gitattributes", "**/conftest.py"):
        assert f"\n{line} @anna-l\n" in text, line
    assert run("codeowners", "--check", "--root", str(kb)) == (
        0,
        ".github/CODEOWNERS is up to date.\n",
    )
    people = {**PEOPLE, "jan": {**PEOPLE["jan"], "roles": {"network": "publisher"}}}
    (kb / "kcs.yml").write_text(kcs_yml(people))
    code, out = run("codeowners", "--check", "--root", str(kb))
    assert (code, out) == (
        1,
        "Error: .github/CODEOWNERS is out of date with kcs.yml; run "
        "`kcs codeowners` and commit it\n",
    )


def test_signers_file(kb: Path, ssh_keys: dict[str, Path], tmp_path: Path) -> None:
    keys = {"anna": public_key(ssh_keys["anna"]), "jan": public_key(ssh_keys["jan"])}
    (kb / "kcs.yml").write_text(kcs_yml(keys=keys))
    out_file = tmp_path / "allowed"
    code, out = run("signers", "--root", str(kb), "--out", str(out_file))
    assert (code, out) == (0, f"Wrote 2 key(s) to {out_file}.\n")
    assert out_file.read_text().splitlines()[1:] == [
        f'anna namespaces="git" {keys["anna"]}',
        f'jan namespaces="git" {keys["jan"]}',
    ]
    (kb / "kcs.yml").write_text(kcs_yml(keys={"jan": "not a key"}))
    code, out = run("signers", "--root", str(kb), "--out", str(out_file))
    assert code == 1
    assert out == (
        "Error: kcs.yml: people jan: ssh_key is not an SSH public key (expected "
        "e.g. 'ssh-ed25519 AAAA...'; copy the .pub file's line)\n"
    )
