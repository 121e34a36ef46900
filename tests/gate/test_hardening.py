"""The review path as an attacker tries it: one test per class of bypass, built in real
repositories (the gate as the GitHub workflow runs it, real pushes to a bare server with
the shipped pre-receive hook and real ssh-keygen keys)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from gitrepo import git, write
from kbrepo import PEOPLE, article, branch, kcs_yml
from test_plain_git import clone, edit, kcs, push, server  # noqa: F401  (fixture)

PUBLIC = {"audience": "public", "state": "validated"}


def gate(
    kb: Path, head: str, author: str, *approvers: str, forge: bool = False, base: str = "main"
) -> tuple[int, str]:
    args = ["gate", "--root", str(kb), "--base", base, "--head", head, "--author", author]
    for who in approvers:
        args += ["--approver", who]
    if forge:
        args.append("--skip-unknown")
    return kcs(*args)


def refs(bare: Path) -> str:
    return git(bare, "for-each-ref")


def commit(repo: Path, files: dict[str, str], message: str = "Change") -> str:
    for rel, text in files.items():
        edit(repo, rel, text)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD").strip()


def refused(result: subprocess.CompletedProcess[str], bare: Path, before: str, *words: str) -> None:
    assert result.returncode == 1, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("remote: kcs:")]
    assert any(all(w in line for w in words) for line in lines), result.stderr
    assert refs(bare) == before, "the server changed although the push was refused"


def tree_commit(repo: Path, path: bytes, mode: str, content: bytes, *, sign: bool = True) -> str:
    """A commit on HEAD whose tree also holds ``path`` exactly as given (Git's porcelain
    would refuse such names; a hostile client writes the objects itself)."""
    entries: dict[bytes, tuple[str, str]] = {}
    listing = subprocess.run(
        ["git", "ls-tree", "-r", "-z", "HEAD"], cwd=repo, capture_output=True, check=True
    ).stdout
    for item in filter(None, listing.split(b"\0")):
        meta, _, name = item.partition(b"\t")
        m, _, sha = meta.decode().split()
        entries[name] = (m, sha)
    blob = (
        subprocess.run(
            ["git", "hash-object", "-w", "--stdin"], cwd=repo, input=content, capture_output=True
        )
        .stdout.decode()
        .strip()
    )
    entries[path] = (mode, blob)

    def write_tree(node: dict[bytes, object]) -> str:
        rows: list[tuple[str, bytes, str]] = []
        for name in sorted(node, key=lambda n: n + (b"/" if isinstance(node[n], dict) else b"")):
            value = node[name]
            if isinstance(value, dict):
                m, sha = "40000", write_tree(value)
            else:
                m, sha = value  # type: ignore[misc]
                m = m.lstrip("0")
            rows.append((m, name, sha))
        return _tree_bytes(repo, rows)

    root: dict[bytes, object] = {}
    for name, value in entries.items():
        *folders, leaf = name.split(b"/")
        node = root
        for folder in folders:
            node = node.setdefault(folder, {})  # type: ignore[assignment]
        node[leaf] = value
    tree = write_tree(root)
    args = ["commit-tree", tree, "-p", "HEAD", "-m", "Innocent change"]
    sha = git(repo, *(["commit-tree", "-S", *args[1:]] if sign else args)).strip()
    git(repo, "update-ref", "HEAD", sha)
    return sha


# ------------------------------------------------------------ 1. admin paths


@pytest.mark.parametrize(
    "path",
    [
        "pyproject.toml",
        "scripts/build.sh",
        "articles/x/.gitattributes",
        "articles/x/.GitAttributes",
    ],
)
def test_files_that_decide_what_ci_runs_need_an_admin(kb: Path, path: str) -> None:
    head = branch(kb, "evil", {path: "* filter=evil\n"})
    code, out = gate(kb, head, "lotta", "jan", "mikko")  # two publishers, no admin
    assert code == 1
    assert f"{path}: needs the approval of an admin ({path} is an admin path)" in out


def test_an_admin_alone_may_not_change_code_or_the_rules(kb: Path) -> None:
    head = branch(kb, "code", {"kcs/review/gate.py": "allowed = True\n"})
    code, out = gate(kb, head, "anna")
    assert code == 1 and "second admin" in out
    rules = kcs_yml(rules="publisher_self_publish: true")
    code, out = gate(kb, branch(kb, "rules", {"kcs.yml": rules}), "anna")
    assert code == 1 and "second admin" in out
    # revoking other people's roles is an admin's own business
    people = {**PEOPLE, "jan": {**PEOPLE["jan"], "roles": {"devices": "contributor"}}}
    code, out = gate(kb, branch(kb, "revoke", {"kcs.yml": kcs_yml(people)}), "anna")
    assert code == 0, out
    # granting is not: it is how an admin alone would make a sock puppet
    puppet = {
        **PEOPLE["lotta"],
        "email": "p@example.org",
        "github": "p",
        "roles": {"*": "publisher"},
    }
    people = {**PEOPLE, "puppet": puppet}
    code, out = gate(kb, branch(kb, "puppet", {"kcs.yml": kcs_yml(people)}), "anna")
    assert code == 1 and "second admin" in out
    assert gate(kb, "puppet", "anna", "sanne")[0] == 1  # a publisher is no admin


# ------------------------------------------------------------ 2. no wildcard domains


@pytest.mark.parametrize(
    "path, text",
    [
        ("articles/network/x.md", article("X", domain="'*'", **PUBLIC)),
        ("articles/*/x.md", article("X", **PUBLIC)),
    ],
)
def test_a_star_is_no_domain(kb: Path, path: str, text: str) -> None:
    head = branch(kb, "star", {path: text})
    code, out = gate(kb, head, "lotta", "mikko")  # publisher of network only
    assert code == 1
    assert f"{path}: domain '*' is not a domain name" in out


def test_a_domain_is_one_kcs_yml_names(kb: Path) -> None:
    head = branch(kb, "hr", {"articles/payroll/x.md": article("X", **PUBLIC)})
    code, out = gate(kb, head, "lotta", "anna", "mikko", "jan", "sanne")
    assert code == 1
    assert "articles/payroll/x.md: domain 'payroll' is not a domain in kcs.yml" in out


# ------------------------------------------------------------ 3. identity


def test_a_forge_login_matches_only_a_github_entry(kb: Path) -> None:
    head = branch(kb, "pub", {"articles/accounts/reset.md": article("Reset", **PUBLIC)})
    # a stranger whose GitHub login is "anna" (Anna's kcs id) is not Anna
    code, out = gate(kb, head, "lottan", "anna", forge=True)
    assert code == 1
    assert "approval by 'anna' ignored: not in kcs.yml" in out
    assert gate(kb, head, "lottan", "anna-l", forge=True)[0] == 0


def test_look_alike_names_are_refused(kb: Path) -> None:
    head = branch(kb, "pub", {"articles/devices/laptop.md": article("Laptop", **PUBLIC)})
    code, out = gate(kb, head, "lottan", "janbak\u212aer", forge=True)  # KELVIN SIGN
    assert code == 1 and "changes under Unicode NFKC" in out
    code, out = gate(kb, head, "lotta", "jan\u212a")
    assert code == 2 and "changes under Unicode NFKC" in out


def test_an_entry_sharing_an_identity_is_ones_own(kb: Path) -> None:
    """Anna renames her entry, keeps her e-mail and login, and approves it herself."""
    people = {k: v for k, v in PEOPLE.items() if k != "anna"}
    people["annalind"] = {**PEOPLE["anna"], "roles": {"*": "publisher"}}
    head = branch(kb, "rename", {"kcs.yml": kcs_yml(people)})
    code, out = gate(kb, head, "sanne", "anna")
    assert code == 1
    assert "anna's approval does not count: removed from kcs.yml by this change" in out
    # the same with her entry kept: a second entry carrying her login is hers too
    people = {**PEOPLE, "helper": {**PEOPLE["anna"], "name": "Helper", "roles": {"*": "publisher"}}}
    code, out = gate(kb, branch(kb, "helper", {"kcs.yml": kcs_yml(people)}), "sanne", "anna")
    assert code == 1
    assert "anna's approval does not count: entry helper, which shares an identity" in out


# ------------------------------------------------------------ 4. paths


@pytest.mark.parametrize(
    "path, mode, rule",
    [
        (b"articles/x/../../kcs.yml", "100644", "'..' component"),
        (b"articles/network/a\x1bb.md", "100644", "control"),
        (b"articles/network\\x.md", "100644", "backslash"),
        (b"articles/network/VPN.md", "100644", "collides with articles/network/vpn.md"),
        (b"articles/network/link.md", "120000", "a symbolic link is refused"),
        (b"docs/portal/passwd.md", "120000", "a symbolic link is refused"),
        (b"articles/network/.git/config", "100644", "'.git' component"),
    ],
)
def test_hostile_tree_entries(
    server: Path,  # noqa: F811
    ssh_keys: dict[str, Path],
    path: bytes,
    mode: str,
    rule: str,
) -> None:
    anna = clone(server, "anna", ssh_keys)  # admin: only the path rule can stop her
    head = tree_commit(anna, path, mode, b"people: []\n" if mode != "120000" else b"/etc/passwd")
    code, out = gate(anna, head, "anna", "jan", "mikko", base="origin/main")
    assert code == 1 and rule in out, out
    before = refs(server)
    refused(push(anna, "origin", "HEAD:refs/heads/main"), server, before, rule)


# ------------------------------------------------------------ 5. the push as a whole


def publish_reset(server: Path, ssh_keys: dict[str, Path]) -> str:  # noqa: F811
    lotta = clone(server, "lotta", ssh_keys)
    git(lotta, "switch", "-q", "-c", "proposal/lotta/reset")
    commit(lotta, {"articles/accounts/reset.md": article("Reset", **PUBLIC)})
    git(lotta, "push", "-q", "origin", "proposal/lotta/reset")
    anna = clone(server, "anna", ssh_keys)
    code, out = kcs("merge", "--root", str(anna), "proposal/lotta/reset")
    assert code == 0, out
    return git(server, "rev-parse", "main").strip()


def test_a_rollback_merge_is_judged_as_the_change_it_makes(
    server: Path,  # noqa: F811
    ssh_keys: dict[str, Path],
) -> None:
    old = git(server, "rev-parse", "main").strip()
    current = publish_reset(server, ssh_keys)
    erik = clone(server, "erik", ssh_keys)  # kde of printing, nothing in accounts
    tree = git(erik, "rev-parse", f"{old}^{{tree}}").strip()
    rollback = git(erik, "commit-tree", tree, "-p", old, "-p", current, "-S", "-m", "x").strip()
    before = refs(server)
    result = push(erik, "origin", f"{rollback}:refs/heads/main")
    refused(result, server, before, "articles/accounts/reset.md", "of accounts")


def test_an_evil_merge_counts_the_merger_as_a_writer(
    server: Path,  # noqa: F811
    ssh_keys: dict[str, Path],
) -> None:
    lotta = clone(server, "lotta", ssh_keys)
    git(lotta, "switch", "-q", "-c", "proposal/lotta/phone")
    commit(lotta, {"articles/devices/phone.md": article("Phone")})
    git(lotta, "push", "-q", "origin", "proposal/lotta/phone")
    jan = clone(server, "jan", ssh_keys)  # publisher of devices
    git(jan, "fetch", "-q", "origin")
    git(jan, "merge", "-q", "--no-ff", "--no-commit", "origin/proposal/lotta/phone")
    edit(jan, "articles/devices/laptop.md", article("Laptop", **PUBLIC))
    git(jan, "add", "-A")
    git(jan, "commit", "-q", "-S", "-m", "Merge")
    before = refs(server)
    refused(push(jan, "origin", "main"), server, before, "laptop.md", "publisher of devices")


def test_unsigned_work_is_the_mergers_own(
    server: Path,  # noqa: F811
    ssh_keys: dict[str, Path],
) -> None:
    """Jan commits his own publication unsigned in Lotta's name and merges it."""
    jan = clone(server, "jan", ssh_keys)
    git(jan, "switch", "-q", "-c", "proposal/lotta/laptop")
    edit(jan, "articles/devices/laptop.md", article("Laptop", **PUBLIC))
    git(jan, "add", "-A")
    git(
        jan,
        "-c",
        "commit.gpgsign=false",
        "commit",
        "-q",
        "--author",
        "Lotta Niemi <lotta@example.org>",
        "-m",
        "Lotta's",
    )
    git(jan, "switch", "-q", "main")
    git(jan, "merge", "-q", "--no-ff", "-S", "-m", "Merge", "proposal/lotta/laptop")
    before = refs(server)
    refused(push(jan, "origin", "main"), server, before, "laptop.md", "publisher of devices")


