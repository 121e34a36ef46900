"""The migration triage report: what came in, what needs a look, what is used.

KCS advice for migrations: import everything as Not Validated and let use
decide what to review first. So beside counts and warnings the report lists
the imported articles that readers actually opened, most used first, once
usage data exists (kcs usage ingest).
"""

from __future__ import annotations

import logging
import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any

from .pipeline import ImportResult

log = logging.getLogger(__name__)

#: Warning codes and what they mean, in the order the report shows them.
CODES: dict[str, str] = {
    "missing-include": "Include files that were not found",
    "broken-link": "Links to articles or files that were not imported",
    "missing-image": "Images whose file is not in the source",
    "unsafe-link": "Script links removed",
    "image-alt": "Images without alt text (a generic one was added)",
    "personal-data": "Personal data found (check before widening the audience)",
    "unmapped-value": "Values the mapping does not know",
    "bad-date": "Dates that could not be read",
    "no-resolution": "No Resolution section (imported as type reference)",
    "placeholder": "Placeholder text (imported as wip)",
    "kept": "Validated or archived since the last import (left as they are)",
    "read": "Reading notes (encoding, front matter, scripts removed)",
    "mapping": "Mapping file warnings",
}


def _folder(origin: str) -> str:
    """The top folder of a source path (``Exchange/x/y.md`` → ``Exchange``), or the file."""
    path = origin.split(":", 1)[0]
    return path.split("/", 1)[0] if "/" in path else "."


def _rank(code: str) -> int:
    return list(CODES).index(code) if code in CODES else len(CODES)


def usage_counts(root: Path) -> dict[str, int] | None:
    """Page views per article id from the usage database, or None without one."""
    try:
        from ..usage.store import database_path

        path = database_path(root)
    except Exception:  # noqa: BLE001 - no usage module or no config: no usage data
        return None
    if not path.is_file():
        return None
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = conn.execute(
                "SELECT article, SUM(value) FROM daily WHERE metric = 'views' "
                "AND article != '' GROUP BY article"
            ).fetchall()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        log.warning("%s: usage data not readable (%s); report without it", path, exc)
        return None
    return {str(article): int(value) for article, value in rows}


def to_dict(result: ImportResult, root: Path | None = None) -> dict[str, Any]:
    used = _used(result, root)
    return {
        "source": result.source,
        "system": result.system,
        "format": result.format,
        "style": result.style,
        "dry_run": result.dry_run,
        "seconds": round(result.seconds, 2),
        "counts": {
            "articles": len(result.actions),
            "failed": len(result.failures),
            **{k: result.count(k) for k in ("create", "update", "unchanged", "kept")},
            "assets": result.assets,
        },
        "by_source": dict(sorted(Counter(_folder(a.origin) for a in result.actions).items())),
        "by_domain": dict(sorted(Counter(a.domain for a in result.actions).items())),
        "by_lang": dict(sorted(Counter(a.lang for a in result.actions).items())),
        "by_state": dict(sorted(Counter(a.state for a in result.actions).items())),
        "by_type": dict(sorted(Counter(a.type for a in result.actions).items())),
        "warnings_by_code": dict(Counter(w.code for w in result.warnings).most_common()),
        "failures": [{"origin": f.origin, "message": f.message} for f in result.failures],
        "warnings": [
            {"origin": w.origin, "code": w.code, "message": w.message} for w in result.warnings
        ],
        "unmapped_fields": result.unmapped,
        "duplicates": [g.as_dict() for g in result.duplicates],
        "used": used,
        "articles": [a.__dict__ for a in result.actions],
    }


def _used(result: ImportResult, root: Path | None) -> list[dict[str, Any]] | None:
    counts = usage_counts(root) if root is not None else None
    if counts is None:
        return None
    rows = [
        {"id": a.id, "path": a.path, "views": counts[a.id]}
        for a in result.actions
        if counts.get(a.id)
    ]
    return sorted(rows, key=lambda r: (-r["views"], r["id"]))


