"""One interface-text table (kcs/data/interface.yml) for Python, templates and kcs.js."""

from __future__ import annotations

import json
import re
import string
from pathlib import Path

import pytest
import yaml
from gitrepo import REPO_ROOT, commit_all, init_repo, write

from kcs import i18n
from kcs.search_text import stopwords

THEME = REPO_ROOT / "kcs" / "theme"


def test_every_language_has_every_key():
    """A key one block has, every block has; a gap shows English on that language's pages.
    Only English may leave out a report phrase, whose key is its English text already."""
    table = i18n.table()
    every = set().union(*table.values())
    phrases = {k for k in every if k.startswith(i18n.PHRASE)}
    missing = {
        lang: sorted((every - phrases if lang == i18n.FALLBACK else every) - set(block))
        for lang, block in table.items()
    }
    assert missing == {lang: [] for lang in table}


def test_translations_keep_the_placeholders():
    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}

    table = i18n.table()
    for lang, block in table.items():
        for key, value in block.items():
            english = table[i18n.FALLBACK].get(key, key.removeprefix(i18n.PHRASE))
            assert fields(value) == fields(english), f"{lang}.{key}: {value!r}"


def test_lookups_fall_back_to_english_then_to_the_key():
    assert i18n.text("fi", "toc") == "Sisällysluettelo"
    assert i18n.text("xx", "toc") == "Table of contents"
    assert i18n.text("sv", "no.such.key") == "no.such.key"
    assert i18n.text("sv", "search.many", n=3) == "3 artiklar"
    assert i18n.phrase("sv", "Top queries") == "Vanligaste sökfrågorna"
    assert i18n.phrase("sv", "an untranslated sentence") == "an untranslated sentence"
    lint = "Lint findings (kcs lint); too long means over {words} words."
    assert i18n.phrase("fi", lint, words=600) == (
        "Laatuhuomautukset (kcs lint); liian pitkä tarkoittaa yli 600 sanaa."
    )
    assert i18n.phrase("xx", lint, words=600) == lint.format(words=600)
    assert i18n.language_name("nl") == "Nederlands"


def test_no_other_interface_text_tables():
    """The texts left the templates, kcs.js and the site modules for the table."""
    js = (THEME / "assets" / "kcs" / "kcs.js").read_text(encoding="utf-8")
    assert "STOP_WORDS" not in js
    assert not re.search(r"[\"'](?:[a-zåäö']+ ){10,}", js), "a word list in kcs.js"
    i18n_html = (THEME / "partials" / "kcs" / "i18n.html").read_text(encoding="utf-8")
    assert "Svenska" not in i18n_html and "Sök" not in i18n_html
    for module in ("home", "contact", "listings", "articles"):
        source = (REPO_ROOT / "kcs" / "site" / f"{module}.py").read_text(encoding="utf-8")
        assert "Hjälp" not in source and "Kontakta" not in source and "Utkast" not in source


def test_the_browser_gets_the_shipped_stop_words():
    for lang in ("sv", "fi", "nl", "en"):
        data = i18n.browser_data(lang)
        assert data["stopwords"] == sorted(stopwords(lang)) and data["stopwords"]
        assert data["strings"]["search.none"] == i18n.text(lang, "search.none")


