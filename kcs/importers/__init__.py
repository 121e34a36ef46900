"""Importers: bring existing knowledge bases in as Not Validated KCS articles.

Each source format is an :class:`Importer` in the explicit registry
:data:`IMPORTERS`. An importer only *reads*: it turns a file, a folder or a
CSV export into :class:`Record` values (Markdown body plus the source's own
fields) and :class:`Failure` values for what it could not read. Mapping the
fields, converting the body and writing articles is the same for every format
and lives in :mod:`kcs.importers.convert` and :mod:`kcs.importers.pipeline`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from .csv import CsvImporter
from .html import HtmlImporter
from .mapping import ImportMapping
from .markdown import MarkdownImporter
from .model import Failure, Record

__all__ = ["IMPORTERS", "Failure", "Importer", "Record", "guess_format", "importer"]


class Importer(Protocol):
    """Reads one source format."""

    name: str
    #: file name endings this importer reads, lower case, with the dot
    suffixes: tuple[str, ...]

    def read(self, path: Path, rel: str, mapping: ImportMapping) -> Iterator[Record | Failure]:
        """Records (or failures) from one source file; ``rel`` is its path for messages."""
        ...


#: format name → importer (the built-ins are implemented through the same Protocol)
IMPORTERS: dict[str, Importer] = {
    "md": MarkdownImporter(),
    "html": HtmlImporter(),
    "csv": CsvImporter(),
}


def importer(name: str) -> Importer:
    """The importer for format ``name`` (md, html, csv)."""
    from ..errors import UsageError

    try:
        return IMPORTERS[name]
    except KeyError:
        raise UsageError(
            f"unknown import format '{name}'; use one of {', '.join(sorted(IMPORTERS))}"
        ) from None


def guess_format(path: Path) -> str:
    """The format of a file or folder from its name endings (md when unsure)."""
    candidates = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()][:500]
    counts: dict[str, int] = {}
    for candidate in candidates:
        for name, imp in IMPORTERS.items():
            if candidate.name.lower().endswith(imp.suffixes):
                counts[name] = counts.get(name, 0) + 1
    return max(sorted(counts), key=lambda n: counts[n]) if counts else "md"
