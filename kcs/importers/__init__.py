"""Importers: bring existing knowledge bases in as Not Validated KCS articles.

Each source format is an :class:`Importer` in the explicit registry
:data:`IMPORTERS`. An importer only *reads*: it turns a file, a folder or a
CSV export into :class:`Record` values (Markdown body plus the source's own
fields) and :class:`Failure` values for what it could not read. Mapping the
fields, converting the body and writing articles is the same for every format
and lives in :mod:`kcs.importers.convert` and :mod:`kcs.importers.pipeline`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from .mapping import ImportMapping


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


class Importer(Protocol):
    """Reads one source format."""

    name: str
    #: file name endings this importer reads, lower case, with the dot
    suffixes: tuple[str, ...]

    def read(self, path: Path, rel: str, mapping: ImportMapping) -> Iterator[Record | Failure]:
        """Records (or failures) from one source file; ``rel`` is its path for messages."""
        ...


def _registry() -> dict[str, Importer]:
    from .csv import CsvImporter
    from .html import HtmlImporter
    from .markdown import MarkdownImporter

    return {"md": MarkdownImporter(), "html": HtmlImporter(), "csv": CsvImporter()}


#: format name → importer; filled on first use so ``kcs --help`` stays fast.
IMPORTERS: dict[str, Importer] = {}


def importer(name: str) -> Importer:
    """The importer for format ``name`` (md, html, csv)."""
    if not IMPORTERS:
        IMPORTERS.update(_registry())
    from ..errors import UsageError

    try:
        return IMPORTERS[name]
    except KeyError:
        raise UsageError(
            f"unknown import format '{name}'; use one of {', '.join(sorted(IMPORTERS))}"
        ) from None


def guess_format(path: Path) -> str:
    """The format of a file or folder from its name endings (md when unsure)."""
    if not IMPORTERS:
        IMPORTERS.update(_registry())
    candidates = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()][:500]
    counts: dict[str, int] = {}
    for candidate in candidates:
        for name, imp in IMPORTERS.items():
            if candidate.name.lower().endswith(imp.suffixes):
                counts[name] = counts.get(name, 0) + 1
    return max(sorted(counts), key=lambda n: counts[n]) if counts else "md"
