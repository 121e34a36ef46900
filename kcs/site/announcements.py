"""Announcements (major incidents, planned changes): which are shown, and as what data.

An announcement is an article of type ``announcement`` with ``starts``/``ends`` and a
``severity``. The site is static, so the build keeps every announcement that has not
ended yet and the browser hides one whose ``ends`` has passed (kcs/theme/assets/kcs/kcs.js);
the publish workflow rebuilds on a schedule so expired ones also leave the HTML.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from ..article import Article

_SEVERITY_ORDER = {"critical": 0, "warning": 1, "info": 2}


def _aware(value: dt.datetime, now: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=now.tzinfo or dt.UTC)


def _utc(value: dt.datetime, now: dt.datetime) -> str:
    return _aware(value, now).astimezone(dt.UTC).isoformat()


def is_current(article: Article, now: dt.datetime) -> bool:
    """Not ended at ``now`` (an announcement that starts later is kept: the browser shows it
    from ``starts`` on, so a scheduled change appears without a rebuild)."""
    if not article.is_announcement:
        return False
    return article.ends is None or _aware(article.ends, now) > now


def is_active(article: Article, now: dt.datetime) -> bool:
    """Started and not ended at ``now``."""
    started = article.starts is None or _aware(article.starts, now) <= now
    return is_current(article, now) and started


def current(
    articles: Iterable[Article], now: dt.datetime, *, lang: str | None = None
) -> list[Article]:
    """Announcements not yet ended, most severe first, then newest start first."""
    found = [a for a in articles if is_current(a, now) and (lang is None or a.lang == lang)]
    found.sort(key=lambda a: a.id)
    found.sort(key=lambda a: _aware(a.starts, now).timestamp() if a.starts else 0.0, reverse=True)
    found.sort(key=lambda a: _SEVERITY_ORDER.get(a.severity or "info", 2))
    return found


def as_meta(article: Article, now: dt.datetime) -> dict[str, Any]:
    """What templates need to render (and the browser to hide) one announcement."""
    return {
        "id": article.id,
        "title": article.title,
        "summary": article.summary,
        "severity": article.severity or "info",
        # UTC, so templates may compare them with config.extra.kcs.built as text.
        "starts": _utc(article.starts, now) if article.starts else "",
        "ends": _utc(article.ends, now) if article.ends else "",
        "url": article.url,
        "lang": article.lang,
    }


def banner(
    articles: Iterable[Article], now: dt.datetime, *, lang: str | None = None
) -> list[dict[str, Any]]:
    """Data of the site-wide banner: every current announcement (for ``lang`` when given)."""
    return [as_meta(a, now) for a in current(articles, now, lang=lang)]


def for_language(
    articles: Iterable[Article], now: dt.datetime, lang: str, default: str
) -> list[dict[str, Any]]:
    """:func:`shown_in` as the data templates render."""
    return [as_meta(a, now) for a in shown_in(articles, now, lang, default)]


def shown_in(
    articles: Iterable[Article], now: dt.datetime, lang: str, default: str
) -> list[Article]:
    """What readers of ``lang`` are told: each current announcement in its ``lang``
    translation, else in the default language, else as written; most severe first.

    An announcement concerns everyone, so one nobody translated yet still reaches the
    readers of every language (their pages and their feed alike).
    """
    groups: dict[str, dict[str, Article]] = {}
    for article in current(articles, now):
        groups.setdefault(article.translation_of or article.id, {})[article.lang] = article
    chosen = []
    for versions in groups.values():
        picked = versions.get(lang) or versions.get(default) or next(iter(versions.values()))
        chosen.append(picked)
    return current(chosen, now)


def by_language(
    articles: Iterable[Article], now: dt.datetime, languages: Iterable[str], default: str
) -> dict[str, list[dict[str, Any]]]:
    """:func:`for_language` of every language: the site-wide banner's data."""
    found = list(articles)
    return {lang: for_language(found, now, lang, default) for lang in languages}


def ended(article: Article, now: dt.datetime) -> bool:
    """An announcement whose ``ends`` has passed (its page stays, its badge says so)."""
    return article.is_announcement and article.ends is not None and _aware(article.ends, now) <= now


def ends_utc(article: Article, now: dt.datetime) -> str:
    """``ends`` in UTC ISO 8601 (what kcs.js compares with the clock), "" without one."""
    return _utc(article.ends, now) if article.ends else ""
