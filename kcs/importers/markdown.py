"""Markdown folders with foreign front matter (Microsoft Docs style or any other)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from ..article import split_front_matter
from ..yamlio import YamlProblem, load_mapping
from .mapping import ImportMapping
from .model import Failure, Record
from .textio import ReadProblem, checksum, read_source

_H1 = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.M)
_ANCHOR = re.compile(r"<a\s+(?:name|id)=\"[^\"]*\"\s*>\s*</a>", re.I)


def first_heading(body: str) -> str | None:
    match = _H1.search(body)
    return _ANCHOR.sub("", match.group(1)).strip() if match else None


class MarkdownImporter:
    name: str = "md"
    suffixes: tuple[str, ...] = (".md", ".markdown")

    def read(self, path: Path, rel: str, mapping: ImportMapping) -> Iterator[Record | Failure]:
        try:
            data, text, warnings = read_source(path, mapping.max_bytes)
        except ReadProblem as exc:
            yield Failure(rel, str(exc))
            return
        front, body, body_line = split_front_matter(text)
        meta: dict[str, object] = {}
        if front is None:
            warnings.append("no front matter; title taken from the first heading or the file name")
        else:
            if not any(line.strip() in ("---", "...") for line in text.split("\n")[1:]):
                yield Failure(rel, "front matter is not closed with a '---' line")
                return
            try:
                meta = dict(load_mapping(front).data)
            except YamlProblem as exc:
                yield Failure(
                    f"{rel}:{(exc.line or 0) + 1}",
                    f"broken front matter: {exc.message}; fix the YAML between the '---' lines",
                )
                return
        if not body.strip() and not meta:
            yield Failure(rel, "no text to import")
            return
        heading = first_heading(body)
        if heading:
            meta.setdefault("_h1", heading)
        yield Record(
            origin=rel,
            path=rel,
            key=rel,
            meta=meta,
            body=body,
            checksum=checksum(data),
            file=path,
            warnings=tuple(warnings),
        )
