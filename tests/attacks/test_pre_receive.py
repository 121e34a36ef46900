"""The plain-Git server: pushes that try to move main, or to shadow it, past the hook.

Every history here is made by the people themselves in their own clones (signed with
their own keys) and reaches the server by `git push`.
"""

from __future__ import annotations

import json
from pathlib import Path

from attackkit import (
    PEOPLE,
    World,
    article,
    assert_gate_refused,
    assert_push_accepted,
    assert_push_refused,
    blob,
    commit,
    kcs,
    kcs_yml,
    people_with,
    push,
    raw_commit,
)
from gitrepo import git

PUBLIC_RESET = article("I forgot my password", audience="public", state="validated")
PUBLIC_VPN = article("VPN does not connect", audience="public", state="validated")
PUBLIC_LAPTOP = article("Laptop is slow", audience="public", state="validated")
PHONE = article("Phone does not ring")


def _propose(
    world: World, who: str, files: dict[str, str | None], name: str, start: str = "HEAD"
) -> Path:
    """A signed proposal branch pushed to the server; returns the author's clone."""
    repo = world.clone(who)
    git(repo, "switch", "-q", "-c", name, start)
    commit(repo, files, f"Proposal {name}")
    result = push(repo, "origin", name)
    assert result.returncode == 0, result.stderr
    return repo


def _merge(repo: Path, *branches: str, extra: dict[str, str] | None = None) -> str:
    """A signed merge of ``branches`` into main in ``repo`` (``extra``: the merger's own
    edits inside the merge commit)."""
    git(repo, "fetch", "-q", "origin")
    git(repo, "merge", "-q", "--no-ff", "--no-commit", *[f"origin/{b}" for b in branches])
    for rel, text in (extra or {}).items():
        (repo / rel).write_text(text, encoding="utf-8")
        git(repo, "add", rel)
    git(repo, "commit", "-q", "-S", "-m", f"Merge {' '.join(branches)}")
    return git(repo, "rev-parse", "HEAD").strip()


def _publish_reset(world: World) -> str:
    """Lotta proposes reset.md for the public, Anna (publisher of accounts) merges it."""
    _propose(world, "lotta", {"articles/accounts/reset.md": PUBLIC_RESET}, "proposal/lotta/reset")
    anna = world.clone("anna")
    sha = _merge(anna, "proposal/lotta/reset")
    assert_push_accepted(world, push(anna, "origin", "main"), "refs/heads/main", sha)
    return sha


def test_rollback_merge_undoes_a_publication(world: World) -> None:
    """A merge whose first parent is the old main and whose tree is the old main's."""
    old = git(world.server, "rev-parse", "main").strip()
    _publish_reset(world)
    lotta = world.clone("lotta")
    current = git(lotta, "rev-parse", "HEAD").strip()
    tree = git(lotta, "rev-parse", f"{old}^{{tree}}").strip()
    rollback = git(lotta, "commit-tree", tree, "-p", old, "-p", current, "-S", "-m", "Sync").strip()
    before = world.refs()
    result = push(lotta, "origin", f"{rollback}:refs/heads/main")
    assert_push_refused(world, result, before, "articles/accounts/reset.md", rule=r"publish")


def _revoke_mikko(world: World) -> None:
    """Anna takes Mikko's publisher role for network away (allowed: not her own entry)."""
    mikko = dict(PEOPLE["mikko"], roles={"*": "contributor"})
    anna = world.clone("anna")
    commit(anna, {"kcs.yml": kcs_yml(world.pubkeys, people=people_with(mikko=mikko))}, "Revoke")
    result = push(anna, "origin", "main")
    assert result.returncode == 0, result.stderr


def _merge_before_revocation(world: World, old: str) -> Path:
    """Mikko merges Lotta's publication of vpn.md onto the main from before his revocation."""
    vpn = {"articles/network/vpn.md": PUBLIC_VPN}
    _propose(world, "lotta", vpn, "proposal/lotta/vpn", start=old)
    mikko = world.clone("mikko")
    git(mikko, "reset", "-q", "--hard", old)
    _merge(mikko, "proposal/lotta/vpn")
    return mikko


def test_revoked_publisher_builds_on_the_old_main(world: World) -> None:
    old = git(world.server, "rev-parse", "main").strip()
    _revoke_mikko(world)
    mikko = _merge_before_revocation(world, old)
    _merge(mikko, "main")  # brings the revocation in: main moves fast-forward
    before = world.refs()
    result = push(mikko, "origin", "HEAD:refs/heads/main")
    assert_push_refused(world, result, before, "articles/network/vpn.md", rule=r"publish")


