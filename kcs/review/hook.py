"""The server side of plain Git: what a pre-receive hook refuses (``kcs hook pre-receive``).

A push to main is judged as a whole, against the kcs.yml of the *current* main:
the change is the difference between the main the server has and the commit the
push would make main, whatever history leads there. So a merge that rolls main
back, a branch built on a main from before a role was revoked, or a kcs.yml
restored from an old commit are all judged by today's rules.

Who wrote the change and who approved it comes from SSH signatures verified
against today's kcs.yml:

* every commit main's first-parent line gains must be signed by a person in it;
* a commit that is not a merge was written by its signer;
* a merge on the main line is approved by its signer, unless its tree is not the
  clean merge of its parents (an "evil merge", or a resolved conflict): then its
  signer also wrote part of the change;
* commits a merge brings in were written by their signers; unsigned ones (or ones
  signed with a key not in kcs.yml) count as written by the person who merged
  them: whoever brings unsigned work onto main vouches for it as its author;
* an octopus merge cannot be checked against a clean merge, so its signer counts
  as a writer of it.

Other refs: only ``refs/heads/*`` and ``refs/tags/*`` may be pushed, and no ref
may carry a name a build could take for main (``refs/tags/main``,
``refs/heads/origin/main`` ...). Proposal branches are otherwise open.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from ..config import Person
from ..errors import KcsError
from ..git import ZERO, Repo
from .branches import PROTECTED
from .content import changed_articles, content_problems
from .gate import Decision, config_at, judge, read_change_set
from .signing import Signature, verify_commits

log = logging.getLogger(__name__)

#: Short names that a build recipe or a clone may resolve to the official branch.
SHADOWING_NAMES = frozenset({"main", "HEAD", "FETCH_HEAD", "ORIG_HEAD", "MERGE_HEAD"})


def ref_problem(ref: str, *, protected: str = PROTECTED) -> str | None:
    """Why ``ref`` (not the protected branch) may not be pushed at all, or None."""
    if ref == protected:
        return None
    for space in ("refs/heads/", "refs/tags/"):
        if ref.startswith(space):
            name = ref[len(space) :]
            break
    else:
        if ref.count("/") < 2:
            return None  # Git itself refuses such a name ("funny refname")
        return (
            f"{ref}: refused: only branches (refs/heads/) and tags (refs/tags/) may be "
            "pushed; other refs could be read as the official branch"
        )
    parts = name.split("/")
    main = protected.removeprefix("refs/heads/")
    shadows = {n.casefold() for n in (*SHADOWING_NAMES, main)}
    # case-insensitive file systems store refs/heads/MAIN as refs/heads/main
    if name.casefold() in shadows or (len(parts) == 2 and parts[1].casefold() in shadows):
        return (
            f"{ref}: refused: the name {name!r} shadows the official branch {main} for anyone "
            "who resolves a short name (a tag main, a branch origin/main); pick another name"
        )
    return None


def _parents(repo: Repo, old: str, new: str) -> dict[str, list[str]]:
    text = repo.text("rev-list", "--parents", f"{old}..{new}")
    return {sha: parents for sha, *parents in (line.split() for line in text.splitlines() if line)}


def _clean_merge(repo: Repo, first: str, second: str) -> str | None:
    """The tree Git's own merge of two commits gives, or None on a conflict."""
    result = repo.run("merge-tree", "--write-tree", "--no-messages", first, second, check=False)
    if result.returncode != 0:
        return None
    return result.stdout.decode().split()[0]


def _tree(repo: Repo, commit: str) -> str:
    return repo.text("rev-parse", f"{commit}^{{tree}}").strip()


