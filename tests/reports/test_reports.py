"""The three reports on a small repository with a known history (see conftest.py)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from gitrepo import init_repo, write
from reportrepo import KCS_YML, TODAY, article, commit

from kcs.cli import cli as kcs_cli
from kcs.history import read_history
from kcs.knowledge import load
from kcs.reports import contributors, health, staleness
from kcs.reports.inputs import load_inputs
from kcs.reports.model import UsageStats
from kcs.reports.render import render

FIXTURES = Path(__file__).parent / "fixtures"


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(kcs_cli, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("name", ["staleness", "health", "contributors"])
def test_text_output_matches_the_golden_file(kb_repo: Path, name: str) -> None:
    code, out, _ = cli("report", name, "--root", str(kb_repo), "--as-of", TODAY.isoformat())
    assert code == 0
    assert out == (FIXTURES / f"{name}.txt").read_text(encoding="utf-8")


def test_csv_output_matches_the_golden_files(kb_repo: Path) -> None:
    code, out, _ = cli(
        "report", "staleness", "--root", str(kb_repo), "--as-of", "2025-06-30", "--format", "csv"
    )
    assert code == 0
    assert out == (FIXTURES / "staleness.csv").read_text(encoding="utf-8")
    code, out, _ = cli(
        "report",
        "health",
        "--root",
        str(kb_repo),
        "--as-of",
        "2025-06-30",
        "--format",
        "csv",
        "--table",
        "translations",
    )
    assert out == (FIXTURES / "health-translations.csv").read_text(encoding="utf-8")


def test_json_output(kb_repo: Path) -> None:
    code, out, _ = cli(
        "report", "staleness", "--root", str(kb_repo), "--as-of", "2025-06-30", "--format", "json"
    )
    data = json.loads(out)
    assert data["figures"] == {
        "articles": 9,
        "overdue": 2,
        "due soon": 1,
        "never validated": 1,
        "wip too long": 1,
        "fresh": 3,
        "archived": 1,
    }
    rows = {r["id"]: r for r in data["tables"]["articles"]}
    # Renamed with git mv: created survives the rename.
    assert rows["vpn-connect"]["path"] == "articles/vpn/connect-client.md"
    assert rows["vpn-connect"]["created"] == "2024-03-01"
    assert rows["vpn-connect"]["changed"] == "2025-06-01"
    # No reviewed date: the approved merge validated it.
    assert rows["mail-approved"]["validated"] == "2025-05-03"
    assert rows["vpn-token"]["due"] == "2025-07-05" and rows["vpn-token"]["days_left"] == 5


def test_html_escapes_everything_and_loads_nothing(kb_repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "staleness.html"
    code, _, err = cli(
        "report",
        "staleness",
        "--root",
        str(kb_repo),
        "--as-of",
        "2025-06-30",
        "--format",
        "html",
        "--out",
        str(out),
    )
    assert code == 0 and f"wrote {out}" in err
    page = out.read_text(encoding="utf-8")
    assert "<script>" not in page
    assert "Tom &amp; Jerry&#x27;s &lt;script&gt;alert(1)&lt;/script&gt; mail" in page
    assert page.count("<svg") == 1
    assert not re.search(r"""(src|href)=["']https?:""", page)
    assert "@import" not in page and "<link" not in page


def test_untracked_and_malformed_dates_are_notes_not_crashes(kb_repo: Path) -> None:
    inputs = load_inputs(kb_repo)
    rows = {r.id: r for r in staleness.compute(inputs.kb, inputs.history, TODAY)}
    untracked = rows["vpn-untracked"]
    assert untracked.created is None and "untracked" in untracked.note
    assert untracked.status == "fresh"  # its reviewed date still counts
    bad = rows["vpn-baddate"]
    assert "reviewed" in bad.note and bad.validated is None
    assert bad.status == "never-validated"