def test_revoked_publisher_restores_the_old_kcs_yml(world: World) -> None:
    old = git(world.server, "rev-parse", "main").strip()
    _revoke_mikko(world)
    mikko = _merge_before_revocation(world, old)
    git(mikko, "merge", "-q", "-S", "-s", "ours", "-m", "Sync main", "origin/main")
    before = world.refs()
    result = push(mikko, "origin", "HEAD:refs/heads/main")
    assert_push_refused(world, result, before, rule=r"kcs\.yml.*admin|vpn\.md.*publish")


def test_evil_merge_publishes_the_mergers_own_edit(world: World) -> None:
    """Jan merges Lotta's harmless proposal and, inside the merge, publishes laptop.md."""
    _propose(world, "lotta", {"articles/devices/phone.md": PHONE}, "proposal/lotta/phone")
    jan = world.clone("jan")
    _merge(jan, "proposal/lotta/phone", extra={"articles/devices/laptop.md": PUBLIC_LAPTOP})
    before = world.refs()
    result = push(jan, "origin", "main")
    assert_push_refused(world, result, before, "articles/devices/laptop.md", rule=r"publish")


def test_approver_signs_a_commit_with_the_authors_email(world: World) -> None:
    """Jan's own publication hides in Lotta's proposal under Lotta's e-mail; Jan merges."""
    lotta = _propose(world, "lotta", {"articles/devices/phone.md": PHONE}, "proposal/lotta/phone")
    jan = world.clone("jan")
    git(jan, "fetch", "-q", "origin")
    git(jan, "switch", "-q", "-c", "proposal/lotta/phone", "origin/proposal/lotta/phone")
    commit(
        jan,
        {"articles/devices/laptop.md": PUBLIC_LAPTOP},
        "Polish",
        author="Lotta Niemi <lotta@example.org>",
    )
    assert push(jan, "origin", "proposal/lotta/phone").returncode == 0
    git(jan, "switch", "-q", "main")
    _merge(jan, "proposal/lotta/phone")
    before = world.refs()
    result = push(jan, "origin", "main")
    assert lotta.exists()
    assert_push_refused(world, result, before, "articles/devices/laptop.md", rule=r"publish")


def test_unsigned_work_in_another_name_merged_by_its_real_author(world: World) -> None:
    """Jan commits his publication unsigned as Lotta, then merges it as her approver."""
    jan = world.clone("jan")
    git(jan, "switch", "-q", "-c", "proposal/lotta/laptop")
    author = "Lotta Niemi <lotta@example.org>"
    commit(jan, {"articles/devices/laptop.md": PUBLIC_LAPTOP}, "Publish", author=author, sign=False)
    assert push(jan, "origin", "proposal/lotta/laptop").returncode == 0
    git(jan, "switch", "-q", "main")
    _merge(jan, "proposal/lotta/laptop")
    before = world.refs()
    result = push(jan, "origin", "main")
    assert_push_refused(world, result, before, "articles/devices/laptop.md", rule=r"publish")


def test_octopus_merge_hides_the_mergers_own_branch(world: World) -> None:
    _propose(world, "lotta", {"articles/devices/phone.md": PHONE}, "proposal/lotta/phone")
    _propose(world, "jan", {"articles/devices/laptop.md": PUBLIC_LAPTOP}, "proposal/jan/laptop")
    jan = world.clone("jan")
    _merge(jan, "proposal/lotta/phone", "proposal/jan/laptop")
    assert len(git(jan, "rev-list", "--parents", "-1", "HEAD").split()) == 4
    before = world.refs()
    result = push(jan, "origin", "main")
    assert_push_refused(world, result, before, "articles/devices/laptop.md", rule=r"publish")


def _unapproved(world: World) -> Path:
    lotta = world.clone("lotta")
    commit(lotta, {"articles/network/vpn.md": PUBLIC_VPN}, "Publish it myself")
    return lotta


def test_tags_named_main_do_not_decide_what_goes_live(world: World) -> None:
    """Tags `main` and `origin/main` at a candidate's unapproved commit (also pushed as a
    proposal branch, so clones fetch it): refused, or harmless because what is published
    as main is refs/heads/main (`kcs publish --commit main`, as hooks/post-receive runs it)."""
    lotta = _unapproved(world)
    before = world.refs()
    result = push(
        lotta,
        "origin",
        "HEAD:refs/heads/proposal/lotta/vpn",
        "HEAD:refs/tags/main",
        "HEAD:refs/tags/origin/main",
    )
    if result.returncode != 0:
        assert_push_refused(world, result, before, "refs/tags/", rule=r"main|ref|tag")
        return
    dest = world.tmp / "publish"
    dest.mkdir()
    code, out = kcs("publish", "--repo", str(world.server), "--dest", str(dest), "--commit", "main")
    assert code == 0, out
    published = json.loads((dest / "publish-log.jsonl").read_text().splitlines()[-1])["commit"]
    assert published == git(world.server, "rev-parse", "refs/heads/main").strip(), (
        "the tag named main was published instead of the branch"
    )