@pytest.mark.parametrize(
    "ref", ["refs/tags/main", "refs/tags/origin/main", "refs/remotes/origin/main"]
)
def test_no_ref_may_shadow_main(
    server: Path,  # noqa: F811
    ssh_keys: dict[str, Path],
    ref: str,
) -> None:
    lotta = clone(server, "lotta", ssh_keys)
    commit(lotta, {"articles/network/vpn.md": article("VPN", **PUBLIC)})
    before = refs(server)
    refused(push(lotta, "origin", f"HEAD:{ref}"), server, before, ref, "refused")


# ------------------------------------------------------------ 7. the content standard


def test_personal_data_in_a_public_article_never_reaches_main(
    server: Path,  # noqa: F811
    ssh_keys: dict[str, Path],
) -> None:
    body = (
        "## Issue\n\nLocked out.\n\n## Environment\n\nWindows\n\n"
        "## Resolution\n\nMail erik.svensson@example.com or call +46 70 123 45 67.\n"
    )
    lotta = clone(server, "lotta", ssh_keys)
    git(lotta, "switch", "-q", "-c", "proposal/lotta/reset")
    commit(lotta, {"articles/accounts/reset.md": article("Reset", body=body, **PUBLIC)})
    git(lotta, "push", "-q", "origin", "proposal/lotta/reset")
    anna = clone(server, "anna", ssh_keys)
    code, out = kcs("merge", "--root", str(anna), "proposal/lotta/reset")
    assert code == 1 and "kcs lint --strict" in out and "articles/accounts/reset.md" in out
    # by hand, past kcs merge: the server refuses the same
    git(anna, "merge", "-q", "--no-ff", "-S", "-m", "Merge", "origin/proposal/lotta/reset")
    before = refs(server)
    refused(push(anna, "origin", "main"), server, before, "reset.md", "kcs lint --strict")