def test_future_review_date_counts_as_today(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "kb")
    write(repo / "kcs.yml", KCS_YML)
    write(repo / "articles/vpn/a.md", article("a", "Future", "validated", reviewed="2025-12-31"))
    commit(repo, "a", "2025-01-01T00:00:00+00:00", "A <a@example.org>")
    kb = load(repo)
    row = staleness.compute(kb, read_history(repo), TODAY)[0]
    assert row.validated == TODAY and "future" in row.note and row.status == "fresh"


def test_as_of_reads_articles_and_history_of_that_day(kb_repo: Path) -> None:
    code, out, _ = cli(
        "report", "staleness", "--root", str(kb_repo), "--as-of", "2025-02-01", "--format", "json"
    )
    data = json.loads(out)
    rows = {r["id"]: r for r in data["tables"]["articles"]}
    assert "mail-approved" not in rows  # merged in May
    assert rows["mail-draft"]["status"] == "wip-too-long"  # 31 days of wip
    assert rows["vpn-connect"]["path"] == "articles/vpn/connect.md"
    assert rows["vpn-token"]["status"] == "fresh"
    assert rows["vpn-old-client"]["status"] == "due-soon"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2025-13-01", "is not a date"),
        ("2999-01-01", "lies in the future"),
        ("2001-01-01", "no commits on or before"),
    ],
)
def test_bad_as_of_is_a_usage_error(kb_repo: Path, value: str, message: str) -> None:
    code, _, err = cli("report", "staleness", "--root", str(kb_repo), "--as-of", value)
    assert code == 2 and message in err


def test_repository_without_commits_still_reports(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "kb")
    write(repo / "kcs.yml", KCS_YML)
    write(repo / "articles/vpn/a.md", article("a", "A", "validated", reviewed="2025-06-01"))
    for name in ("staleness", "health", "contributors"):
        code, out, err = cli("report", name, "--root", str(repo))
        assert code == 0, err
    assert "No Git history" in out or "contributors       0" in out
    code, out, _ = cli("report", "staleness", "--root", str(repo))
    assert "No Git history" in out and "no Git history: created and changed" in out


def test_health_figures(kb_repo: Path) -> None:
    inputs = load_inputs(kb_repo, as_of=TODAY)
    report = health.report(inputs.kb, inputs.history, TODAY)
    assert report.figures["outdated translations"] == 1
    assert report.figures["median hours to publish"] == 48.0
    assert report.table("publish").rows == (("mail", 1, 48.0, 48.0),)
    conc = {r[0]: r for r in report.table("concentration").rows}
    assert conc["vpn"][1:4] == (2, "Anna Lindqvist, Mikko Virtanen", "")
    # A year later only the rename by Anna is within 12 months of vpn: one expert.
    later = health.report(inputs.kb, inputs.history, dt.date(2026, 3, 1))
    assert {r[0]: r[3] for r in later.table("concentration").rows}["vpn"] == "at risk"


def test_contributors_are_listed_by_name_not_ranked(kb_repo: Path) -> None:
    inputs = load_inputs(kb_repo, as_of=TODAY)
    report = contributors.report(inputs.kb, inputs.history, TODAY, period="year")
    rows = report.table("contributions").rows
    assert [r[:2] for r in rows] == [
        ("2025", "Anna Lindqvist"),
        ("2025", "Erik Johansson"),
        ("2025", "Sanne de Vries"),
        ("2024", "Mikko Virtanen"),
    ]
    assert rows[1][4:] == (2, 1)  # Erik validated two articles in one review


