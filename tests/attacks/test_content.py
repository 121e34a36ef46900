"""The content standard on the plain-Git path: `kcs merge` and the pre-receive hook
refuse what `kcs lint --strict` refuses (personal data in a public article first)."""

from __future__ import annotations

import re
from pathlib import Path

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
