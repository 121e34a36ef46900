"""The gate: may this change become official, given who wrote and who approved it?

:func:`decide` is a pure function of the changes, the people and the rules, so
every rule can be tested without Git. :func:`gate` reads the two commits and
judges the change against the kcs.yml of the *base* commit: a change cannot
loosen the rules, or grant the roles, it is judged by.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..article import DEFAULT_DOMAIN, Article, domain_of
from ..config import Config, Person, load_config
from ..errors import ConfigError, GitError, UsageError
from ..git import Repo
from .diff import Change, is_article_path, read_changes
from .identity import lookup, own_entry_changes, power_grants
from .paths import path_problems
from .roles import EXTERNAL_AUDIENCES, Rules, rules_from_config


@dataclass(frozen=True)
class Need:
    """One thing a changed file needs: ``action`` in ``domain`` ("*": any domain)."""

    action: str
    domain: str
    why: str
    satisfied_by: str | None = None
    missing: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "domain": self.domain,
            "why": self.why,
            "satisfied_by": self.satisfied_by,
            "missing": self.missing,
        }


@dataclass(frozen=True)
class FileDecision:
    path: str
    status: str
    needs: tuple[Need, ...]

    @property
    def allowed(self) -> bool:
        return all(n.satisfied_by for n in self.needs)

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "status": self.status,
            "allowed": self.allowed,
            "needs": [n.to_dict() for n in self.needs],
        }


@dataclass(frozen=True)
class Decision:
    """The verdict on a whole change; ``reasons`` says why not, one line each."""

    author: str
    approvers: tuple[str, ...]
    files: tuple[FileDecision, ...]
    notes: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()  # not tied to one file, e.g. an invalid kcs.yml at head
    base: str = ""
    head: str = ""

    @property
    def allowed(self) -> bool:
        return not self.problems and all(f.allowed for f in self.files)

    @property
    def reasons(self) -> list[str]:
        out = list(self.problems)
        for f in self.files:
            out.extend(f"{f.path}: {n.missing}" for n in f.needs if n.missing)
        return out

    @property
    def waiting_for(self) -> list[str]:
        """Missing approvals as 'role of domain', without repeats (for proposal lists)."""
        seen: dict[str, None] = {}
        for f in self.files:
            for n in f.needs:
                if not n.satisfied_by:
                    seen[f"{n.action}:{n.domain}"] = None
        return list(seen)

    def to_dict(self) -> dict[str, Any]:
        return {
            "allowed": self.allowed,
            "base": self.base,
            "head": self.head,
            "author": self.author,
            "approvers": list(self.approvers),
            "files": [f.to_dict() for f in self.files],
            "notes": list(self.notes),
            "reasons": self.reasons,
        }


#: A domain name: an identifier as kcs.yml writes it (``*`` is only a key of a role table).
DOMAIN_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")
#: Stands for a domain name that is not one, so that no role table entry can match it.
NO_DOMAIN = "(not a domain)"


def _folder_domain(path: str) -> str:
    found = domain_of(path) or DEFAULT_DOMAIN
    return found if DOMAIN_NAME.match(found) else NO_DOMAIN


def _domain(article: Article | None, path: str) -> str:
    if article is None:
        return _folder_domain(path)
    return article.domain if DOMAIN_NAME.match(article.domain) else NO_DOMAIN


def domain_problems(change: Change, known: frozenset[str] = frozenset()) -> list[str]:
    """Domain names in the change that are not identifiers (``*``, spaces, capitals), and
    (when ``known`` is given) domains an article moves into that kcs.yml does not name."""
    out: list[str] = []
    new_path = change.new_path
    if known and new_path and new_path.startswith("articles/"):
        names = {domain_of(new_path) or DEFAULT_DOMAIN} if new_path.count("/") > 1 else set()
        if change.new_article is not None:
            names.add(change.new_article.domain)
        for name in sorted(names - known - {DEFAULT_DOMAIN}):
            if DOMAIN_NAME.match(name):
                out.append(
                    f"{new_path}: domain {name!r} is not a domain in kcs.yml; "
                    "an admin adds it to domains: first"
                )
    for path, article in (
        (change.old_path, change.old_article),
        (change.new_path, change.new_article),
    ):
        if not path or not path.startswith("articles/"):
            continue
        names = {domain_of(path) or DEFAULT_DOMAIN} if len(path.split("/")) > 2 else set()
        if article is not None:
            names.add(article.domain)
        for name in sorted(names):
            if not DOMAIN_NAME.match(name):
                out.append(
                    f"{path}: domain {name!r} is not a domain name: domains are identifiers "
                    "from kcs.yml (lowercase letters, digits, '.', '_', '-'); '*' is no domain"
                )
    return out


def requirements(change: Change, rules: Rules) -> list[tuple[str, str, str]]:
    """What one change needs, as (action, domain, why), before looking at people."""
    needs: list[tuple[str, str, str]] = []
    for path in change.paths:
        if rules.is_admin_path(path):
            needs.append(("admin", "*", f"{path} is an admin path"))
        elif not path.startswith("articles/"):
            # portal pages belong to no domain and reach every site's readers: a
            # publisher of one domain cannot vouch for them
            needs.append(("admin", "*", "outside articles/: portal pages are shown on every site"))
    inside = [p for p in change.paths if p.startswith("articles/")]
    special = bool({change.old_mode, change.new_mode} & {"120000", "160000"})
    if inside and special:
        why = "symbolic links and submodules under articles/ can expose files from outside it"
        needs.append(("admin", "*", why))
    old_path = change.old_path if is_article_path(change.old_path) else None
    new_path = change.new_path if is_article_path(change.new_path) else None
    if not (old_path or new_path):
        if inside and not special:
            domain = _folder_domain(inside[-1])
            if change.status == "A":
                needs.append(("internal", domain, "adds a file beside the articles"))
            else:
                needs.append(("publish", domain, "changes a file that published articles may show"))
        return needs

    old_dom = new_dom = None
    old_aud = new_aud = None
    if old_path:
        art = change.old_article
        old_dom = _domain(art, old_path)
        old_aud = art.audience if art else None
    if new_path:
        art = change.new_article
        new_dom = _domain(art, new_path)
        new_aud = art.audience if art else None
    domains = list(dict.fromkeys(d for d in (old_dom, new_dom) if d))
    for domain in domains:
        needs.append(("internal", domain, f"changes an article in {domain}"))

    unreadable = [
        f"{p}: {problem}; treated as public"
        for p, problem in (
            (change.old_path, change.old_problem),
            (change.new_path, change.new_problem),
        )
        if problem and is_article_path(p)
    ]
    external = [a for a in (old_aud, new_aud) if a in EXTERNAL_AUDIENCES]
    if external or unreadable:
        if unreadable:
            why = unreadable[0]
        elif old_aud and new_aud and old_aud != new_aud:
            why = f"audience {old_aud} -> {new_aud}"
            if change.status == "R":
                why += " (in a rename)"
        else:
            why = f"audience {external[0]}"
        old_state = change.old_article.state if change.old_article else None
        new_state = change.new_article.state if change.new_article else None
        if new_state == "validated" and old_state != "validated":
            why += ", sets state validated"
        for domain in domains:
            needs.append(("publish", domain, why))

    old_state = change.old_article.state if change.old_article else None
    new_state = change.new_article.state if change.new_article else None
    if not new_path:
        why = "deletes the article" if change.status == "D" else "moves it out of articles/"
        needs.append(("archive", old_dom or "general", why))
    elif new_state == "archived" and old_state != "archived" and old_path:
        for domain in domains:
            needs.append(("archive", domain, "archives the article"))
    if old_dom and new_dom and old_dom != new_dom:
        for domain in (old_dom, new_dom):
            needs.append(("archive", domain, f"moves the article from {old_dom} to {new_dom}"))
    return needs


def _may(rules: Rules, person: Person, action: str, domain: str) -> bool:
    if domain == NO_DOMAIN:
        return False
    if domain == "*" and action != "admin":
        return any(action in rules.capabilities.get(r, frozenset()) for r in person.roles.values())
    return rules.may(person, action, domain)


def decide(
    changes: Sequence[Change],
    *,
    author: Person,
    approvers: Sequence[Person],
    rules: Rules,
    changed: Mapping[str, str] | None = None,
    problems: Sequence[str] = (),
    author_verified: bool = True,
    co_authors: Sequence[Person] = (),
    rules_changed: bool = False,
) -> Decision:
    """Judge ``changes`` written by ``author`` and approved by ``approvers``.

    ``changed`` maps the ids of people whose own kcs.yml entry the change alters to
    what changed (see :func:`kcs.review.identity.own_entry_changes`): they count for
    nothing. ``author_verified`` is False on plain Git when the author's commits
    carry no valid signature: then only the approvals count. ``co_authors`` wrote
    parts of the change too: then no writer's own role counts, and no writer approves.

    Refusals no approval can lift (``problems``, and domain names that are not
    identifiers) make the decision "not allowed" whoever approved. An admin may
    narrow other people's entries in kcs.yml alone, but code, CI and build files,
    and a kcs.yml that changes the review rules or grants roles or identities
    (``rules_changed``), need a second admin: an admin acting alone neither changes
    what decides a review nor makes a sock puppet.
    """
    changed = dict(changed or {})
    notes: list[str] = []
    writers = {author.id, *(p.id for p in co_authors)}
    approving: list[Person] = []
    for person in approvers:
        if person.id == author.id:
            notes.append(f"{person.id}'s own approval does not count twice (they wrote the change)")
        elif person.id in writers:
            notes.append(f"{person.id}'s approval does not count: they wrote part of the change")
        elif person.id not in {p.id for p in approving}:
            approving.append(person)
    if not author_verified:
        notes.append(
            f"the author {author.id} is not verified by a signature: their role does not count"
        )
    if co_authors:
        notes.append(
            f"written by {', '.join(sorted(writers))}: no writer's own role counts, "
            "every rule needs an approver who wrote none of it"
        )
    for pid, what in changed.items():
        if pid == author.id or pid in {p.id for p in approving}:
            notes.append(
                f"{pid} counts for nothing in this change: their own entry is altered ({what})"
            )
    counting_author = author_verified and author.id not in changed and not co_authors
    approving = [p for p in approving if p.id not in changed]

    refusals = list(problems)
    files: list[FileDecision] = []
    for change in changes:
        refusals.extend(domain_problems(change, rules.domains))
        second_admin = any(
            rules.is_admin_path(p) and (p != "kcs.yml" or rules_changed) for p in change.paths
        )
        needs: list[Need] = []
        for action, domain, why in requirements(change, rules):
            who: str | None = None
            author_may = counting_author and _may(rules, author, action, domain)
            if action == "admin":
                counts = not second_admin
            elif action == "publish":
                counts = rules.publisher_self_publish
            else:
                counts = True
            if author_may and counts:
                who = author.id
            if who is None:
                for person in approving:
                    if _may(rules, person, action, domain):
                        who = person.id
                        break
            missing = None
            if who is None:
                missing = _missing(
                    action,
                    domain,
                    why,
                    author,
                    approvers,
                    rules,
                    author_may=author_may,
                    changed=changed,
                )
            needs.append(Need(action, domain, why, who, missing))
        files.append(FileDecision(change.label(), change.status, tuple(needs)))
    return Decision(
        author=author.id,
        approvers=tuple(p.id for p in approvers),
        files=tuple(files),
        notes=tuple(notes),
        problems=tuple(dict.fromkeys(refusals)),
    )


def _missing(
    action: str,
    domain: str,
    why: str,
    author: Person,
    approvers: Sequence[Person],
    rules: Rules,
    *,
    author_may: bool,
    changed: Mapping[str, str],
) -> str:
    where = "any domain" if domain == "*" else domain
    role = rules.role_text(action)
    if action == "admin":
        text = f"needs the approval of an admin ({why})"
    else:
        text = f"needs the approval of a {role} of {where} ({why})"
    hints: list[str] = []
    if author_may and action == "publish":
        hints.append(f"{author.id} wrote it and rules.publisher_self_publish is off")
    if author_may and action == "admin":
        hints.append(
            f"{author.id} wrote it: code, CI and build files, the review rules and grants of "
            "roles or identities in kcs.yml need a second admin"
        )
    for person in approvers:
        if person.id in changed:
            hints.append(
                f"{person.id}'s approval does not count: {changed[person.id]} by this change"
            )
        elif person.id == author.id:
            hints.append(f"{person.id} approved their own change")
        elif action != "admin" and domain != "*":
            their = person.role_in(domain)
            others = sorted(
                d
                for d, r in person.roles.items()
                if d not in ("*", domain) and action in rules.capabilities.get(r, frozenset())
            )
            if others:
                hints.append(
                    f"{person.id} is {person.roles[others[0]]} of "
                    f"{', '.join(others)}, not of {domain}"
                )
            else:
                hints.append(f"{person.id} is {their} of {domain}")
    if author.id in changed and not any(p.id == author.id for p in approvers):
        hints.append(f"{author.id}'s own entry is {changed[author.id]} by this change")
    elif not approvers and not author_may:
        hints.append(
            f"{author.id} is {author.role_in(domain) if domain != '*' else 'not an admin'}"
            f"{'' if domain == '*' else ' of ' + domain}; nobody approved"
        )
    return text + ("; " + "; ".join(hints) if hints else "")


# ------------------------------------------------------------------ with Git


@dataclass(frozen=True)
class GateInput:
    """What :func:`gate` read: kept for callers that show more (review, proposals)."""

    base: str
    head: str
    merge_base: str
    config: Config
    changes: tuple[Change, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class ChangeSet:
    """A proposed change as plain data: everything :func:`judge` decides on.

    ``base`` is the kcs.yml in force (the base branch's, or the current main's on a
    plain Git server); ``head_config`` the kcs.yml the change would bring (None with
    ``head_problem`` when it cannot be read); ``tree`` every path of the resulting
    tree, for the case-fold collision check.
    """

    base: Config
    changes: tuple[Change, ...]
    head_config: Config | None = None
    head_problem: str | None = None
    tree: tuple[str, ...] = ()


def judge(
    change: ChangeSet,
    author: Person,
    approvers: Sequence[Person] = (),
    *,
    co_authors: Sequence[Person] = (),
    author_verified: bool = True,
    notes: Sequence[str] = (),
) -> Decision:
    """The decision, a pure function of the data: both the GitHub gate and the
    plain-Git server call it, so the same change gets the same answer on each."""
    problems = path_problems(change.changes, change.tree)
    changed: dict[str, str] = {}
    if change.head_problem:
        problems.append(change.head_problem)
    elif change.head_config is not None:
        changed = own_entry_changes(
            [author, *approvers, *co_authors], change.base, change.head_config
        )
    rules = rules_from_config(change.base)
    grants: list[str] = []
    if change.head_config is not None and not change.head_problem:
        grants = power_grants(change.base, change.head_config, rules.capabilities)
    decision = decide(
        change.changes,
        author=author,
        approvers=approvers,
        rules=rules,
        changed=changed,
        problems=problems,
        author_verified=author_verified,
        co_authors=co_authors,
        rules_changed=bool(grants)
        or (change.head_config is not None and change.head_config.rules != change.base.rules),
    )
    return Decision(
        author=decision.author,
        approvers=decision.approvers,
        files=decision.files,
        notes=tuple(notes) + decision.notes,
        problems=decision.problems,
    )


def config_at(where: Repo | Path, commit: str) -> Config:
    """kcs.yml as it is in ``commit`` (defaults when the commit has none)."""
    repo = Repo.of(where)
    text = repo.file_at(commit, "kcs.yml")
    try:
        return load_config(repo.root, text=text or "")
    except ConfigError as exc:
        raise ConfigError(f"in commit {commit[:10]}: {exc}") from None


def tree_paths(repo: Repo, commit: str) -> tuple[str, ...]:
    """Every file path in ``commit``'s tree."""
    data = repo.run("ls-tree", "-r", "-z", "--full-tree", "--name-only", commit).stdout
    return tuple(p.decode("utf-8", "surrogateescape") for p in data.split(b"\0") if p)


