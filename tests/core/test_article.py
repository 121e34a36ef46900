from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from gitrepo import REPO_ROOT

from kcs.article import FIELDS, front_matter_head, parse_article, split_front_matter
from kcs.config import load_config

CONFIG = load_config(REPO_ROOT)


def parse(text: str, path: str = "articles/vpn/reset.md"):
    return parse_article(path, text, CONFIG)


def test_defaults_come_from_folder_and_config() -> None:
    article, findings = parse("---\ntitle: Jag kommer inte in på VPN\n---\n\n## Problem\n\nFel.\n")
    assert findings == []
    assert (
        article.id,
        article.domain,
        article.lang,
        article.state,
        article.audience,
        article.type,
    ) == ("reset", "vpn", "sv", "wip", "internal", "howto")
    assert article.url == "a/reset/"


def test_resolution_makes_the_default_state_not_validated() -> None:
    article, _ = parse("---\ntitle: T\n---\n## Problem\nA\n## Lösning\n1. Gör så här\n")
    assert article.state == "not-validated"


def test_localised_headings_are_recognised() -> None:
    text = (
        "---\ntitle: Tulostin ei tulosta\nlang: fi\n---\n\n## Ongelma\n\nA\n\n## Ympäristö\n\n"
        "B\n\n## Ratkaisu\n\nC\n\n## Syy\n\nD\n\n## Lisätietoja\n\nE\n"
    )
    article, _ = parse(text, "articles/printing/tulostin.fi.md")
    assert [s.key for s in article.sections] == [
        "issue",
        "environment",
        "resolution",
        "cause",
        None,
    ]
    assert article.section("resolution").text == "C"
    assert article.section("resolution").line == 14


def test_lang_from_file_name_suffix() -> None:
    article, _ = parse("---\ntitle: Printer\n---\n", "articles/printing/printer.en.md")
    assert article.lang == "en"
    assert article.id == "printer-en"


def test_crlf_and_bom_are_accepted() -> None:
    article, findings = parse(
        "\ufeff---\r\ntitle: Windows\r\nreviewed: 2026-01-02\r\n---\r\n\r\n## Issue\r\nX\r\n"
    )
    assert findings == []
    assert article.reviewed == dt.date(2026, 1, 2)
    assert article.section("issue").text == "X"


def test_announcement_dates_cover_the_whole_end_day() -> None:
    article, _ = parse(
        "---\ntitle: E-post flyttas\ntype: announcement\nstarts: 2026-11-01\n"
        "ends: 2026-11-30\nseverity: warning\n---\nText\n"
    )
    assert article.ends == dt.datetime(2026, 11, 30, 23, 59, 59, 999999, tzinfo=dt.UTC)
    assert article.severity == "warning"


def test_links_skip_code_and_carry_file_lines() -> None:
    text = (
        "---\ntitle: T\n---\n\nSee [VPN](../vpn/x.md) and ![Screen](s.png).\n\n"
        "```\n[no](a.md)\n```\n"
        "`[no](b.md)`\n"
    )
    article, _ = parse(text)
    assert [(link.line, link.target, link.image) for link in article.links] == [
        (5, "../vpn/x.md", False),
        (5, "s.png", True),
    ]


def test_no_front_matter_and_missing_title_are_findings() -> None:
    assert parse("# Just text\n")[0] is None
    assert [f.code for f in parse("# Just text\n")[1]] == ["front-matter"]
    article, findings = parse("---\nstate: wip\n---\n")
    assert article is None
    assert [f.code for f in findings] == ["missing-title"]


def test_split_front_matter_reports_body_line() -> None:
    assert split_front_matter("---\na: 1\n---\nbody\n") == ("a: 1", "body\n", 4)


def test_huge_alias_bomb_is_refused_quickly() -> None:
    bomb = (
        "---\ntitle: x\na: &a [1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
        "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n---\n"
    )
    article, findings = parse(bomb)
    assert article is None
    assert findings[0].code == "yaml" and "aliases" in findings[0].message


def test_every_field_is_documented() -> None:
    reference = (REPO_ROOT / "docs/reference/front-matter.md").read_text(encoding="utf-8")
    assert [name for name in FIELDS if f"`{name}`" not in reference] == []


def test_path_is_not_needed_on_disk(tmp_path: Path) -> None:
    article, _ = parse("---\ntitle: x\n---\n", "articles/a/b/c.md")
    assert article.domain == "a"


