"""Concrete conversions of chosen real corpus files (read in place, never copied)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from gitrepo import CORPUS

from kcs.importers.pipeline import ImportResult, run_import
from kcs.knowledge import load
from kcs.lint import lint

DOCS = CORPUS / "officedocs-support"
EXCEL = DOCS / "Office" / "Client" / "excel"


@pytest.fixture(scope="module")
def excel(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ImportResult]:
    """The 121 Excel articles, with the corpus' shared includes folder allowed."""
    import shutil

    from gitrepo import REPO_ROOT

    root = tmp_path_factory.mktemp("excel") / "kb"
    (root / "articles").mkdir(parents=True)
    shutil.copy(REPO_ROOT / "kcs.yml", root / "kcs.yml")
    mapping = root.parent / "map.yml"
    mapping.write_text(
        f"style: docs\nsystem: officedocs\ninclude_dirs: [{DOCS / 'includes'}]\n", encoding="utf-8"
    )
    result = run_import(root, EXCEL, mapping_file=mapping, into="articles/excel")
    return root, result


def article(root: Path, name: str) -> str:
    return (root / "articles" / "excel" / f"{name}.md").read_text(encoding="utf-8")


def test_every_excel_article_imported(excel: tuple[Path, ImportResult]) -> None:
    root, result = excel
    assert not result.failures
    assert result.count("create") == 121
    assert len(list((root / "articles" / "excel").glob("*.md"))) == 121


def test_front_matter_and_provenance(excel: tuple[Path, ImportResult]) -> None:
    root, _ = excel
    text = article(root, "1900-and-1904-date-system")
    assert text.startswith(
        "---\ntitle: Differences between the 1900 and the 1904 date system\n"
        "id: 1900-and-1904-date-system\nlang: en\ndomain: excel\nstate: not-validated\n"
        "audience: internal\ntype: reference\nsummary: Provides the description of the "
    )
    assert (
        "source:\n  system: officedocs\n  path: 1900-and-1904-date-system.md\n"
        "  updated: '2024-06-06'\n  author: helenclu\n"
    ) in text


def test_alert_becomes_admonition(excel: tuple[Path, ImportResult]) -> None:
    text = article(excel[0], "add-ins-command-bars-removed")
    assert "> [!NOTE]" not in text
    assert (
        "!!! note\n    In this code, the placeholder <**ToolbarName**> represents a "
        "command bar name."
    ) in text


def test_include_is_resolved(excel: tuple[Path, ImportResult]) -> None:
    text = article(excel[0], "sap-add-ins-not-display-control")
    assert "[!INCLUDE" not in text
    disclaimer = (DOCS / "includes" / "third-party-information-disclaimer.md").read_text()
    first_words = (
        " ".join(disclaimer.split("\n", 3)[-1].split()[:6])
        if "---" in disclaimer
        else " ".join(disclaimer.split()[:6])
    )
    assert first_words.split()[0] in text
    assert "products that this article discusses" in text


def test_missing_include_is_a_comment_and_a_warning(kb: Path, tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.md").write_text(
        "---\ntitle: A\nms.date: 01/02/2023\n---\n\n## Symptoms\n\nBad."
        "\n\n[!INCLUDE [gone](../includes/gone.md)]\n\n## Resolution\n\n"
        "Fix.\n",
        encoding="utf-8",
    )
    result = run_import(kb, src, into="articles/t")
    text = (kb / "articles" / "t" / "a.md").read_text()
    assert "<!-- include ../includes/gone.md not imported: outside the source -->" in text
    assert [(w.origin, w.code) for w in result.warnings] == [("a.md", "missing-include")]


def test_image_without_file_keeps_its_alt_text(excel: tuple[Path, ImportResult]) -> None:
    root, result = excel
    text = article(root, "cannot-modify-odata-connection")
    assert ":::image" not in text
    assert "*Screenshot of the error message after modifying the oData connections.*" in text
    assert any(
        w.origin == "cannot-modify-odata-connection.md" and w.code == "missing-image"
        for w in result.warnings
    )


def test_image_with_file_becomes_markdown_image_and_is_copied(kb: Path, tmp_path: Path) -> None:
    src = tmp_path / "src"
    (src / "media").mkdir(parents=True)
    (src / "media" / "shot.png").write_bytes(b"\x89PNG fake")
    (src / "a.md").write_text(
        "---\ntitle: A\nms.date: 01/02/2023\n---\n\n## Symptoms\n\n"
        ':::image type="content" source="media/shot.png" alt-text="The error dialog.":::\n\n'
        "## Resolution\n\nFix.\n",
        encoding="utf-8",
    )
    run_import(kb, src, into="articles/t")
    text = (kb / "articles" / "t" / "a.md").read_text()
    assert "![The error dialog.](_media/a/shot.png)" in text
    assert (kb / "articles" / "t" / "_media" / "a" / "shot.png").read_bytes() == b"\x89PNG fake"
    assert [f for f in lint(load(kb)) if f.severity == "error"] == []


