"""kcs.history: one git log pass, renames, merges, re-adds, shallow clones, as-of."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pytest
from gitrepo import git, init_repo, record_git_calls, write

from kcs.errors import GitError
from kcs.history import SHALLOW_FIX, read_history, start_history

UTC = dt.UTC


def commit(
    repo: Path, message: str, date: str, author: str = "Anna <anna@example.org>", *args: str
) -> str:
    env = {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", message, "--author", author, *args, env=env)
    return git(repo, "rev-parse", "HEAD").strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """create → edit → rename → edit on a branch merged with Approved-by → delete/re-add."""
    r = init_repo(tmp_path / "kb")
    write(r / "articles/vpn/old.md", "one\n")
    write(r / "articles/vpn/gone.md", "gone\n")
    commit(r, "create", "2024-01-10T09:00:00+01:00")
    write(r / "articles/vpn/old.md", "one\ntwo\n")
    commit(r, "edit", "2024-02-10T09:00:00+00:00", "Mikko <mikko@example.org>")
    git(r, "mv", "articles/vpn/old.md", "articles/vpn/new.md")
    commit(r, "rename", "2024-03-10T09:00:00+00:00")
    git(r, "checkout", "-q", "-b", "proposal")
    write(r / "articles/vpn/new.md", "one\ntwo\nthree\n")
    commit(r, "improve", "2024-04-01T09:00:00+00:00", "Sanne <sanne@example.org>")
    git(r, "checkout", "-q", "main")
    write(r / "README.md", "x\n")
    commit(r, "readme", "2024-04-02T09:00:00+00:00")
    env = {
        "GIT_AUTHOR_DATE": "2024-04-05T12:00:00+00:00",
        "GIT_COMMITTER_DATE": "2024-04-05T12:00:00+00:00",
    }
    git(
        r,
        "merge",
        "-q",
        "--no-ff",
        "proposal",
        "-m",
        "Merge proposal\n\nApproved-by: Erik Johansson <erik@example.org>",
        env=env,
    )
    (r / "articles/vpn/gone.md").unlink()
    commit(r, "delete", "2024-05-01T09:00:00+00:00")
    write(r / "articles/vpn/gone.md", "back\n")
    commit(r, "re-add", "2024-06-01T09:00:00+00:00", "Jan <jan@example.org>")
    return r


def test_renamed_file_keeps_its_history(repo: Path) -> None:
    history = read_history(repo)
    file = history.for_path("articles/vpn/new.md")
    assert file is not None
    assert file.created == dt.datetime(2024, 1, 10, 8, 0, tzinfo=UTC)
    assert file.updated == dt.datetime(2024, 4, 1, 9, 0, tzinfo=UTC)
    assert file.authors == ("Sanne", "Anna", "Mikko")
    assert [(c.status, c.path, c.old_path, c.merge) for c in file.changes] == [
        ("A", "articles/vpn/old.md", None, False),
        ("M", "articles/vpn/old.md", None, False),
        ("R", "articles/vpn/new.md", "articles/vpn/old.md", False),
        ("M", "articles/vpn/new.md", None, False),
        ("M", "articles/vpn/new.md", None, True),
    ]
    assert file.paths == ("articles/vpn/old.md", "articles/vpn/new.md")
    assert history.for_path("articles/vpn/old.md") is None


def test_merge_keeps_approved_by_trailer_and_parents(repo: Path) -> None:
    history = read_history(repo)
    merge = history.commit(history.for_path("articles/vpn/new.md").changes[-1].commit)
    assert merge is not None and merge.merge
    assert merge.approved_by == ("Erik Johansson <erik@example.org>",)
    assert merge.committed == dt.datetime(2024, 4, 5, 12, tzinfo=UTC)
    assert len(history.commits) == 8  # 7 commits and the merge


def test_deleted_and_readded_file_has_one_history(repo: Path) -> None:
    file = read_history(repo).for_path("articles/vpn/gone.md")
    assert file is not None
    assert [c.status for c in file.changes] == ["A", "D", "A"]
    assert file.readded
    assert file.created == dt.datetime(2024, 1, 10, 8, 0, tzinfo=UTC)
    assert file.authors == ("Jan", "Anna")


def test_as_of_ignores_later_commits(repo: Path) -> None:
    history = read_history(repo, as_of=dt.date(2024, 2, 28))
    assert history.for_path("articles/vpn/new.md") is None
    old = history.for_path("articles/vpn/old.md")
    assert old is not None and old.updated == dt.datetime(2024, 2, 10, 9, tzinfo=UTC)
    assert len(history.commits) == 2
    gone = read_history(repo, as_of=dt.date(2024, 5, 15))
    assert gone.for_path("articles/vpn/gone.md") is None
    assert [f.path for f in gone.deleted] == ["articles/vpn/gone.md"]


def test_untracked_file_gives_none(repo: Path) -> None:
    write(repo / "articles/vpn/draft.md", "draft\n")
    assert read_history(repo).for_path("articles/vpn/draft.md") is None


def test_shallow_clone_is_an_error_with_the_fix(repo: Path, tmp_path: Path) -> None:
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    with pytest.raises(GitError) as caught:
        read_history(clone)
    assert "shallow clone" in str(caught.value)
    assert SHALLOW_FIX in str(caught.value)
    assert "fetch-depth: 0" in str(caught.value)


def test_not_a_repository_and_no_commits_give_empty_history(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    with caplog.at_level(logging.WARNING, logger="kcs.history"):
        history = read_history(plain)
    assert len(history) == 0 and not history.commits
    assert "not a Git repository" in caplog.text
    caplog.clear()
    empty = init_repo(tmp_path / "empty")
    with caplog.at_level(logging.WARNING, logger="kcs.history"):
        assert len(read_history(empty)) == 0
    assert "no commits yet" in caplog.text


def test_root_below_the_repository_top_gives_paths_relative_to_root(repo: Path) -> None:
    history = read_history(repo / "articles")
    assert "vpn/new.md" in history
    assert "README.md" not in history and "../README.md" not in history


def test_hook_variables_pointing_elsewhere_are_ignored(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = init_repo(tmp_path / "other")
    monkeypatch.setenv("GIT_DIR", str(other / ".git"))
    assert "articles/vpn/new.md" in read_history(repo)


def test_whole_history_is_one_git_log_call(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A git on PATH that records its arguments, then runs the real git."""
    calls, path = record_git_calls(tmp_path)
    monkeypatch.setenv("PATH", path)
    history = read_history(repo)
    assert len(history) == 3
    lines = calls.read_text().rstrip("\n").split("\n")  # the format holds \x1e: no splitlines
    assert sum(" log " in f" {line} " for line in lines) == 1
    assert len(lines) == 2  # the shallow/HEAD probe and the log


