"""The values importers produce: one source article read, or one failure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Record:
    """One source article as read, before mapping and conversion.

    ``path`` is the source file relative to the import root (forward slashes);
    ``key`` identifies the record inside its source system for re-imports (the
    path for files, the id column for CSV rows). ``body`` is Markdown (HTML
    sources are converted on reading). ``meta`` holds the source's own fields.
    """

    origin: str  # where, for messages: "Outlook/x.md" or "export.csv:12"
    path: str
    key: str
    meta: Mapping[str, Any]
    body: str
    checksum: str
    file: Path | None = None  # the source file, for resolving includes and links
    warnings: tuple[str, ...] = ()
    kind: str = "file"  # "file" (one article per file) or "row" (one per CSV row)


@dataclass(frozen=True)
class Failure:
    """A source file or row that could not be imported; ``message`` is one line."""

    origin: str
    message: str
