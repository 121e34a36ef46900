"""Positive controls: legitimate changes, made the same way as the attacks, get through.
Without them the suite could pass by refusing everything."""

from __future__ import annotations

from attackkit import (
    PEOPLE,
    World,
    article,
    assert_push_accepted,
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


def test_contributor_fixes_an_internal_article_directly(world: World) -> None:
    mikko = world.clone("mikko")
    sha = commit(mikko, {"articles/network/vpn.md": article("VPN does not connect at all")})
    assert_push_accepted(world, push(mikko, "origin", "main"), "refs/heads/main", sha)


def test_admin_adds_an_article_through_a_hand_made_tree(world: World) -> None:
    """The same raw tree writing as the path attacks, with a sane path."""
    anna = world.clone("anna")
    head = git(anna, "rev-parse", "HEAD").strip()
    text = article("New VPN client", ident="new-vpn")
    sha = raw_commit(anna, [head], {"articles/network/new-vpn.md": ("100644", blob(anna, text))})
    assert_push_accepted(
        world, push(anna, "origin", "HEAD:refs/heads/main"), "refs/heads/main", sha
    )


def test_candidate_pushes_an_unsigned_proposal_branch(world: World) -> None:
    lotta = world.clone("lotta", sign=False)
    git(lotta, "switch", "-q", "-c", "proposal/lotta/vpn")
    sha = commit(lotta, {"articles/network/vpn.md": article("VPN drops")})
    result = push(lotta, "origin", "proposal/lotta/vpn")
    assert_push_accepted(world, result, "refs/heads/proposal/lotta/vpn", sha)


def test_publisher_merges_a_candidates_publication_with_kcs_merge(world: World) -> None:
    lotta = world.clone("lotta")
    git(lotta, "switch", "-q", "-c", "proposal/lotta/reset")
    commit(lotta, {"articles/accounts/reset.md": PUBLIC_RESET}, "Publish reset")
    assert push(lotta, "origin", "proposal/lotta/reset").returncode == 0
    anna = world.clone("anna")
    code, out = kcs("merge", "--root", str(anna), "proposal/lotta/reset")
    assert code == 0, out
    assert git(world.server, "rev-parse", "main") == git(anna, "rev-parse", "HEAD")


def test_contributor_merges_a_candidates_internal_fix_by_hand(world: World) -> None:
    lotta = world.clone("lotta")
    git(lotta, "switch", "-q", "-c", "proposal/lotta/vpn")
    commit(lotta, {"articles/network/vpn.md": article("VPN drops every hour")})
    assert push(lotta, "origin", "proposal/lotta/vpn").returncode == 0
    mikko = world.clone("mikko")
    git(mikko, "merge", "-q", "--no-ff", "-S", "-m", "Merge", "origin/proposal/lotta/vpn")
    sha = git(mikko, "rev-parse", "HEAD").strip()
    assert_push_accepted(world, push(mikko, "origin", "main"), "refs/heads/main", sha)


def test_contributor_renames_within_his_domain(world: World) -> None:
    mikko = world.clone("mikko")
    git(mikko, "mv", "articles/network/vpn.md", "articles/network/vpn-connect.md")
    sha = commit(mikko, {}, "Clearer file name")
    assert_push_accepted(world, push(mikko, "origin", "main"), "refs/heads/main", sha)


def test_admin_revokes_another_persons_role(world: World) -> None:
    # a revocation: granting roles needs a second admin (docs/security.md, sock puppets)
    erik = dict(PEOPLE["erik"], roles={"devices": "contributor"})
    anna = world.clone("anna")
    sha = commit(anna, {"kcs.yml": kcs_yml(world.pubkeys, people=people_with(erik=erik))})
    assert_push_accepted(world, push(anna, "origin", "main"), "refs/heads/main", sha)


def test_pull_request_publication_approved_by_the_publisher(world: World) -> None:
    lotta = world.clone("lotta", origin=world.forge)
    sha = world.pull_request(lotta, commit(lotta, {"articles/accounts/reset.md": PUBLIC_RESET}))
    code, out = world.gate(sha, "lottan", ["anna-l"])
    assert code == 0, out


def test_pull_request_adding_a_person_approved_by_an_admin(world: World) -> None:
    newcomer = {
        "name": "Noor Haddad",
        "email": "noor@example.org",
        "github": "noorh",
        "roles": {"network": "contributor"},
    }
    text = kcs_yml(world.pubkeys, people=people_with(noor=newcomer))
    mikko = world.clone("mikko", origin=world.forge)
    sha = world.pull_request(mikko, commit(mikko, {"kcs.yml": text}))
    code, out = world.gate(sha, "mvirtanen", ["anna-l"])
    assert code == 0, out


def test_pull_request_internal_fix_by_a_contributor(world: World) -> None:
    erik = world.clone("erik", origin=world.forge)
    sha = world.pull_request(erik, commit(erik, {"articles/devices/laptop.md": article("Slow")}))
    code, out = world.gate(sha, "erikj")
    assert code == 0, out


def test_proposal_that_merged_main_in_is_judged_for_its_own_change(world: World) -> None:
    """Lotta updates her branch from main (which moved meanwhile); Mikko merges it by hand."""
    lotta = world.clone("lotta")
    git(lotta, "switch", "-q", "-c", "proposal/lotta/vpn")
    commit(lotta, {"articles/network/vpn.md": article("VPN drops after sleep")})
    erik = world.clone("erik")
    commit(erik, {"articles/devices/laptop.md": article("Laptop is slow after updates")})
    assert push(erik, "origin", "main").returncode == 0
    git(lotta, "fetch", "-q", "origin")
    git(lotta, "merge", "-q", "--no-edit", "-S", "origin/main")
    assert push(lotta, "origin", "proposal/lotta/vpn").returncode == 0
    mikko = world.clone("mikko")
    git(mikko, "merge", "-q", "--no-ff", "-S", "-m", "Merge", "origin/proposal/lotta/vpn")
    sha = git(mikko, "rev-parse", "HEAD").strip()
    assert_push_accepted(world, push(mikko, "origin", "main"), "refs/heads/main", sha)
    forge_sha = world.pull_request(lotta, "proposal/lotta/vpn")
    git(
        world.forge, "update-ref", "refs/heads/main", git(lotta, "rev-parse", "origin/main").strip()
    )
    code, out = world.gate(forge_sha, "lottan", ["mvirtanen"])
    assert code == 0, out
