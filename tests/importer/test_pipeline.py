"""A run as a whole: idempotent re-imports, dry runs, updates, translations."""

from __future__ import annotations

import shutil
from pathlib import Path

from gitrepo import CORPUS

from kcs.importers.pipeline import run_import
from kcs.knowledge import load

ALCHEMY = CORPUS / "alchemy-insights"
EXCEL = CORPUS / "officedocs-support" / "Office" / "Client" / "excel"


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def small_source(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    src.mkdir()
    (src / "vpn.md").write_text(
        "---\ntitle: VPN drops\ndescription: The VPN disconnects.\n"
        "---\n\n## Symptoms\n\nIt drops.\n\n## Resolution\n\nReconnect."
        "\n",
        encoding="utf-8",
    )
    (src / "mail.md").write_text(
        "---\ntitle: Mail is slow\n---\n\n## Problem\n\nSlow.\n\n## Solution\n\nWait.\n",
        encoding="utf-8",
    )
    return src


def test_second_run_changes_nothing(kb: Path) -> None:
    first = run_import(kb, EXCEL, into="articles/excel")
    before = snapshot(kb)
    mtimes = {p: p.stat().st_mtime_ns for p in (kb / "articles").rglob("*.md")}
    second = run_import(kb, EXCEL, into="articles/excel")
    assert first.count("create") == 121
    assert (second.count("create"), second.count("update"), second.count("unchanged")) == (
        0,
        0,
        121,
    )
    assert snapshot(kb) == before
    assert {p: p.stat().st_mtime_ns for p in (kb / "articles").rglob("*.md")} == mtimes
    ids = [a.id for a in load(kb).articles]
    assert len(ids) == len(set(ids)) == 121


def test_dry_run_writes_nothing(kb: Path, tmp_path: Path) -> None:
    before = snapshot(kb)
    result = run_import(kb, small_source(tmp_path), dry_run=True)
    assert result.dry_run and result.count("create") == 2
    assert snapshot(kb) == before


def test_reimport_updates_in_place_and_keeps_human_fields(kb: Path, tmp_path: Path) -> None:
    src = small_source(tmp_path)
    run_import(kb, src, into="articles/network")
    file = kb / "articles" / "network" / "vpn.md"
    edited = (
        file.read_text()
        .replace("audience: internal", "audience: customer")
        .replace("state: not-validated", "state: not-validated\ntags: [vpn]")
    )
    file.write_text(edited)
    (src / "vpn.md").write_text((src / "vpn.md").read_text().replace("Reconnect.", "Restart."))
    result = run_import(kb, src, into="articles/other")  # --into does not move old articles
    assert {(a.id, a.action) for a in result.actions} == {("vpn", "update"), ("mail", "unchanged")}
    text = file.read_text()
    assert "Restart." in text and "audience: customer" in text and "tags:\n- vpn" in text
    assert not (kb / "articles" / "other").exists()


def test_unchanged_source_keeps_later_edits(kb: Path, tmp_path: Path) -> None:
    src = small_source(tmp_path)
    run_import(kb, src, into="articles/network")
    file = kb / "articles" / "network" / "mail.md"
    file.write_text(file.read_text().replace("Wait.", "Wait ten minutes."))
    result = run_import(kb, src, into="articles/network")
    assert result.count("unchanged") == 2
    assert "Wait ten minutes." in file.read_text()


def test_validated_article_is_not_overwritten(kb: Path, tmp_path: Path) -> None:
    src = small_source(tmp_path)
    run_import(kb, src, into="articles/network")
    file = kb / "articles" / "network" / "vpn.md"
    file.write_text(file.read_text().replace("state: not-validated", "state: validated"))
    before = file.read_text()
    (src / "vpn.md").write_text((src / "vpn.md").read_text().replace("Reconnect.", "Restart."))
    result = run_import(kb, src, into="articles/network")
    assert [a.action for a in result.actions if a.id == "vpn"] == ["kept"]
    assert file.read_text() == before
    assert [w.code for w in result.warnings if w.origin == "vpn.md"] == ["kept"]


def test_ids_stay_unique_across_folders(kb: Path, tmp_path: Path) -> None:
    src = tmp_path / "src"
    for folder in ("a", "b"):
        (src / folder).mkdir(parents=True)
        (src / folder / "index.md").write_text(f"---\ntitle: {folder}\n---\n\nText.\n")
    result = run_import(kb, src, into="articles/t")
    assert sorted(a.id for a in result.actions) == ["index", "index-b"]


def test_locale_folders_become_linked_translations(kb: Path, tmp_path: Path) -> None:
    src = tmp_path / "alchemy"
    names = ["Import-PST-Services.md", "IE-mode-configuration.md"]
    for locale in ("sv-SE", "fi-FI", "nl-NL"):
        (src / locale).mkdir(parents=True)
        for name in names:
            shutil.copy(ALCHEMY / locale / name, src / locale / name)
    result = run_import(kb, src, into="articles/m365")
    assert not result.failures
    by_id = load(kb).by_id()
    assert sorted(by_id) == sorted(
        f"{stem}-{lang}"
        for stem in ("import-pst-services", "ie-mode-configuration")
        for lang in ("sv", "fi", "nl")
    )
    sv, fi, nl = (by_id[f"import-pst-services-{x}"] for x in ("sv", "fi", "nl"))
    assert (sv.lang, fi.lang, nl.lang) == ("sv", "fi", "nl")
    assert sv.translation_of is None
    assert fi.translation_of == nl.translation_of == "import-pst-services-sv"
    assert sv.title.startswith("Importtjänsten")


def test_english_original_is_the_one_translated(kb: Path, tmp_path: Path) -> None:
    src = tmp_path / "src"
    for locale, title in (("sv-SE", "Återställ"), ("en-US", "Reset")):
        (src / locale).mkdir(parents=True)
        (src / locale / "reset.md").write_text(f"---\ntitle: {title}\n---\n\nText.\n")
    run_import(kb, src, into="articles/t")
    assert load(kb).by_id()["reset-sv"].translation_of == "reset-en"


def test_locale_folders_imported_one_at_a_time_are_linked(kb: Path, tmp_path: Path) -> None:
    src = tmp_path / "alchemy"
    for locale in ("sv-SE", "fi-FI", "nl-NL"):
        (src / locale).mkdir(parents=True)
        shutil.copy(ALCHEMY / locale / "Import-PST-Services.md", src / locale)
    run_import(kb, src / "fi-FI", into="articles/m365")
    run_import(kb, src / "sv-SE", into="articles/m365")
    result = run_import(kb, src / "nl-NL", into="articles/m365")
    assert result.system == "alchemy"
    by_id = load(kb).by_id()
    assert by_id["import-pst-services-nl"].translation_of == "import-pst-services-sv"
    assert by_id["import-pst-services-sv"].translation_of is None
    # the Finnish one came first; importing it again links it to the Swedish original
    again = run_import(kb, src / "fi-FI", into="articles/m365")
    assert [a.action for a in again.actions] == ["update"]
    assert load(kb).by_id()["import-pst-services-fi"].translation_of == "import-pst-services-sv"


def test_placeholder_text_is_imported_as_wip(kb: Path, tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.md").write_text("---\ntitle: Todo app crashes\n---\n\nText.\n")
    (src / "b.md").write_text("---\ntitle: B\n---\n\n## Problem\n\nX.\n\n## Solution\n\nTBD\n")
    result = run_import(kb, src, into="articles/t")
    assert {a.id: a.state for a in result.actions} == {"a": "wip", "b": "wip"}
    from kcs.lint import lint

    assert [f for f in lint(load(kb)) if f.severity == "error"] == []
