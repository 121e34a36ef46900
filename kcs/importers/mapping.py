"""The mapping file: which source field becomes which article field, and how.

Declared once in :data:`KEYS` (each key with its documentation, which
docs/guides/migration.md repeats and the tests compare). Every style (``docs``
for Microsoft-Docs-style Markdown, ``generic`` Markdown, ``html``, ``csv``)
brings defaults; a mapping file only states what differs. Unknown keys are
warnings; wrong values are errors naming the file and line.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..config import AUDIENCES, STATES, TYPES
from ..errors import ConfigError
from ..yamlio import YamlProblem, load_mapping

log = logging.getLogger(__name__)

#: Article fields a source field can be mapped to.
TARGETS: dict[str, str] = {
    "title": "The article title.",
    "summary": "One or two sentences for listings (Docs: description).",
    "body": "The article text (CSV: the column holding HTML, Markdown or plain text).",
    "id": "The original id in the source system, kept in source.id (CSV rows: required "
    "for re-imports).",
    "url": "The original address, kept in source.url.",
    "created": "Original creation date, kept in source.created.",
    "updated": "Original last-change date, kept in source.updated (Docs: ms.date).",
    "author": "Original author, kept in source.author.",
    "lang": "Language or locale (sv-SE becomes sv).",
    "domain": "Knowledge domain; values can be renamed with 'values'.",
    "tags": "Tags (a list, or text separated by commas or semicolons).",
    "audience": "Audience; values can be renamed with 'values'.",
    "state": "KCS state; values can be renamed with 'values'.",
    "type": "Article type; values can be renamed with 'values'.",
}

#: Mapping-file keys → documentation.
KEYS: dict[str, str] = {
    "system": "Name of the source system, stored in every article's source.system and "
    "used to find articles of earlier runs (default: the source folder's name).",
    "style": "Defaults to start from: docs (Microsoft Docs Markdown), generic (other "
    "Markdown), html or csv (default: from --format).",
    "fields": "Article field → source field name, or a list of names (the first one "
    "present wins). Targets: " + ", ".join(TARGETS) + ".",
    "values": "Per target field, source value → article value, e.g. domain: {Exchange: email}.",
    "defaults": "Per target field, the value when the source has none, e.g. audience: internal.",
    "domains": "Source path prefix → domain, e.g. Exchange/: email (longest prefix wins; "
    "--into wins over all).",
    "date_formats": "strptime formats tried for dates after ISO 8601 (docs: %m/%d/%Y).",
    "exclude": "Glob patterns of source paths not to import as articles (docs: includes "
    "and media folders).",
    "include_dirs": "Extra folders [!INCLUDE] may read from, relative to the mapping file "
    "(includes inside the source folder always work).",
    "link_base": "URL put before site-absolute links (/path) of the source "
    "(docs: https://learn.microsoft.com/en-us).",
    "missing_images": "What to do with images whose file is not in the source: text "
    "(replace by the alt text, the default) or drop.",
    "headings": "Extra source heading → KCS section (issue, environment, resolution, "
    "cause) pairs, on top of the built-in English, Swedish, Finnish and Dutch ones.",
    "id_prefix": "Text put before every generated id, e.g. 'zd-'.",
    "translations": "Link files with the same path under locale folders (sv-SE/, fi-FI/) "
    "as translations (default: true).",
    "max_bytes": "Largest source file imported, in bytes (default 5000000).",
    "csv": "CSV options: delimiter (default ','), encoding (default: detected), "
    "body_format (html, markdown or text; default html).",
}

_DEFAULT_FIELDS: dict[str, dict[str, list[str]]] = {
    "docs": {
        "title": ["title"],
        "summary": ["description"],
        "updated": ["ms.date"],
        "author": ["author"],
        "lang": ["ms.contentlocale"],
        "id": ["ms.assetid"],
        "type": ["ms.topic"],
    },
    "generic": {
        "title": ["title"],
        "summary": ["description", "summary"],
        "created": ["created", "date"],
        "updated": ["updated", "modified", "date"],
        "author": ["author"],
        "lang": ["lang", "language", "locale"],
        "tags": ["tags", "keywords"],
        "id": ["id"],
    },
    "html": {
        "title": ["_h1", "title"],
        "summary": ["description"],
        "created": ["article:published_time", "created", "date"],
        "updated": ["article:modified_time", "modified", "last-modified", "date"],
        "author": ["author"],
        "lang": ["lang"],
        "tags": ["keywords"],
        "id": ["id"],
        "url": ["canonical"],
    },
    "csv": {
        "title": ["title", "subject", "name", "short_description"],
        "body": ["body", "content", "text", "article_body", "html"],
        "summary": ["description", "summary"],
        "id": ["id", "number", "sys_id", "article_id"],
        "url": ["url", "html_url"],
        "created": ["created", "created_at", "sys_created_on"],
        "updated": ["updated", "updated_at", "sys_updated_on"],
        "author": ["author", "author_name"],
        "lang": ["locale", "language", "lang"],
        "domain": ["category", "section", "kb_category"],
        "tags": ["tags", "labels", "label_names"],
    },
}

_DOCS_TYPES = {
    "troubleshooting": "problem",
    "troubleshooting-problem-resolution": "problem",
    "troubleshooting-general": "problem",
    "troubleshooting-known-issue": "known-error",
    "troubleshooting-error-codes": "problem",
    "how-to": "howto",
    "article": "howto",
    "conceptual": "reference",
    "reference": "reference",
    "overview": "reference",
}


@dataclass(frozen=True)
class ImportMapping:
    """A mapping file merged over the style's defaults."""

    style: str = "generic"
    system: str | None = None
    fields: dict[str, tuple[str, ...]] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)
    domains: dict[str, str] = field(default_factory=dict)
    date_formats: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    link_base: str = ""
    include_dirs: tuple[str, ...] = ()
    missing_images: str = "text"
    headings: dict[str, str] = field(default_factory=dict)
    id_prefix: str = ""
    translations: bool = True
    max_bytes: int = 5_000_000
    csv_delimiter: str = ","
    csv_encoding: str | None = None
    csv_body_format: str = "html"
    file: str | None = None  # the mapping file, for messages

    def first(self, target: str, meta: dict[str, Any] | Any) -> tuple[str | None, Any]:
        """(source field, value) of the first mapped source field present in ``meta``."""
        for name in self.fields.get(target, ()):
            value = meta.get(name)
            if value not in (None, "", []):
                return name, value
        return None, None

    def mapped_sources(self) -> set[str]:
        return {name for names in self.fields.values() for name in names}