def test_tag_origin_main_on_the_forge_chooses_the_gates_base(world: World) -> None:
    """Someone with push access tags `origin/main` at a commit whose kcs.yml makes Lotta a
    self-publishing publisher; CI clones fetch tags, and `origin/main` finds the tag first."""
    rigged = dict(PEOPLE["lotta"], roles={"*": "publisher"})
    text = kcs_yml(
        world.pubkeys, people=people_with(lotta=rigged), rules="publisher_self_publish: true"
    )
    mallory = world.clone("mallory", origin=world.forge)
    commit(mallory, {"kcs.yml": text}, "Rig the rules")
    git(mallory, "push", "-q", "origin", "HEAD:refs/tags/origin/main")
    lotta = world.clone("lotta", origin=world.forge)
    git(lotta, "reset", "-q", "--hard", "refs/tags/origin/main")  # her branch starts there
    sha = world.pull_request(lotta, commit(lotta, {"articles/accounts/reset.md": PUBLIC_RESET}))
    result = world.gate(sha, "lottan")
    assert_gate_refused(result, "articles/accounts/reset.md", rule=r"publish")


def test_ref_named_refs_main_shadows_main(world: World) -> None:
    """`git rev-parse main` on the server would find refs/main before refs/heads/main;
    Git itself refuses such a ref name, and so may the hook, before Git does."""
    lotta = _unapproved(world)
    before = world.refs()
    result = push(lotta, "origin", "HEAD:refs/main")
    assert_push_refused(world, result, before, "refs/main", rule=r"funny|refus", by="error|kcs")


def test_deleting_main(world: World) -> None:
    anna = world.clone("anna")
    before = world.refs()
    result = push(anna, "origin", ":refs/heads/main")
    assert_push_refused(world, result, before, rule=r"delet")


def test_force_push_to_main(world: World) -> None:
    _publish_reset(world)
    anna = world.clone("anna")
    git(anna, "reset", "-q", "--hard", "HEAD~1")
    commit(anna, {"articles/network/vpn.md": article("VPN again")}, "Rewrite")
    before = world.refs()
    result = push(anna, "--force", "origin", "main")
    assert_push_refused(world, result, before, rule=r"fast-forward|force")


def test_one_bad_ref_refuses_the_whole_push(world: World) -> None:
    """A proposal branch and a bad main in one push: neither lands."""
    lotta = _unapproved(world)
    before = world.refs()
    result = push(lotta, "origin", "HEAD:refs/heads/proposal/lotta/vpn", "HEAD:refs/heads/main")
    assert_push_refused(world, result, before, "articles/network/vpn.md", rule=r"publish|contrib")


def test_unsigned_direct_commit(world: World) -> None:
    mikko = world.clone("mikko", sign=False)
    commit(mikko, {"articles/network/vpn.md": article("VPN again")}, "Unsigned")
    before = world.refs()
    result = push(mikko, "origin", "main")
    assert_push_refused(world, result, before, rule=r"sign")


def test_branch_named_main_in_capitals(world: World) -> None:
    """refs/heads/MAIN is refs/heads/main on a case-insensitive server file system."""
    lotta = _unapproved(world)
    before = world.refs()
    result = push(lotta, "origin", "HEAD:refs/heads/MAIN")
    assert_push_refused(world, result, before, "MAIN", rule=r"main|case|collid")


def test_rules_loosened_and_used_in_the_same_push(world: World) -> None:
    """Anna empties rules.admin_paths; in the same push Jan merges Lotta's new hook."""
    anna = world.clone("anna")
    loose = "publisher_self_publish: false\nadmin_paths: [kcs.yml]"
    commit(anna, {"kcs.yml": kcs_yml(world.pubkeys, rules=loose)}, "Fewer admin paths")
    assert push(anna, "origin", "HEAD:refs/heads/proposal/anna/rules").returncode == 0
    lotta = world.clone("lotta")
    git(lotta, "fetch", "-q", "origin")
    git(lotta, "switch", "-q", "-c", "proposal/lotta/hook", "origin/proposal/anna/rules")
    commit(lotta, {"hooks/pre-receive": "#!/bin/sh\nexit 0\n"}, "Faster hook")
    assert push(lotta, "origin", "proposal/lotta/hook").returncode == 0
    jan = world.clone("jan")
    git(jan, "fetch", "-q", "origin")
    git(jan, "merge", "-q", "--ff-only", "origin/proposal/anna/rules")
    _merge(jan, "proposal/lotta/hook")
    before = world.refs()
    result = push(jan, "origin", "main")
    assert_push_refused(world, result, before, "hooks/pre-receive", rule=r"admin")


