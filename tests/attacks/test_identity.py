"""Who counts as whom: forge logins against kcs ids, Unicode look-alikes, an own entry
renamed or shadowed, and kcs.yml edits through which someone grants themselves power."""

from __future__ import annotations

import re

from attackkit import (
    PEOPLE,
    World,
    article,
    assert_gate_refused,
    assert_push_refused,
    commit,
    kcs_yml,
    people_with,
    push,
)
from gitrepo import git

PUBLIC_RESET = article("I forgot my password", audience="public", state="validated")
PUBLIC_LAPTOP = article("Laptop is slow", audience="public", state="validated")
ANNA = PEOPLE["anna"]
MORE_ROLES = {"*": "admin", "accounts": "publisher", "network": "publisher", "devices": "publisher"}


def _pr(world: World, who: str, files: dict[str, str | None]) -> str:
    repo = world.clone(who, origin=world.forge)
    return world.pull_request(repo, commit(repo, files, "Proposal"))


# ------------------------------------------------------------ forge logins


def _refused_or_rejected(result: tuple[int, str], path: str, *, rule: str) -> None:
    """Refused (exit 1, the file and rule named), or the look-alike name itself rejected
    as bad input (exit 2, one line naming the normalisation)."""
    code, out = result
    if code == 2:
        assert out.startswith("Error: ") and len(out.strip().splitlines()) == 1, out
        assert re.search(r"NFKC|normali[sz]", out), out
        return
    assert_gate_refused(result, path, rule=rule)


def test_stranger_whose_login_is_a_kcs_id_approves(world: World) -> None:
    """GitHub login 'anna' belongs to a stranger; Anna's own login is 'anna-l'."""
    sha = _pr(world, "lotta", {"articles/accounts/reset.md": PUBLIC_RESET})
    result = world.gate(sha, "lottan", ["anna"])
    assert_gate_refused(result, "articles/accounts/reset.md", rule=r"publish")


def test_stranger_whose_login_is_a_kcs_id_authors(world: World) -> None:
    """A stranger logged in as 'mikko' is not Mikko (a contributor): nobody approved."""
    sha = _pr(world, "mallory", {"articles/network/vpn.md": article("VPN use my script")})
    result = world.gate(sha, "mikko")
    assert_gate_refused(result, "articles/network/vpn.md", rule=r"contributor|approv")


def test_kelvin_sign_look_alike_approver(world: World) -> None:
    """'janbak\u212aer' (KELVIN SIGN) folds to 'janbakker' under str.lower()."""
    sha = _pr(world, "lotta", {"articles/devices/laptop.md": PUBLIC_LAPTOP})
    result = world.gate(sha, "lottan", ["janbak\u212aer"])
    _refused_or_rejected(result, "articles/devices/laptop.md", rule=r"publish")


def test_kelvin_sign_look_alike_author(world: World) -> None:
    """'eri\u212aj' is not Erik (contributor of devices)."""
    sha = _pr(world, "mallory", {"articles/devices/laptop.md": article("Laptop run this")})
    result = world.gate(sha, "eri\u212aj")
    _refused_or_rejected(result, "articles/devices/laptop.md", rule=r"contributor|approv")


# ------------------------------------------------------------ one's own entry


def _renamed_anna(world: World) -> str:
    renamed = dict(ANNA, roles=MORE_ROLES, key="anna2")
    return kcs_yml(world.pubkeys, people=people_with(anna=None, annalind=renamed))


def test_admin_renames_own_entry_and_pushes_it_alone(world: World) -> None:
    """Same e-mail and login, a new id and key, more roles: still Anna's own entry."""
    anna = world.clone("anna")
    before = world.refs()
    commit(anna, {"kcs.yml": _renamed_anna(world)}, "Tidy people")
    result = push(anna, "origin", "main")
    assert_push_refused(world, result, before, "kcs.yml", rule=r"own|entry|anna")


def test_admin_renames_own_entry_in_a_pull_request(world: World) -> None:
    sha = _pr(world, "anna", {"kcs.yml": _renamed_anna(world)})
    assert_gate_refused(world.gate(sha, "anna-l"), "kcs.yml", rule=r"own|entry|anna")


def test_admin_adds_a_second_entry_with_her_login(world: World) -> None:
    """A new 'helper' with Anna's login and e-mail, listed first, publisher everywhere."""
    helper = dict(ANNA, roles={"*": "publisher"})
    text = kcs_yml(world.pubkeys, people=people_with(helper=helper))
    sha = _pr(world, "anna", {"kcs.yml": text})
    assert_gate_refused(world.gate(sha, "anna-l"), "kcs.yml", rule=r"own|entry|anna|share")


def test_admin_adds_a_second_entry_with_her_key(world: World) -> None:
    helper = {
        "name": "Helper",
        "email": "helper@example.org",
        "github": "helper-bot",
        "roles": {"*": "publisher"},
        "key": "anna",
    }
    anna = world.clone("anna")
    before = world.refs()
    commit(anna, {"kcs.yml": kcs_yml(world.pubkeys, people=people_with(helper=helper))})
    result = push(anna, "origin", "main")
    assert_push_refused(world, result, before, "kcs.yml", rule=r"own|entry|anna|key|share")