def summary_lines(result: ImportResult) -> list[str]:
    """The short text the command prints."""
    verb = "would be" if result.dry_run else "were"
    lines = [
        f"{len(result.actions)} articles from {result.system} ({result.format}, "
        f"{result.style} style) in {result.seconds:.1f} s: "
        f"{result.count('create')} created, {result.count('update')} updated, "
        f"{result.count('unchanged')} unchanged, {result.count('kept')} kept"
        + (" (dry run: nothing written)" if result.dry_run else ""),
    ]
    if result.failures:
        lines.append(f"{len(result.failures)} files or rows failed (listed above)")
    codes = Counter(w.code for w in result.warnings)
    for code, number in sorted(codes.items(), key=lambda kv: (-kv[1], _rank(kv[0]))):
        lines.append(f"  {number:6d}  {code}: {CODES.get(code, code)}")
    if result.duplicates:
        lines.append(f"{len(result.duplicates)} groups of near-duplicates {verb} found:")
        for group in result.duplicates[:10]:
            others = ", ".join(f"{m.id} ({m.similarity:.0%})" for m in group.others)
            lines.append(f"  keep {group.keeper.id}: {others}")
        if len(result.duplicates) > 10:
            lines.append("  ... (all of them in --report or kcs report duplicates)")
    return lines


def render_markdown(result: ImportResult, root: Path | None = None) -> str:
    data = to_dict(result, root)
    out = [f"# Migration report: {result.system}", ""]
    out.append(
        f"Source `{result.source}` ({result.format}, {result.style} style), "
        f"{'dry run' if result.dry_run else 'imported'} in {result.seconds:.1f} s."
    )
    out += ["", "## Counts", "", "| | Articles |", "|---|---:|"]
    out += [f"| {k} | {v} |" for k, v in data["counts"].items()]
    for title, key in (
        ("Per source folder", "by_source"),
        ("Per domain", "by_domain"),
        ("Per language", "by_lang"),
        ("Per state", "by_state"),
        ("Per type", "by_type"),
    ):
        out += ["", f"## {title}", "", "| | Articles |", "|---|---:|"]
        out += [f"| {k} | {v} |" for k, v in data[key].items()]
    out += ["", "## Used imported articles (review these first)", ""]
    if data["used"] is None:
        out.append(
            "No usage data yet: run `kcs usage ingest`, then import again with "
            "`--dry-run --report` to rank the imported articles by use."
        )
    elif not data["used"]:
        out.append("No imported article has been read yet.")
    else:
        out += ["| Article | Views |", "|---|---:|"]
        out += [f"| [{u['id']}]({u['path']}) | {u['views']} |" for u in data["used"][:200]]
    if result.failures:
        out += ["", "## Failed", ""]
        out += [f"- `{f.origin}`: {f.message}" for f in result.failures]
    out += ["", "## Warnings", ""]
    by_code: dict[str, list[str]] = {}
    for w in result.warnings:
        by_code.setdefault(w.code, []).append(f"- `{w.origin}`: {w.message}")
    if not by_code:
        out.append("None.")
    for code in sorted(by_code, key=_rank):
        out += ["", f"### {CODES.get(code, code)} ({len(by_code[code])})", ""]
        out += by_code[code]
    out += ["", "## Source fields not mapped", ""]
    if result.unmapped:
        out += ["| Field | Files |", "|---|---:|"]
        out += [f"| `{k}` | {v} |" for k, v in result.unmapped.items()]
    else:
        out.append("None.")
    out += ["", "## Near-duplicates", ""]
    if not result.duplicates:
        out.append("None found.")
    for group in result.duplicates:
        keeper = group.keeper
        out.append(
            f"- keep **{keeper.id}** ({keeper.state}, {keeper.words} words): "
            + "; ".join(f"{m.id} ({m.similarity:.0%})" for m in group.others)
        )
    return "\n".join(out) + "\n"
