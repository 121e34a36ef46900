"""A plain-Python model of one day's usage aggregates, event by event.

The product computes the same figures with Polars expressions over many days at once
(kcs/usage/rollup.py); this model is the readable statement of the rules, and
test_rollup_model.py checks that both agree on random traffic.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from kcs.usage.normalize import normalize_query
from kcs.usage.rollup import TYPING_GAP, VISIT_GAP

Row = tuple[Any, ...]


def day_rows(
    day: str,
    visitors: Iterable[int],
    views: Iterable[tuple[int, str, str, int]],  # (vh, article, lang page, count)
    events: Iterable[tuple[Any, ...]],  # (vh, ts, type, article, lang, q, n, p, h, r)
    articles: Mapping[str, Any],
) -> list[Row]:
    rows: Counter[tuple[str, ...]] = Counter()
    people = set(visitors)
    if people:
        rows["visitors", "", "", "", ""] = len(people)
    _views(views, articles, rows)
    _events(events, rows)
    return [(day, *key, value) for key, value in rows.items()]


def _views(
    views: Iterable[tuple[int, str, str, int]], articles: Mapping[str, Any], rows: Counter
) -> None:
    langs = {key: m.lang for key, m in articles.items()}
    groups = {
        key: (f"lang:{m.lang}", f"domain:{m.domain}", f"audience:{m.audience}")
        for key, m in articles.items()
    }
    seen: defaultdict[int, set[str]] = defaultdict(set)
    for vh, article, lang, n in views:
        metric = "views" if article else "page_views"
        rows[metric, article, langs.get(article, lang), "", ""] += n
        seen[vh].add(article or "/" + lang)
    for items in seen.values():
        touched: set[str] = set()
        for item in items:
            if item[0] == "/":
                touched.add("lang:" + item[1:])
            else:
                rows["article_visitors", item, langs.get(item, ""), "", ""] += 1
                touched.update(groups.get(item, ()))
        for group in touched:
            if not group.endswith(":"):
                rows["group_visitors", "", "", group, ""] += 1


def _events(events: Iterable[tuple[Any, ...]], rows: Counter) -> None:
    by_visitor: defaultdict[int, list[Any]] = defaultdict(list)
    for vh, ts, kind, article, lang, q, n, p, h, r in events:
        if kind == "feedback":
            rows["helped" if h else "not_helped", article, lang, "", ""] += 1
            if not h:
                rows["reason", article, lang, r or "none", ""] += 1
        elif kind == "announcement":
            rows["announcement", article, lang, "", ""] += 1
            continue
        by_visitor[vh].append((ts, kind, article, lang, q, n, h if kind == "feedback" else p))
    for events_of_one in by_visitor.values():
        events_of_one.sort(key=lambda event: event[0])  # stable: ties keep the log's order
        visit: list[Any] = []
        last = None
        for event in events_of_one:
            if last is not None and event[0] - last > VISIT_GAP:
                _visit(visit, rows)
                visit = []
            visit.append(event)
            last = event[0]
        _visit(visit, rows)


def _visit(visit: list[Any], rows: Counter) -> None:
    searches: list[tuple[int, str, str, str, int | None]] = []
    clicked: set[str] = set()
    contacts: list[int] = []
    qualifying: list[tuple[int, str, str]] = []
    reading: list[tuple[str, str]] = []
    searched = False
    for ts, kind, article, lang, q, n, extra in visit:
        key = normalize_query(q, lang)
        if kind == "search":
            previous = searches[-1] if searches else None
            if (
                previous
                and previous[2] == lang
                and ts - previous[0] <= TYPING_GAP
                and q.lower().startswith(previous[3].lower())
            ):
                searches.pop()  # the user was still typing
            searches.append((ts, key, lang, q, n))
            searched = True
        elif kind == "click":
            clicked.add(key)
            reading.append((article, lang))
            rows["click", article, lang, key, ""] += 1
            if extra:
                rows["click_pos", "", lang, key, ""] += extra
        elif kind == "suggest":
            rows["suggest", "", lang, key, ""] += 1
            if n == 0:
                rows["suggest_zero", "", lang, key, ""] += 1
            else:
                reading.append((article, lang))
        elif kind == "suggest-click":
            rows["suggest_click", article, lang, key, ""] += 1
            qualifying.append((ts, article, lang))
            reading.append((article, lang))
        elif kind == "feedback":
            reading.append((article, lang))
            if extra:
                qualifying.append((ts, article, lang))
        elif kind == "contact":
            contacts.append(ts)
            rows["contact", "", lang, key, ""] += 1
            if searched or key:
                rows["contact_after_search", "", lang, key, ""] += 1
    seen: set[tuple[str, str]] = set()
    for _ts, key, lang, q, n in searches:
        if (key, lang) in seen or not key:
            continue  # a query counts once per visit
        seen.add((key, lang))
        rows["search", "", lang, key, ""] += 1
        rows["q_form", "", lang, key, q] += 1
        if n == 0:
            rows["search_zero", "", lang, key, ""] += 1
        elif key not in clicked:
            rows["search_noclick", "", lang, key, ""] += 1
    if searches:
        rows["search_sessions", "", "", "", ""] += 1
        if clicked and not contacts:
            rows["search_success", "", "", "", ""] += 1
    last_contact = max(contacts) if contacts else None
    avoided = [item for item in qualifying if last_contact is None or item[0] > last_contact]
    if avoided:
        _ts, article, lang = avoided[-1]
        rows["avoided", article, lang, "", ""] += 1
    if reading and not contacts:
        article, lang = reading[-1]
        rows["potential", article, lang, "", ""] += 1
