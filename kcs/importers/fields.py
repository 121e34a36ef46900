"""Source fields → article fields, through the mapping file."""

from __future__ import annotations

import datetime as dt
import fnmatch
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from ..article import slugify
from ..config import AUDIENCES, STATES, TYPES, Config
from .mapping import ImportMapping
from .model import Record

_LOCALE_DIR = re.compile(r"^([a-z]{2,3})(?:[-_][A-Za-z]{2,4})?$")


@dataclass(frozen=True)
class Mapped:
    """An article's front matter before conversion, and what mapping noticed."""

    title: str
    lang: str
    domain: str
    summary: str
    tags: tuple[str, ...]
    audience: str
    state: str
    type: str | None
    source: dict[str, Any]
    translation_key: str | None  # same key = same article in another language
    base_id: str
    warnings: tuple[tuple[str, str], ...]


def excluded(path: str, mapping: ImportMapping) -> bool:
    return any(fnmatch.fnmatch(path, pattern) for pattern in mapping.exclude)


def locale_of(value: str) -> str | None:
    """``sv-SE`` → ``sv``; None when ``value`` does not look like a locale."""
    match = _LOCALE_DIR.match(value.strip())
    return match.group(1).lower() if match else None


def parse_date(value: Any, formats: tuple[str, ...]) -> str | None:
    """An ISO date (YYYY-MM-DD) from a date, an ISO string or one of ``formats``."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        pass
    for fmt in formats:
        try:
            return dt.datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def map_record(
    record: Record,
    mapping: ImportMapping,
    config: Config,
    *,
    system: str,
    into: str | None,
    lang: str | None,
) -> Mapped:
    """The article fields of ``record``."""
    meta = record.meta
    warnings: list[tuple[str, str]] = []

    def value(target: str) -> Any:
        _name, found = mapping.first(target, meta)
        if found is None:
            found = mapping.defaults.get(target)
        if isinstance(found, str):
            renames = mapping.values.get(target, {})
            found = renames.get(found, renames.get(found.lower(), found))
        return found

    title = value("title") or meta.get("_h1") or PurePosixPath(record.path).stem.replace("-", " ")
    title = re.sub(r"\s+", " ", str(title)).strip()

    parts = PurePosixPath(record.path).parts
    folder_lang = locale_of(parts[0]) if len(parts) > 1 and mapping.translations else None
    if folder_lang and folder_lang not in config.languages:
        folder_lang = None
    raw_lang = lang or value("lang")
    chosen = locale_of(str(raw_lang)) if raw_lang else None
    if lang is None and folder_lang:
        chosen = folder_lang
    if chosen not in config.languages:
        fallback = config.default_language
        if raw_lang:
            warnings.append(
                (
                    "unmapped-value",
                    f"language '{raw_lang}' is not in kcs.yml languages; imported as {fallback}",
                )
            )
        chosen = fallback
    assert chosen is not None

    domain_value = value("domain")
    domain = into
    if domain is None:
        for prefix in sorted(mapping.domains, key=len, reverse=True):
            if record.path.startswith(prefix):
                domain = mapping.domains[prefix]
                break
    if domain is None and domain_value:
        domain = slugify(str(domain_value), max_length=40)
    domain = slugify(domain or system, max_length=40)

    def choice(target: str, allowed: tuple[str, ...], default: str | None) -> str | None:
        found = value(target)
        if found is None:
            return default
        found = str(found).strip().lower()
        if found not in allowed:
            if target != "type":
                warnings.append(
                    (
                        "unmapped-value",
                        f"{target} '{found}' is not one of {', '.join(allowed)}; using {default}",
                    )
                )
            return default
        return found

    tags_value = value("tags")
    if isinstance(tags_value, str):
        tags_value = re.split(r"[;,]", tags_value)
    tags = (
        tuple(
            dict.fromkeys(
                slugify(str(t), max_length=40) for t in (tags_value or []) if str(t).strip()
            )
        )
        if isinstance(tags_value, list | tuple)
        else ()
    )

    source: dict[str, Any] = {"system": system}
    if record.kind != "row":
        source["path"] = record.path
    original_id = value("id")
    if original_id is not None and str(original_id).strip():
        source["id"] = str(original_id).strip()
    url = value("url")
    if url:
        source["url"] = str(url)
    for target in ("created", "updated"):
        raw = value(target)
        if raw is None:
            continue
        date = parse_date(raw, mapping.date_formats)
        if date is None:
            warnings.append(
                (
                    "bad-date",
                    f"{target} '{raw}' is not a date the mapping knows (date_formats); left out",
                )
            )
        else:
            source[target] = date
    author = value("author")
    if author:
        source["author"] = str(author)
    source["checksum"] = record.checksum

    translation_key = None
    if folder_lang:
        translation_key = "/".join(parts[1:])
    base = str(value("id") or "") if record.kind == "row" else ""
    base = slugify(base or PurePosixPath(record.path).stem, max_length=60)
    if record.kind == "row" and not value("id"):
        base = slugify(title, max_length=60)
    if folder_lang:
        base = f"{base}-{chosen}"
    base = slugify(mapping.id_prefix + base, max_length=90) if mapping.id_prefix else base

    summary = value("summary")
    return Mapped(
        title=title,
        lang=chosen,
        domain=domain,
        summary=re.sub(r"\s+", " ", str(summary)).strip() if summary else "",
        tags=tags,
        audience=choice("audience", AUDIENCES, "internal") or "internal",
        state=choice("state", STATES, "not-validated") or "not-validated",
        type=choice("type", TYPES, None),
        source=source,
        translation_key=translation_key,
        base_id=base,
        warnings=tuple(warnings),
    )


def unmapped_fields(meta: Mapping[str, Any], mapping: ImportMapping) -> list[str]:
    used = mapping.mapped_sources()
    return [k for k in meta if k not in used and not k.startswith("_")]
