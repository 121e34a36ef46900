"""Review rules as data: which KCS role may do what, and the documented defaults.

A change is judged by *actions* it needs, each in one or more domains:

``internal``
    change an article whose audience stays internal (including validating it);
``publish``
    touch an article whose audience is (or becomes) partner, customer or public,
    or validate such an article;
``archive``
    archive or delete an article, or move it to another domain;
``admin``
    change kcs.yml, mkdocs.yml, ``.github/``, ``hooks/``, ``kcs/`` (``rules.admin_paths``).

:data:`DEFAULT_CAPABILITIES` says which role may perform which action; kcs.yml
``rules.capabilities`` may override it per role. Everything here is plain data
so that :mod:`kcs.gate` stays a pure function and the administrator's guide can
print the table.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..config import AUDIENCES, ROLES, Config, Person
from ..errors import ConfigError

ACTIONS: tuple[str, ...] = ("internal", "publish", "archive", "admin")

#: What each role may approve by default. Coaches review Candidates' work, so they
#: may merge internal changes like a Contributor; a Knowledge Domain Expert looks
#: after a domain's health (archive, move) but publishing stays with Publishers.
DEFAULT_CAPABILITIES: Mapping[str, frozenset[str]] = {
    "candidate": frozenset(),
    "contributor": frozenset({"internal"}),
    "coach": frozenset({"internal"}),
    "kde": frozenset({"internal", "archive"}),
    "publisher": frozenset({"internal", "publish", "archive"}),
    "admin": frozenset({"internal", "admin"}),
}

#: Audiences outside the organisation: touching such an article needs a publisher.
EXTERNAL_AUDIENCES: frozenset[str] = frozenset(AUDIENCES[1:])

#: The role named in messages for each action (the least role that has it by default).
ACTION_ROLE: Mapping[str, str] = {
    "internal": "contributor",
    "publish": "publisher",
    "archive": "kde or publisher",
    "admin": "admin",
}

DEFAULT_ADMIN_PATHS: tuple[str, ...] = ("kcs.yml", "mkdocs.yml", ".github/", "hooks/", "kcs/")

#: Paths that decide what CI and the build execute or how Git reads the tree: always
#: admin paths, whatever ``rules.admin_paths`` says (it can only add to them).
MANDATORY_ADMIN_PATHS: tuple[str, ...] = (
    *DEFAULT_ADMIN_PATHS,
    "pyproject.toml",
    "setup.py",
    "setup.cfg",
    "requirements.txt",
    "package.json",
    "package-lock.json",
    "Makefile",
    "noxfile.py",
    "tox.ini",
    ".pre-commit-config.yaml",
    ".ci/",
    "scripts/",
    "deploy/",
    "theme/",
    "overrides/",
    "tests/",
)
#: File names that are admin paths in any folder: they change how Git, Python or the
#: build treat the files beside them (filters, submodules, test fixtures, hooks).
ADMIN_FILE_NAMES: frozenset[str] = frozenset(
    {".gitattributes", ".gitmodules", "conftest.py", "mkdocs.yml", "kcs.yml"}
)


@dataclass(frozen=True)
class Rules:
    """The rules in force (read from the kcs.yml of the base commit)."""

    publisher_self_publish: bool = False
    admin_paths: tuple[str, ...] = DEFAULT_ADMIN_PATHS
    capabilities: Mapping[str, frozenset[str]] = field(
        default_factory=lambda: dict(DEFAULT_CAPABILITIES)
    )
    #: The domains kcs.yml names (``domains`` and role tables); empty: not checked.
    domains: frozenset[str] = frozenset()

    def may(self, person: Person, action: str, domain: str) -> bool:
        """Whether ``person`` may approve ``action`` in ``domain``.

        ``admin`` is not tied to a domain: any admin entry in the person's roles counts.
        """
        if action == "admin":
            return any(
                "admin" in self.capabilities.get(r, frozenset()) for r in person.roles.values()
            )
        return action in self.capabilities.get(person.role_in(domain), frozenset())

    @property
    def all_admin_paths(self) -> tuple[str, ...]:
        """The paths the gate always treats as admin paths, then the ones kcs.yml adds (the
        names in ADMIN_FILE_NAMES are admin files in any folder besides)."""
        return tuple(dict.fromkeys((*MANDATORY_ADMIN_PATHS, *self.admin_paths)))

    def is_admin_path(self, path: str) -> bool:
        # compared case-folded: a checkout on a case-insensitive file system reads
        # .GitAttributes as .gitattributes and Scripts/ as scripts/
        path = path.casefold()
        if path.rsplit("/", 1)[-1] in ADMIN_FILE_NAMES:
            return True
        for prefix in (p.casefold() for p in self.all_admin_paths):
            if prefix.endswith("/"):
                if path.startswith(prefix):
                    return True
            elif path == prefix:
                return True
        return False

    def role_text(self, action: str) -> str:
        """Roles that may perform ``action`` under these rules, for messages."""
        roles = [r for r in ROLES if action in self.capabilities.get(r, frozenset())]
        return " or ".join(roles) if roles else f"nobody (no role may {action})"


def rules_from_config(config: Config) -> Rules:
    """Build :class:`Rules` from kcs.yml's ``rules`` section, checking the overrides."""
    caps = dict(DEFAULT_CAPABILITIES)
    overrides = config.rules.capabilities
    for role, actions in overrides.items():
        if role not in ROLES:
            raise ConfigError(
                f"kcs.yml: rules.capabilities: {role!r} is not a role ({', '.join(ROLES)})"
            )
        if not isinstance(actions, list) or any(a not in ACTIONS for a in actions):
            raise ConfigError(
                f"kcs.yml: rules.capabilities.{role}: expected a list of actions "
                f"({', '.join(ACTIONS)})"
            )
        caps[role] = frozenset(actions)
    paths = config.rules.admin_paths
    return Rules(
        publisher_self_publish=config.rules.publisher_self_publish,
        admin_paths=tuple(paths) if paths is not None else DEFAULT_ADMIN_PATHS,
        capabilities=caps,
        domains=frozenset(domains_of(config)),
    )


def domains_of(config: Config) -> list[str]:
    """Every domain named in kcs.yml (``domains`` and people's roles), sorted."""
    found = set(config.domains)
    for person in config.people:
        found.update(d for d in person.roles if d != "*")
    return sorted(found)


def changed_people(before: Config, after: Config) -> dict[str, str]:
    """People whose own entry a change adds or alters: id → what changed.

    Roles, keys and identities (e-mail, forge login) all count: changing someone's
    key or login is as good as granting their role to whoever holds the new one.
    """
    old = {p.id: p for p in before.people}
    out: dict[str, str] = {}
    for person in after.people:
        was = old.get(person.id)
        if was is None:
            out[person.id] = "added to kcs.yml"
            continue
        parts = [
            name
            for name in ("roles", "ssh_key", "email", "github")
            if getattr(was, name) != getattr(person, name)
        ]
        if parts:
            out[person.id] = f"{' and '.join(parts)} changed in kcs.yml"
    return out