def test_odd_file_names_survive(tmp_path: Path) -> None:
    r = init_repo(tmp_path / "kb")
    name = 'articles/e-post/doesn’t work – "quoted" tab\there.md'
    write(r / name, "x\n")
    commit(r, "odd", "2024-01-01T00:00:00+00:00")
    assert read_history(r).for_path(name) is not None


def test_skewed_clocks_across_branches_still_replay_parents_first(tmp_path: Path) -> None:
    """A branch commit dated before its parent: git's default order lists the parent
    first; the history must still see the add before the rename."""
    r = init_repo(tmp_path / "kb")
    write(r / "x.md", "x\n")
    commit(r, "add x", "2024-05-01T00:00:00+00:00")
    git(r, "checkout", "-q", "-b", "skewed")
    git(r, "mv", "x.md", "y.md")
    commit(r, "rename with a slow clock", "2024-01-01T00:00:00+00:00")
    git(r, "checkout", "-q", "main")
    write(r / "z.md", "z\n")
    commit(r, "z", "2024-06-01T00:00:00+00:00")
    env = {
        "GIT_AUTHOR_DATE": "2024-07-01T00:00:00+00:00",
        "GIT_COMMITTER_DATE": "2024-07-01T00:00:00+00:00",
    }
    git(r, "merge", "-q", "--no-ff", "skewed", "-m", "merge", env=env)
    order = git(r, "log", "--format=%s").split("\n")
    assert order.index("add x") < order.index("rename with a slow clock")  # the skew
    file = read_history(r).for_path("y.md")
    assert file is not None
    assert [c.status for c in file.commits] == ["A", "R"]
    assert "x.md" not in read_history(r)


@pytest.mark.parametrize("rev", ["no-such-branch", "--all", "-n1"])
def test_a_revision_that_names_no_commit_is_an_error(repo: Path, rev: str) -> None:
    with pytest.raises(GitError) as caught:
        read_history(repo, rev=rev)
    assert "names no commit" in str(caught.value)


def test_the_log_starts_before_its_result_is_asked_for(repo: Path) -> None:
    """start_history returns with git at work; cancelling stops it and leaves no process."""
    reading = start_history(repo)
    assert reading.log.pid > 0
    history = reading.result()
    assert history == read_history(repo)
    assert reading.log.returncode == 0 and reading.probe.returncode == 0
    stopped = start_history(repo)
    stopped.cancel()
    assert stopped.log.returncode is not None and stopped.probe.returncode is not None


def test_without_git_the_error_says_to_install_it(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(GitError) as caught:
        read_history(repo)
    assert "git is not installed" in str(caught.value)
    assert "to read article dates" in str(caught.value)


def test_a_files_dates_are_computed_once_and_kept(repo: Path) -> None:
    file = read_history(repo).for_path("articles/vpn/new.md")
    assert file is not None and "created" not in vars(file)
    created = file.created
    assert vars(file)["created"] is created and file.created is created
    assert file.updated >= created and file.commits
