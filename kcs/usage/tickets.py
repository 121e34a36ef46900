"""Ticket exports (CSV) → KCS measures: link rate, reuse, known vs new, channels, gaps.

The column mapping comes from kcs.yml ``usage.tickets`` (keys id, opened, closed,
category, channel, text; values are the export's column headings). Only the
ticket id, dates, category, channel and the article ids found in the text are
stored: the ticket text itself never is (it is full of personal data).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError, KcsError
from .store import connect

FIELDS = ("id", "opened", "closed", "category", "channel", "text")

_URL = re.compile(r"/a/([a-z0-9][a-z0-9._-]{0,99})(?=/|\b)")
_TOKEN = re.compile(r"(?<![\w/.-])[a-z0-9][a-z0-9._-]{2,99}(?![\w-])")
_DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y",
)


@dataclass(frozen=True)
class ImportResult:
    rows: int
    linked: int
    skipped: int  # rows without a ticket id


def find_articles(text: str, known: Iterable[str]) -> list[str]:
    """Article ids referenced in ``text``: article URLs (``/a/<id>/``) always, bare ids
    only when they name a known article and contain a hyphen or a digit (so that the
    word "vpn" is not taken for an article called vpn)."""
    ids = set(known)
    found = {m.group(1) for m in _URL.finditer(text)}
    lowered = text.lower()
    found |= {
        t
        for t in _TOKEN.findall(lowered)
        if t in ids and ("-" in t or any(ch.isdigit() for ch in t))
    }
    return sorted(found)


def _decode(data: bytes) -> str:
    """Exports come as UTF-8, UTF-16 or Windows code pages: detect, don't guess."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is None:
            raise KcsError("the ticket export is not text in any encoding I know") from None
        return str(best)


def _date(value: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        pass
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).date().isoformat()
        except ValueError:
            continue
    return ""


def import_tickets(
    db: Path, export: Path, mapping: Mapping[str, str], known_ids: Iterable[str]
) -> ImportResult:
    """Read a ticket export into ``db`` (re-importing the same tickets replaces them)."""
    columns = {name: str(mapping.get(name, name)) for name in FIELDS}
    unknown = set(mapping) - set(FIELDS)
    if unknown:
        raise ConfigError(
            f"kcs.yml: usage.tickets has unknown keys {sorted(unknown)}; use {', '.join(FIELDS)}"
        )
    try:
        text = _decode(export.read_bytes())
    except OSError as exc:
        raise KcsError(f"{export}: cannot read ({exc.strerror})") from None
    sample = text[:8192]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, ",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    headings = reader.fieldnames or []
    for name in ("id", "text"):
        if columns[name] not in headings:
            raise ConfigError(
                f"{export}: no column '{columns[name]}' for the ticket {name}; set "
                f"usage.tickets.{name} in kcs.yml to one of: {', '.join(headings)}"
            )
    known = list(known_ids)
    rows, skipped = [], 0
    for record in reader:
        ident = (record.get(columns["id"]) or "").strip()
        if not ident:
            skipped += 1
            continue
        articles = find_articles(record.get(columns["text"]) or "", known)
        rows.append(
            (
                ident,
                _date(record.get(columns["opened"]) or ""),
                _date(record.get(columns["closed"]) or ""),
                (record.get(columns["category"]) or "").strip(),
                (record.get(columns["channel"]) or "").strip(),
                ",".join(articles),
            )
        )
    conn = connect(db)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany("INSERT OR REPLACE INTO tickets VALUES (?, ?, ?, ?, ?, ?)", rows)
        conn.execute("COMMIT")
    finally:
        conn.close()
    return ImportResult(len(rows), sum(1 for r in rows if r[5]), skipped)
