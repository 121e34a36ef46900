"""Who did what, from Git: one name per person, wherever Git and kcs.yml spell it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import NamedTuple

from ..config import Config
from ..history import Change, Commit, History

_TRAILER = re.compile(r"^\s*(?P<name>.*?)\s*(?:<(?P<email>[^>]*)>)?\s*$")


class Act(NamedTuple):
    """One contribution: a person did ``kind`` to ``path`` on ``date``."""

    person: str
    kind: str  # created, improved, validated
    path: str
    date: dt.datetime
    commit: str


def person_name(config: Config, name: str, email: str = "") -> str:
    """The kcs.yml name of a Git identity (by e-mail, id or login), else the Git name."""
    for ident in (email, name):
        if ident:
            person = config.person(ident)
            if person is not None:
                return person.name
    return name or email or "(unknown)"


def approver_name(config: Config, trailer: str) -> str:
    match = _TRAILER.match(trailer)
    if not match:
        return trailer.strip()
    return person_name(config, match.group("name") or "", match.group("email") or "")


def acts(history: History, config: Config, *, prefix: str = "articles/") -> Iterator[Act]:
    """Every contribution to files under ``prefix``, including files deleted since."""
    files = [*history.files.values(), *history.deleted]
    for file in files:
        if not any(p.startswith(prefix) for p in file.paths):
            continue
        seen_approval: set[str] = set()
        for index, change in enumerate(file.changes):
            commit = history.commit(change.commit)
            if not change.merge and change.status != "D":
                kind = "created" if index == 0 or change.status == "A" else "improved"
                yield Act(
                    person_name(config, change.author, change.email),
                    kind,
                    file.path,
                    change.date,
                    change.commit,
                )
            if commit is not None and commit.approved_by and commit.sha not in seen_approval:
                seen_approval.add(commit.sha)
                for trailer in commit.approved_by:
                    yield Act(
                        approver_name(config, trailer),
                        "validated",
                        file.path,
                        commit.committed,
                        commit.sha,
                    )


def approvals(history: History, config: Config) -> Iterator[tuple[str, Commit]]:
    """(approver, commit) for every Approved-by trailer."""
    for commit in history.commits:
        for trailer in commit.approved_by:
            yield approver_name(config, trailer), commit


def is_edit(change: Change) -> bool:
    return not change.merge and change.status != "D"
