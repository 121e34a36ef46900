"""CSV exports (ServiceNow, Zendesk, Freshdesk): one row per article, streamed.

The file is read row by row with the csv module, so exports of any size fit in
memory one row at a time, and quoted fields may hold newlines. A row whose
number of columns differs from the header is reported with its line number and
skipped; the rest of the file goes on.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterator
from pathlib import Path

from .html import HtmlProblem, to_markdown
from .mapping import ImportMapping
from .model import Failure, Record
from .textio import checksum, guess_encoding

_SAMPLE = 1_000_000


def _encoding(path: Path, mapping: ImportMapping) -> str:
    if mapping.csv_encoding:
        return mapping.csv_encoding
    with path.open("rb") as handle:
        sample = handle.read(_SAMPLE)
    if sample.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start > len(sample) - 4:  # a character cut by the sample's end
            return "utf-8"
    return guess_encoding(sample) or "latin-1"


class CsvImporter:
    name: str = "csv"
    suffixes: tuple[str, ...] = (".csv", ".tsv")

    def read(self, path: Path, rel: str, mapping: ImportMapping) -> Iterator[Record | Failure]:
        if path.stat().st_size == 0:
            yield Failure(rel, "the file is empty")
            return
        encoding = _encoding(path, mapping)
        csv.field_size_limit(min(sys.maxsize, mapping.max_bytes))
        delimiter = "\t" if path.suffix.lower() == ".tsv" else mapping.csv_delimiter
        try:
            handle = path.open("r", encoding=encoding, newline="", errors="strict")
        except LookupError:
            yield Failure(rel, f"unknown encoding '{encoding}' (mapping csv.encoding)")
            return
        with handle:
            reader = csv.reader(handle, delimiter=delimiter)
            try:
                header = next(reader)
            except StopIteration:
                yield Failure(rel, "the file is empty")
                return
            except (csv.Error, UnicodeDecodeError) as exc:
                yield Failure(f"{rel}:1", f"cannot read the header: {exc}")
                return
            header = [h.strip().lstrip("\ufeff") for h in header]
            if not any(header):
                yield Failure(f"{rel}:1", "the first row must name the columns")
                return
            if not mapping.first("title", dict.fromkeys(header, "x"))[0]:
                yield Failure(
                    f"{rel}:1",
                    f"no title column among {', '.join(header)}; "
                    "map one with fields: {title: COLUMN} in the mapping file",
                )
                return
            line = reader.line_num
            while True:
                start = line + 1
                try:
                    row = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    yield Failure(f"{rel}:{start}", f"unreadable row: {exc}")
                    line = reader.line_num
                    continue
                except UnicodeDecodeError as exc:
                    yield Failure(
                        f"{rel}:{start}",
                        f"not {encoding}: {exc.reason}; set csv.encoding in the mapping file",
                    )
                    return
                line = reader.line_num
                if not any(cell.strip() for cell in row):
                    continue
                origin = f"{rel}:{start}"
                if len(row) != len(header):
                    yield Failure(
                        origin, f"row has {len(row)} columns, the header has {len(header)}; skipped"
                    )
                    continue
                meta = dict(zip(header, row, strict=True))
                yield from self._record(meta, rel, origin, mapping)

    def _record(
        self, meta: dict[str, str], rel: str, origin: str, mapping: ImportMapping
    ) -> Iterator[Record | Failure]:
        _title_col, title = mapping.first("title", meta)
        if not title:
            yield Failure(origin, "row has no title; skipped")
            return
        body_col, body = mapping.first("body", meta)
        body = body or ""
        fmt = mapping.csv_body_format
        try:
            markdown = (to_markdown(body) if body.strip() else "") if fmt == "html" else body
        except HtmlProblem as exc:
            yield Failure(origin, f"{exc}; skipped")
            return
        _id_col, ident = mapping.first("id", meta)
        raw = io.StringIO()
        csv.writer(raw).writerow(meta.values())
        used = {body_col} if body_col else set()
        yield Record(
            origin=origin,
            path=rel,
            key=str(ident or origin),
            meta={k: v for k, v in meta.items() if k not in used},
            body=markdown,
            checksum=checksum(raw.getvalue().encode()),
            file=None,
            kind="row",
            warnings=()
            if ident
            else ("no id: a re-import cannot recognise this row and will add it again",),
        )