def test_admin_gives_her_key_to_a_publisher(world: World) -> None:
    """Mikko's key replaced by Anna's: Anna can then sign as network's publisher."""
    mikko = dict(PEOPLE["mikko"], key="anna")
    anna = world.clone("anna")
    before = world.refs()
    commit(anna, {"kcs.yml": kcs_yml(world.pubkeys, people=people_with(mikko=mikko))})
    result = push(anna, "origin", "main")
    assert_push_refused(world, result, before, "kcs.yml", rule=r"own|entry|anna|key|share")


def test_admin_grants_herself_a_role(world: World) -> None:
    anna_more = dict(ANNA, roles=MORE_ROLES)
    anna = world.clone("anna")
    before = world.refs()
    commit(anna, {"kcs.yml": kcs_yml(world.pubkeys, people=people_with(anna=anna_more))})
    result = push(anna, "origin", "main")
    assert_push_refused(world, result, before, "kcs.yml", rule=r"own|entry|anna")


def test_admin_grants_her_role_publish_through_capabilities(world: World) -> None:
    """No entry changes, but 'admin' now may publish: Anna granted herself publishing."""
    rules = "publisher_self_publish: false\ncapabilities:\n  admin: [internal, admin, publish]"
    anna = world.clone("anna")
    before = world.refs()
    commit(anna, {"kcs.yml": kcs_yml(world.pubkeys, rules=rules)})
    result = push(anna, "origin", "main")
    assert_push_refused(world, result, before, "kcs.yml", rule=r"own|capabilit|rules|anna")


def test_admin_allows_herself_to_self_publish(world: World) -> None:
    rules = "publisher_self_publish: true"
    sha = _pr(world, "anna", {"kcs.yml": kcs_yml(world.pubkeys, rules=rules)})
    result = world.gate(sha, "anna-l")
    assert_gate_refused(result, "kcs.yml", rule=r"own|self_publish|rules|anna")


def test_candidate_grants_herself_publisher_with_a_contributors_approval(world: World) -> None:
    lotta = dict(PEOPLE["lotta"], roles={"*": "publisher"})
    sha = _pr(world, "lotta", {"kcs.yml": kcs_yml(world.pubkeys, people=people_with(lotta=lotta))})
    result = world.gate(sha, "lottan", ["mvirtanen"])
    assert_gate_refused(result, "kcs.yml", rule=r"admin")


def test_unknown_key_signs_a_direct_commit(world: World) -> None:
    fake = world.clone("mallory")
    before = world.refs()
    commit(fake, {"articles/network/vpn.md": article("VPN run my script")})
    result = push(fake, "origin", "main")
    assert_push_refused(world, result, before, rule=r"key|sign")


def test_admin_adds_an_entry_with_a_full_width_copy_of_her_login(world: World) -> None:
    """'\uff41nna-l' (FULLWIDTH a) is 'anna-l' after NFKC: the same login, so her own entry."""
    helper = {
        "name": "Helper",
        "email": "helper@example.org",
        "github": "\uff41nna-l",
        "roles": {"*": "publisher"},
    }
    text = kcs_yml(world.pubkeys, people=people_with(helper=helper))
    sha = _pr(world, "anna", {"kcs.yml": text})
    assert_gate_refused(world.gate(sha, "anna-l"), "kcs.yml", rule=r"own|entry|anna|NFKC|normal")


def test_admin_adds_a_sock_puppet_and_publishes_through_it(world: World) -> None:
    """(Arguable) Anna alone lists 'helper' (fresh id, e-mail and login; a second key of
    hers) as publisher of accounts, then merges her own publication signed as helper:
    no second person ever looked at either change."""
    helper = {
        "name": "Helper",
        "email": "helper@example.org",
        "github": "helper-bot",
        "roles": {"accounts": "publisher"},
        "key": "anna2",
    }
    anna = world.clone("anna")
    commit(anna, {"kcs.yml": kcs_yml(world.pubkeys, people=people_with(helper=helper))})
    result = push(anna, "origin", "main")
    if result.returncode != 0:  # refused at the first step: the safe choice
        assert "kcs.yml" in result.stderr, result.stderr
        return
    git(anna, "switch", "-q", "-c", "proposal/anna/reset")
    commit(anna, {"articles/accounts/reset.md": PUBLIC_RESET}, "Publish reset")
    assert push(anna, "origin", "proposal/anna/reset").returncode == 0
    puppet = world.clone("anna2")
    git(puppet, "merge", "-q", "--no-ff", "-S", "-m", "Merge", "origin/proposal/anna/reset")
    before = world.refs()
    result = push(puppet, "origin", "main")
    assert_push_refused(world, result, before, "articles/accounts/reset.md", rule=r"publish")


def test_empty_login_does_not_match_an_entry_without_one(world: World) -> None:
    """A person listed with empty e-mail and login (a key-only plain-Git reviewer) is not
    whoever gives an empty name."""
    ghost = {"name": "Ghost", "email": "''", "github": "''", "roles": {"accounts": "publisher"}}
    admin = world.clone("anna", origin=world.forge)
    commit(admin, {"kcs.yml": kcs_yml(world.pubkeys, people=people_with(ghost=ghost))})
    git(admin, "push", "-q", "origin", "main")
    sha = _pr(world, "lotta", {"articles/accounts/reset.md": PUBLIC_RESET})
    code, out = world.gate(sha, "lottan", [""])
    assert code in (1, 2), out
    if code == 1:
        assert_gate_refused((code, out), "articles/accounts/reset.md", rule=r"publish")
