"""kcs.yml: the portal's configuration, declared once as a schema.

Every key is declared in :data:`SCHEMA` with its type, default and a one-line
description; ``docs/reference/kcs-yml.md`` is checked against it by the tests.
Validation reports errors and warnings apart: an error stops every command, an
unknown key is a warning (fatal with ``--strict``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, fields
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
#: The longest review interval or other duration (100 years).
MAX_DURATION_DAYS = 100 * 365
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
        days = value
    else:
        match = _DURATION.match(str(value))
        if not match:
            raise ValueError(
                f"{value!r} is not a duration; write e.g. 90d, 2 weeks, 6 months or 1 year"
            )
        days = int(match.group(1)) * _DAYS[match.group(2).lower()[0]]
    if days <= 0:
        raise ValueError("a duration must be positive")
    if days > MAX_DURATION_DAYS:
        # A due date must stay inside the calendar (a date ends at the year 9999).
        raise ValueError(f"{value!r} is longer than {MAX_DURATION_DAYS // 365} years")
    return days


# --------------------------------------------------------------------- schema


@dataclass(frozen=True)
class Key:
    """One configuration key: its kind, default and documentation."""

    # str, text, path, url, bool, int, number, lang, langs, duration, ids, map, people, synonyms
    kind: str
    default: Any
    doc: str
    choices: tuple[str, ...] = ()
    children: Mapping[str, Key] | None = None  # for kind == "section"


def key(kind: str, default: Any, doc: str, *, choices: tuple[str, ...] = ()) -> Any:
    """A field of a section class below: one kcs.yml key, declared once.

    The field's Python type is what the key's kind turns into (see :data:`_TYPED`).
    """
    return field(metadata={"key": Key(kind, default, doc, choices)})


# One frozen class per section of kcs.yml: its docstring documents the section, each
# field one key. SCHEMA is built from them, and load_config() fills them once, so that
# code reads ``config.review.due_soon`` (a timedelta) instead of looking a key up.


@dataclass(frozen=True)
class SiteSection:
    """The self-service site."""

    name: str | Mapping[str, str] = key(
        "text",
        "Service desk",
        "Site name shown in the header and the browser tab: text, or text per language "
        "({sv: Servicedesk, en: Service desk}); a language without one gets the "
        "default language's.",
    )
    url: str = key("url", "", "Public address of the site, e.g. https://help.example.org/.")
    internal_url: str = key("url", "", "Address of the internal site (agents), if it has its own.")
    logo: str = key("str", "", "Path of a logo image inside docs/ (optional).")
    featured: tuple[str, ...] = key(
        "ids", [], "Article ids shown as most used until usage data exists."
    )
    length_guideline: int = key(
        "int", 600, "Words an article should stay under (KCS: about a page)."
    )


@dataclass(frozen=True)
class ReviewSection:
    """When articles are due for review."""

    every: dt.timedelta = key(
        "duration", "12 months", "Default review interval for validated articles."
    )
    by_type: Mapping[str, Any] = key(
        "map", {}, "Interval per article type, e.g. known-error: 3 months."
    )
    by_domain: Mapping[str, Any] = key("map", {}, "Interval per domain; wins over by_type.")
    by_audience: Mapping[str, Any] = key("map", {}, "Interval per audience; wins over by_domain.")
    due_soon: dt.timedelta = key(
        "duration", "30 days", "How long before the due date 'due soon' starts."
    )
    wip_max: dt.timedelta = key(
        "duration", "30 days", "How long an article may stay wip before flagged."
    )


@dataclass(frozen=True)
class RulesSection:
    """Review rules (see docs/guides/administrator.md)."""

    publisher_self_publish: bool = key(
        "bool", False, "A publisher may publish their own change without a second person."
    )
    admin_paths: tuple[str, ...] = key(
        "ids",
        ["kcs.yml", "mkdocs.yml", ".github/", "hooks/", "kcs/"],
        "Paths (prefixes) whose changes need an admin.",
    )
    capabilities: Mapping[str, Any] = key(
        "map",
        {},
        "What each role may do, overriding the defaults, e.g. kde: [internal, archive, "
        "publish] (actions: internal, publish, archive, admin; see kcs/roles.py).",
    )


@dataclass(frozen=True)
class ForgeSection:
    """The Git hosting service, for the 'Improve this article' and 'Report a problem' links."""

    edit_url: str = key(
        "str",
        "",
        "Edit link pattern; {path} is the file, {id} the article id, e.g. "
        "https://github.com/org/kb/edit/main/{path}.",
    )
    flag_url: str = key(
        "str",
        "",
        "Problem report link pattern; {id}, {title} and {url} are filled in (URL-encoded).",
    )
    proposals_prefix: str = key("str", "proposal/", "Branch prefix of proposals on plain Git.")


@dataclass(frozen=True)
class ContactSection:
    """The channel ladder shown on the contact page."""

    form_target: str = key(
        "str",
        "",
        "Where the contact form hands the ticket over: mailto:<address>, or a ticket system's "
        "new-ticket URL with a {text} placeholder (also {subject}, {body}, {lang}).",
    )
    email: str = key("str", "", "Service-desk e-mail address.")
    phone: str = key("str", "", "Service-desk phone number.")
    hours: Mapping[str, Any] = key(
        "map", {}, "Opening hours per language, e.g. sv: 'vardagar 8–17'."
    )


@dataclass(frozen=True)
class CostSection:
    """The cost model behind deflection value."""

    per_contact: float = key("number", 50.0, "What the desk pays for one contact.")
    user_minutes_lost: float = key("number", 30.0, "Working minutes a user loses per contact.")
    hourly_cost: float = key("number", 45.0, "Cost of one hour of a user's working time.")
    currency: str = key("str", "EUR", "Currency of the figures above.")


@dataclass(frozen=True)
class UsageSection:
    """Usage analytics."""

    # relative to the repository (``config.root / config.usage.database``) unless absolute
    database: Path = key("path", ".kcs/usage.sqlite", "Where ingested usage data is kept.")
    retention: dt.timedelta = key(
        "duration", "90 days", "How long raw events are kept; aggregates stay."
    )
    log_format: str = key(
        "str", "combined", "Access-log format: 'combined' or an nginx log_format string."
    )
    tickets: Mapping[str, Any] = key(
        "map", {}, "Column mapping of ticket exports (id, opened, closed, ...)."
    )


@dataclass(frozen=True)
class AnnounceSection:
    """Where announcements are pushed when they start or grow more severe (kcs announce push;
    see docs/guides/administrator.md, "Announcements outside the portal")."""

    webhooks: Mapping[str, Any] = key(
        "map",
        {},
        "Incoming webhooks: name → {url or url_env, format: teams, slack or mattermost, "
        "audience (default public)}.",
    )
    email: Mapping[str, Any] = key(
        "map",
        {},
        "E-mail over SMTP: host, port, starttls, sender, to, audience (default public), "
        "username, password_env.",
    )
    state: str = key(
        "str",
        ".kcs/announce-sent.json",
        "Where the push records what it sent, so nothing is sent twice.",
    )


@dataclass(frozen=True)
class SearchSection:
    """Both searches: `kcs search` and the sites' search boxes."""

    synonyms: Mapping[str, list[list[str]]] = key(
        "synonyms",
        {},
        "Words that mean the same, per language: a list of groups, each a list or a "
        "comma-separated string, e.g. sv: ['wifi, wlan, trådlöst nätverk']. A query "
        "containing one member also finds the others.",
    )


