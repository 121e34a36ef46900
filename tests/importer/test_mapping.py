"""The mapping file: defaults per style, unknown keys warned, errors with line numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from kcs.errors import ConfigError
from kcs.importers import mapping
from kcs.importers.pipeline import run_import
from kcs.knowledge import load


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "map.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_docs_defaults() -> None:
    docs = mapping.defaults("docs")
    assert docs.fields["summary"] == ("description",)
    assert docs.fields["updated"] == ("ms.date",)
    assert docs.date_formats[0] == "%m/%d/%Y"
    assert docs.link_base == "https://learn.microsoft.com/en-us"


def test_unknown_keys_are_warnings_with_lines(tmp_path: Path) -> None:
    loaded, warnings = mapping.load(
        write(tmp_path, "system: zendesk\nfeilds: {}\ncsv: {delimiter: ';', quote: x}\n"),
        style="csv",
    )
    assert loaded.system == "zendesk" and loaded.csv_delimiter == ";"
    path = tmp_path / "map.yml"
    assert warnings == [
        f"{path}:2: unknown key 'feilds' ignored; did you mean 'fields'?",
        f"{path}:3: unknown key 'csv.quote' ignored",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "system: x\nfields:\n  titel: subject\n",
            ":2: fields: 'titel' is not an article field; use one of title, summary, body",
        ),
        (
            "defaults: {audience: everyone}\n",
            ":1: defaults: audience 'everyone' is not one of internal, partner, customer, public",
        ),
        ("\n\nmax_bytes: -5\n", ":3: max_bytes: must be a positive whole number of bytes"),
        ("style: word\n", ":1: style: 'word' is not one of docs, generic, html, csv"),
        ("fields: [title]\n", ":1: fields: must map article fields to source field names"),
        ("a: &x 1\nb: *x\n", ":2: YAML anchors and aliases"),
        ("fields: {title: [a, 1]}\n", ":1: fields: 'title' must name a source field or a list"),
    ],
)
def test_errors_name_the_line(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        mapping.load(write(tmp_path, text), style="generic")
    assert str(info.value).startswith(str(tmp_path / "map.yml") + message)


def test_field_and_value_mapping(kb: Path, tmp_path: Path) -> None:
    src = tmp_path / "export.csv"
    src.write_text(
        "Number,Short description,Article body,KB category,Language,Updated\n"
        "KB0010001,Reset MFA,<h2>Issue</h2><p>Lost phone.</p><h2>Resolution</h2>"
        "<p>Call us.</p>,Identity,sv,2024-02-01 10:11:12\n",
        encoding="utf-8",
    )
    rules = write(
        tmp_path,
        "system: servicenow\nstyle: csv\nfields:\n"
        "  title: Short description\n  body: Article body\n  id: Number\n"
        "  domain: KB category\n  lang: Language\n  updated: Updated\n"
        "values:\n  domain: {Identity: accounts}\n"
        "defaults: {audience: partner}\n",
    )
    result = run_import(kb, src, mapping_file=rules)
    assert not result.failures
    article = load(kb).by_id()["kb0010001"]
    assert (article.domain, article.lang, article.audience, article.state) == (
        "accounts",
        "sv",
        "partner",
        "not-validated",
    )
    assert article.path == "articles/accounts/kb0010001.md"
    assert article.section("issue").heading == "Problem"
    assert article.source["updated"] == "2024-02-01"
    assert result.unmapped == {}


def test_every_key_and_field_is_in_the_migration_guide() -> None:
    from gitrepo import REPO_ROOT

    guide = (REPO_ROOT / "docs" / "guides" / "migration.md").read_text(encoding="utf-8")
    reference = guide.split("## Mapping reference", 1)[1]
    for key in mapping.KEYS:
        assert f"| `{key}` |" in reference, key
    for target in mapping.TARGETS:
        assert f"| `{target}` |" in reference, target