def test_triage_with_usage(kb_repo: Path) -> None:
    inputs = load_inputs(kb_repo, as_of=TODAY)
    usage = {
        "vpn-old-client": UsageStats(views_90d=500, views_12m=2000),  # overdue and used
        "mail-quota-sv": UsageStats(views_90d=0, views_12m=0),  # old and unread
        "vpn-connect": UsageStats(views_90d=0, views_12m=40),  # fresh, unread lately
        "vpn-token": UsageStats(views_90d=3, helped=1, not_helped=5),  # unhelpful
    }
    report = staleness.report(inputs.kb, inputs.history, TODAY, usage=usage)
    triage = {r[1]: r[3] for r in report.table("triage").rows}
    assert triage["Old VPN client fails"] == staleness.REVIEW_FIRST
    assert triage["Brevlådan är full"] == staleness.ARCHIVE
    assert triage["VPN does not connect"] == staleness.FINDABILITY
    assert triage["Token expired"] == staleness.REVIEW_FEEDBACK
    text = render(report, "text")
    assert "No usage data" not in text


def test_reports_read_the_usage_database_of_kcs_usage(kb_repo: Path, tmp_path: Path) -> None:
    """Real ingestion of an access log (kcs.usage), then the reports pick it up."""
    import shutil

    from kcs.usage.store import article_meta, database_path, ingest

    root = tmp_path / "kb"
    shutil.copytree(kb_repo, root)
    agent = (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/120.0 Safari/537.36"
    )
    log = tmp_path / "access.log"
    log.write_text(
        "".join(
            f"10.0.{i}.1 - - [{20 + i % 5}/Jun/2025:10:{i:02d}:00 +0000] "
            f'"GET /a/vpn-old-client/ HTTP/1.1" 200 512 "-" "{agent}"\n'
            for i in range(30)
        )
    )
    db = database_path(root)
    db.parent.mkdir(parents=True, exist_ok=True)
    ingest(db, [log], articles=article_meta(root), today=TODAY)
    code, out, _ = cli(
        "report", "staleness", "--root", str(root), "--as-of", "2025-06-30", "--format", "json"
    )
    assert code == 0
    data = json.loads(out)
    assert data["figures"]["review first"] == 1
    assert data["figures"]["archive candidate"] == 0  # ten days of data prove nothing
    triage = {r["path"]: r["triage"] for r in data["tables"]["triage"]}
    assert triage["articles/vpn/old-client.md"] == "review first"
    assert any("90 days or less" in n for n in data["notes"])


def test_open_proposals_show_in_the_backlog(kb_repo: Path, tmp_path: Path) -> None:
    import shutil

    from gitrepo import git

    root = tmp_path / "kb"
    shutil.copytree(kb_repo, root)
    git(root, "checkout", "-q", "-b", "proposal/token")
    write(
        root / "articles/vpn/token.md",
        article(
            "vpn-token", "Token expired", "validated", reviewed="2024-07-10", body="New steps."
        ),
    )
    commit(root, "Token: new steps", "2025-06-20T10:00:00+00:00", "Lotta <lotta@example.org>")
    git(root, "checkout", "-q", "main")
    inputs = load_inputs(root)
    report = health.report(inputs.kb, inputs.history, dt.date.today())
    backlog = report.table("backlog")
    assert backlog is not None and report.figures["open proposals"] == 1
    domains, branch, author, started, age, _waits = backlog.rows[0]
    assert (domains, branch, author, started) == (
        "vpn",
        "proposal/token",
        "Lotta",
        dt.date(2025, 6, 20),
    )
    assert age == (dt.date.today() - dt.date(2025, 6, 20)).days
    past = health.report(inputs.kb, inputs.history, TODAY)
    assert past.table("backlog") is None
    assert any("only known for today" in n for n in past.notes)


def test_as_of_reads_the_main_line_not_an_unmerged_branch(kb_repo: Path) -> None:
    """The proposal branch was committed on 2025-05-01 and merged on 05-03: as of 05-02
    its new article is not published yet."""
    code, out, _ = cli(
        "report", "staleness", "--root", str(kb_repo), "--as-of", "2025-05-02", "--format", "json"
    )
    assert code == 0
    ids = {r["id"] for r in json.loads(out)["tables"]["articles"]}
    assert "mail-approved" not in ids and "mail-draft" in ids
