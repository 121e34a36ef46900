"""Properties of the decision, searched with hypothesis on real repositories.

Each example is a random kcs.yml (people and roles), a random change (articles edited,
added, deleted, moved between domains, audiences widened or narrowed, kcs.yml roles
changed, CI files, hostile paths) by a random author with zero or one approver. It is
judged twice: on the GitHub path (`kcs gate` from a checkout of the base with the head
fetched as data) and on the plain-Git path (signed commits pushed to a server running
the pre-receive hook; the approver is the one who merges and pushes).

Invariants:
- never allowed unless, for every role the change needs, someone among the author and
  the approvers holds it in the BASE kcs.yml (the oracle below is written from the
  documented role table, not from the gate's code); hostile paths are never allowed;
- both paths reach the same decision.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from attackkit import (
    NAMES,
    PEOPLE,
    article,
    kcs_yml,
    raw_commit,
    with_id,
)
from click.testing import CliRunner
from gitrepo import REPO_ROOT, git, init_repo, unpin_identity, write
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from kcs.cli import cli

DOMAINS = ("accounts", "network")
ROLES = ("candidate", "contributor", "coach", "kde", "publisher", "admin")
AUDIENCES = ("internal", "partner", "customer", "public")
#: The documented role table (docs/guides/administrator.md, kcs/roles.py defaults).
CAN = {
    "candidate": set(),
    "contributor": {"internal"},
    "coach": {"internal"},
    "kde": {"internal", "archive"},
    "publisher": {"internal", "publish", "archive"},
    "admin": {"internal", "admin"},
}
ACTORS = ("anna", "mikko", "sanne", "erik", "jan", "lotta", "mallory")
BASE_FILES = {"articles/accounts/a.md": "accounts", "articles/network/b.md": "network"}
CI_FILES = ("pyproject.toml", ".github/workflows/x.yml", "scripts/x.sh", "hooks/x", "kcs.yml")
HOSTILE = (
    b"articles/x/../../kcs.yml",
    b"articles/network/./c.md",
    b"articles/network/B.md",
    b"articles/network/c\x1b.md",
    b"articles/network\\c.md",
)


def _text(title: str, audience: str, *, domain: str | None = None) -> str:
    return article(title, audience=audience, state="validated", domain=domain)


@dataclass
class Scenario:
    roles: dict[str, dict[str, str]]
    base_audience: dict[str, str]
    author: str
    approver: str | None
    ops: list[tuple] = field(default_factory=list)


role_tables = st.dictionaries(
    st.sampled_from(("*", *DOMAINS)), st.sampled_from(ROLES), min_size=0, max_size=2
)
op = st.one_of(
    st.tuples(
        st.just("edit"),
        st.sampled_from(sorted(BASE_FILES)),
        st.sampled_from(AUDIENCES),
        st.sampled_from((None, None, "accounts", "network", '"*"')),
    ),
    st.tuples(
        st.just("add"),
        st.sampled_from((*DOMAINS, "*")),
        st.sampled_from(AUDIENCES),
        st.sampled_from((None, None, "accounts", "network", '"*"')),
    ),
    st.tuples(st.just("delete"), st.sampled_from(sorted(BASE_FILES))),
    st.tuples(st.just("move"), st.sampled_from(sorted(BASE_FILES)), st.sampled_from(DOMAINS)),
    st.tuples(st.just("ci"), st.sampled_from(CI_FILES)),
    st.tuples(st.just("roles"), st.sampled_from(ACTORS[:-1]), role_tables),
    st.tuples(st.just("hostile"), st.sampled_from(HOSTILE)),
)


def scenarios(hostile: bool) -> st.SearchStrategy[Scenario]:
    if not hostile:
        return st.builds(
            Scenario,
            roles=st.fixed_dictionaries({p: role_tables for p in ACTORS[:-1]}),
            base_audience=st.fixed_dictionaries(
                {p: st.sampled_from(AUDIENCES) for p in BASE_FILES}
            ),
            author=st.sampled_from(ACTORS),
            approver=st.one_of(st.none(), st.sampled_from(ACTORS)),
            ops=st.lists(
                op.filter(lambda o: o[0] != "hostile" and '"*"' not in o),
                min_size=1,
                max_size=3,
                unique_by=lambda o: (o[0], o[1]),
            ),
        )
    # the author is an admin and the approver a publisher of every domain, so that
    # nothing but the hostile path or wildcard domain can stop the change
    wild = st.one_of(
        st.tuples(st.just("hostile"), st.sampled_from(HOSTILE)),
        st.tuples(
            st.just("add"), st.just("*"), st.sampled_from(AUDIENCES), st.sampled_from((None,))
        ),
        st.tuples(
            st.just("add"), st.sampled_from(DOMAINS), st.sampled_from(AUDIENCES), st.just('"*"')
        ),
    )
    benign = op.filter(lambda o: o[0] in ("edit", "add") and '"*"' not in o and o[1] != "*")
    return st.builds(
        lambda roles, base, pair, first, rest: Scenario(
            roles={**roles, pair[0]: {"*": "admin"}, pair[1]: {"*": "publisher"}},
            base_audience=base,
            author=pair[0],
            approver=pair[1],
            ops=[first, *rest],
        ),
        st.fixed_dictionaries({p: role_tables for p in ACTORS[:-1]}),
        st.fixed_dictionaries({p: st.sampled_from(AUDIENCES) for p in BASE_FILES}),
        st.permutations(ACTORS[:-1]).map(lambda p: (p[0], p[1])),
        wild,
        st.lists(benign, max_size=1),
    )


# ------------------------------------------------------------ the oracle


def _holds(roles: Mapping[str, str], action: str, domain: str) -> bool:
    if action == "admin":
        return any("admin" in CAN[r] for r in roles.values())
    role = roles.get(domain) or roles.get("*") or "candidate"
    return action in CAN[role]


def needs(s: Scenario) -> tuple[list[tuple[str, str]], bool]:
    """(action, domain) pairs the change needs, and whether it must be refused outright."""
    out: list[tuple[str, str]] = []
    refuse = False
    for o in s.ops:
        kind = o[0]
        if kind == "edit":
            _, path, audience, fm = o
            domain = BASE_FILES[path]
            out.append(("internal", domain))
            if fm == '"*"':
                refuse = True
            elif fm and fm != domain:
                out.append(("archive", domain))
            if audience != "internal" or s.base_audience[path] != "internal":
                out.append(("publish", domain))
        elif kind == "add":
            _, folder, audience, fm = o
            if folder == "*" or fm == '"*"':
                refuse = True
                continue
            out.append(("internal", folder))
            if audience != "internal":
                out.append(("publish", folder))
        elif kind in ("delete", "move"):
            path = o[1]
            domain = BASE_FILES[path]
            moved_within = kind == "move" and o[2] == domain
            out.append(("internal" if moved_within else "archive", domain))
            if s.base_audience[path] != "internal":
                out.append(("publish", domain))
            if kind == "move" and not moved_within:
                out.append(("archive", o[2]))
        elif kind == "ci" or kind == "roles" and dict(o[2]) != s.roles[o[1]]:
            out.append(("admin", "*"))
        elif kind == "hostile":
            refuse = True
    return out, refuse


def counting(s: Scenario) -> list[str]:
    """Who may count: in the base kcs.yml, and not whose own entry the change alters."""
    altered = {o[1] for o in s.ops if o[0] == "roles" and o[2] != s.roles[o[1]]}
    people = {s.author, s.approver} - {None, "mallory"} - altered
    return sorted(p for p in people if p)  # type: ignore[misc]


def oracle_allows(s: Scenario) -> bool:
    wanted, refuse = needs(s)
    if refuse:
        return False
    who = counting(s)
    return all(any(_holds(s.roles[p], a, d) for p in who) for a, d in wanted)


# ------------------------------------------------------------ building and judging


def _people(roles: Mapping[str, Mapping[str, str]]) -> dict[str, dict]:
    return {p: dict(PEOPLE[p], roles=dict(roles[p])) for p in PEOPLE}


def _changes(s: Scenario, pubkeys: Mapping[str, str]) -> dict[bytes | str, str | None]:
    changes: dict[bytes | str, str | None] = {}
    roles = {p: dict(r) for p, r in s.roles.items()}
    for n, o in enumerate(s.ops):
        kind = o[0]
        if kind == "edit":
            _, path, audience, fm = o
            changes[path] = with_id(path, _text(f"Edited {n}", audience, domain=fm))
        elif kind == "add":
            _, folder, audience, fm = o
            path = f"articles/{folder}/new{n}.md"
            changes[path] = with_id(path, _text(f"New {n}", audience, domain=fm))
        elif kind == "delete":
            changes[o[1]] = None
        elif kind == "move":
            path = o[1]
            target = f"articles/{o[2]}/moved{n}.md"
            title = "Moved"
            changes[path] = None
            changes[target] = with_id(path, _text(title, s.base_audience[path]))
        elif kind == "ci":
            if o[1] != "kcs.yml":
                changes[o[1]] = f"# changed {n}\n"
        elif kind == "roles":
            roles[o[1]] = dict(o[2])
        elif kind == "hostile":
            changes[o[1]] = with_id("articles/network/c.md", _text("Hostile", "internal"))
    rules = "publisher_self_publish: false"
    if any(o == ("ci", "kcs.yml") for o in s.ops):
        rules += "\n# touched"
    if roles != s.roles or rules.endswith("touched"):
        changes["kcs.yml"] = kcs_yml(pubkeys, people=_people(roles), rules=rules)
    return changes


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)


def _clone(base: Path, where: Path, who: str, keys: Mapping[str, Path]) -> Path:
    git(base.parent, "clone", "-q", "--local", str(base), str(where))
    name, email = NAMES[who]
    for key, value in (
        ("user.name", name),
        ("user.email", email),
        ("gpg.format", "ssh"),
        ("user.signingkey", str(keys[who])),
        ("commit.gpgsign", "true"),
    ):
        git(where, "config", key, value)
    return where


def judge(
    s: Scenario, keys: Mapping[str, Path], pubkeys: Mapping[str, str]
) -> tuple[bool, bool, str]:
    """(allowed on GitHub, accepted on plain Git, what each said)."""
    tmp = Path(tempfile.mkdtemp(prefix="kcs-prop-"))
    try:
        seed = init_repo(tmp / "seed")
        write(seed / "kcs.yml", kcs_yml(pubkeys, people=_people(s.roles)))
        for path, audience in s.base_audience.items():
            write(seed / path, with_id(path, _text("Base", audience)))
        git(seed, "add", "-A")
        git(
            seed,
            "-c",
            "user.name=Seed",
            "-c",
            "user.email=seed@example.org",
            "commit",
            "-q",
            "-m",
            "Base",
        )
        server = tmp / "server.git"
        git(tmp, "clone", "-q", "--bare", "--local", str(seed), str(server))
        shutil.copy(REPO_ROOT / "hooks" / "pre-receive", server / "hooks" / "pre-receive")
        (server / "hooks" / "pre-receive").chmod(0o755)
        git(server, "config", "kcs.python", sys.executable)

        author = _clone(server, tmp / "author", s.author, keys)
        git(author, "switch", "-q", "-c", "proposal/x")
        head = raw_commit(author, ["HEAD"], _changes(s, pubkeys), "Change")

        # GitHub: the base checked out as code, the head fetched as data
        ci = tmp / "ci"
        git(tmp, "clone", "-q", "--local", str(seed), str(ci))
        git(ci, "fetch", "-q", str(author), "proposal/x")
        args = ["gate", "--root", str(ci), "--base", "main", "--head", head]
        args += ["--author", str(PEOPLE.get(s.author, {}).get("github", s.author))]
        args += ["--skip-unknown"]
        if s.approver:
            args += ["--approver", str(PEOPLE.get(s.approver, {}).get("github", s.approver))]
        gate = CliRunner().invoke(cli, args)
        assert gate.exit_code in (0, 1), gate.output

        # plain Git: a direct push, or the approver's signed merge
        before = git(server, "rev-parse", "main").strip()
        if s.approver is None:
            pushed = _git(author, "push", "origin", "HEAD:refs/heads/main")
        else:
            sent = _git(author, "push", "origin", "proposal/x")
            if sent.returncode != 0:
                pushed = sent
            else:
                # main has not moved, so the merge's tree is the proposal's (made with
                # plumbing: a work tree cannot hold the hostile paths)
                merger = _clone(server, tmp / "merger", s.approver, keys)
                git(merger, "fetch", "-q", "origin")
                merge = git(
                    merger,
                    "commit-tree",
                    f"{head}^{{tree}}",
                    "-p",
                    "HEAD",
                    "-p",
                    head,
                    "-S",
                    "-m",
                    "Merge proposal/x",
                ).strip()
                pushed = _git(merger, "push", "origin", f"{merge}:refs/heads/main")
        after = git(server, "rev-parse", "main").strip()
        accepted = pushed.returncode == 0 and after != before
        assert accepted or after == before, "a refused push moved main"
        said = f"gate:\n{gate.output}\npush:\n{pushed.stderr}"
        return gate.exit_code == 0, accepted, said
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


PROPERTY = settings(
    max_examples=10,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # no shrinking: bounded time
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _check(s: Scenario, keys: Mapping[str, Path], pubkeys: Mapping[str, str]) -> None:
    github, plain, said = judge(s, keys, pubkeys)
    expected = oracle_allows(s)
    wanted, refuse = needs(s)
    context = f"{s}\nneeds {wanted} refuse={refuse} counting={counting(s)}\n{said}"
    assert not (github and not expected), f"GitHub path allowed what nobody may:\n{context}"
    assert not (plain and not expected), f"plain Git accepted what nobody may:\n{context}"
    assert github == plain, f"the paths disagree (GitHub {github}, Git {plain}):\n{context}"


@PROPERTY
@given(s=scenarios(hostile=False))
def test_decision_needs_a_holder_and_agrees_across_paths(
    s: Scenario, keys: dict[str, Path], pubkeys: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    unpin_identity(monkeypatch)
    _check(s, keys, pubkeys)


@PROPERTY
@given(s=scenarios(hostile=True))
def test_hostile_paths_and_wildcards_never_pass(
    s: Scenario, keys: dict[str, Path], pubkeys: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    unpin_identity(monkeypatch)
    _check(s, keys, pubkeys)