def test_mode_change_of_a_public_article_by_a_contributor(world: World) -> None:
    mikko = world.clone("mikko")  # contributor of accounts
    (mikko / "articles/accounts/public-mfa.md").chmod(0o755)
    commit(mikko, {}, "Executable")
    before = world.refs()
    result = push(mikko, "origin", "main")
    assert_push_refused(world, result, before, "articles/accounts/public-mfa.md", rule=r"publish")


def test_key_added_and_used_in_the_same_push(world: World) -> None:
    """Anna lists Mallory (publisher of network, with her key); Mallory's signed merge of
    Lotta's publication rides in the same push: a push cannot bring its own key."""
    mallory = {
        "name": "Mallory",
        "email": "mallory@example.org",
        "github": "mallory",
        "roles": {"network": "publisher"},
    }
    _propose(world, "lotta", {"articles/network/vpn.md": PUBLIC_VPN}, "proposal/lotta/vpn")
    anna = world.clone("anna")
    text = kcs_yml(world.pubkeys, people=people_with(mallory=mallory))
    commit(anna, {"kcs.yml": text}, "Welcome Mallory")
    assert push(anna, "origin", "HEAD:refs/heads/proposal/anna/mallory").returncode == 0
    evil = world.clone("mallory")
    git(evil, "fetch", "-q", "origin")
    git(evil, "merge", "-q", "--ff-only", "origin/proposal/anna/mallory")
    _merge(evil, "proposal/lotta/vpn")
    before = world.refs()
    result = push(evil, "origin", "main")
    assert_push_refused(world, result, before, rule=r"sign|key|vpn\.md")


def test_hostile_proposal_branch_does_not_stop_publishing(world: World) -> None:
    """Proposal branches are open to all and the internal site shows them: a '..' entry or
    a symbolic link there is refused, or publishing main still works."""
    lotta = world.clone("lotta")
    head = git(lotta, "rev-parse", "HEAD").strip()
    link = ("120000", blob(lotta, "../../kcs.yml"))
    raw_commit(
        lotta,
        [head],
        {
            b"articles/x/../../kcs.yml": "people: []\n",
            b"articles/network/link.md": link,
            "articles/network/vpn.md": PUBLIC_VPN,
        },
    )
    before = world.refs()
    result = push(lotta, "origin", "HEAD:refs/heads/proposal/lotta/evil")
    if result.returncode != 0:
        assert_push_refused(world, result, before, "articles/", rule=r"\.\.|symbolic|symlink")
        return
    dest = world.tmp / "publish"
    dest.mkdir()
    code, out = kcs("publish", "--repo", str(world.server), "--dest", str(dest), "--commit", "main")
    assert code == 0, out
    assert (dest / "live").exists()


def _steps(resolution: str) -> str:
    return (
        f"## Issue\n\nIt drops.\n\n## Environment\n\nWindows 11\n\n## Resolution\n\n{resolution}\n"
    )


def test_tag_named_like_a_proposal_is_not_what_gets_merged(world: World) -> None:
    """Mallory tags her own commit `proposal/lotta/vpn`; clones fetch tags, and a short
    name finds refs/tags/ before refs/remotes/. `kcs merge proposal/lotta/vpn` must merge
    Lotta's branch (or refuse), never the tag."""
    _propose(
        world,
        "lotta",
        {"articles/network/vpn.md": article("VPN drops", body=_steps("Reconnect the VPN."))},
        "proposal/lotta/vpn",
    )
    mallory = world.clone("mallory", sign=False)
    commit(mallory, {"articles/network/vpn.md": article("VPN", body=_steps("Run evil.sh"))})
    result = push(
        mallory, "origin", "HEAD:refs/heads/proposal/mallory/x", "HEAD:refs/tags/proposal/lotta/vpn"
    )
    if result.returncode != 0:
        assert_push_refused(world, result, world.refs(), "proposal/lotta/vpn", rule=r"ref|tag|name")
        return
    mikko = world.clone("mikko")  # publisher of network, reviews and merges Lotta's proposal
    code, out = kcs("merge", "--root", str(mikko), "proposal/lotta/vpn")
    merged = git(world.server, "show", "refs/heads/main:articles/network/vpn.md")
    assert code == 0 or "Refused" in out, out
    assert "Run evil.sh" not in merged, f"the tag was merged instead of the branch:\n{out}"
