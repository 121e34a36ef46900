"""kcs.yml: the portal's configuration, declared once as a schema.

Every key is declared in :data:`SCHEMA` with its type, default and a one-line
description; ``docs/reference/kcs-yml.md`` is checked against it by the tests.
Validation reports errors and warnings apart: an error stops every command, an
unknown key is a warning (fatal with ``--strict``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .yamlio import YamlProblem, load_mapping

CONFIG_FILE = "kcs.yml"

#: KCS audiences, narrowest first. Each audience's readers may also read every
#: wider audience's articles: internal staff read everything.
AUDIENCES: tuple[str, ...] = ("internal", "partner", "customer", "public")
STATES: tuple[str, ...] = ("wip", "not-validated", "validated", "archived")
ROLES: tuple[str, ...] = ("candidate", "contributor", "publisher", "coach", "kde", "admin")
TYPES: tuple[str, ...] = ("howto", "problem", "known-error", "faq", "announcement", "reference")
SEVERITIES: tuple[str, ...] = ("info", "warning", "critical")

_DURATION = re.compile(
    r"^\s*(\d+)\s*(d|day|days|w|week|weeks|m|mo|month|months|y|year|years)\s*$", re.I
)
_DAYS = {"d": 1, "w": 7, "m": 30, "y": 365}
_LANG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")
_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")


def parse_duration(value: object) -> int:
    """Turn ``90``, ``"90d"``, ``"6 months"``, ``"2w"`` or ``"1 year"`` into days.

    Months count as 30 days and years as 365: review intervals need no more.
    Raises ValueError with the accepted forms.
    """
    if isinstance(value, bool):
        raise ValueError("expected a duration such as 90d, 6 months or 1 year")
    if isinstance(value, int):
        if value <= 0:
            raise ValueError("a duration must be positive")
        return value
    match = _DURATION.match(str(value))
    if not match:
        raise ValueError(
            f"{value!r} is not a duration; write e.g. 90d, 2 weeks, 6 months or 1 year"
        )
    number, unit = int(match.group(1)), match.group(2).lower()
    if number <= 0:
        raise ValueError("a duration must be positive")
    return number * _DAYS[unit[0]]


# --------------------------------------------------------------------- schema


@dataclass(frozen=True)
class Key:
    """One configuration key: its kind, default and documentation."""

    kind: str  # str, url, bool, int, number, lang, langs, duration, ids, choice, map, people
    default: Any
    doc: str
    choices: tuple[str, ...] = ()
    children: Mapping[str, Key] | None = None  # for kind == "section"


def _section(doc: str, **children: Key) -> Key:
    return Key("section", None, doc, children=children)


SCHEMA: dict[str, Key] = {
    "site": _section(
        "The self-service site.",
        name=Key("str", "Service desk", "Site name shown in the header and the browser tab."),
        url=Key("url", "", "Public address of the site, e.g. https://help.example.org/."),
        internal_url=Key("url", "", "Address of the internal site (agents), if it has its own."),
        logo=Key("str", "", "Path of a logo image inside docs/ (optional)."),
        featured=Key("ids", [], "Article ids shown as most used until usage data exists."),
        length_guideline=Key("int", 600, "Words an article should stay under (KCS: about a page)."),
    ),
    "languages": Key(
        "langs", ["sv", "fi", "nl", "en"], "Languages the portal serves (ISO 639-1 codes)."
    ),
    "default_language": Key("lang", "en", "Language of articles without a lang field."),
    "domains": Key(
        "map",
        {},
        "Knowledge domains: folder name under articles/ → display name per language.",
    ),
    "review": _section(
        "When articles are due for review.",
        every=Key("duration", "12 months", "Default review interval for validated articles."),
        by_type=Key("map", {}, "Interval per article type, e.g. known-error: 3 months."),
        by_domain=Key("map", {}, "Interval per domain; wins over by_type."),
        by_audience=Key("map", {}, "Interval per audience; wins over by_domain."),
        due_soon=Key("duration", "30 days", "How long before the due date 'due soon' starts."),
        wip_max=Key("duration", "30 days", "How long an article may stay wip before flagged."),
    ),
    "people": Key(
        "people",
        [],
        "People and their KCS role per domain (see docs/reference/kcs-yml.md#people).",
    ),
    "rules": _section(
        "Review rules (see docs/guides/administrator.md).",
        publisher_self_publish=Key(
            "bool", False, "A publisher may publish their own change without a second person."
        ),
        admin_paths=Key(
            "ids",
            ["kcs.yml", "mkdocs.yml", ".github/", "hooks/", "kcs/"],
            "Paths (prefixes) whose changes need an admin.",
        ),
        capabilities=Key(
            "map",
            {},
            "What each role may do, overriding the defaults, e.g. kde: [internal, archive, "
            "publish] (actions: internal, publish, archive, admin; see kcs/roles.py).",
        ),
    ),
    "forge": _section(
        "The Git hosting service, for the 'Improve this article' and 'Report a problem' links.",
        edit_url=Key(
            "str",
            "",
            "Edit link pattern; {path} is the file, {id} the article id, e.g. "
            "https://github.com/org/kb/edit/main/{path}.",
        ),
        flag_url=Key(
            "str",
            "",
            "Problem report link pattern; {id}, {title} and {url} are filled in (URL-encoded).",
        ),
        proposals_prefix=Key("str", "proposal/", "Branch prefix of proposals on plain Git."),
    ),
    "contact": _section(
        "The channel ladder shown on the contact page.",
        form_target=Key(
            "str", "", "Where the contact form submits: a mailto: address or a ticket-system URL."
        ),
        email=Key("str", "", "Service-desk e-mail address."),
        phone=Key("str", "", "Service-desk phone number."),
        hours=Key("map", {}, "Opening hours per language, e.g. sv: 'vardagar 8–17'."),
    ),
    "cost": _section(
        "The cost model behind deflection value.",
        per_contact=Key("number", 50.0, "What the desk pays for one contact."),
        user_minutes_lost=Key("number", 30.0, "Working minutes a user loses per contact."),
        hourly_cost=Key("number", 45.0, "Cost of one hour of a user's working time."),
        currency=Key("str", "EUR", "Currency of the figures above."),
    ),
    "usage": _section(
        "Usage analytics.",
        database=Key("str", ".kcs/usage.sqlite", "Where ingested usage data is kept."),
        retention=Key("duration", "90 days", "How long raw events are kept; aggregates stay."),
        log_format=Key(
            "str", "combined", "Access-log format: 'combined' or an nginx log_format string."
        ),
        tickets=Key("map", {}, "Column mapping of ticket exports (id, opened, closed, ...)."),
    ),
}

_ROLE_KEYS = {"id", "name", "email", "github", "ssh_key", "roles"}


# ------------------------------------------------------------------ the value


@dataclass(frozen=True)
class Person:
    """Someone with a KCS role; ``roles`` maps a domain (or ``*``) to a role."""

    id: str
    name: str
    email: str = ""
    github: str = ""
    ssh_key: str = ""
    roles: Mapping[str, str] = field(default_factory=dict)

    def role_in(self, domain: str) -> str:
        """The person's role in ``domain``: the domain's own entry, else ``*``, else candidate."""
        return self.roles.get(domain) or self.roles.get("*") or "candidate"


@dataclass(frozen=True)
class Config:
    """The validated configuration. ``raw`` keeps every value by dotted key."""

    root: Path
    raw: Mapping[str, Any]
    people: tuple[Person, ...]
    warnings: tuple[str, ...] = ()

    def get(self, dotted: str) -> Any:
        """A value by dotted key, e.g. ``config.get("cost.per_contact")``."""
        return self.raw[dotted]

    @property
    def site_name(self) -> str:
        return str(self.raw["site.name"])

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self.raw["languages"])

    @property
    def default_language(self) -> str:
        return str(self.raw["default_language"])

    @property
    def articles_dir(self) -> Path:
        return self.root / "articles"

    def person(self, ident: str) -> Person | None:
        """Find a person by id, e-mail or forge login."""
        lowered = ident.lower()
        for person in self.people:
            if lowered in (person.id.lower(), person.email.lower(), person.github.lower()):
                return person
        return None

    def domain_label(self, domain: str, lang: str) -> str:
        labels = self.raw["domains"].get(domain)
        if isinstance(labels, Mapping):
            return str(labels.get(lang) or labels.get("en") or domain)
        if isinstance(labels, str):
            return labels
        return domain.replace("-", " ").capitalize()

    def review_interval(self, *, type: str, domain: str, audience: str) -> int:
        """Days between reviews for an article of this kind (front matter may override)."""
        for table, key in (
            ("review.by_audience", audience),
            ("review.by_domain", domain),
            ("review.by_type", type),
        ):
            if key in self.raw[table]:
                return parse_duration(self.raw[table][key])
        return parse_duration(self.raw["review.every"])


# ------------------------------------------------------------------ loading


def load_config(root: Path, *, text: str | None = None) -> Config:
    """Read and validate ``root/kcs.yml``; raise :class:`ConfigError` on the first error.

    A missing file gives the defaults (a knowledge repository may start bare).
    """
    path = root / CONFIG_FILE
    if text is None:
        text = path.read_text(encoding="utf-8") if path.is_file() else ""
    try:
        loaded = load_mapping(text)
    except YamlProblem as exc:
        raise ConfigError(f"{CONFIG_FILE}:{exc.line or 1}: {exc.message}") from None
    errors: list[str] = []
    warnings: list[str] = []
    raw: dict[str, Any] = {}
    _validate(loaded.data, SCHEMA, "", raw, errors, warnings, loaded.lines)
    people: tuple[Person, ...] = ()
    if not errors:
        people = _people(raw["people"], errors)
        raw["people"] = people
        _check_domains(raw, errors)
        if raw["default_language"] not in raw["languages"]:
            errors.append(
                f"{CONFIG_FILE}: default_language {raw['default_language']!r} is not in "
                f"languages {list(raw['languages'])}; add it or pick one of them"
            )
    if errors:
        raise ConfigError(errors[0])
    return Config(root=root, raw=raw, people=people, warnings=tuple(warnings))


def _validate(
    data: Mapping[str, Any],
    schema: Mapping[str, Key],
    prefix: str,
    out: dict[str, Any],
    errors: list[str],
    warnings: list[str],
    lines: Mapping[str, int],
) -> None:
    for name in data:
        if name not in schema:
            known = ", ".join(sorted(schema))
            line = lines.get(name) if not prefix else None
            loc = f"{CONFIG_FILE}:{line}" if line else CONFIG_FILE
            warnings.append(f"{loc}: unknown key '{prefix}{name}' (known here: {known})")
    for name, key in schema.items():
        dotted = f"{prefix}{name}"
        line = lines.get(name) if not prefix else lines.get(prefix.split(".")[0])
        loc = f"{CONFIG_FILE}:{line}" if line else CONFIG_FILE
        value = data.get(name)
        if key.kind == "section":
            if value is None:
                value = {}
            if not isinstance(value, Mapping):
                errors.append(f"{loc}: '{dotted}' must be a mapping of keys")
                continue
            assert key.children is not None
            _validate(value, key.children, f"{dotted}.", out, errors, warnings, lines)
            continue
        if value is None:
            out[dotted] = key.default
            continue
        try:
            out[dotted] = _CHECKS[key.kind](value, key)
        except (ValueError, TypeError) as exc:
            errors.append(f"{loc}: '{dotted}': {exc}")


def _check_str(value: Any, key: Key) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected text, got {type(value).__name__}")
    return value


def _check_url(value: Any, key: Key) -> str:
    text = _check_str(value, key)
    if text and not re.match(r"^https?://[^\s/]+", text):
        raise ValueError(f"{text!r} is not an http(s) URL")
    return text if not text or text.endswith("/") else text + "/"


def _check_bool(value: Any, key: Key) -> bool:
    if not isinstance(value, bool):
        raise TypeError("expected true or false")
    return value


def _check_int(value: Any, key: Key) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise TypeError("expected a whole number of 0 or more")
    return value


def _check_number(value: Any, key: Key) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise TypeError("expected a number of 0 or more")
    return float(value)


def _check_lang(value: Any, key: Key) -> str:
    if not isinstance(value, str) or not _LANG.match(value):
        raise ValueError(f"{value!r} is not a language code such as sv, fi, nl or en")
    return value


def _check_langs(value: Any, key: Key) -> list[str]:
    if not isinstance(value, list) or not value:
        raise TypeError("expected a non-empty list of language codes, e.g. [sv, fi, nl, en]")
    return [_check_lang(item, key) for item in value]


def _check_duration(value: Any, key: Key) -> Any:
    parse_duration(value)
    return value


def _check_ids(value: Any, key: Key) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TypeError("expected a list of text values")
    return list(value)


def _check_map(value: Any, key: Key) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise TypeError("expected a mapping of keys to values")
    return {str(k): v for k, v in value.items()}


def _check_people(value: Any, key: Key) -> list[Any]:
    if not isinstance(value, list):
        raise TypeError("expected a list of people (- id: ..., name: ..., roles: {...})")
    return value


_CHECKS: dict[str, Callable[[Any, Key], Any]] = {
    "str": _check_str,
    "url": _check_url,
    "bool": _check_bool,
    "int": _check_int,
    "number": _check_number,
    "lang": _check_lang,
    "langs": _check_langs,
    "duration": _check_duration,
    "ids": _check_ids,
    "map": _check_map,
    "people": _check_people,
}


def _check_domains(raw: dict[str, Any], errors: list[str]) -> None:
    """Each domain label is text, or a mapping of configured language → text."""
    for domain, labels in raw["domains"].items():
        if not _ID.match(domain):
            errors.append(
                f"{CONFIG_FILE}: domains: {domain!r} is not a folder name "
                "(lowercase letters, digits, '.', '_', '-')"
            )
        elif isinstance(labels, Mapping):
            for lang, label in labels.items():
                if lang not in raw["languages"] or not isinstance(label, str):
                    errors.append(
                        f"{CONFIG_FILE}: domains.{domain}.{lang}: expected a label "
                        f"per language ({', '.join(raw['languages'])}); quote labels "
                        "that hold commas"
                    )
                    return
        elif not isinstance(labels, str):
            errors.append(
                f"{CONFIG_FILE}: domains.{domain}: expected a label or a mapping of "
                "language to label"
            )


def _people(entries: list[Any], errors: list[str]) -> tuple[Person, ...]:
    people: list[Person] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries, 1):
        where = f"{CONFIG_FILE}: people[{index}]"
        if not isinstance(entry, Mapping):
            errors.append(f"{where}: expected a mapping with id, name and roles")
            continue
        unknown = set(entry) - _ROLE_KEYS
        if unknown:
            errors.append(
                f"{where}: unknown key(s) {', '.join(sorted(map(str, unknown)))}; "
                f"allowed: {', '.join(sorted(_ROLE_KEYS))}"
            )
            continue
        ident = entry.get("id")
        if not isinstance(ident, str) or not _ID.match(ident):
            errors.append(f"{where}: 'id' must be lowercase letters, digits, '.', '_' or '-'")
            continue
        if ident in seen:
            errors.append(f"{where}: id {ident!r} appears twice; ids must be unique")
            continue
        seen.add(ident)
        roles = entry.get("roles") or {}
        if not isinstance(roles, Mapping):
            errors.append(f"{where} ({ident}): 'roles' must map a domain (or '*') to a role")
            continue
        bad = {d: r for d, r in roles.items() if r not in ROLES}
        if bad:
            domain, role = next(iter(bad.items()))
            errors.append(
                f"{where} ({ident}): role {role!r} for {domain!r} is not one of {', '.join(ROLES)}"
            )
            continue
        texts = {k: entry.get(k, "") for k in ("name", "email", "github", "ssh_key")}
        if not all(isinstance(v, str) for v in texts.values()):
            errors.append(f"{where} ({ident}): name, email, github and ssh_key must be text")
            continue
        people.append(
            Person(
                id=ident,
                name=texts["name"] or ident,
                email=texts["email"],
                github=texts["github"],
                ssh_key=texts["ssh_key"],
                roles={str(d): str(r) for d, r in roles.items()},
            )
        )
    return tuple(people)


def iter_keys(schema: Mapping[str, Key] = SCHEMA, prefix: str = "") -> list[tuple[str, Key]]:
    """Every leaf key as (dotted name, Key), for documentation and its test."""
    out: list[tuple[str, Key]] = []
    for name, key in schema.items():
        if key.kind == "section":
            assert key.children is not None
            out.extend(iter_keys(key.children, f"{prefix}{name}."))
        else:
            out.append((f"{prefix}{name}", key))
    return out