def test_symlink_out_of_the_repository_is_refused(tmp_path: Path) -> None:
    from kcs.knowledge import load

    secret = tmp_path / "secret.md"
    secret.write_text("---\ntitle: Secret\n---\nprivate\n", encoding="utf-8")
    root = tmp_path / "kb"
    (root / "articles/vpn").mkdir(parents=True)
    (root / "articles/vpn/link.md").symlink_to(secret)
    kb = load(root)
    assert kb.articles == ()
    assert [str(f) for f in kb.findings] == [
        "articles/vpn/link.md:1: symlink: a link to a file outside the repository; "
        "copy the article in instead"
    ]


def test_front_matter_only_parse_leaves_the_body_out() -> None:
    text = (
        "---\ntitle: VPN drops\nstate: validated\nreviewed: 2025-01-01\n---\n\n"
        "## Problem\n\nSee [the guide](../guide.md).\n\n## Lösning\n\nRestart.\n"
    )
    full, full_findings = parse_article("articles/vpn/drops.md", text, CONFIG)
    light, light_findings = parse_article("articles/vpn/drops.md", text, CONFIG, bodies=False)
    assert full is not None and light is not None
    assert full.links and full.sections and full.body
    assert (light.body, light.sections, light.links) == ("", (), ())
    assert light == dataclasses.replace(full, body="", sections=(), links=())
    assert light_findings == full_findings


def test_front_matter_only_parse_reads_the_body_when_the_state_depends_on_it() -> None:
    text = "---\ntitle: T\r\n---\r\n## Problem\r\nA\r\n## Lösning\r\n1. Gör så här\r\n"
    light, _ = parse_article("articles/vpn/t.md", text, CONFIG, bodies=False)
    full, _ = parse_article("articles/vpn/t.md", text, CONFIG)
    assert light is not None and light.state == "not-validated"
    assert light == full


def test_front_matter_head_splits_like_the_whole_text() -> None:
    cases = [
        "---\ntitle: A\n---\nbody\n---\nmore\n",
        "\ufeff---\ntitle: A\n...\n## Issue\n",
        "---  \ntitle: A\n  ---  \nbody",
        "---\ntitle: never closed\n",
        "no front matter\n---\n",
        "---\rtitle: old mac\r---\rbody\r",
        "",
    ]
    for text in cases:
        head = front_matter_head(text)
        assert text.startswith(head)
        whole, part = split_front_matter(text), split_front_matter(head)
        assert (part[0], part[2]) == (whole[0], whole[2]), text


#: Paragraphs a contributor can push that once made the link scan read on from every
#: bracket or tag to the end of the paragraph (a 40 KB one took 10 s, a megabyte hours).
#: At a megabyte each, a scan that does so again does not finish in minutes.
HOSTILE_PARAGRAPHS = {
    "unclosed link targets": "[a](" * 250_000,
    "unclosed images": "![a](" * 200_000,
    "brackets that never close": "[x " * 330_000,
    "unclosed tags": "<a " * 330_000,
    "unclosed tags and brackets": "<img [a](" * 110_000,
}


@pytest.mark.parametrize("body", HOSTILE_PARAGRAPHS.values(), ids=list(HOSTILE_PARAGRAPHS))
def test_a_hostile_paragraph_is_scanned_in_one_pass(body: str) -> None:
    article, _ = parse("---\ntitle: T\n---\n" + body + "\n")
    assert article is not None and article.links == ()


def test_links_of_a_long_paragraph_carry_their_lines() -> None:
    """Each link's line comes from where the paragraph's lines start, not from counting
    the line breaks before it (a 700 KB paragraph of links took 9 s that way)."""
    body = "[a](a.md)\n" * 100_000 + 'text [b](b.md) and <img src="c.png">\n'
    article, _ = parse("---\ntitle: T\n---\n" + body)
    assert len(article.links) == 100_002
    assert [link.line for link in article.links[:2]] == [4, 5]
    assert [(link.line, link.target) for link in article.links[-2:]] == [
        (100_004, "b.md"),
        (100_004, "c.png"),
    ]


def test_link_text_holds_one_level_of_brackets() -> None:
    article, _ = parse(
        "---\ntitle: T\n---\n[see [1]](a.md), [x [y [z] w](b.md) and [c](<d e.md>)\n"
    )
    assert [(link.text, link.target) for link in article.links] == [
        ("see [1]", "a.md"),
        ("y [z] w", "b.md"),
    ]
