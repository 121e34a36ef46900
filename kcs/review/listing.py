"""Open proposals on plain Git: list them with what each waits for, and review one."""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..article import Article, split_front_matter
from ..config import Person
from ..errors import GitError, KcsError
from ..git import Repo
from .branches import main_ref, proposal_prefix, resolve_branch, waiting_text
from .diff import Change, RawEntry, build_changes, is_article_path, parse_raw, wanted_blobs
from .gate import Decision, config_at, decide, evaluate, find_person
from .roles import rules_from_config


@dataclass(frozen=True)
class Proposal:
    """An open proposal branch."""

    branch: str
    ref: str
    tip: str
    base: str  # the commit of main it started from
    author_name: str
    author_email: str
    author: str | None  # person id, when the e-mail is in kcs.yml
    started: dt.datetime
    updated: dt.datetime
    commits: int
    paths: tuple[str, ...]
    articles: tuple[str, ...]  # ids
    waiting_for: tuple[str, ...]
    changes: tuple[Change, ...] = field(default=(), repr=False, compare=False)

    def age_days(self, now: dt.datetime | None = None) -> int:
        now = now or dt.datetime.now(dt.UTC)
        return max(0, (now - self.started).days)

    def to_dict(self, now: dt.datetime | None = None) -> dict[str, Any]:
        return {
            "branch": self.branch,
            "ref": self.ref,
            "tip": self.tip,
            "base": self.base,
            "author": self.author,
            "author_name": self.author_name,
            "author_email": self.author_email,
            "started": self.started.isoformat(),
            "updated": self.updated.isoformat(),
            "age_days": self.age_days(now),
            "commits": self.commits,
            "paths": list(self.paths),
            "articles": list(self.articles),
            "waiting_for": list(self.waiting_for),
        }


def _proposal_refs(root: Path, target: str, prefix: str) -> dict[str, tuple[str, str]]:
    """branch name → (ref, tip) for proposal branches not yet merged into ``target``."""
    out = Repo.of(root).text(
        "for-each-ref",
        "--format=%(refname)%09%(objectname)",
        f"--no-merged={target}",
        "refs/heads/",
        "refs/remotes/",
    )
    found: dict[str, tuple[str, str]] = {}
    for line in out.splitlines():
        ref, tip = line.split("\t")
        if ref.startswith("refs/heads/"):
            name = ref[len("refs/heads/") :]
        else:
            parts = ref.split("/", 3)
            if len(parts) < 4:
                continue
            name = parts[3]
        if not name.startswith(prefix):
            continue
        # the shared (remote) copy wins over a local one of the same name
        if name not in found or ref.startswith("refs/remotes/"):
            found[name] = (ref, tip)
    return found


def _branch_log(root: Path, target: str, tip: str) -> list[list[str]]:
    out = Repo.of(root).text(
        "log",
        "--reverse",
        "--format=%H%x00%P%x00%an%x00%ae%x00%aI%x00%cI",
        f"{target}..{tip}",
    )
    return [line.split("\0") for line in out.splitlines() if line]


def _diff_many(root: Path, pairs: list[tuple[str, str]]) -> list[list[RawEntry]]:
    """``git diff --raw -M`` for many (base, tip) pairs through one ``git diff-tree --stdin``."""
    if not pairs:
        return []
    data = (
        Repo.of(root)
        .run(
            "diff-tree",
            "--stdin",
            "--always",
            "-r",
            "-M",
            "--raw",
            "-z",
            "--no-abbrev",
            input="".join(f"{t} {b}\n" for b, t in pairs).encode(),
        )
        .stdout
    )
    fields = data.split(b"\0")
    sections: list[list[bytes]] = []
    i = 0
    while i < len(fields):
        field = fields[i]
        if not field:
            i += 1
            continue
        # a line "<commit> <parent>" diffs parent → commit, headed by the commit's id
        if not field.startswith(b":"):
            sections.append([])
            i += 1
            continue
        width = 3 if field.split()[-1][:1] in (b"R", b"C") else 2
        sections[-1].extend(fields[i : i + width])
        i += width
    if len(sections) != len(pairs):
        raise GitError(f"git diff-tree gave {len(sections)} diffs for {len(pairs)} branches")
    return [parse_raw(b"\0".join(section) + b"\0") if section else [] for section in sections]