def judge_push(repo: Repo, old: str, new: str, name: str = "main") -> list[str]:
    """Problems with moving main from ``old`` to ``new`` (a fast-forward), one line each."""
    config = config_at(repo, old)
    parents = _parents(repo, old, new)
    line = repo.text("rev-list", "--first-parent", f"{old}..{new}").split()
    signatures = verify_commits(repo, list(parents), config)
    problems: list[str] = []
    writers: dict[str, Person] = {}
    mergers: dict[str, Person] = {}

    def signer(sha: str) -> Signature:
        return signatures[sha]

    on_line = set(line)
    for sha in reversed(line):
        short, ps = sha[:10], parents[sha]
        sig = signer(sha)
        if not ps:
            problems.append(f"{short}: a root commit cannot join {name}")
            continue
        if sig.person is None:
            problems.append(
                f"{short}: {sig.problem}; every commit on {name} must be "
                "signed by the person who approved it, with a key in kcs.yml"
            )
            continue
        if len(ps) == 1:
            writers.setdefault(sig.person.id, sig.person)
            continue
        mergers.setdefault(sig.person.id, sig.person)
        clean = _clean_merge(repo, ps[0], ps[1]) if len(ps) == 2 else None
        if clean is None or clean != _tree(repo, sha):
            # an octopus merge, a resolved conflict or edits of its own: its signer
            # wrote part of what it brings
            log.info("%s: its signer %s wrote part of the merge", short, sig.person.id)
            writers.setdefault(sig.person.id, sig.person)
        brought = repo.text("rev-list", *ps[1:], f"^{ps[0]}").split()
        for inner in brought:
            if inner in on_line or inner not in parents:
                continue
            who = signer(inner).person
            # unsigned work is its merger's own: they vouch for it by bringing it
            person = who if who is not None else sig.person
            writers.setdefault(person.id, person)
    if problems:
        return problems
    people = list(writers.values()) or list(mergers.values())
    if not people:
        return []
    author, *co_authors = people
    change = read_change_set(repo, config, old, new)
    decision = judge(change, author, list(mergers.values()), co_authors=co_authors)
    problems.extend(_lines(decision, name))
    # today's kcs.yml decides the content standard too (e.g. which address may be shown)
    problems.extend(
        f"{name}: {line}"
        for line in content_problems(repo, new, config, changed_articles(change.changes))
    )
    return problems


def _lines(decision: Decision, name: str) -> list[str]:
    return [f"{name}: {reason}" for reason in decision.reasons]


def check_push(
    repo: Repo,
    old: str,
    new: str,
    ref: str,
    *,
    protected: Sequence[str] = (PROTECTED,),
) -> list[str]:
    """Problems with updating ``ref`` from ``old`` to ``new`` (empty: accept)."""
    if ref not in protected:
        problem = ref_problem(ref, protected=protected[0] if protected else PROTECTED)
        return [problem] if problem and new != ZERO else []
    name = ref.removeprefix("refs/heads/")
    if new == ZERO:
        return [f"{ref}: deleting {name} is refused"]
    if old == ZERO:
        log.info("%s created; its first commits are taken as they are", name)
        return []
    if not repo.is_ancestor(old, new):
        return [
            f"{ref}: non-fast-forward push to {name} refused: the official history cannot be "
            "rewritten (no force-push); merge or revert instead"
        ]
    return judge_push(repo, old, new, name)


def pre_receive(lines: Sequence[str], git_dir: Path) -> list[str]:
    """Check every ``old new ref`` line a pre-receive hook reads; problems for all refs.

    Any problem refuses the whole push: Git then updates no ref at all.
    """
    repo = Repo.in_hook(git_dir)
    problems: list[str] = []
    for number, line in enumerate(lines, 1):
        parts = line.split()
        if not line.strip():
            continue
        if len(parts) != 3 or any(len(p) not in (40, 64) for p in parts[:2]):
            problems.append(f"input line {number}: not '<old> <new> <ref>'; push refused")
            continue
        old, new, ref = parts
        try:
            problems.extend(check_push(repo, old, new, ref))
        except KcsError as exc:
            problems.append(f"{ref}: {exc}")
    return problems
