"""The pure decision function: every rule, without Git."""

from __future__ import annotations

from pathlib import Path

import pytest
from kbrepo import article, kcs_yml

from kcs.article import parse_article
from kcs.config import Config, load_config
from kcs.review.diff import Change
from kcs.review.gate import decide, requirements
from kcs.review.roles import Rules, changed_people, rules_from_config


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> Config:
    return load_config(tmp_path_factory.mktemp("cfg"), text=kcs_yml())


def art(config: Config, path: str, **front: str):
    parsed, _ = parse_article(path, article("Title", **front), config)
    assert parsed is not None
    return parsed


def change(config: Config, status: str, old: tuple | None, new: tuple | None, **kw) -> Change:
    return Change(
        status=status,
        old_path=old[0] if old else None,
        new_path=new[0] if new else None,
        old_article=art(config, old[0], **old[1]) if old and old[1] is not None else None,
        new_article=art(config, new[0], **new[1]) if new and new[1] is not None else None,
        **kw,
    )


def judge(
    config: Config,
    changes: list[Change],
    author: str,
    *approvers: str,
    rules: Rules | None = None,
    changed: dict[str, str] | None = None,
):
    person = config.person
    return decide(
        changes,
        author=person(author),
        approvers=[person(a) for a in approvers],
        rules=rules or rules_from_config(config),
        changed=changed,
    )


P = "articles/accounts/reset.md"


def test_contributor_merges_internal_change_alone(config: Config) -> None:
    c = change(config, "M", (P, {}), (P, {"state": "validated"}))
    decision = judge(config, [c], "jan")
    assert decision.allowed
    assert [(n.action, n.domain, n.satisfied_by) for n in decision.files[0].needs] == [
        ("internal", "accounts", "jan")
    ]


def test_candidate_approving_own_change_is_refused(config: Config) -> None:
    c = change(config, "M", (P, {}), (P, {}))
    decision = judge(config, [c], "lotta", "lotta")
    assert not decision.allowed
    assert "lotta's own approval does not count twice (they wrote the change)" in decision.notes
    assert decision.reasons == [
        f"{P}: needs the approval of a contributor or publisher or coach or kde or admin of "
        "accounts (changes an article in accounts); lotta approved their own change"
    ]


def test_candidate_change_approved_by_contributor(config: Config) -> None:
    decision = judge(config, [change(config, "A", None, (P, {}))], "lotta", "mikko")
    assert decision.allowed
    assert decision.files[0].needs[0].satisfied_by == "mikko"


def test_contributor_publishing_to_public_is_refused(config: Config) -> None:
    c = change(config, "M", (P, {}), (P, {"audience": "public", "state": "validated"}))
    decision = judge(config, [c], "mikko")
    assert not decision.allowed
    (reason,) = decision.reasons
    assert "needs the approval of a publisher of accounts" in reason
    assert "audience internal -> public, sets state validated" in reason


def test_publisher_of_another_domain_does_not_count(config: Config) -> None:
    c = change(config, "M", (P, {}), (P, {"audience": "customer"}))
    decision = judge(config, [c], "lotta", "mikko")
    assert not decision.allowed
    assert "mikko is publisher of network, not of accounts" in decision.reasons[0]


def test_publisher_of_the_domain_publishes(config: Config) -> None:
    c = change(config, "M", (P, {}), (P, {"audience": "public", "state": "validated"}))
    assert judge(config, [c], "mikko", "anna").allowed


def test_publisher_may_not_publish_own_change_unless_switched_on(config: Config) -> None:
    c = change(config, "M", (P, {"audience": "public"}), (P, {"audience": "public"}))
    refused = judge(config, [c], "anna")
    assert not refused.allowed
    assert "anna wrote it and rules.publisher_self_publish is off" in refused.reasons[0]
    rules = Rules(publisher_self_publish=True)
    assert judge(config, [c], "anna", rules=rules).allowed


def test_author_approval_never_counts_twice_for_publish(config: Config) -> None:
    c = change(config, "M", (P, {"audience": "partner"}), (P, {"audience": "partner"}))
    assert not judge(config, [c], "anna", "anna").allowed


def test_narrowing_an_external_article_still_needs_a_publisher(config: Config) -> None:
    c = change(config, "M", (P, {"audience": "public"}), (P, {"audience": "internal"}))
    decision = judge(config, [c], "jan")
    assert not decision.allowed
    assert "audience public -> internal" in decision.reasons[0]


def test_widening_hidden_in_a_rename_is_seen(config: Config) -> None:
    new = "articles/accounts/reset-password.md"
    c = change(config, "R", (P, {}), (new, {"audience": "public"}))
    decision = judge(config, [c], "jan")
    assert not decision.allowed
    assert decision.reasons == [
        f"{P} -> {new}: needs the approval of a publisher of accounts (audience internal -> "
        "public (in a rename)); jan is contributor of accounts; nobody approved"
    ]


def test_archiving_needs_kde_or_publisher(config: Config) -> None:
    old = "articles/printing/a.md"
    c = change(config, "M", (old, {}), (old, {"state": "archived"}))
    assert not judge(config, [c], "mikko").allowed
    assert judge(config, [c], "erik").allowed  # kde of printing
    assert judge(config, [c], "mikko", "erik").allowed