@dataclass(frozen=True)
class AlertsSection:
    """Where content-gap alerts go (``kcs report gaps --alert``): a GitHub issue when a
    token is set, else e-mail, else a Markdown file."""

    github: Mapping[str, Any] = key(
        "map",
        {},
        "An issue opened, then updated, through the GitHub API: repo (owner/name), token_env "
        "(default GITHUB_TOKEN), label (default content-gap), api_url (default "
        "https://api.github.com).",
    )
    email: Mapping[str, Any] = key(
        "map",
        {},
        "E-mail over SMTP, as announce.email: host, port, starttls, sender, to, username, "
        "password_env.",
    )
    file: str = key("str", ".kcs/gap-alert.md", "The Markdown file written when neither is set up.")
    state: str = key(
        "str", ".kcs/gap-alerts.json", "The gaps already alerted, so that none is alerted twice."
    )


#: section name in kcs.yml → its class (the Config attribute of the same name)
SECTIONS: dict[str, type] = {
    "site": SiteSection,
    "review": ReviewSection,
    "rules": RulesSection,
    "forge": ForgeSection,
    "contact": ContactSection,
    "announce": AnnounceSection,
    "cost": CostSection,
    "usage": UsageSection,
    "search": SearchSection,
    "alerts": AlertsSection,
}

#: the keys outside any section (typed properties of Config)
TOP_LEVEL: dict[str, Key] = {
    "languages": Key(
        "langs", ["sv", "fi", "nl", "en"], "Languages the portal serves (ISO 639-1 codes)."
    ),
    "default_language": Key("lang", "en", "Language of articles without a lang field."),
    "domains": Key(
        "map",
        {},
        "Knowledge domains: folder name under articles/ → display name per language.",
    ),
    "people": Key(
        "people",
        [],
        "People and their KCS role per domain (see docs/reference/kcs-yml.md#people).",
    ),
}


def _section_key(cls: type) -> Key:
    children = {f.name: f.metadata["key"] for f in fields(cls)}
    return Key("section", None, (cls.__doc__ or "").strip(), children=children)


