"""Proposals on plain Git (no forge): propose, list, review, merge, and the server check.

A proposal is a branch under ``forge.proposals_prefix`` (default ``proposal/``)
named after the author and the article. Merging records the approver in an
``Approved-by:`` trailer of a merge commit that the approver SSH-signs; the
server's pre-receive hook (:func:`check_push`) re-checks every commit that
reaches main against the kcs.yml of its parent.
"""

from __future__ import annotations

import datetime as dt
import difflib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .article import Article, parse_article, slugify, split_front_matter
from .config import Config, Person
from .errors import GitError, KcsError, UsageError
from .gate import Decision, config_at, decide, evaluate, find_person
from .gitdiff import (
    ZERO,
    Change,
    RawEntry,
    build_changes,
    git_text,
    is_article_path,
    parse_raw,
    read_blobs,
    resolve_commit,
    run_git,
    wanted_blobs,
)
from .roles import ACTION_ROLE, rules_from_config
from .signing import person_by_key, signing_key, verify_commits

log = logging.getLogger(__name__)

PROTECTED = "refs/heads/main"


# ------------------------------------------------------------------ helpers


def work_tree(root: Path) -> Path:
    """The top of the work tree around ``root`` (GitError outside one)."""
    result = run_git(root, "rev-parse", "--show-toplevel", check=False)
    if result.returncode != 0:
        raise GitError(
            f"{root}: not inside a Git work tree; run kcs in a clone of the knowledge repository"
        )
    return Path(result.stdout.decode().strip())


def current_branch(root: Path) -> str:
    result = run_git(root, "symbolic-ref", "--quiet", "--short", "HEAD", check=False)
    if result.returncode != 0:
        raise GitError("detached HEAD: switch to a branch first (git switch main)")
    return result.stdout.decode().strip()


def has_remote(root: Path, name: str = "origin") -> bool:
    return name in git_text(root, "remote").split()


def _prefix(config: Config) -> str:
    prefix = config.forge.proposals_prefix or "proposal/"
    return prefix if prefix.endswith("/") else prefix + "/"


def _me(root: Path, config: Config) -> tuple[str, Person | None]:
    """Who is committing here: (slug for branch names, person in kcs.yml or None)."""
    ident = run_git(root, "var", "GIT_AUTHOR_IDENT", check=False).stdout.decode().strip()
    name, _, rest = ident.partition(" <")
    email = rest.split(">")[0] if rest else ""
    person = config.person(email) if email else None
    if person:
        return person.id, person
    return slugify(name or email.split("@")[0] or "someone", max_length=30), None


def waiting_text(decision: Decision) -> list[str]:
    """Missing approvals as 'publisher of accounts', once each."""
    out: dict[str, None] = {}
    for item in decision.waiting_for:
        action, domain = item.split(":", 1)
        role = ACTION_ROLE.get(action, action)
        out[
            f"{role} of {'any domain' if domain == '*' else domain}"
            if action != "admin"
            else "admin"
        ] = None
    return list(out)


# ------------------------------------------------------------------ propose


@dataclass(frozen=True)
class Proposed:
    branch: str
    commit: str
    paths: tuple[str, ...]
    pushed: bool


def _status_paths(status: bytes) -> list[str]:
    """Paths in ``git status --porcelain=v1 -z`` output; a rename names both sides."""
    out: list[str] = []
    chunks = status.split(b"\0")
    i = 0
    while i < len(chunks):
        entry = chunks[i]
        i += 1
        if len(entry) < 4:
            continue
        out.append(entry[3:].decode("utf-8", "surrogateescape"))
        if entry[:1] in (b"R", b"C"):  # the original path follows as its own field
            out.append(chunks[i].decode("utf-8", "surrogateescape"))
            i += 1
    return out


