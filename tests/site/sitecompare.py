"""Compare two built sites file for file (import as ``sitecompare``).

Every file must be byte for byte the same, with one exception that two *full* builds of
one commit share: Pagefind writes the values of a filter (the domain) in a different order
from run to run, so the filter chunk, and the names that carry its hash (the language's
meta chunk, pagefind-entry.json), differ between identical builds. Those are decoded and
compared as content instead.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from typing import Any

import cbor2

_FILTER = re.compile(r"^pagefind/filter/(?P<lang>[^_/]+)_[0-9a-f]+\.pf_filter$")
_META = re.compile(r"^pagefind/pagefind\.(?P<lang>[^_/]+)_[0-9a-f]+\.pf_meta$")
_ENTRY = "pagefind/pagefind-entry.json"
_HEADER = b"pagefind_dcd"


def _decode(path: Path) -> Any:
    raw = gzip.decompress(path.read_bytes())
    assert raw.startswith(_HEADER), f"{path}: not a Pagefind chunk"
    return cbor2.loads(raw[len(_HEADER) :])


def _canonical(relative: str, path: Path) -> tuple[str, Any]:
    """The name and content a file is compared by."""
    if found := _FILTER.match(relative):
        name, values = _decode(path)
        return f"pagefind/filter/{found['lang']}", [name, sorted(values, key=repr)]
    if found := _META.match(relative):
        meta = _decode(path)
        # the filters' chunk names ([[filter, "<lang>_<hash>"]]) follow the order above
        return f"pagefind/meta/{found['lang']}", [
            [[name, "<filter chunk>"] for name, _ in part] if index == 3 else part
            for index, part in enumerate(meta)
        ]
    if relative == _ENTRY:
        entry = json.loads(path.read_text(encoding="utf-8"))
        for language in entry.get("languages", {}).values():
            language["hash"] = "<meta chunk>"
        return relative, entry
    return relative, path.read_bytes()


def contents(site: Path) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for path in sorted(site.rglob("*")):
        if path.is_file():
            name, content = _canonical(path.relative_to(site).as_posix(), path)
            out[name] = content
    return out


def differences(one: Path, other: Path) -> list[str]:
    """What differs between the sites in ``one`` and ``other`` (empty: the same)."""
    a, b = contents(one), contents(other)
    found = [f"only in {one.name} of the first: {name}" for name in sorted(a.keys() - b.keys())]
    found += [f"only in {other.name} of the second: {name}" for name in sorted(b.keys() - a.keys())]
    found += [f"differs: {name}" for name in sorted(a.keys() & b.keys()) if a[name] != b[name]]
    return found