def test_deleting_needs_archive_right(config: Config) -> None:
    c = change(config, "D", (P, {}), None)
    decision = judge(config, [c], "jan")
    assert [n.action for n in decision.files[0].needs] == ["internal", "archive"]
    assert not decision.allowed
    assert judge(config, [c], "jan", "anna").allowed


def test_domain_change_needs_both_domains(config: Config) -> None:
    new = "articles/printing/reset.md"
    c = change(config, "R", (P, {}), (new, {}))
    decision = judge(config, [c], "anna")  # publisher of accounts only (admin elsewhere)
    missing = [n for n in decision.files[0].needs if not n.satisfied_by]
    assert [(n.action, n.domain) for n in missing] == [("archive", "printing")]
    assert judge(config, [c], "anna", "erik").allowed


def test_admin_paths_need_an_admin(config: Config) -> None:
    for path in (
        "kcs.yml",
        "mkdocs.yml",
        ".github/workflows/ci.yml",
        "hooks/pre-receive",
        "kcs/theme/main.html",
    ):
        c = Change("M", path, path)
        assert not judge(config, [c], "mikko", "jan").allowed, path
        assert judge(config, [c], "mikko", "anna").allowed, path


def test_self_grant_in_kcs_yml_counts_for_nothing(config: Config) -> None:
    c = Change("M", "kcs.yml", "kcs.yml")
    pub = change(config, "M", (P, {}), (P, {"audience": "public"}))
    changed = {"anna": "roles changed in kcs.yml"}
    decision = judge(config, [c, pub], "anna", changed=changed)
    assert not decision.allowed
    assert (
        "anna counts for nothing in this change: their own entry is altered (roles "
        "changed in kcs.yml)" in decision.notes
    )
    assert "anna's own entry is roles changed in kcs.yml by this change" in decision.reasons[0]


def test_changed_people_sees_roles_keys_and_new_people(tmp_path: Path) -> None:
    before = load_config(tmp_path, text=kcs_yml())
    people = dict(__import__("kbrepo").PEOPLE)
    people["mikko"] = {**people["mikko"], "roles": {"*": "publisher"}}
    people["zed"] = {
        "name": "Zed",
        "email": "z@example.org",
        "github": "zed",
        "roles": {"*": "admin"},
    }
    after = load_config(tmp_path, text=kcs_yml(people, keys={"jan": "ssh-ed25519 AAAA"}))
    assert changed_people(before, after) == {
        "mikko": "roles changed in kcs.yml",
        "jan": "ssh_key changed in kcs.yml",
        "zed": "added to kcs.yml",
    }


def test_files_outside_articles_and_binaries(config: Config) -> None:
    docs = Change("M", "docs/portal/index.md", "docs/portal/index.md")
    assert requirements(docs, Rules()) == [
        ("admin", "*", "outside articles/: portal pages are shown on every site")
    ]
    assert judge(config, [docs], "jan").allowed is False
    assert judge(config, [docs], "lotta", "erik").allowed is False
    # a publisher of one domain cannot vouch for a page of every site
    assert judge(config, [docs], "lotta", "sanne").allowed is False
    assert judge(config, [docs], "lotta", "anna").allowed
    new_image = Change("A", None, "articles/accounts/shot.png", binary=True)
    assert requirements(new_image, Rules()) == [
        ("internal", "accounts", "adds a file beside the articles")
    ]
    old_image = Change("M", "articles/accounts/shot.png", "articles/accounts/shot.png", binary=True)
    assert requirements(old_image, Rules())[0][0] == "publish"
    link = Change(
        "A", None, "articles/accounts/x.md", new_mode="120000", new_problem="not a text file"
    )
    assert ("admin", "*") in [(a, d) for a, d, _ in requirements(link, Rules())]


def test_unreadable_front_matter_is_treated_as_public(config: Config) -> None:
    c = Change(
        "M", P, P, old_article=art(config, P), new_problem="front matter cannot be read (bad)"
    )
    decision = judge(config, [c], "jan")
    assert not decision.allowed
    assert "treated as public" in decision.reasons[0]


def test_capabilities_override(tmp_path: Path) -> None:
    cfg = load_config(
        tmp_path, text=kcs_yml(rules="capabilities: {kde: [internal, archive, publish]}")
    )
    c = change(
        cfg, "M", ("articles/printing/a.md", {}), ("articles/printing/a.md", {"audience": "public"})
    )
    assert judge(cfg, [c], "lotta", "erik").allowed


def test_unverified_author_role_does_not_count(config: Config) -> None:
    c = change(config, "M", (P, {}), (P, {}))
    decision = decide(
        [c], author=config.person("jan"), approvers=[], rules=Rules(), author_verified=False
    )
    assert not decision.allowed
    assert (
        "the author jan is not verified by a signature: their role does not count" in decision.notes
    )


def test_moving_an_article_out_of_articles(config: Config) -> None:
    c = Change("R", P, "docs/portal/reset.md", old_article=art(config, P))
    assert requirements(c, Rules()) == [
        ("admin", "*", "outside articles/: portal pages are shown on every site"),
        ("internal", "accounts", "changes an article in accounts"),
        ("archive", "accounts", "moves it out of articles/"),
    ]
    assert not judge(config, [c], "jan").allowed
    assert judge(config, [c], "jan", "anna").allowed
