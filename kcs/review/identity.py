"""Who is who in a review: matching names to people in kcs.yml, exactly.

A name is compared after one documented normalisation, NFKC then case-folding
(:func:`normal`). A name that NFKC changes (a KELVIN SIGN for "K", a full-width
letter, a ligature) is refused rather than folded: it can only be a look-alike,
never the person it resembles.

What a name may match depends on where it comes from (:data:`KINDS`): a forge
login (GitHub's pull-request author and reviewers) matches only a person's
``github`` entry, never an id or an e-mail address someone else may choose as
their login.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping

from ..config import Config, Person
from ..errors import UsageError

#: Where a name comes from → the fields of a person it may match.
KINDS: Mapping[str, tuple[str, ...]] = {
    "any": ("id", "email", "github"),
    "login": ("github",),
    "email": ("email",),
    "id": ("id",),
}


def normal(name: str) -> str:
    """The form names are compared in: NFKC, then case-folded."""
    return unicodedata.normalize("NFKC", name).casefold()


def is_canonical(name: str) -> bool:
    """True when NFKC leaves ``name`` as it is and it holds no control characters."""
    return unicodedata.normalize("NFKC", name) == name and all(
        unicodedata.category(ch)[0] != "C" for ch in name
    )


def lookup(config: Config, name: str, *, kind: str = "any") -> Person | None:
    """The one person ``name`` names, or None.

    :class:`UsageError` when the name is not in canonical form (a look-alike) or
    when it names more than one person (kcs.yml must keep identities apart).
    """
    if not is_canonical(name):
        raise UsageError(
            f"{name!r} changes under Unicode NFKC normalisation ({normal(name)!r}): "
            "a look-alike of a name is refused, write it in plain form"
        )
    wanted = normal(name)
    if not wanted:
        return None
    found = [
        p
        for p in config.people
        if any(
            (value := getattr(p, field)) and is_canonical(value) and normal(value) == wanted
            for field in KINDS[kind]
        )
    ]
    if len({p.id for p in found}) > 1:
        raise UsageError(
            f"{name!r} names more than one person in kcs.yml "
            f"({', '.join(p.id for p in found)}); give each person their own identities"
        )
    return found[0] if found else None


def identities(person: Person) -> set[str]:
    """Everything that identifies ``person``: id, e-mail, login, key (normalised)."""
    from .signing import key_id

    out = {f"id:{normal(person.id)}"}
    if person.email:
        out.add(f"email:{normal(person.email)}")
    if person.github:
        out.add(f"github:{normal(person.github)}")
    if person.ssh_key:
        out.add(f"key:{key_id(person.ssh_key) or person.ssh_key.strip()}")
    return out


def _shared(a: Iterable[str], b: Iterable[str]) -> bool:
    # an id may equal someone's login or e-mail: compare the values, not the kinds
    values_a = {x.split(":", 1)[1] for x in a}
    return any(x.split(":", 1)[1] in values_a for x in b)


def changed_entries(before: Config, after: Config) -> list[tuple[str, set[str], str]]:
    """Entries a change adds, alters or removes: (id, identities of both sides, what)."""
    old = {p.id: p for p in before.people}
    new = {p.id: p for p in after.people}
    out: list[tuple[str, set[str], str]] = []
    for pid in dict.fromkeys([*old, *new]):
        was, now = old.get(pid), new.get(pid)
        if was == now:
            continue
        ids = (identities(was) if was else set()) | (identities(now) if now else set())
        if was is None:
            what = "added to kcs.yml"
        elif now is None:
            what = "removed from kcs.yml"
        else:
            parts = [
                name
                for name in ("roles", "ssh_key", "email", "github", "name")
                if getattr(was, name) != getattr(now, name)
            ]
            what = f"{' and '.join(parts)} changed in kcs.yml"
        out.append((pid, ids, what))
    return out


def own_entry_changes(people: Iterable[Person], before: Config, after: Config) -> dict[str, str]:
    """Person id → what changed, for each of ``people`` whose own entry the change
    touches: their entry, or any added, altered or removed entry that shares an
    identity (id, e-mail, login or key) with them."""
    entries = changed_entries(before, after)
    out: dict[str, str] = {}
    for person in people:
        mine = identities(person)
        for pid, ids, what in entries:
            if pid == person.id:
                out[person.id] = what
                break
            if _shared(mine, ids):
                out.setdefault(
                    person.id, f"entry {pid}, which shares an identity with them, {what}"
                )
    return out


def power_grants(
    before: Config, after: Config, capabilities: Mapping[str, frozenset[str]]
) -> list[str]:
    """Entries the change gives more power: a person added with any capability, a role
    widened in some domain, or an identity (e-mail, login, key) handed to someone else.

    One admin may narrow or remove entries alone; a grant is how an admin alone would
    make a sock puppet, so it needs a second admin.
    """
    old = {p.id: p for p in before.people}
    domains = {"*"} | {d for p in (*before.people, *after.people) for d in p.roles}
    out: list[str] = []
    for person in after.people:
        was = old.get(person.id)
        gained = sorted(
            {
                action
                for domain in domains
                for action in capabilities.get(person.role_in(domain), frozenset())
                - (capabilities.get(was.role_in(domain), frozenset()) if was else frozenset())
            }
        )
        if was is None and gained:
            out.append(f"adds {person.id} with {', '.join(gained)}")
        elif gained:
            out.append(f"gives {person.id} {', '.join(gained)}")
        elif was is not None and any(
            getattr(was, name) != getattr(person, name) and getattr(person, name)
            for name in ("email", "github", "ssh_key")
        ):
            out.append(f"changes the identities of {person.id}")
    return out