def defaults(style: str) -> ImportMapping:
    """The built-in mapping of ``style``."""
    if style not in _DEFAULT_FIELDS:
        raise ConfigError(f"style '{style}' is not one of {', '.join(_DEFAULT_FIELDS)}")
    fields = {k: tuple(v) for k, v in _DEFAULT_FIELDS[style].items()}
    if style == "docs":
        return ImportMapping(
            style=style,
            fields=fields,
            values={"type": dict(_DOCS_TYPES)},
            defaults={"lang": "en"},
            date_formats=("%m/%d/%Y", "%m/%d/%y"),
            exclude=("includes/**", "**/includes/**", "**/media/**", "media/**"),
            link_base="https://learn.microsoft.com/en-us",
        )
    return ImportMapping(
        style=style, fields=fields, date_formats=("%d.%m.%Y", "%m/%d/%Y", "%Y/%m/%d")
    )


def load(path: Path | None, *, style: str) -> tuple[ImportMapping, list[str]]:
    """Read a mapping file over the defaults of ``style``.

    Returns the mapping and warnings (unknown keys). Raises :class:`ConfigError`
    with ``file:line: ...`` for wrong values.
    """
    if path is None:
        return defaults(style), []
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the mapping file: {exc}") from None
    try:
        loaded = load_mapping(text)
    except YamlProblem as exc:
        raise ConfigError(f"{path}:{exc.line or 1}: {exc.message}") from None
    data, lines = loaded.data, loaded.lines
    warnings: list[str] = []

    def fail(key: str, message: str) -> ConfigError:
        return ConfigError(f"{path}:{lines.get(key, 1)}: {key}: {message}")

    chosen = data.get("style", style)
    if not isinstance(chosen, str) or chosen not in _DEFAULT_FIELDS:
        raise fail("style", f"'{chosen}' is not one of {', '.join(_DEFAULT_FIELDS)}")
    base = defaults(chosen)
    changes: dict[str, Any] = {"file": str(path)}

    for key in data:
        if key not in KEYS:
            import difflib

            close = difflib.get_close_matches(key, list(KEYS), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            warnings.append(f"{path}:{lines.get(key, 1)}: unknown key '{key}' ignored{hint}")

    def text_value(key: str) -> str | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, str | int) or isinstance(value, bool):
            raise fail(key, "must be text")
        return str(value)

    def str_map(key: str, value: Any) -> dict[str, str]:
        if not isinstance(value, dict):
            raise fail(key, "must be a mapping of names to values")
        out: dict[str, str] = {}
        for k, v in value.items():
            if isinstance(v, dict | list) or v is None:
                raise fail(key, f"'{k}' must map to one value")
            out[str(k)] = str(v)
        return out

    if (system := text_value("system")) is not None:
        changes["system"] = system
    if "fields" in data:
        value = data["fields"]
        if not isinstance(value, dict):
            raise fail("fields", "must map article fields to source field names")
        fields = dict(base.fields)
        for target, names in value.items():
            if target not in TARGETS:
                raise fail(
                    "fields", f"'{target}' is not an article field; use one of {', '.join(TARGETS)}"
                )
            if isinstance(names, str):
                names = [names]
            if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
                raise fail("fields", f"'{target}' must name a source field or a list of them")
            fields[target] = tuple(names)
        changes["fields"] = fields
    if "values" in data:
        value = data["values"]
        if not isinstance(value, dict):
            raise fail("values", "must map article fields to value renames")
        merged = {k: dict(v) for k, v in base.values.items()}
        for target, renames in value.items():
            if target not in TARGETS:
                raise fail("values", f"'{target}' is not an article field")
            merged.setdefault(str(target), {}).update(str_map("values", renames))
        changes["values"] = merged
    if "defaults" in data:
        given = str_map("defaults", data["defaults"])
        for target, v in given.items():
            if target not in TARGETS:
                raise fail("defaults", f"'{target}' is not an article field")
            allowed = {"audience": AUDIENCES, "state": STATES, "type": TYPES}.get(target)
            if allowed and v not in allowed:
                raise fail("defaults", f"{target} '{v}' is not one of {', '.join(allowed)}")
        changes["defaults"] = {**base.defaults, **given}
    if "domains" in data:
        changes["domains"] = str_map("domains", data["domains"])
    for key, attr in (("date_formats", "date_formats"), ("exclude", "exclude")):
        if key in data:
            value = data[key]
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise fail(key, "must be a list of text values")
            changes[attr] = tuple(value)
    if "include_dirs" in data:
        value = data["include_dirs"]
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise fail("include_dirs", "must be a list of folders")
        changes["include_dirs"] = tuple(str((path.parent / v).resolve()) for v in value)
    if (link_base := text_value("link_base")) is not None:
        changes["link_base"] = link_base.rstrip("/")
    if (missing := text_value("missing_images")) is not None:
        if missing not in ("text", "drop"):
            raise fail("missing_images", f"'{missing}' is not one of text, drop")
        changes["missing_images"] = missing
    if "headings" in data:
        headings = str_map("headings", data["headings"])
        for heading, key in headings.items():
            if key not in ("issue", "environment", "resolution", "cause"):
                raise fail(
                    "headings",
                    f"'{heading}' maps to '{key}'; use issue, environment, resolution or cause",
                )
        changes["headings"] = {k.strip().lower(): v for k, v in headings.items()}
    if (prefix := text_value("id_prefix")) is not None:
        changes["id_prefix"] = prefix
    if "translations" in data:
        if not isinstance(data["translations"], bool):
            raise fail("translations", "must be true or false")
        changes["translations"] = data["translations"]
    if "max_bytes" in data:
        value = data["max_bytes"]
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            raise fail("max_bytes", "must be a positive whole number of bytes")
        changes["max_bytes"] = value
    if "csv" in data:
        options = str_map("csv", data["csv"])
        for name in options:
            if name not in ("delimiter", "encoding", "body_format"):
                warnings.append(f"{path}:{lines.get('csv', 1)}: unknown key 'csv.{name}' ignored")
        if "delimiter" in options:
            if len(options["delimiter"]) != 1:
                raise fail("csv", "delimiter must be one character")
            changes["csv_delimiter"] = options["delimiter"]
        if "encoding" in options:
            changes["csv_encoding"] = options["encoding"]
        if "body_format" in options:
            if options["body_format"] not in ("html", "markdown", "text"):
                raise fail("csv", "body_format must be html, markdown or text")
            changes["csv_body_format"] = options["body_format"]
    return replace(base, **changes), warnings