def test_adding_a_language_touches_one_file(tmp_path, monkeypatch):
    """A German block in the table (and `de` in kcs.yml's languages) gives German pages:
    titles, templates' words, Material's texts and the browser's strings."""
    table = yaml.safe_load(i18n.TABLE_PATH.read_text(encoding="utf-8"))
    german = {key: f"DE {value}" for key, value in table["en"].items()}
    german.update({"language": "Deutsch", "home.title": "Hilfe", "search": "Suchen"})
    edited = tmp_path / "interface.yml"
    edited.write_text(
        i18n.TABLE_PATH.read_text(encoding="utf-8")
        + yaml.safe_dump({"de": german}, allow_unicode=True),
        encoding="utf-8",
    )
    monkeypatch.setattr(i18n, "TABLE_PATH", edited)

    root = tmp_path / "kb"
    write(root / "kcs.yml", "site:\n  name: Testdesk\nlanguages: [sv, de]\ndefault_language: sv\n")
    write(
        root / "articles" / "accounts" / "reset.md",
        "---\ntitle: Lösenord\nlang: sv\nstate: validated\naudience: public\n---\n\n"
        "## Problem\n\nx\n\n## Lösning\n\ny\n",
    )
    init_repo(root)
    commit_all(root, "kb")
    from kcs.build import build_sites

    build_sites(root, audiences=("public",), out=root / "site")
    home = (root / "site" / "public" / "de" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="de"' in home
    assert "<title>Hilfe - Testdesk</title>" in home
    assert ">Suchen<" in home  # a template's word
    assert "DE Skip to content" in home  # main.html's skip link
    assert "DE Accessibility" in home  # the footer
    assert 'hreflang="de" lang="de" data-kcs-lang="de">Deutsch<' in (
        root / "site" / "public" / "sv" / "index.html"
    ).read_text(encoding="utf-8")  # the switcher on the Swedish pages
    data = json.loads(
        re.search(r'id="kcs-data" type="application/json">(.*?)</script>', home).group(1)
    )
    assert data["strings"]["search.none"] == "DE No articles found for"
    assert data["stopwords"] == []  # no stop-word list for German: nothing is dropped
    privacy = root / "site" / "public" / "de" / "privacy" / "index.html"
    assert "DE Privacy" in privacy.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "bad", ["en: [a, b]\n", "sv:\n  search: 3\nen:\n  search: x\n", "sv: {}\n"]
)
def test_a_broken_table_is_one_clear_error(tmp_path, monkeypatch, bad):
    from kcs.errors import ConfigError

    path = tmp_path / "interface.yml"
    path.write_text(bad, encoding="utf-8")
    monkeypatch.setattr(i18n, "TABLE_PATH", path)
    with pytest.raises(ConfigError, match=str(path)):
        i18n.table()


def test_the_table_is_where_the_docs_say():
    doc = (REPO_ROOT / "docs" / "reference" / "interface-text.md").read_text(encoding="utf-8")
    assert "kcs/data/interface.yml" in doc
    assert Path(i18n.TABLE_PATH).relative_to(REPO_ROOT).as_posix() == "kcs/data/interface.yml"


def test_a_report_in_the_sites_language():
    import datetime as dt

    from kcs.reports.model import Bar, Report, Table
    from kcs.site.report_text import localise

    report = Report(
        "search",
        "Search",
        dt.date(2026, 12, 4),
        {"Searches": 3, "Mean click position": None},
        (
            Table(
                "top", "Top queries", ("query", "searches"), (("vpn", 3),), "an untranslated note"
            ),
        ),
        (Bar("top", "Top queries", ("vpn",), {"clicked": (1.0,)}, "searches"),),
        explain={"No-result share": "Searches that showed no result at all."},
    )
    explained = {
        "fi": {"Tuloksettomien osuus": "Haut, jotka eivät tuottaneet yhtään tulosta."},
        "nl": {"Aandeel zonder resultaat": "Zoekopdrachten die helemaal geen resultaat gaven."},
    }
    for lang, title, column in (("fi", "Haku", "hakulauseke"), ("nl", "Zoeken", "zoekvraag")):
        shown = localise(report, lang)
        assert shown.title == title
        assert shown.explain == explained[lang]  # the one-sentence explanation too
        assert shown.tables[0].columns[0] == column
        assert shown.tables[0].rows == report.tables[0].rows  # data stays as it is
        assert shown.tables[0].note == "an untranslated note"  # English where untranslated
        assert list(shown.charts[0].series) == [i18n.phrase(lang, "clicked")]
    assert localise(report, "sv").figures == {"Sökningar": 3, "Genomsnittlig klickposition": None}
