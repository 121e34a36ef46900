from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from gitrepo import write

from kcs.cli import cli
from kcs.knowledge import load

CONFIG = "languages: [sv, fi, nl, en]\ndefault_language: sv\n"


def kb(tmp_path: Path) -> Path:
    write(tmp_path / "kcs.yml", CONFIG)
    (tmp_path / "articles").mkdir()
    return tmp_path


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_new_writes_a_wip_article_from_the_template(tmp_path: Path) -> None:
    root = kb(tmp_path)
    result = invoke(
        "new",
        "Skrivaren",
        "skriver",
        "inte",
        "ut",
        "--domain",
        "printing",
        "--ticket",
        "INC0012345",
        "--root",
        str(root),
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == "articles/printing/skrivaren-skriver-inte-ut.md\n"
    base = load(root)
    article = base.articles[0]
    assert (article.id, article.state, article.lang, article.tickets) == (
        "printing-skrivaren-skriver-inte-ut",
        "wip",
        "sv",
        ("INC0012345",),
    )
    assert [s.heading for s in article.sections] == ["Problem", "Miljö", "Lösning", "Orsak"]
    assert base.findings == ()


def test_resolution_and_language_give_not_validated_in_finnish(tmp_path: Path) -> None:
    root = kb(tmp_path)
    result = invoke(
        "new",
        "Tulostin ei toimi",
        "--lang",
        "fi",
        "--domain",
        "printing",
        "--resolution",
        "1. Käynnistä tulostin uudelleen.",
        "--no-check",
        "--root",
        str(root),
    )
    assert result.stdout == "articles/printing/tulostin-ei-toimi.fi.md\n"
    article = load(root).articles[0]
    assert (article.state, article.lang) == ("not-validated", "fi")
    assert article.section("resolution").text == "1. Käynnistä tulostin uudelleen."


def test_same_title_twice_gets_a_new_id_and_path(tmp_path: Path) -> None:
    root = kb(tmp_path)
    invoke("new", "VPN", "--no-check", "--root", str(root))
    second = invoke("new", "VPN", "--no-check", "--root", str(root))
    assert second.stdout == "articles/general/vpn-2.md\n"
    assert sorted(a.id for a in load(root).articles) == ["general-vpn", "general-vpn-2"]


def test_bad_options_are_usage_errors(tmp_path: Path) -> None:
    root = kb(tmp_path)
    result = invoke("new", "X", "--lang", "de", "--root", str(root))
    assert result.exit_code == 2
    assert (
        result.stderr
        == "Error: --lang 'de' is not one of the languages in kcs.yml: sv, fi, nl, en\n"
    )
    result = invoke("new", "X", "--domain", "../etc", "--root", str(root))
    assert result.exit_code == 2
    assert not list((root / "articles").rglob("*.md"))


def test_similar_articles_are_listed_before_writing(tmp_path: Path) -> None:
    root = kb(tmp_path)
    write(
        root / "articles/printing/skrivare.md",
        "---\nid: printing-skrivare\ntitle: Skrivaren skriver inte ut\n---\n\n## Problem\n\n"
        "Skrivaren på plan 3 skriver inte ut.\n",
    )
    write(
        root / "articles/network/vpn.md",
        "---\nid: network-vpn\ntitle: VPN fungerar inte\n---\n\n## Problem\n\nVPN.\n",
    )
    result = invoke("new", "Min skrivare skriver inte", "--domain", "printing", "--root", str(root))
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        "Similar articles exist; reuse or improve one of them if it fits:",
        "  printing-skrivare  Skrivaren skriver inte ut  (articles/printing/skrivare.md)",
    ]
    assert result.stdout == "articles/printing/min-skrivare-skriver-inte.md\n"
    skipped = invoke(
        "new",
        "Min skrivare skriver inte",
        "--no-check",
        "--domain",
        "printing",
        "--root",
        str(root),
    )
    assert skipped.stderr == ""
