"""Time to publish from merge commits and the publish log."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from gitrepo import git
from kbrepo import article, branch

from kcs.errors import KcsError
from kcs.review.publish_times import backlog, by_domain, publish_times, read_log, record_publish


def merge(kb: Path, name: str, date: str) -> str:
    git(
        kb,
        "merge",
        "-q",
        "--no-ff",
        "-m",
        f"Merge {name}",
        "-m",
        f"Proposal: {name}",
        name,
        env={"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date},
    )
    return git(kb, "rev-parse", "HEAD").strip()


def test_proposal_to_merge_to_publish(kb: Path, tmp_path: Path) -> None:
    branch(
        kb,
        "proposal/lotta/reset",
        {"articles/accounts/reset.md": article("Reset!")},
        date="2026-02-02T08:00:00+00:00",
    )
    first = merge(kb, "proposal/lotta/reset", "2026-02-03T08:00:00+00:00")
    log = tmp_path / "publish-log.jsonl"
    record_publish(kb, log, now=dt.datetime(2026, 2, 3, 8, 30, tzinfo=dt.UTC))
    branch(
        kb,
        "proposal/jan/vpn",
        {"articles/network/vpn.md": article("VPN!")},
        date="2026-02-04T08:00:00+00:00",
    )
    second = merge(kb, "proposal/jan/vpn", "2026-02-04T14:00:00+00:00")
    records = publish_times(kb, log)
    assert [(r.commit, r.kind, r.branch, r.domains) for r in records[-2:]] == [
        (first, "merge", "proposal/lotta/reset", ("accounts",)),
        (second, "merge", "proposal/jan/vpn", ("network",)),
    ]
    assert records[-2].to_merge == dt.timedelta(days=1)
    assert records[-2].to_publish == dt.timedelta(minutes=30)
    assert records[-1].to_merge == dt.timedelta(hours=6)
    assert records[-1].published is None
    assert records[0].kind == "direct"
    summary = by_domain(records)
    # the seed commit (direct, 2026-01-10 10:00) waited 34,470 minutes for the first run
    assert summary["accounts"] == {
        "changes": 2,
        "median_hours_to_merge": 12.0,
        "median_minutes_to_publish": (30 + 34470) / 2,
    }
    assert summary["network"]["median_minutes_to_publish"] == 34470.0  # VPN fix not yet out
    assert records[-2].to_dict()["minutes_to_publish"] == 30.0


def test_bad_log_line_is_named(tmp_path: Path) -> None:
    log = tmp_path / "log.jsonl"
    log.write_text('{"published": "2026-01-01T00:00:00+00:00", "commit": "abc"}\nnope\n')
    with pytest.raises(KcsError, match=r"log.jsonl:2: not a publish record"):
        read_log(log)


def test_backlog_per_domain(kb: Path) -> None:
    branch(
        kb,
        "proposal/lotta/reset",
        {"articles/accounts/reset.md": article("R")},
        date="2026-02-01T08:00:00+00:00",
    )
    branch(
        kb,
        "proposal/lotta/mfa",
        {"articles/accounts/public-mfa.md": article("MFA", audience="public")},
        date="2026-02-05T08:00:00+00:00",
    )
    got = backlog(kb, now=dt.datetime(2026, 2, 11, 8, tzinfo=dt.UTC))
    assert got == {
        "accounts": {
            "open": 2,
            "oldest_days": 10,
            "median_days": 8.0,
            "waiting_for": {"contributor of accounts": 2, "publisher of accounts": 1},
        }
    }
