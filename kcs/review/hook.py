"""The server side of plain Git: what a pre-receive hook refuses (``kcs hook pre-receive``)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from ..errors import KcsError
from ..git import ZERO, Repo
from .branches import PROTECTED, proposal_author
from .gate import config_at, evaluate
from .signing import verify_commits

log = logging.getLogger(__name__)


def check_push(
    repo: Repo,
    old: str,
    new: str,
    ref: str,
    *,
    protected: Sequence[str] = (PROTECTED,),
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
    if not repo.is_ancestor(old, new):
        return [
            f"non-fast-forward push to {name} refused: the official history cannot be "
            "rewritten (no force-push); merge or revert instead"
        ]
    problems: list[str] = []
    lines = repo.text("rev-list", "--first-parent", "--reverse", "--parents", f"{old}..{new}")
    for line in filter(None, lines.split("\n")):
        commit, *parents = line.split()
        short = commit[:10]
        if not parents:
            problems.append(f"{short}: a root commit cannot join {name}")
            continue
        config = config_at(repo, parents[0])
        signature = verify_commits(repo, [commit], config)[commit]
        if signature.person is None:
            problems.append(
                f"{short}: {signature.problem}; every commit on {name} must be "
                "signed by the person who approved it, with a key in kcs.yml"
            )
            continue
        signer = signature.person
        if len(parents) > 1:
            author, verified = proposal_author(repo, config, parents[0], parents[1], signer)
            approvers = [signer]
        else:
            author, verified, approvers = signer, True, []
        decision, _ = evaluate(
            repo,
            parents[0],
            commit,
            author,
            approvers,
            config=config,
            author_verified=verified,
        )
        problems.extend(f"{short}: {reason}" for reason in decision.reasons)
    return problems


def pre_receive(lines: Sequence[str], git_dir: Path) -> list[str]:
    """Check each ``old new ref`` line a pre-receive hook reads; problems for all refs."""
    repo = Repo.in_hook(git_dir)
    problems: list[str] = []
    for line in lines:
        parts = line.split()
        if len(parts) != 3:
            continue
        old, new, ref = parts
        try:
            problems.extend(check_push(repo, old, new, ref))
        except KcsError as exc:
            problems.append(f"{ref}: {exc}")
    return problems
