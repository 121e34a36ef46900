"""``kcs merge``: merge a proposal as its approver, in an SSH-signed merge commit."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import GitError, KcsError, UsageError
from ..git import Repo
from .branches import (
    PROTECTED,
    current_branch,
    has_remote,
    proposal_prefix,
    proposal_writers,
    resolve_branch,
    work_tree,
)
from .content import changed_articles, content_problems
from .gate import Decision, config_at, evaluate
from .signing import person_by_key, signing_key


@dataclass(frozen=True)
class MergeResult:
    branch: str
    decision: Decision
    approver: str
    commit: str | None = None
    pushed: bool = False


def merge(root: Path, branch: str, *, push: bool = True) -> MergeResult:
    """Merge a proposal into the current branch (main) if the rules allow the person
    running it; the merge commit is SSH-signed and carries ``Approved-by:``."""
    top = work_tree(root)
    here = current_branch(top)
    if here != PROTECTED.removeprefix("refs/heads/"):
        raise GitError(f"you are on {here}; switch to main first (git switch main)")
    if Repo.of(top).run("status", "--porcelain", "--untracked-files=no").stdout.strip():
        raise GitError("the work tree has uncommitted changes; commit or propose them first")
    base = Repo.of(top).resolve("HEAD")
    config = config_at(top, base)
    tip = resolve_branch(top, branch, proposal_prefix(config))
    key = signing_key(top)
    approver = person_by_key(config, key)
    if approver is None:
        raise KcsError(
            "your signing key (git config user.signingkey) is not the ssh_key of "
            "anyone in kcs.yml; ask an admin to add it"
        )
    mb = Repo.of(top).run("merge-base", base, tip, check=False).stdout.decode().strip()
    if not mb:
        raise UsageError(f"{branch} shares no history with {here}")
    if mb == tip:
        raise KcsError(f"{branch} is already merged into {here}")
    author, *co_authors = proposal_writers(top, config, mb, tip, approver)
    decision, got = evaluate(
        top, base, tip, author, [approver], config=config, co_authors=co_authors
    )
    content = content_problems(Repo(top), tip, config, changed_articles(got.changes))
    if content:
        decision = replace(decision, problems=(*decision.problems, *content))
    if not decision.allowed:
        return MergeResult(branch, decision, approver.id)
    trailer = f"Approved-by: {approver.name} <{approver.email or approver.id}>"
    result = Repo.of(top).run(
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
        conflicted = Repo.of(top).text("diff", "--name-only", "--diff-filter=U").split()
        Repo.of(top).run("merge", "--abort", check=False)
        if conflicted:
            raise GitError(
                f"merge conflict in {', '.join(conflicted)}; nothing was merged: "
                f"update {branch} from {here} and try again"
            )
        err = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(
            f"git merge failed: {err[-1] if err else 'unknown error'}; nothing was merged"
        )
    commit = Repo.of(top).resolve("HEAD")
    pushed = False
    if push and has_remote(top):
        pushed_result = Repo.of(top).run("push", "-q", "origin", here, check=False)
        if pushed_result.returncode != 0:
            Repo.of(top).run("reset", "-q", "--keep", base, check=False)
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