def read_change_set(
    repo: Repo, base_config: Config, start: str, head: str, *, with_text: bool = False
) -> ChangeSet:
    """The change from ``start`` to ``head`` as a :class:`ChangeSet` judged by ``base_config``."""
    head_config: Config | None = None
    head_problem: str | None = None
    try:
        head_config = config_at(repo, head)
    except ConfigError as exc:
        head_problem = f"kcs.yml {exc}; fix it before this change can be merged"
    changes = read_changes(repo, start, head, base_config, with_text=with_text)
    return ChangeSet(base_config, tuple(changes), head_config, head_problem, tree_paths(repo, head))


def merge_base(repo: Repo, base: str, head: str) -> str:
    result = repo.run("merge-base", base, head, check=False)
    if result.returncode != 0:
        shallow = (
            repo.run("rev-parse", "--is-shallow-repository", check=False).stdout.decode().strip()
        )
        if shallow == "true":
            raise GitError(
                "this is a shallow clone, so the base of the change cannot be "
                "found; fetch the full history (git fetch --unshallow, or "
                "actions/checkout with fetch-depth: 0)"
            )
        raise UsageError(
            f"{base[:10]} and {head[:10]} share no history; pick a --base that "
            "the head branch started from"
        )
    return result.stdout.decode().strip()


