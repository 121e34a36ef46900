"""``kcs propose``: commit the working changes on a new proposal branch and push it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..article import parse_article, slugify
from ..errors import GitError, KcsError
from ..git import Repo
from .branches import current_branch, has_remote, proposal_prefix, who_commits, work_tree
from .diff import is_article_path
from .gate import config_at


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
    status = Repo.of(top).run("status", "--porcelain=v1", "-z", "--untracked-files=all").stdout
    paths = sorted(set(_status_paths(status)))
    if not paths:
        raise KcsError("nothing to propose: no changed or new files in the work tree")
    config = config_at(top, Repo.of(top).resolve("HEAD"))
    who, _ = who_commits(top, config)
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
    base = f"{proposal_prefix(config)}{who}/{topic}"
    existing = set(
        Repo.of(top).text("for-each-ref", "--format=%(refname:short)", "refs/heads/").split()
    )
    branch, n = base, 2
    while branch in existing:
        branch, n = f"{base}-{n}", n + 1
    text = message or f"Propose changes to {', '.join(ids) if ids else ', '.join(paths[:3])}"
    Repo.of(top).run("switch", "-q", "-c", branch)
    try:
        Repo.of(top).run("add", "-A")  # every working change, as listed in `paths`
        Repo.of(top).run("commit", "-q", "-m", text)
    except GitError:
        Repo.of(top).run("reset", "-q", check=False)
        Repo.of(top).run("switch", "-q", original, check=False)
        Repo.of(top).run("branch", "-q", "-D", branch, check=False)
        raise
    commit = Repo.of(top).resolve("HEAD")
    pushed = False
    try:
        if push and has_remote(top):
            Repo.of(top).run("push", "-q", "-u", "origin", branch)
            pushed = True
    finally:
        Repo.of(top).run("switch", "-q", original)
    return Proposed(branch, commit, tuple(paths), pushed)