def test_a_template_comment_is_no_resolution(kb: Path) -> None:
    from kcs.article import parse_article
    from kcs.config import load_config

    text = article(
        "Reset",
        state="validated",
        body="## Issue\n\nIt fails.\n\n## Environment\n\nX\n\n"
        "## Resolution\n\n<!-- The steps that fixed it. -->\n",
    )
    parsed, _ = parse_article("articles/accounts/x.md", text, load_config(kb))
    assert parsed is not None
    assert not parsed.section("resolution").has_content  # type: ignore[union-attr]
    write(kb / "articles/accounts/x.md", text)
    code, out = kcs("lint", "--root", str(kb), "--strict", str(kb / "articles/accounts/x.md"))
    assert code == 1 and "section 'Resolution' is empty" in out


def _tree_bytes(repo: Path, rows: list[tuple[str, bytes, str]]) -> str:
    data = b"".join(f"{m} ".encode() + name + b"\0" + bytes.fromhex(sha) for m, name, sha in rows)
    return (
        subprocess.run(
            ["git", "hash-object", "-t", "tree", "-w", "--literally", "--stdin"],
            cwd=repo,
            input=data,
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .strip()
    )


def _rows(repo: Path, treeish: str) -> list[tuple[str, bytes, str]]:
    out = subprocess.run(
        ["git", "ls-tree", "-z", treeish], cwd=repo, capture_output=True, check=True
    ).stdout
    rows = []
    for item in filter(None, out.split(b"\0")):
        meta, _, name = item.partition(b"\t")
        mode, _, sha = meta.decode().split()
        rows.append((mode.lstrip("0"), name, sha))
    return rows


def test_a_tree_naming_a_file_twice(server: Path, ssh_keys: dict[str, Path]) -> None:  # noqa: F811
    """The public article, then an internal rewrite under the same name in the same tree."""
    mikko = clone(server, "mikko", ssh_keys)  # contributor: may change internal articles
    rewrite = (
        subprocess.run(
            ["git", "hash-object", "-w", "--stdin"],
            cwd=mikko,
            input=article("Set up MFA").encode(),
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .strip()
    )
    rows = []
    for mode, name, sha in _rows(mikko, "HEAD:articles/accounts"):
        rows.append((mode, name, sha))
        if name == b"public-mfa.md":
            rows.append((mode, name, rewrite))
    accounts = _tree_bytes(mikko, rows)
    articles = _tree_bytes(
        mikko,
        [(m, n, accounts if n == b"accounts" else s) for m, n, s in _rows(mikko, "HEAD:articles")],
    )
    root = _tree_bytes(
        mikko, [(m, n, articles if n == b"articles" else s) for m, n, s in _rows(mikko, "HEAD")]
    )
    head = git(mikko, "commit-tree", "-S", root, "-p", "HEAD", "-m", "Tidy").strip()
    code, out = gate(mikko, head, "mikko", base="origin/main")
    assert code == 1 and "articles/accounts/public-mfa.md: the tree names it twice" in out
    before = refs(server)
    result = push(mikko, "origin", f"{head}:refs/heads/main")
    refused(result, server, before, "public-mfa.md", "twice")
