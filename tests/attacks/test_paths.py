"""Hostile tree entries: '..' and '.' components, backslashes, control characters,
case-fold collisions, symlinks and submodules, pushed for real and gated like a pull
request. Each is tried by people whose roles would allow the same change under a sane
name, so the path rule is the only thing that can stop it."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from attackkit import (
    World,
    article,
    assert_gate_refused,
    assert_push_refused,
    blob,
    kcs,
    push,
    raw_commit,
    tree_entries,
)
from gitrepo import git

INTERNAL = article("Looks harmless")


@dataclass(frozen=True)
class PathAttack:
    id: str
    path: bytes
    names: tuple[str, ...]  # what the one-line reason must name
    rule: str  # what it must say (regular expression, outside the names)
    mode: str = "100644"
    content: str = INTERNAL
    target_commit: bool = False  # a gitlink pointing at a commit


ATTACKS = [
    PathAttack(
        "dotdot-kcs-yml",
        b"articles/x/../../kcs.yml",
        ("articles/x/../../kcs.yml",),
        r"\.\.",
        content="people: []\n",
    ),
    PathAttack(
        "dotdot-article",
        b"articles/network/../accounts/public-mfa.md",
        ("articles/network/../accounts/public-mfa.md",),
        r"\.\.",
    ),
    PathAttack("dot-component", b"articles/network/./vpn.md", ("./vpn.md",), r"path|component"),
    PathAttack("backslash", b"articles/network\\evil.md", ("evil.md",), r"backslash|\\"),
    PathAttack("newline", b"articles/network/a\nb.md", ("articles/network/",), r"control"),
    PathAttack("escape", b"articles/network/\x1b[8mhidden.md", ("hidden.md",), r"control"),
    PathAttack("tab", b"articles/network/tab\there.md", ("here.md",), r"control"),
    PathAttack(
        "casefold-file", b"articles/network/VPN.md", ("articles/network/VPN.md",), r"case|collid"
    ),
    PathAttack(
        "casefold-folder",
        b"Articles/accounts/public-mfa.md",
        ("Articles/accounts/public-mfa.md",),
        r"case|collid",
    ),
    PathAttack(
        "symlink-article",
        b"articles/network/link.md",
        ("articles/network/link.md",),
        r"symlink|symbolic|link",
        mode="120000",
        content="../../kcs.yml",
    ),
    PathAttack(
        "symlink-outside-repo",
        b"docs/portal/passwd.md",
        ("docs/portal/passwd.md",),
        r"symlink|symbolic|link",
        mode="120000",
        content="/etc/passwd",
    ),
    PathAttack(
        "public-article-becomes-symlink",
        b"articles/accounts/public-mfa.md",
        ("articles/accounts/public-mfa.md",),
        r"symlink|symbolic|link",
        mode="120000",
        content="../network/vpn.md",
    ),
    PathAttack(
        "gitlink",
        b"articles/network/sub",
        ("articles/network/sub",),
        r"submodule|gitlink",
        mode="160000",
        target_commit=True,
    ),
    PathAttack(
        "dot-git-folder",
        b"articles/network/.git/config",
        ("articles/network/.git",),
        r"\.git|path|component",
        content="[core]\n\tfsmonitor = touch /tmp/owned\n",
    ),
    PathAttack(
        "invalid-utf8", b"articles/network/\xff\xfe.md", ("articles/network/",), r"UTF-8|path"
    ),
]


def _attack_commit(world: World, repo, attack: PathAttack) -> str:
    head = git(repo, "rev-parse", "HEAD").strip()
    if attack.target_commit:
        value = (attack.mode, head)
    else:
        value = (attack.mode, blob(repo, attack.content))
    return raw_commit(repo, [head], {attack.path: value}, "Innocent change")


@pytest.mark.parametrize("attack", ATTACKS, ids=[a.id for a in ATTACKS])
def test_push(world: World, attack: PathAttack) -> None:
    """An admin's signed direct commit: their roles allow an internal change anywhere."""
    anna = world.clone("anna")
    before = world.refs()
    _attack_commit(world, anna, attack)
    result = push(anna, "origin", "HEAD:refs/heads/main")
    assert_push_refused(world, result, before, *attack.names, rule=attack.rule)


@pytest.mark.parametrize("attack", ATTACKS, ids=[a.id for a in ATTACKS])
def test_gate(world: World, attack: PathAttack) -> None:
    """A pull request by a candidate approved by an admin and two publishers."""
    lotta = world.clone("lotta", origin=world.forge)
    sha = world.pull_request(lotta, _attack_commit(world, lotta, attack))
    result = world.gate(sha, "lottan", ["anna-l", "mvirtanen", "janbakker"])
    assert_gate_refused(result, *attack.names, rule=attack.rule)


def _duplicate_entry(repo) -> str:
    """public-mfa.md twice in one tree: first as it is (public), then an internal rewrite.
    Git's diff reads the second as a new internal file; a checkout keeps the second, so the
    public article is gone, changed by someone who may only change internal articles."""
    head = git(repo, "rev-parse", "HEAD").strip()
    path = "articles/accounts/public-mfa.md"
    current = tree_entries(repo, head)[path.encode()]
    rewrite = ("100644", blob(repo, article("Set up MFA", ident="public-mfa")))
    return raw_commit(repo, [head], {path: [current, rewrite]}, "Tidy")


def test_duplicate_tree_entry_by_push(world: World) -> None:
    mikko = world.clone("mikko")  # contributor of accounts
    before = world.refs()
    _duplicate_entry(mikko)
    result = push(mikko, "origin", "HEAD:refs/heads/main")
    assert_push_refused(
        world, result, before, "articles/accounts/public-mfa.md", rule=r"duplicate|twice|publish"
    )


def test_duplicate_tree_entry_by_pull_request(world: World) -> None:
    lotta = world.clone("lotta", origin=world.forge)
    sha = world.pull_request(lotta, _duplicate_entry(lotta))
    result = world.gate(sha, "lottan", ["mvirtanen"])
    assert_gate_refused(result, "articles/accounts/public-mfa.md", rule=r"duplicate|twice|publish")


def test_kcs_merge_of_a_proposal_with_a_hostile_entry(world: World) -> None:
    """A proposal branch holding a '..' entry (if the server takes it at all): `kcs merge`
    refuses it with a reason naming the entry, exit 1, and nothing changes anywhere."""
    lotta = world.clone("lotta")
    git(lotta, "switch", "-q", "-c", "proposal/lotta/evil")
    _attack_commit(world, lotta, ATTACKS[0])
    result = push(lotta, "origin", "proposal/lotta/evil")
    if result.returncode != 0:
        assert_push_refused(world, result, world.refs(), *ATTACKS[0].names, rule=ATTACKS[0].rule)
        return
    mikko = world.clone("mikko")
    before, local = world.refs(), git(mikko, "rev-parse", "HEAD")
    code, out = kcs("merge", "--root", str(mikko), "proposal/lotta/evil")
    assert code == 1, out
    assert any("articles/x/../../kcs.yml" in line for line in out.splitlines()), out
    assert world.refs() == before and git(mikko, "rev-parse", "HEAD") == local
    assert git(mikko, "status", "--porcelain") == ""
