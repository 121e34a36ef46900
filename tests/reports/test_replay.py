"""The one-pass history against per-file ``git log --follow`` on the real replayed history."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest
from gitrepo import git
from replay import HISTORY_TSV, read_rows, replay

from kcs.history import read_history

LIMIT = 1500  # commits: 2018-11 to about 2020; enough renames, deletes and authors

pytestmark = pytest.mark.skipif(not HISTORY_TSV.is_file(), reason="corpus not available")


def test_one_pass_history_of_the_replayed_real_history(tmp_path: Path) -> None:
    """One test, so that the (few seconds) replay runs once, not once per xdist worker."""
    replayed = replay(tmp_path / "repo", limit=LIMIT, layout="kcs")
    check_commits_and_authors_of_the_tsv(replayed)
    check_dates_and_authors_match_git_log_follow_on_a_sample(replayed)
    check_every_file_at_head_has_a_history(replayed)
    check_reports_build(replayed)


def check_commits_and_authors_of_the_tsv(replayed: Path) -> None:
    rows = read_rows(LIMIT)
    history = read_history(replayed)
    assert len(history.commits) == len({r[0] for r in rows}) + 1  # + the kcs.yml commit
    assert {c.author for c in history.commits[1:]} == {r[2] for r in rows}
    assert history.commits[1].date == rows[0][1]


def check_dates_and_authors_match_git_log_follow_on_a_sample(replayed: Path) -> None:
    history = read_history(replayed)
    renamed = sorted(p for p, f in history.files.items() if len(f.paths) > 1)
    plain = sorted(p for p, f in history.files.items() if len(f.paths) == 1)
    pick = random.Random(5)
    sample = pick.sample(renamed, 8) + pick.sample(plain, 12)
    for path in sample:
        out = git(replayed, "log", "--follow", "--format=%aI%x09%an", "--", path)
        lines = [line.split("\t") for line in out.splitlines() if line]
        file = history.for_path(path)
        assert file is not None, path
        assert file.updated == dt.datetime.fromisoformat(lines[0][0]), path
        assert file.created == dt.datetime.fromisoformat(lines[-1][0]), path
        assert file.authors == tuple(dict.fromkeys(a for _, a in lines)), path
        assert len(file.commits) == len(lines), path


def check_every_file_at_head_has_a_history(replayed: Path) -> None:
    tracked = set(git(replayed, "ls-files", "-z").split("\0")) - {""}
    history = read_history(replayed)
    assert set(history.files) == tracked


def check_reports_build(replayed: Path) -> None:
    from kcs.reports import build
    from kcs.reports.render import render

    staleness = build("staleness", replayed, as_of=dt.date(2020, 1, 1))
    figures = staleness.figures
    assert figures["articles"] > 500
    assert figures["never validated"] == figures["articles"]  # imported as not-validated
    rows = staleness.table("articles").as_dicts()
    assert all(r["created"] is not None for r in rows)
    assert max(r["changed"] for r in rows) <= dt.date(2020, 1, 1)
    contributors = build("contributors", replayed, as_of=dt.date(2020, 1, 1))
    assert contributors.figures["contributors"] > 20
    health = build("health", replayed, as_of=dt.date(2020, 1, 1))
    assert "<svg" in render(health, "html")