def test_table_is_kept(excel: tuple[Path, ImportResult]) -> None:
    text = article(excel[0], "1900-and-1904-date-system")
    assert (
        "|Date system|Serial number of July 5, 1998|\n|----|---|\n|1900 date system| 35981|\n"
        "|1904 date system| 34519|"
    ) in text


def test_relative_link_points_to_the_new_article(excel: tuple[Path, ImportResult]) -> None:
    root, _ = excel
    text = article(root, "1900-and-1904-date-system")
    assert (
        "[Excel incorrectly assumes that the year 1900 is a leap year]"
        "(wrongly-assumes-1900-is-leap-year.md)"
    ) in text
    kb = load(root)
    source = kb.by_path()["articles/excel/1900-and-1904-date-system.md"]
    targets = {link.target for link in source.links}
    assert "wrongly-assumes-1900-is-leap-year.md" in targets


def test_links_across_folders_are_rewritten(kb: Path, tmp_path: Path) -> None:
    src = tmp_path / "src"
    (src / "one").mkdir(parents=True)
    (src / "two").mkdir()
    (src / "one" / "a.md").write_text(
        "---\ntitle: A\n---\n\n## Symptoms\n\nSee [B](../two/b.md#cause), [gone](../two/x.md), "
        "[site](/office/x) and [js](javascript:alert(1)).\n\n## Resolution\n\nFix.\n",
        encoding="utf-8",
    )
    (src / "two" / "b.md").write_text("---\ntitle: B\n---\n\n## Cause\n\nWhy.\n", encoding="utf-8")
    result = run_import(kb, src)
    text = (kb / "articles" / "src" / "a.md").read_text()
    assert "See [B](b.md#cause), gone, [site](/office/x) and js." in text
    codes = sorted((w.origin, w.code) for w in result.warnings)
    assert ("one/a.md", "broken-link") in codes and ("one/a.md", "unsafe-link") in codes


def test_kcs_headings_in_the_article_language(kb: Path, tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.md").write_text(
        "---\ntitle: A\n---\n\n# A\n\n## Symptoms\n\nIt fails, see [below](#workaround).\n\n"
        "## Cause\n\nWhy.\n\n## Workaround\n\nDo this.\n\n## More information\n\nMore.\n",
        encoding="utf-8",
    )
    run_import(kb, src, into="articles/t", lang="sv")
    body = (kb / "articles" / "t" / "a.md").read_text().split("---\n", 2)[2]
    assert body == (
        "\n## Problem\n\nIt fails, see [below](#losning).\n\n## Orsak\n\nWhy.\n\n"
        "## Lösning\n\nDo this.\n\n## More information\n\nMore.\n"
    )


def test_preamble_becomes_the_issue(excel: tuple[Path, ImportResult]) -> None:
    kb = load(excel[0])
    for article in kb.articles:
        if article.type != "reference":
            assert article.section("issue") and article.section("resolution"), article.path
    assert not [f for f in lint(kb) if f.severity == "error"]


def test_no_docs_syntax_left(excel: tuple[Path, ImportResult]) -> None:
    for file in (excel[0] / "articles" / "excel").glob("*.md"):
        text = file.read_text()
        assert not re.search(
            r":::image|\[!INCLUDE|^\s*> \[!(NOTE|TIP|IMPORTANT|WARNING)\]", text, re.M
        ), file.name


def test_numbered_workarounds_become_one_resolution(kb: Path, tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.md").write_text(
        "---\ntitle: A\n---\n\n## Symptoms\n\nIt fails.\n\n## Workaround 1\n\nOne.\n\n"
        "### Detail\n\nMore.\n\n## Workaround 2\n\n```\n## not a heading\n```\n\n"
        "## More information\n\nMore.\n",
        encoding="utf-8",
    )
    run_import(kb, src, into="articles/t", lang="en")
    body = (kb / "articles" / "t" / "a.md").read_text().split("---\n", 2)[2]
    assert body == (
        "\n## Issue\n\nIt fails.\n\n## Resolution\n\n### Workaround 1\n\nOne.\n\n"
        "#### Detail\n\nMore.\n\n### Workaround 2\n\n```\n## not a heading\n```\n\n"
        "## More information\n\nMore.\n"
    )
    assert load(kb).articles[0].type == "howto"


def test_image_in_link_and_path_with_spaces(kb: Path, tmp_path: Path) -> None:
    src = tmp_path / "src"
    (src / "media").mkdir(parents=True)
    (src / "media" / "a b.png").write_bytes(b"png")
    (src / "a.md").write_text(
        "---\ntitle: A\n---\n\n"
        '[:::image type="icon" source="media/forum-icon.png":::](https://answers.example/)\n\n'
        "![Two words](media/a b.png)\n",
        encoding="utf-8",
    )
    result = run_import(kb, src, into="articles/t")
    body = (kb / "articles" / "t" / "a.md").read_text().split("---\n", 2)[2]
    assert body == (
        "\n[*Image: forum icon*](https://answers.example/)\n\n![Two words](_media/a/a-b.png)\n"
    )
    assert [w.code for w in result.warnings] == ["missing-image", "no-resolution"]
