"""Near-duplicates: found in a hand-made set, grouped, with the right keeper."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from kcs.cli import cli
from kcs.duplicates import Doc, find_duplicates, shingles
from kcs.importers.pipeline import run_import

BASE = (
    "When you connect to the office VPN from home the client disconnects after about "
    "five minutes and shows error 809. Open the VPN client settings, choose the "
    "profile, switch the protocol from IKEv2 to SSTP, save, and connect again. If the "
    "connection still drops, restart the router and try once more before calling the "
    "service desk."
)


def test_shingles_ignore_case_and_markup() -> None:
    assert shingles("**Open** the VPN") == shingles("open THE vpn") == {b"open the vpn"}


def test_groups_and_keeper() -> None:
    docs = [
        Doc("vpn-a", "a.md", "VPN drops", BASE, "not-validated", "2023-01-01", "en"),
        Doc(
            "vpn-b", "b.md", "VPN drops", BASE.replace("five", "5"), "validated", "2020-01-01", "en"
        ),
        Doc("vpn-c", "c.md", "VPN drops", BASE + " Thanks.", "not-validated", "2024-01-01", "en"),
        Doc("vpn-sv", "d.md", "VPN drops", BASE, "not-validated", "2024-01-01", "sv"),
        Doc(
            "printer",
            "e.md",
            "Printer",
            "Open the tray, remove the paper, close the tray "
            "and print a test page from the printer menu.",
            "validated",
            "",
            "en",
        ),
    ]
    groups = find_duplicates(docs, threshold=0.7)
    assert len(groups) == 1
    group = groups[0]
    assert group.keeper.id == "vpn-b"  # validated wins over longer and newer
    assert [m.id for m in group.others] == ["vpn-c", "vpn-a"]  # longer first
    assert all(0.7 <= m.similarity < 1.0 or m.similarity == 1.0 for m in group.others)
    assert find_duplicates(docs, threshold=0.7, only=["printer"]) == []


def test_import_reports_duplicates_against_existing_articles(kb: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "one", tmp_path / "two"
    first.mkdir()
    second.mkdir()
    page = "---\ntitle: VPN drops\n---\n\n## Symptoms\n\n{}\n\n## Resolution\n\nSee above.\n"
    (first / "vpn.md").write_text(page.format(BASE))
    (second / "vpn-drops.md").write_text(page.format(BASE.replace("809", "800")))
    (second / "other.md").write_text(page.format("Something else entirely."))
    run_import(kb, first, into="articles/network")
    result = run_import(kb, second, into="articles/network")
    assert [(g.keeper.id, [m.id for m in g.others]) for g in result.duplicates] == [
        ("vpn", ["vpn-drops"])
    ]
    from kcs.importers.report import summary_lines

    similarity = result.duplicates[0].others[0].similarity
    assert summary_lines(result)[-2:] == [
        "1 groups of near-duplicates were found:",
        f"  keep vpn: vpn-drops ({similarity:.0%})",
    ]
    runner = CliRunner()
    text = runner.invoke(cli, ["report", "duplicates", "--root", str(kb)])
    assert text.exit_code == 0
    lines = text.output.splitlines()
    assert lines[-1] == "1 group(s) of near-duplicates among 3 articles."
    assert lines[0].startswith("keep vpn")
    out = runner.invoke(
        cli, ["report", "duplicates", "--root", str(kb), "--format", "json", "--threshold", "0.95"]
    )
    assert out.exit_code == 0 and json.loads(out.output) == []
