"""Shared by the plain-Git proposal workflow: work tree, branches, who wrote a proposal."""

from __future__ import annotations

from pathlib import Path

from ..article import slugify
from ..config import Config, Person
from ..errors import GitError, UsageError
from ..git import Repo
from .gate import Decision
from .roles import ACTION_ROLE
from .signing import verify_commits

PROTECTED = "refs/heads/main"


def work_tree(root: Path) -> Path:
    """The top of the work tree around ``root`` (GitError outside one)."""
    result = Repo.of(root).run("rev-parse", "--show-toplevel", check=False)
    if result.returncode != 0:
        raise GitError(
            f"{root}: not inside a Git work tree; run kcs in a clone of the knowledge repository"
        )
    return Path(result.stdout.decode().strip())


def current_branch(root: Path) -> str:
    result = Repo.of(root).run("symbolic-ref", "--quiet", "--short", "HEAD", check=False)
    if result.returncode != 0:
        raise GitError("detached HEAD: switch to a branch first (git switch main)")
    return result.stdout.decode().strip()


def has_remote(root: Path, name: str = "origin") -> bool:
    return name in Repo.of(root).text("remote").split()


def proposal_prefix(config: Config) -> str:
    prefix = config.forge.proposals_prefix or "proposal/"
    return prefix if prefix.endswith("/") else prefix + "/"


def who_commits(root: Path, config: Config) -> tuple[str, Person | None]:
    """Who is committing here: (slug for branch names, person in kcs.yml or None)."""
    ident = Repo.of(root).run("var", "GIT_AUTHOR_IDENT", check=False).stdout.decode().strip()
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


def _branch_refs(name: str) -> list[str]:
    """Full ref names a branch called ``name`` may have here: never a tag, so a tag
    named like a branch (``main``, ``origin/main``, a proposal's name) is not taken."""
    if name.startswith("refs/"):
        return [name]
    return [f"refs/heads/{name}", f"refs/remotes/{name}", f"refs/remotes/origin/{name}"]


def main_ref(root: Path, main: str | None = None) -> str:
    """The full ref name of the official branch (``refs/heads/main`` or origin's)."""
    repo = Repo.of(root)
    for ref in _branch_refs(main) if main else ["refs/heads/main", "refs/remotes/origin/main"]:
        if repo.try_resolve(ref):
            return ref
    raise UsageError(f"no branch {main or 'main'}: pass --main with the official branch")


def resolve_branch(root: Path, branch: str, prefix: str = "proposal/") -> str:
    """The commit of ``branch`` (also tried as origin/<branch> and with the prefix);
    branches only, never a tag of the same name."""
    repo = Repo.of(root)
    for name in (branch, f"{prefix}{branch}"):
        for ref in _branch_refs(name):
            found = repo.try_resolve(ref)
            if found:
                return found
    raise UsageError(f"no branch {branch!r}: see `kcs proposals` for the open ones")


def proposal_writers(
    where: Repo | Path, config: Config, base: str, tip: str, merger: Person
) -> list[Person]:
    """Who wrote ``base..tip``, by SSH signature against ``config``; first the earliest.

    Unsigned commits, and commits signed with a key that is not in kcs.yml, count as
    the ``merger``'s own work: whoever brings unsigned work onto main vouches for it.
    A name or e-mail in a commit proves nothing.
    """
    repo = Repo.of(where)
    commits = repo.text("rev-list", "--reverse", f"{base}..{tip}").split()
    signatures = verify_commits(repo, commits, config)
    writers: dict[str, Person] = {}
    for commit in commits:
        person = signatures[commit].person or merger
        writers.setdefault(person.id, person)
    return list(writers.values())
