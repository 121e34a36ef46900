"""The content standard on every path: `kcs merge`, the pre-receive hook and the forge's
gate refuse what `kcs lint --strict` refuses (personal data in a public article first)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from attackkit import World, article, assert_push_refused, commit, kcs, push
from gitrepo import git

EMAIL_BODY = (
    "## Issue\n\nLocked out.\n\n## Environment\n\nWindows 11\n\n"
    "## Resolution\n\nWrite to sven.svensson@example.com, he resets it.\n"
)
PHONE_BODY = (
    "## Issue\n\nLocked out.\n\n## Environment\n\nWindows 11\n\n"
    "## Resolution\n\nCall Sven on +46 70 123 45 67, he resets it.\n"
)
TEMPLATE_BODY = (
    "## Issue\n\nLocked out.\n\n## Environment\n\nWindows 11\n\n"
    "## Resolution\n\n<!-- The steps that solved it, one per line. -->\n"
)
RESET = "articles/accounts/reset.md"


def _proposal(world: World, body: str) -> None:
    text = article("I forgot my password", audience="public", state="validated", body=body)
    lotta = world.clone("lotta")
    git(lotta, "switch", "-q", "-c", "proposal/lotta/reset")
    commit(lotta, {RESET: text}, "Better steps")
    assert push(lotta, "origin", "proposal/lotta/reset").returncode == 0


def _kcs_merge_refused(world: World, anna: Path, rule: str) -> None:
    before, local = world.refs(), git(anna, "rev-parse", "HEAD")
    code, out = kcs("merge", "--root", str(anna), "proposal/lotta/reset")
    assert code == 1, out
    assert any(
        RESET in line and re.search(rule, line, re.IGNORECASE) for line in out.splitlines()
    ), out
    assert world.refs() == before and git(anna, "rev-parse", "HEAD") == local


def test_kcs_merge_refuses_an_email_address_in_a_public_article(world: World) -> None:
    _proposal(world, EMAIL_BODY)
    _kcs_merge_refused(world, world.clone("anna"), r"personal|e-mail|email|address")


def test_kcs_merge_refuses_an_untouched_template_section(world: World) -> None:
    _proposal(world, TEMPLATE_BODY)
    _kcs_merge_refused(world, world.clone("anna"), r"resolution|template|section|empty")


def _merged_by_hand(world: World, body: str) -> tuple[Path, str]:
    _proposal(world, body)
    anna = world.clone("anna")
    before = world.refs()
    git(anna, "merge", "-q", "--no-ff", "-S", "-m", "Merge", "origin/proposal/lotta/reset")
    return anna, before


def test_pre_receive_refuses_an_email_address_in_a_public_article(world: World) -> None:
    anna, before = _merged_by_hand(world, EMAIL_BODY)
    result = push(anna, "origin", "main")
    assert_push_refused(world, result, before, RESET, rule=r"personal|e-mail|email|address")


def test_pre_receive_refuses_a_phone_number_in_a_public_article(world: World) -> None:
    anna, before = _merged_by_hand(world, PHONE_BODY)
    result = push(anna, "origin", "main")
    assert_push_refused(world, result, before, RESET, rule=r"personal|phone|number")


def test_pre_receive_refuses_an_untouched_template_section(world: World) -> None:
    anna, before = _merged_by_hand(world, TEMPLATE_BODY)
    result = push(anna, "origin", "main")
    assert_push_refused(world, result, before, RESET, rule=r"resolution|template|section|empty")


def _forge_gate(world: World, body: str) -> tuple[int, str]:
    """A publisher-approved pull request with ``body``, judged as gate.yml judges it."""
    lotta = world.clone("lotta", origin=world.forge)
    text = article("I forgot my password", audience="public", state="validated", body=body)
    sha = world.pull_request(lotta, commit(lotta, {RESET: text}, "Better steps"))
    return world.gate(sha, "lottan", ["anna-l"])


@pytest.mark.parametrize(
    ("body", "rule"),
    [
        (EMAIL_BODY, r"personal|e-mail|email|address"),
        (PHONE_BODY, r"personal|phone|number"),
        (TEMPLATE_BODY, r"resolution|template|section|empty"),
    ],
    ids=["email", "phone", "template"],
)
def test_forge_gate_refuses_what_lint_strict_refuses(world: World, body: str, rule: str) -> None:
    """The pull request's own lint workflow is its to edit; the gate, run from the base
    branch, is what binds."""
    code, out = _forge_gate(world, body)
    assert code == 1, out
    assert any(
        RESET in line and re.search(rule, line, re.IGNORECASE) for line in out.splitlines()
    ), out


def test_forge_gate_allows_the_same_pull_request_without_personal_data(world: World) -> None:
    code, out = _forge_gate(world, EMAIL_BODY.replace("Write to sven.svensson@example.com", "Ask"))
    assert code == 0, out