def list_proposals(root: Path, *, main: str | None = None) -> list[Proposal]:
    """Open proposal branches, oldest first, with what each waits for."""
    target = main_ref(root, main)
    config = config_at(root, Repo.of(root).resolve(target))
    rules = rules_from_config(config)
    refs = _proposal_refs(root, target, proposal_prefix(config))
    if not refs:
        return []

    # Four Git processes in all, however many branches: one log of every proposal
    # commit, one diff-tree for every branch, one cat-file for every article blob.
    tips = sorted({tip for _, tip in refs.values()})
    out = Repo.of(root).text(
        "log",
        "--topo-order",
        "--format=%H%x00%P%x00%an%x00%ae%x00%aI%x00%cI",
        *tips,
        f"^{target}",
    )
    info = {
        fields[0]: fields
        for fields in (line.split("\0") for line in out.splitlines())
        if len(fields) == 6
    }
    branch_commits: dict[str, list[list[str]]] = {}
    for name, (_, tip) in refs.items():
        found: list[list[str]] = []
        stack, seen = [tip], set()
        while stack:
            sha = stack.pop()
            if sha in seen or sha not in info:
                continue
            seen.add(sha)
            found.append(info[sha])
            stack.extend(info[sha][1].split())
        found.sort(key=lambda c: (c[4], c[5]))
        if found:
            branch_commits[name] = found
    pairs: list[tuple[str, str, str]] = []
    for name, found in branch_commits.items():
        outside = [p for c in found for p in c[1].split()[:1] if p not in info]
        if outside:
            pairs.append((name, outside[0], refs[name][1]))
    entries_of = _diff_many(root, [(base, tip) for _, base, tip in pairs])
    scanned = [
        (name, refs[name][0], tip, branch_commits[name], entries)
        for (name, _, tip), entries in zip(pairs, entries_of, strict=True)
    ]
    blobs = Repo.of(root).read_blobs([b for *_, entries in scanned for b in wanted_blobs(entries)])
    proposals: list[Proposal] = []
    for name, ref, tip, commits, entries in scanned:
        if not commits:
            continue
        changes = build_changes(entries, blobs, config)
        first, last = commits[0], commits[-1]
        person = config.person(first[3])
        author = person or Person(id=first[3] or first[2], name=first[2])
        decision = decide(changes, author=author, approvers=[], rules=rules)
        ids = [art.id for c in changes if (art := c.new_article or c.old_article) is not None]
        proposals.append(
            Proposal(
                branch=name,
                ref=ref,
                tip=tip,
                base=first[1].split()[0] if first[1] else "",
                author_name=first[2],
                author_email=first[3],
                author=person.id if person else None,
                started=dt.datetime.fromisoformat(first[4]),
                updated=dt.datetime.fromisoformat(last[5]),
                commits=len(commits),
                paths=tuple(p for c in changes for p in c.paths),
                articles=tuple(ids),
                waiting_for=tuple(waiting_text(decision)),
                changes=tuple(changes),
            )
        )
    proposals.sort(key=lambda p: (p.started, p.branch))
    return proposals


@dataclass(frozen=True)
class ArticleDiff:
    path: str
    status: str
    title: str
    fields: tuple[tuple[str, str, str], ...]  # (field, old, new)
    body: tuple[str, ...]  # unified diff lines of the body


@dataclass(frozen=True)
class Review:
    branch: str
    decision: Decision
    articles: tuple[ArticleDiff, ...]
    others: tuple[str, ...]  # changed files that are not articles


def _fields(article: Article | None) -> dict[str, str]:
    if article is None:
        return {}
    return {
        name: str(getattr(article, name))
        for name in ("title", "state", "audience", "domain", "lang", "type", "id")
    } | {"tags": ", ".join(article.tags)}


def _body(text: str | None) -> list[str]:
    if text is None:
        return []
    return split_front_matter(text)[1].splitlines()


def review(
    root: Path, branch: str, *, main: str | None = None, reviewer: str | None = None
) -> Review:
    """What a proposal changes, article by article, and what it still needs."""
    target = main_ref(root, main)
    base = Repo.of(root).resolve(target)
    config = config_at(root, base)
    tip = resolve_branch(root, branch, proposal_prefix(config))
    log_lines = _branch_log(root, target, tip)
    if not log_lines:
        shown = target.removeprefix("refs/heads/").removeprefix("refs/remotes/")
        raise KcsError(f"{branch} has nothing that is not already on {shown}")
    person = config.person(log_lines[0][3])
    author = person or Person(id=log_lines[0][3], name=log_lines[0][2])
    approvers = [find_person(config, reviewer, what="reviewer")] if reviewer else []
    decision, got = evaluate(root, base, tip, author, approvers, config=config)
    articles: list[ArticleDiff] = []
    others: list[str] = []
    for change in got.changes:
        if not (is_article_path(change.old_path) or is_article_path(change.new_path)):
            others.append(f"{change.status} {change.label()}")
            continue
        old, new = _fields(change.old_article), _fields(change.new_article)
        fields = tuple(
            (k, old.get(k, ""), new.get(k, ""))
            for k in dict.fromkeys([*old, *new])
            if old.get(k, "") != new.get(k, "")
        )
        body = tuple(
            difflib.unified_diff(
                _body(change.old_text),
                _body(change.new_text),
                "official",
                "proposed",
                lineterm="",
                n=2,
            )
        )
        either = change.new_article or change.old_article
        title = either.title if either else change.path
        articles.append(ArticleDiff(change.label(), change.status, title, fields, body))
    return Review(branch, decision, tuple(articles), tuple(others))
