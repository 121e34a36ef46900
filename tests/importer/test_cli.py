"""``kcs import`` on the command line: exact output, report files, exit codes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from kcs.cli import cli


def source(tmp_path: Path) -> Path:
    src = tmp_path / "oldkb"
    src.mkdir()
    (src / "vpn.md").write_text(
        "---\ntitle: VPN drops\nms.date: 03/04/2021\n"
        "ms.author: someone\n---\n\n## Symptoms\n\nIt drops.\n\n"
        "## Resolution\n\nReconnect. Mail anna@example.org.\n\n"
        "![diagram](media/gone.png)\n",
        encoding="utf-8",
    )
    (src / "about.md").write_text(
        "---\ntitle: About\nms.date: 13/45/2021\n---\n\nJust text.\n", encoding="utf-8"
    )
    return src


def test_output_and_report(kb: Path, tmp_path: Path) -> None:
    report = tmp_path / "report.md"
    result = CliRunner().invoke(
        cli,
        [
            "import",
            str(source(tmp_path)),
            "--root",
            str(kb),
            "--into",
            "articles/network",
            "--report",
            str(report),
        ],
    )
    assert result.exit_code == 0, result.output
    first, *rest = result.output.splitlines()
    assert first.startswith("2 articles from oldkb (md, docs style) in ")
    assert first.endswith(": 2 created, 0 updated, 0 unchanged, 0 kept")
    assert rest == [
        "       1  missing-image: Images whose file is not in the source",
        "       1  personal-data: Personal data found (check before widening the audience)",
        "       1  bad-date: Dates that could not be read",
        "       1  no-resolution: No Resolution section (imported as type reference)",
    ]
    text = report.read_text()
    assert "# Migration report: oldkb" in text
    assert "| network | 2 |" in text and "| not-validated | 2 |" in text
    assert "| `ms.author` | 1 |" in text
    assert "- `vpn.md`: holds an e-mail address; check before widening the audience" in text
    assert "No usage data yet" in text


def test_dry_run_json(kb: Path, tmp_path: Path) -> None:
    report = tmp_path / "r.json"
    result = CliRunner().invoke(
        cli,
        [
            "import",
            str(source(tmp_path)),
            "--root",
            str(kb),
            "--dry-run",
            "--json",
            "--report",
            str(report),
        ],
    )
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["dry_run"] is True
    assert data["counts"]["create"] == 2
    assert data["by_domain"] == {"oldkb": 2}
    assert json.loads(report.read_text())["counts"] == data["counts"]
    assert list((kb / "articles").iterdir()) == []


def test_bad_into_is_a_usage_error(kb: Path, tmp_path: Path) -> None:
    from kcs.cli import main

    src = source(tmp_path)
    import pytest

    with pytest.raises(SystemExit) as info:
        main(["import", str(src), "--root", str(kb), "--into", "articles/Big Domain"])
    assert info.value.code == 2


def test_dry_run_lists_what_would_happen(kb: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        [
            "import",
            str(source(tmp_path)),
            "--root",
            str(kb),
            "--dry-run",
            "--into",
            "articles/network",
        ],
    )
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[:2] == [
        "would create articles/network/about.md <- about.md",
        "would create articles/network/vpn.md <- vpn.md",
    ]
    assert lines[2].endswith("(dry run: nothing written)")
    assert list((kb / "articles").iterdir()) == []


def test_from_names_the_source_format_and_the_old_format_spelling_still_works(
    kb: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    src = source(tmp_path)
    new = CliRunner().invoke(
        cli,
        ["import", str(src), "--root", str(kb), "--dry-run", "--from", "md", "--format", "json"],
    )
    assert new.exit_code == 0, new.output
    assert caplog.records == []
    old = CliRunner().invoke(
        cli, ["import", str(src), "--root", str(kb), "--dry-run", "--format", "md"]
    )
    assert old.exit_code == 0, old.output
    assert [r.getMessage() for r in caplog.records] == [
        "--format md is deprecated for the source format; use --from md"
    ]
    data = json.loads(new.stdout)
    assert data["counts"]["create"] == 2
    assert old.stdout.splitlines()[-5].startswith("2 articles from oldkb (md, docs style) in ")
    # both spellings reach the importer alike (the time taken aside)
    runs = [
        CliRunner().invoke(
            cli, ["import", str(src), "--root", str(kb), "--dry-run", option, "html"]
        )
        for option in ("--from", "--format")
    ]
    untimed = [(r.exit_code, re.sub(r" in [^:]*:", ":", r.stdout)) for r in runs]
    assert untimed[0] == untimed[1]
    assert "(html" in untimed[0][1]


def test_from_and_an_old_format_spelling_that_disagree_are_a_usage_error(
    kb: Path, tmp_path: Path
) -> None:
    result = CliRunner().invoke(
        cli,
        ["import", str(source(tmp_path)), "--root", str(kb), "--from", "md", "--format", "html"],
    )
    assert result.exit_code == 2
    assert "--from md and --format html disagree" in result.output