def propose(root: Path, message: str | None = None, *, push: bool = True) -> Proposed:
    """Commit the working changes on a new proposal branch, push it, and come back."""
    top = work_tree(root)
    original = current_branch(top)
    status = run_git(top, "status", "--porcelain=v1", "-z", "--untracked-files=all").stdout
    paths = sorted(set(_status_paths(status)))
    if not paths:
        raise KcsError("nothing to propose: no changed or new files in the work tree")
    config = config_at(top, resolve_commit(top, "HEAD"))
    who, _ = _me(top, config)
    kept: list[str] = []  # articles still there (a rename counts by its new name)
    gone: list[str] = []
    for rel in paths:
        if is_article_path(rel) and (top / rel).is_file():
            article, _ = parse_article(rel, (top / rel).read_text("utf-8", "replace"), config)
            kept.append(article.id if article else slugify(Path(rel).stem))
        elif is_article_path(rel):
            gone.append(slugify(Path(rel).stem))
    ids = list(dict.fromkeys(kept or gone))
    topic = ids[0] if ids else slugify(Path(paths[0]).stem)
    if len(ids) > 1:
        topic += f"-and-{len(ids) - 1}-more"
    base = f"{_prefix(config)}{who}/{topic}"
    existing = set(
        git_text(top, "for-each-ref", "--format=%(refname:short)", "refs/heads/").split()
    )
    branch, n = base, 2
    while branch in existing:
        branch, n = f"{base}-{n}", n + 1
    text = message or f"Propose changes to {', '.join(ids) if ids else ', '.join(paths[:3])}"
    run_git(top, "switch", "-q", "-c", branch)
    try:
        run_git(top, "add", "-A")  # every working change, as listed in `paths`
        run_git(top, "commit", "-q", "-m", text)
    except GitError:
        run_git(top, "reset", "-q", check=False)
        run_git(top, "switch", "-q", original, check=False)
        run_git(top, "branch", "-q", "-D", branch, check=False)
        raise
    commit = resolve_commit(top, "HEAD")
    pushed = False
    try:
        if push and has_remote(top):
            run_git(top, "push", "-q", "-u", "origin", branch)
            pushed = True
    finally:
        run_git(top, "switch", "-q", original)
    return Proposed(branch, commit, tuple(paths), pushed)


# ------------------------------------------------------------------ list


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


def main_ref(root: Path, main: str | None = None) -> str:
    for ref in [main] if main else ["main", "origin/main"]:
        result = run_git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", check=False)
        if result.returncode == 0:
            return ref
    raise UsageError(f"no branch {main or 'main'}: pass --main with the official branch")


