"""Time to publish: proposal → merge (from Git) and merge → publish run (from a log).

KCS asks that knowledge be searchable within minutes of being captured. Two
intervals are measured:

* **to merge**: from the first commit of a proposal to the commit that brought it
  onto main (a merge commit; for a direct commit on main, author date to commit
  date). Derived from Git alone: nothing to record.
* **to publish**: from that commit to the first publish run whose commit contains
  it. Publish runs are recorded by :func:`record_publish` as JSON lines
  (``{"published": "<ISO 8601>", "commit": "<sha>"}``), by default in
  ``.kcs/publish-log.jsonl``; CI keeps that file between runs (cache).

Both come from the one-pass history (:mod:`kcs.history`): :func:`from_history`
walks the main line and the proposals' commits in memory, with no further git
call; the health report calls it with the history it already has, and
:func:`publish_times` reads a history of ``ref`` for callers without one.
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..article import domain_of
from ..errors import KcsError
from ..fsutil import append_line
from ..git import Repo
from ..history import History, read_history

DEFAULT_LOG = ".kcs/publish-log.jsonl"


@dataclass(frozen=True)
class PublishTime:
    """One change that reached main, and when it became official and public."""

    commit: str
    kind: str  # "merge" or "direct"
    branch: str  # proposal branch or pull request, "" for direct commits
    domains: tuple[str, ...]
    proposed: dt.datetime
    merged: dt.datetime
    published: dt.datetime | None

    @property
    def to_merge(self) -> dt.timedelta:
        return self.merged - self.proposed

    @property
    def to_publish(self) -> dt.timedelta | None:
        return self.published - self.merged if self.published else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "commit": self.commit,
            "kind": self.kind,
            "branch": self.branch,
            "domains": list(self.domains),
            "proposed": self.proposed.isoformat(),
            "merged": self.merged.isoformat(),
            "published": self.published.isoformat() if self.published else None,
            "hours_to_merge": round(self.to_merge.total_seconds() / 3600, 2),
            "minutes_to_publish": round(self.to_publish.total_seconds() / 60, 1)
            if self.to_publish is not None
            else None,
        }


def record_publish(
    root: Path, log: Path | None = None, *, commit: str = "HEAD", now: dt.datetime | None = None
) -> dict[str, str]:
    """Append one publish run to the log (call it after the site was deployed)."""
    log = log or root / DEFAULT_LOG
    entry = {
        "published": (now or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds"),
        "commit": Repo(root).resolve(commit),
    }
    append_line(log, json.dumps(entry))
    return entry


def read_log(log: Path) -> list[tuple[dt.datetime, str]]:
    """Publish runs from the log, oldest first; a bad line is an error naming it."""
    if not log.is_file():
        return []
    runs: list[tuple[dt.datetime, str]] = []
    for number, line in enumerate(log.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            runs.append((dt.datetime.fromisoformat(data["published"]), str(data["commit"])))
        except (ValueError, KeyError, TypeError) as exc:
            raise KcsError(
                f"{log}:{number}: not a publish record ({exc}); expected "
                '{"published": "<ISO date-time>", "commit": "<sha>"}'
            ) from None
    return sorted(runs)


def _domains(paths: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted({d for p in paths if (d := domain_of(p))}))


def _branch(message: str) -> str:
    for line in message.splitlines():
        if line.startswith("Proposal: "):
            return line[len("Proposal: ") :].strip()
    first = message.splitlines()[0] if message else ""
    if first.startswith("Merge pull request "):
        return first.split(" from ")[0].removeprefix("Merge pull request ").strip()
    if first.startswith("Merge branch "):
        return first.split("'")[1] if "'" in first else ""
    return ""


def publish_times(
    root: Path, log: Path | None = None, *, ref: str = "main", since: dt.datetime | None = None
) -> list[PublishTime]:
    """Every change on ``ref``'s first-parent line (oldest first) with its intervals.

    One ``git log`` pass (:func:`kcs.history.read_history`) and the publish log.
    """
    history = read_history(root, rev=Repo(root).resolve(ref))
    return from_history(history, read_log(log or root / DEFAULT_LOG), since=since)


def from_history(
    history: History,
    runs: Sequence[tuple[dt.datetime, str]] = (),
    *,
    since: dt.datetime | None = None,
) -> list[PublishTime]:
    """Every change on the first-parent line of ``history.head``, oldest first.

    A merge's proposal is what its second parent brings that the main line did not
    have yet (``git log first^..second``): its first commit is the oldest author
    date among those. ``runs`` are publish runs (:func:`read_log`); a run publishes
    its commit and every commit before it on the main line. Runs after
    ``history.as_of`` are ignored, and so are runs of commits the history does not
    hold (say, a main line that was since rewritten).
    """
    by_sha = history.by_sha
    line = []
    sha = history.head
    while sha is not None and (commit := by_sha.get(sha)) is not None:
        line.append(commit)
        sha = commit.parents[0] if commit.parents else None
    line.reverse()
    domains = _domains_by_commit(history)
    published = _published(history, runs)
    # Everything reachable from the main line so far: the first-parent line plus what
    # its merges brought in. Walking a merge's other parents stops there.
    merged: set[str] = set()
    records: list[PublishTime] = []
    for commit in line:
        proposed, kind = commit.date, "direct"
        if commit.merge:
            kind, first = "merge", None
            stack = list(commit.parents[1:])
            while stack:
                sha = stack.pop()
                if sha in merged:
                    continue
                merged.add(sha)
                brought = by_sha.get(sha)
                if brought is None:  # beyond an --as-of cut
                    continue
                first = brought.date if first is None else min(first, brought.date)
                stack.extend(brought.parents)
            proposed = first or commit.committed
        merged.add(commit.sha)
        if since and commit.committed < since:
            continue
        branch = commit.proposal or (_branch(commit.subject) if commit.merge else "")
        records.append(
            PublishTime(
                commit.sha,
                kind,
                branch,
                domains.get(commit.sha, ()),
                proposed,
                commit.committed,
                published.get(commit.sha),
            )
        )
    return records


def _domains_by_commit(history: History) -> dict[str, tuple[str, ...]]:
    """Commit → the domains of the articles it changed (a merge: what it brought to main)."""
    found: dict[str, set[str]] = {}
    for file in (*history.files.values(), *history.deleted):
        for change in file.changes:
            domain = domain_of(change.path)
            if domain:
                found.setdefault(change.commit, set()).add(domain)
    return {sha: tuple(sorted(names)) for sha, names in found.items()}


def _published(history: History, runs: Sequence[tuple[dt.datetime, str]]) -> dict[str, dt.datetime]:
    """Commit → the first publish run that contained it (runs walk the main line)."""
    by_sha = history.by_sha
    out: dict[str, dt.datetime] = {}
    for when, sha in sorted((_aware(w), s) for w, s in runs):
        if history.as_of is not None and when > history.as_of:
            break
        # An earlier run that reached this commit also reached everything before it.
        current: str | None = sha
        while current is not None and current not in out:
            commit = by_sha.get(current)
            if commit is None:
                break
            out[current] = when
            current = commit.parents[0] if commit.parents else None
    return out


def _aware(when: dt.datetime) -> dt.datetime:
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def by_domain(records: Sequence[PublishTime]) -> dict[str, dict[str, Any]]:
    """Per domain: count, median hours to merge, median minutes to publish."""
    groups: dict[str, list[PublishTime]] = {}
    for record in records:
        for domain in record.domains or ("(other)",):
            groups.setdefault(domain, []).append(record)
    out: dict[str, dict[str, Any]] = {}
    for domain, items in sorted(groups.items()):
        merge_h = [r.to_merge.total_seconds() / 3600 for r in items]
        pub_m = [r.to_publish.total_seconds() / 60 for r in items if r.to_publish is not None]
        out[domain] = {
            "changes": len(items),
            "median_hours_to_merge": round(statistics.median(merge_h), 2),
            "median_minutes_to_publish": round(statistics.median(pub_m), 1) if pub_m else None,
        }
    return out


def backlog(root: Path, *, now: dt.datetime | None = None) -> dict[str, dict[str, Any]]:
    """The review backlog per domain from the open proposal branches.

    Per domain: ``open`` proposals, ``oldest_days`` and ``median_days`` of waiting, and
    ``waiting_for`` (role → count), e.g. ``{"publisher of accounts": 2}``.
    """
    from .listing import list_proposals

    now = now or dt.datetime.now(dt.UTC)
    groups: dict[str, list[Any]] = {}
    for proposal in list_proposals(root):
        for domain in _domains(proposal.paths) or ("(other)",):
            groups.setdefault(domain, []).append(proposal)
    out: dict[str, dict[str, Any]] = {}
    for domain, items in sorted(groups.items()):
        ages = [p.age_days(now) for p in items]
        waits: dict[str, int] = {}
        for p in items:
            for role in p.waiting_for:
                waits[role] = waits.get(role, 0) + 1
        out[domain] = {
            "open": len(items),
            "oldest_days": max(ages),
            "median_days": statistics.median(ages),
            "waiting_for": waits,
        }
    return out