def find_person(config: Config, ident: str, *, what: str, kind: str = "any") -> Person:
    person = lookup(config, ident, kind=kind)
    if person is None:
        known = ", ".join(p.id for p in config.people) or "nobody"
        raise UsageError(
            f"unknown {what} {ident!r}: not among the people in kcs.yml of the "
            f"base commit (known: {known})"
        )
    return person


def _login(config: Config, login: str, notes: list[str]) -> Person | None:
    """The person whose ``github`` entry is ``login``; a look-alike name is noted, not matched."""
    try:
        return lookup(config, login, kind="login")
    except UsageError as exc:
        notes.append(str(exc))
        return None


def gate(
    where: Repo | Path,
    base: str,
    head: str,
    author: str,
    approvers: Sequence[str] = (),
    *,
    skip_unknown: bool = False,
    author_verified: bool = True,
    content_standard: bool = False,
) -> Decision:
    """Judge the change from ``base`` to ``head`` (the branch's own commits only).

    ``skip_unknown`` is for forges: names are forge logins, matched only against
    people's ``github`` entries; an unknown author is a candidate with no roles and
    approvals by people not in kcs.yml are ignored, with a note.
    ``content_standard`` also refuses changed articles that fail ``kcs lint --strict``,
    read from ``head`` as data and judged by the base's code and kcs.yml: on a forge the
    pull request's own lint workflow is the pull request's to edit, so only this check
    binds.
    """
    repo = Repo.of(where)
    base_id = repo.resolve(base)
    head_id = repo.resolve(head)
    config = config_at(repo, base_id)
    notes: list[str] = []
    if skip_unknown:
        found = _login(config, author, notes)
        writer = found or Person(id=f"login:{author}", name=author)
        if found is None:
            notes.append(f"author {author!r} is not in kcs.yml: treated as a candidate")
        people = []
        for ident in approvers:
            person = _login(config, ident, notes)
            if person is None:
                notes.append(f"approval by {ident!r} ignored: not in kcs.yml")
            else:
                people.append(person)
    else:
        writer = find_person(config, author, what="author")
        people = [find_person(config, ident, what="approver") for ident in approvers]
    decision, got = evaluate(
        repo,
        base_id,
        head_id,
        writer,
        people,
        config=config,
        notes=notes,
        author_verified=author_verified,
    )
    if content_standard:
        from .content import changed_articles, content_problems

        lines = content_problems(repo, head_id, config, changed_articles(got.changes))
        if lines:
            decision = replace(decision, problems=(*decision.problems, *lines))
    return decision


def evaluate(
    where: Repo | Path,
    base_id: str,
    head_id: str,
    author: Person,
    approvers: Sequence[Person],
    *,
    config: Config | None = None,
    notes: Sequence[str] = (),
    author_verified: bool = True,
    with_text: bool = False,
    co_authors: Sequence[Person] = (),
) -> tuple[Decision, GateInput]:
    """Judge ``base_id..head_id`` (commit ids) for people already resolved."""
    repo = Repo.of(where)
    if config is None:
        config = config_at(repo, base_id)
    start = merge_base(repo, base_id, head_id)
    change = read_change_set(repo, config, start, head_id, with_text=with_text)
    decision = judge(
        change,
        author,
        approvers,
        co_authors=co_authors,
        author_verified=author_verified,
        notes=notes,
    )
    decision = Decision(
        author=decision.author,
        approvers=decision.approvers,
        files=decision.files,
        notes=decision.notes,
        problems=decision.problems,
        base=base_id,
        head=head_id,
    )
    return decision, GateInput(base_id, head_id, start, config, change.changes)