def _proposal_refs(root: Path, target: str, prefix: str) -> dict[str, tuple[str, str]]:
    """branch name → (ref, tip) for proposal branches not yet merged into ``target``."""
    out = git_text(
        root,
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
    out = git_text(
        root,
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
    data = run_git(
        root,
        "diff-tree",
        "--stdin",
        "--always",
        "-r",
        "-M",
        "--raw",
        "-z",
        "--no-abbrev",
        input="".join(f"{t} {b}\n" for b, t in pairs).encode(),
    ).stdout
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
    config = config_at(root, resolve_commit(root, target))
    rules = rules_from_config(config)
    refs = _proposal_refs(root, target, _prefix(config))
    if not refs:
        return []

    # Four Git processes in all, however many branches: one log of every proposal
    # commit, one diff-tree for every branch, one cat-file for every article blob.
    tips = sorted({tip for _, tip in refs.values()})
    out = git_text(
        root,
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
    blobs = read_blobs(root, [b for *_, entries in scanned for b in wanted_blobs(entries)])
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


# ------------------------------------------------------------------ review


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


def resolve_branch(root: Path, branch: str, prefix: str = "proposal/") -> str:
    """The commit of ``branch`` (also tried as origin/<branch> and with the prefix)."""
    for ref in (branch, f"origin/{branch}", f"{prefix}{branch}", f"origin/{prefix}{branch}"):
        result = run_git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", check=False)
        if result.returncode == 0:
            return result.stdout.decode().strip()
    raise UsageError(f"no branch {branch!r}: see `kcs proposals` for the open ones")


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
    base = resolve_commit(root, target)
    config = config_at(root, base)
    tip = resolve_branch(root, branch, _prefix(config))
    log_lines = _branch_log(root, target, tip)
    if not log_lines:
        raise KcsError(f"{branch} has nothing that is not already on {target}")
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


# ------------------------------------------------------------------ merge


@dataclass(frozen=True)
class MergeResult:
    branch: str
    decision: Decision
    approver: str
    commit: str | None = None
    pushed: bool = False


def _proposal_author(
    root: Path,
    config: Config,
    base: str,
    tip: str,
    approver: Person | None,
    *,
    keep_objects: bool = False,
) -> tuple[Person, bool]:
    """Who wrote ``base..tip``: the signer of all its commits, if one person signed all.

    Unsigned work counts by name only: its author's role does not count, except
    that an approver whose e-mail is on it is treated as its author (so a
    publisher cannot pass their own unsigned change off as someone else's).
    """
    commits = git_text(root, "rev-list", f"{base}..{tip}", keep_objects=keep_objects).split()
    emails = set(
        git_text(root, "log", "--format=%ae", f"{base}..{tip}", keep_objects=keep_objects).split()
    )
    signatures = verify_commits(root, commits, config, keep_objects=keep_objects)
    signers = {s.person.id for s in signatures.values() if s.person}
    if commits and len(signers) == 1 and all(s.person for s in signatures.values()):
        signer = next(s.person for s in signatures.values() if s.person)
        assert signer is not None
        return signer, True
    if approver and approver.email and approver.email.lower() in {e.lower() for e in emails}:
        return approver, True
    named = [config.person(e) for e in sorted(emails)]
    first = next((p for p in named if p), None)
    return (first or Person(id=sorted(emails)[0] if emails else "unknown", name="unknown"), False)


def merge(root: Path, branch: str, *, push: bool = True) -> MergeResult:
    """Merge a proposal into the current branch (main) if the rules allow the person
    running it; the merge commit is SSH-signed and carries ``Approved-by:``."""
    top = work_tree(root)
    here = current_branch(top)
    if here != PROTECTED.removeprefix("refs/heads/"):
        raise GitError(f"you are on {here}; switch to main first (git switch main)")
    if run_git(top, "status", "--porcelain", "--untracked-files=no").stdout.strip():
        raise GitError("the work tree has uncommitted changes; commit or propose them first")
    base = resolve_commit(top, "HEAD")
    config = config_at(top, base)
    tip = resolve_branch(top, branch, _prefix(config))
    key = signing_key(top)
    approver = person_by_key(config, key)
    if approver is None:
        raise KcsError(
            "your signing key (git config user.signingkey) is not the ssh_key of "
            "anyone in kcs.yml; ask an admin to add it"
        )
    mb = run_git(top, "merge-base", base, tip, check=False).stdout.decode().strip()
    if not mb:
        raise UsageError(f"{branch} shares no history with {here}")
    if mb == tip:
        raise KcsError(f"{branch} is already merged into {here}")
    author, verified = _proposal_author(top, config, mb, tip, approver)
    decision, _ = evaluate(
        top, base, tip, author, [approver], config=config, author_verified=verified
    )
    if not decision.allowed:
        return MergeResult(branch, decision, approver.id)
    trailer = f"Approved-by: {approver.name} <{approver.email or approver.id}>"
    result = run_git(
        top,
        "-c",
        "gpg.format=ssh",
        "merge",
        "--no-ff",
        "-S",
        "--no-edit",
        "-m",
        f"Merge {branch}",
        "-m",
        f"{trailer}\nProposal: {branch}",
        tip,
        check=False,
    )
    if result.returncode != 0:
        conflicted = git_text(top, "diff", "--name-only", "--diff-filter=U").split()
        run_git(top, "merge", "--abort", check=False)
        if conflicted:
            raise GitError(
                f"merge conflict in {', '.join(conflicted)}; nothing was merged: "
                f"update {branch} from {here} and try again"
            )
        err = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(
            f"git merge failed: {err[-1] if err else 'unknown error'}; nothing was merged"
        )
    commit = resolve_commit(top, "HEAD")
    pushed = False
    if push and has_remote(top):
        pushed_result = run_git(top, "push", "-q", "origin", here, check=False)
        if pushed_result.returncode != 0:
            run_git(top, "reset", "-q", "--keep", base, check=False)
            lines = [
                line.removeprefix("remote: ").strip()
                for line in pushed_result.stderr.decode("utf-8", "replace").splitlines()
                if line.startswith("remote: kcs")
            ]
            raise GitError(
                "the server refused the merge, so it was undone here: "
                + ("; ".join(lines) or "git push failed")
            )
        pushed = True
    return MergeResult(branch, decision, approver.id, commit, pushed)


# ------------------------------------------------------------------ the server side


def check_push(
    git_dir: Path,
    old: str,
    new: str,
    ref: str,
    *,
    protected: Sequence[str] = (PROTECTED,),
    keep_objects: bool = True,
) -> list[str]:
    """Problems with updating ``ref`` from ``old`` to ``new`` (empty: accept).

    For main: no deletion, no force-push, and every new first-parent commit must be
    SSH-signed by someone in the kcs.yml of its parent whose role allows the change
    (a merge judged with the proposal's signer as author and the merger approving;
    a direct commit with its signer as author and no approval).
    """
    if ref not in protected:
        return []
    name = ref.removeprefix("refs/heads/")
    if new == ZERO:
        return [f"deleting {name} is refused"]
    if old == ZERO:
        log.info("%s created; its first commits are taken as they are", name)
        return []
    kw: dict[str, Any] = {"keep_objects": keep_objects}
    if run_git(git_dir, "merge-base", "--is-ancestor", old, new, check=False, **kw).returncode != 0:
        return [
            f"non-fast-forward push to {name} refused: the official history cannot be "
            "rewritten (no force-push); merge or revert instead"
        ]
    problems: list[str] = []
    lines = git_text(
        git_dir, "rev-list", "--first-parent", "--reverse", "--parents", f"{old}..{new}", **kw
    ).split("\n")
    for line in filter(None, lines):
        commit, *parents = line.split()
        short = commit[:10]
        if not parents:
            problems.append(f"{short}: a root commit cannot join {name}")
            continue
        config = config_at(git_dir, parents[0], **kw)
        signature = verify_commits(git_dir, [commit], config, **kw)[commit]
        if signature.person is None:
            problems.append(
                f"{short}: {signature.problem}; every commit on {name} must be "
                "signed by the person who approved it, with a key in kcs.yml"
            )
            continue
        signer = signature.person
        if len(parents) > 1:
            author, verified = _proposal_author(
                git_dir, config, parents[0], parents[1], signer, **kw
            )
            approvers = [signer]
        else:
            author, verified, approvers = signer, True, []
        decision, _ = evaluate(
            git_dir,
            parents[0],
            commit,
            author,
            approvers,
            config=config,
            author_verified=verified,
            **kw,
        )
        problems.extend(f"{short}: {reason}" for reason in decision.reasons)
    return problems


def pre_receive(lines: Sequence[str], git_dir: Path) -> list[str]:
    """Check each ``old new ref`` line a pre-receive hook reads; problems for all refs."""
    problems: list[str] = []
    for line in lines:
        parts = line.split()
        if len(parts) != 3:
            continue
        old, new, ref = parts
        try:
            problems.extend(check_push(git_dir, old, new, ref))
        except KcsError as exc:
            problems.append(f"{ref}: {exc}")
    return problems


def pre_receive_main() -> int:
    """Entry point of hooks/pre-receive: read stdin, print problems, exit 1 on any."""
    import os
    import sys

    git_dir = Path(os.environ.get("GIT_DIR", ".")).resolve()
    problems = pre_receive(sys.stdin.read().splitlines(), git_dir)
    for problem in problems:
        print(f"kcs: {problem}", file=sys.stderr)
    if problems:
        print("kcs: push refused (see docs/guides/reviewer.md)", file=sys.stderr)
    return 1 if problems else 0