#: Every key of kcs.yml, in the file's usual order, built from the classes above.
SCHEMA: dict[str, Key] = {
    "site": _section_key(SiteSection),
    "languages": TOP_LEVEL["languages"],
    "default_language": TOP_LEVEL["default_language"],
    "domains": TOP_LEVEL["domains"],
    "review": _section_key(ReviewSection),
    "people": TOP_LEVEL["people"],
    **{name: _section_key(cls) for name, cls in SECTIONS.items() if name not in ("site", "review")},
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
    """The validated configuration, read once: one typed attribute per section
    (``config.usage.database``, ``config.review.due_soon``) and per top-level key.

    ``raw`` keeps every validated value by dotted key, for this module alone.
    """

    root: Path
    raw: Mapping[str, Any]
    people: tuple[Person, ...]
    warnings: tuple[str, ...] = ()
    site: SiteSection = field(init=False)
    review: ReviewSection = field(init=False)
    rules: RulesSection = field(init=False)
    forge: ForgeSection = field(init=False)
    contact: ContactSection = field(init=False)
    announce: AnnounceSection = field(init=False)
    cost: CostSection = field(init=False)
    usage: UsageSection = field(init=False)
    search: SearchSection = field(init=False)
    alerts: AlertsSection = field(init=False)

    def __post_init__(self) -> None:
        for name, cls in SECTIONS.items():
            values = {
                f.name: _TYPED.get(f.metadata["key"].kind, _same)(self.raw[f"{name}.{f.name}"])
                for f in fields(cls)
            }
            object.__setattr__(self, name, cls(**values))

    @property
    def site_name(self) -> str:
        """The site name in the default language."""
        return self.site_name_in(self.default_language)

    def site_name_in(self, lang: str) -> str:
        """The site name in ``lang`` (kcs.yml site.name: text, or text per language)."""
        name = self.site.name
        if isinstance(name, Mapping):
            found = name.get(lang) or name.get(self.default_language)
            return str(found or next(iter(name.values())))
        return str(name)

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self.raw["languages"])

    @property
    def default_language(self) -> str:
        return str(self.raw["default_language"])

    @property
    def domains(self) -> Mapping[str, Any]:
        """Configured domains: folder name → a label, or labels per language."""
        return ReadOnlyMap(self.raw["domains"])

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
        for table, name in (
            (self.review.by_audience, audience),
            (self.review.by_domain, domain),
            (self.review.by_type, type),
        ):
            if name in table:
                return parse_duration(table[name])
        return self.review.every.days


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


def _check_path(value: Any, key: Key) -> str:
    text = _check_str(value, key)
    if not text.strip() or "\0" in text:
        raise ValueError("expected a file path")
    return text


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


def _same(value: Any) -> Any:
    return value


def _days(value: Any) -> dt.timedelta:
    return dt.timedelta(days=parse_duration(value))


class ReadOnlyMap(Mapping[str, Any]):
    """A mapping no caller can change, and that pickles (the forked article loader
    sends the knowledge base, configuration included, back to its parent)."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._data = dict(data)

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"ReadOnlyMap({self._data!r})"


def _frozen_map(value: Any) -> Mapping[str, Any]:
    return ReadOnlyMap(value)


#: key kind → what a section's field holds, from the checked value (the rest as checked)
_TYPED: dict[str, Callable[[Any], Any]] = {
    "duration": _days,
    "ids": tuple,
    "langs": tuple,
    "map": _frozen_map,
    "path": Path,
    "text": lambda value: _frozen_map(value) if isinstance(value, Mapping) else value,
}


def _check_text(value: Any, key: Key) -> str | dict[str, str]:
    """Text, or a mapping of language code → text."""
    if isinstance(value, Mapping):
        if not value or not all(isinstance(v, str) for v in value.values()):
            raise TypeError("expected text, or text per language, e.g. {sv: ..., en: ...}")
        return {str(k): v for k, v in value.items()}
    return _check_str(value, key)


def _check_synonyms(value: Any, key: Key) -> dict[str, list[list[str]]]:
    if not isinstance(value, Mapping):
        raise TypeError("expected a mapping of language → list of synonym groups")
    out: dict[str, list[list[str]]] = {}
    for lang, groups in value.items():
        if not isinstance(lang, str) or not re.fullmatch(r"[a-z]{2,3}", lang):
            raise ValueError(f"{lang!r} is not a language code such as sv or en")
        if not isinstance(groups, list):
            raise TypeError(f"{lang}: expected a list of groups, e.g. ['wifi, wlan']")
        out[lang] = []
        for group in groups:
            members = group.split(",") if isinstance(group, str) else group
            if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
                raise TypeError(f"{lang}: a group must be a list of words or 'a, b, c'")
            cleaned = [" ".join(m.lower().split()) for m in members if m.strip()]
            if len(cleaned) < 2:
                raise ValueError(f"{lang}: the group {group!r} needs two words or more")
            out[lang].append(cleaned)
    return out


_CHECKS: dict[str, Callable[[Any, Key], Any]] = {
    "synonyms": _check_synonyms,
    "str": _check_str,
    "text": _check_text,
    "path": _check_path,
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
