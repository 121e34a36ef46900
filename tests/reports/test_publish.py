"""Time to publish, computed once from the one-pass history, in the health report."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from gitrepo import git, record_git_calls, write
from reportrepo import ANNA, SANNE, TODAY, article, build_repo, commit

from kcs.cli import cli as kcs_cli
from kcs.history import read_history
from kcs.reports import health
from kcs.reports.inputs import load_inputs
from kcs.reports.render import render
from kcs.review.publish_times import DEFAULT_LOG, from_history, publish_times

UTC = dt.UTC


def merge(repo: Path, branch: str, date: str, *, into: str = "main", message: str = "") -> str:
    git(repo, "checkout", "-q", into)
    env = {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    message = message or f"Merge branch '{branch}'"
    git(repo, "merge", "-q", "--no-ff", branch, "-m", message, env=env)
    return git(repo, "rev-parse", "HEAD").strip()


def head(repo: Path) -> str:
    return git(repo, "rev-parse", "HEAD").strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return build_repo(tmp_path / "kb")


def test_health_shows_minutes_from_merge_to_publish(repo: Path) -> None:
    merged = git(repo, "log", "--merges", "--format=%H", "-1").strip()
    write(
        repo / DEFAULT_LOG,
        json.dumps({"published": "2025-05-03T08:30:00+00:00", "commit": merged}) + "\n",
    )
    inputs = load_inputs(repo, as_of=TODAY)
    report = health.report(inputs.kb, inputs.history, inputs.today)
    table = report.table("publish")
    assert table is not None
    assert table.columns[-3:] == ("published", "median_publish_minutes", "p90_publish_minutes")
    assert table.rows == (("mail", 1, 48.0, 48.0, 1, 30.0, 30.0),)
    assert report.figures["median hours to publish"] == 48.0
    assert report.figures["median minutes merge to publish"] == 30.0
    assert "median minutes merge to publish" in report.explain
    assert not any("publish log" in n for n in report.notes)
    for fmt in ("text", "json", "html"):
        assert "median minutes merge to publish" in render(report, fmt)
    result = CliRunner().invoke(
        kcs_cli,
        ["report", "health", "--root", str(repo), "--as-of", TODAY.isoformat()]
        + ["--format", "csv", "--table", "publish"],
    )
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "domain,proposals,median_hours,p90_hours,published,median_publish_minutes,"
        "p90_publish_minutes",
        "mail,1,48.0,48.0,1,30.0,30.0",
    ]


def test_a_run_after_the_as_of_date_publishes_nothing_yet(repo: Path) -> None:
    write(
        repo / DEFAULT_LOG,
        json.dumps({"published": "2025-07-02T08:00:00+00:00", "commit": head(repo)}) + "\n",
    )
    inputs = load_inputs(repo, as_of=TODAY)
    report = health.report(inputs.kb, inputs.history, inputs.today)
    assert report.table("publish").rows == (("mail", 1, 48.0, 48.0, 0, None, None),)
    assert report.figures["median minutes merge to publish"] is None


def test_a_bad_publish_log_is_a_note_not_a_crash(repo: Path) -> None:
    write(repo / DEFAULT_LOG, "not json\n")
    inputs = load_inputs(repo, as_of=TODAY)
    report = health.report(inputs.kb, inputs.history, inputs.today)
    assert report.table("publish").columns == ("domain", "proposals", "median_hours", "p90_hours")
    assert any("publish-log.jsonl:1: not a publish record" in n for n in report.notes)
    assert "median minutes merge to publish" not in report.figures


def test_a_proposal_starts_at_what_it_brought_not_at_what_main_had(repo: Path) -> None:
    """Proposal B merged proposal A (already on main) before B itself was merged: B's
    first commit is b1, not A's a1, as ``git log M^1..M^2`` says."""
    base = head(repo)
    git(repo, "checkout", "-q", "-b", "proposal/a")
    write(repo / "articles/vpn/a.md", article("vpn-a", "A", "validated"))
    commit(repo, "a1", "2025-06-02T08:00:00+00:00", ANNA)
    git(repo, "checkout", "-q", "-b", "proposal/b", base)
    write(repo / "articles/mail/b.md", article("mail-b", "B", "validated"))
    commit(repo, "b1", "2025-06-04T08:00:00+00:00", SANNE)
    merge(repo, "proposal/a", "2025-06-05T08:00:00+00:00", message="A\n\nProposal: proposal/a")
    merge(repo, "proposal/a", "2025-06-06T08:00:00+00:00", into="proposal/b")
    second = merge(repo, "proposal/b", "2025-06-07T08:00:00+00:00")
    first_by_git = git(
        repo, "log", "--reverse", "--format=%aI", f"{second}^1..{second}^2"
    ).splitlines()[0]
    assert first_by_git == "2025-06-04T08:00:00+00:00"
    records = from_history(read_history(repo))
    last = records[-1]
    assert (last.commit, last.kind, last.branch) == (second, "merge", "proposal/b")
    assert last.proposed == dt.datetime.fromisoformat(first_by_git)
    assert last.to_merge == dt.timedelta(days=3)
    assert last.domains == ("mail",)  # a.md reached main with proposal A's own merge
    assert records[-2].domains == ("vpn",) and records[-2].branch == "proposal/a"


def test_publish_times_reads_one_git_log_and_no_more(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls, path = record_git_calls(tmp_path)
    log = tmp_path / "publish-log.jsonl"
    tip = head(repo)
    log.write_text(json.dumps({"published": "2025-07-01T00:00:00+00:00", "commit": tip}) + "\n")
    monkeypatch.setenv("PATH", path)
    records = publish_times(repo, log)
    lines = calls.read_text().rstrip("\n").split("\n")
    assert sum(" log " in f" {line} " for line in lines) == 1
    assert not any(line.startswith("rev-list") for line in lines)
    assert len(lines) == 3  # resolve main, the shallow/commit probe, the log
    assert [r.kind for r in records] == ["direct", "direct", "direct", "merge", "direct"]
    assert all(r.published == dt.datetime(2025, 7, 1, tzinfo=UTC) for r in records)
