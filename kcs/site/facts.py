"""An article's facts where agents and authors read it: the internal site's article pages.

Views and helpful share of the last 90 days, the reasons readers gave, open flags
("outdated" answers since the article last changed), open proposals with a link to each
proposal page, translation status and the review date. Everything comes from what the
reports read (the usage database, the Git history, the proposal branches), read once per
build of the internal site; a wider site gets no facts at all.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from typing import Any

from ..errors import KcsError
from .model import SiteContext

log = logging.getLogger(__name__)

REASONS = ("outdated", "unclear", "mismatch", "other")


DAYS = 90


def _usage(ctx: SiteContext) -> tuple[dict[str, dict[str, Any]], dict[str, int]]:
    """(article id → views, helped, not helped and reasons of the last 90 days,
    article id → "outdated" answers since the article last changed)."""
    from ..usage.store import connect, database_path

    today = ctx.now.date()
    first = (today - dt.timedelta(days=DAYS - 1)).isoformat()
    stats: dict[str, dict[str, Any]] = {}
    flags: list[tuple[str, str, int]] = []
    try:
        db = database_path(ctx.kb.root)
        if not db.is_file():
            return {}, {}
        conn = connect(db)
        try:
            rows = conn.execute(
                "SELECT article, metric, key, sum(value) FROM daily WHERE metric IN "
                "('views', 'helped', 'not_helped', 'reason') AND article != '' "
                "AND day BETWEEN ? AND ? GROUP BY article, metric, key",
                (first, today.isoformat()),
            ).fetchall()
            flags = conn.execute(
                "SELECT day, article, sum(value) FROM daily WHERE metric = 'reason' "
                "AND key = 'outdated' AND article != '' AND day <= ? GROUP BY day, article",
                (today.isoformat(),),
            ).fetchall()
        finally:
            conn.close()
    except (KcsError, sqlite3.Error) as exc:
        log.warning("usage data unreadable (%s); article facts leave usage out", exc)
        return {}, {}
    for ident, metric, key, value in rows:
        entry = stats.setdefault(ident, {"views": 0, "helped": 0, "not_helped": 0, "reasons": {}})
        if metric == "reason":
            entry["reasons"][key] = entry["reasons"].get(key, 0) + int(value)
        else:
            entry[metric] += int(value)
    changed: dict[str, str] = {}
    if ctx.history is not None:
        for article in ctx.articles:
            history = ctx.history.for_path(article.path)
            if history is not None:
                changed[article.id] = history.updated.date().isoformat()
    open_flags: dict[str, int] = {}
    for day, ident, count in flags:
        if ident in changed and day < changed[ident]:
            continue  # answered by a later change of the article
        open_flags[ident] = open_flags.get(ident, 0) + int(count)
    return stats, open_flags


def _proposals(ctx: SiteContext) -> dict[str, list[dict[str, Any]]]:
    from ..review.listing import list_proposals

    try:
        found = list_proposals(ctx.kb.root)
    except KcsError as exc:
        log.warning("proposals are not shown in article facts: %s", exc)
        return {}
    out: dict[str, list[dict[str, Any]]] = {}
    for proposal in found:
        for ident in proposal.articles:
            out.setdefault(ident, []).append(
                {
                    "branch": proposal.branch,
                    "author": proposal.author or proposal.author_name,
                    "days": proposal.age_days(ctx.now),
                    "url": f"proposals/{ident}/",
                }
            )
    return out


def _updated(ctx: SiteContext, path: str) -> dt.datetime | None:
    history = ctx.history.for_path(path) if ctx.history is not None else None
    return history.updated if history is not None else None


def article_facts(ctx: SiteContext) -> dict[str, dict[str, Any]]:
    """``meta["kcs"]["facts"]`` of each article of the internal site (empty elsewhere)."""
    if not ctx.internal:
        return {}
    stats, open_flags = _usage(ctx)
    proposals = _proposals(ctx)
    by_id = {a.id: a for a in ctx.articles}
    groups: dict[str, list[Any]] = {}
    for article in ctx.articles:
        groups.setdefault(article.translation_of or article.id, []).append(article)
    out: dict[str, dict[str, Any]] = {}
    for article in ctx.articles:
        use = stats.get(article.id) or {"views": 0, "helped": 0, "not_helped": 0, "reasons": {}}
        votes = use["helped"] + use["not_helped"]
        reasons = [
            {"reason": r, "count": use["reasons"][r]} for r in REASONS if use["reasons"].get(r)
        ]
        mine = _updated(ctx, article.path)
        translations = []
        for other in groups.get(article.translation_of or article.id, []):
            if other.id == article.id:
                continue
            source = by_id.get(other.translation_of or "") if other.translation_of else None
            theirs = _updated(ctx, other.path)
            if other.translation_of == article.id and mine and theirs:
                status = "outdated" if mine > theirs else "current"
            elif source is None:
                status = "source"
            else:
                status = "current"
            translations.append(
                {"lang": other.lang, "id": other.id, "url": other.url, "status": status}
            )
        source_status = None
        source = by_id.get(article.translation_of or "")
        if source is not None:
            theirs = _updated(ctx, source.path)
            source_status = "outdated" if mine and theirs and theirs > mine else "current"
        out[article.id] = {
            "views_90d": use["views"],
            "votes": votes,
            "helpful_pct": round(100 * use["helped"] / votes) if votes else None,
            "reasons": reasons,
            "open_flags": open_flags.get(article.id, 0),
            "proposals": proposals.get(article.id, []),
            "translations": sorted(translations, key=lambda t: t["lang"]),
            "translation_status": source_status,
            "has_usage": bool(stats),
        }
    return out
