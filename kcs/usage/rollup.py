"""One day of visitor rows → the ``daily`` aggregates every usage report reads.

Input: the stored visitors, page views and events of one or more days, as Polars
frames (see :func:`kcs.usage.store.read_segments`). Output: ``(day, metric, article,
lang, key, label, value)`` rows.

Views give ``views`` and ``page_views`` per article and language page, and unique
visitors per article (``article_visitors``) and per language, domain and audience
(``group_visitors``). Events give feedback and reasons, announcements seen, and —
visit by visit (a visitor's events with no gap over 30 minutes) — searches (a query
counts once per visit; one still being typed, refined within 10 s into a longer one,
does not count), clicks and their positions, contact-form suggestions, contacts, search
sessions that succeeded (a click and no contact), contacts avoided (a suggestion
clicked or "yes, it helped" after the visit's last contact: confirmed deflection), and
potential deflection (an article read or suggestions shown, and no contact in the visit).

All of it is Polars expressions over all the given days at once (the fixed cost of a
Polars operation is paid once, not per day); Python only normalises each distinct
query (stemming) once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

import polars as pl

from .normalize import normalize_query

VISIT_GAP = 30 * 60  # seconds of inactivity that end a visit
TYPING_GAP = 10  # a search refined within 10 s (prefix of the next) is typing, not a search


class _Meta(Protocol):
    @property
    def lang(self) -> str: ...
    @property
    def domain(self) -> str: ...
    @property
    def audience(self) -> str: ...


class Rollup:
    """Computes days; holds what it needs of the articles (language and groups)."""

    def __init__(self, articles: Mapping[str, _Meta]) -> None:
        self.langs = pl.DataFrame(
            {"a": list(articles), "meta_lang": [m.lang for m in articles.values()]},
            schema={"a": pl.String, "meta_lang": pl.String},
        )
        # the groups (language, domain, audience) an article's reader counts towards,
        # numbered: distinct readers per group are counted on integers, not strings
        self.group_names: list[str] = []
        numbers: dict[str, int] = {}
        pairs = []
        for key, m in articles.items():
            for kind, value in (("lang", m.lang), ("domain", m.domain), ("audience", m.audience)):
                if value:
                    name = f"{kind}:{value}"
                    if name not in numbers:
                        numbers[name] = len(self.group_names)
                        self.group_names.append(name)
                    pairs.append((key, numbers[name]))
        self.groups = pl.DataFrame(pairs, schema={"a": pl.String, "g": pl.UInt32}, orient="row")

    def days(
        self, visitors: pl.DataFrame, views: pl.DataFrame, events: pl.DataFrame
    ) -> list[tuple[Any, ...]]:
        # days as small integers while grouping; their names again at the end
        names = sorted(set(visitors["day"].unique()) | set(views["day"].unique()))
        names += sorted(set(events["day"].unique()) - set(names))
        number = pl.col("day").replace_strict(names, range(len(names)), return_dtype=pl.UInt16)
        visitors, views, events = (f.with_columns(number) for f in (visitors, views, events))
        people = visitors.lazy().select("day", "vh").unique().with_columns(l=pl.lit(""))
        parts = [_count(people, "visitors", key=None)]
        if views.height:
            parts += self._views(views.lazy())
        if events.height:
            parts += _events(events.with_row_index("seq"))
        # one plan: what the parts share (visits, kept searches) is computed once
        out = pl.concat(parts, how="vertical_relaxed").with_columns(
            pl.col("day").replace_strict(range(len(names)), names, return_dtype=pl.String)
        )
        return out.collect().rows()

    def _views(self, views: pl.LazyFrame) -> list[pl.LazyFrame]:
        a, lang = pl.col("a"), pl.col("meta_lang").fill_null(pl.col("l"))
        langs, groups = self.langs.lazy(), self.groups.lazy()
        per_item = (
            views.group_by("day", "a", "l")
            .agg(pl.col("n").sum().alias("value"))
            .join(langs, on="a", how="left")
            .select(
                "day",
                pl.when(a == "")
                .then(pl.lit("page_views"))
                .otherwise(pl.lit("views"))
                .alias("metric"),
                a.alias("article"),
                lang.alias("lang"),
                *_blank("key", "label"),
                "value",
            )
        )
        articles = views.filter(a != "")
        per_article = (
            articles.select("day", "a", "vh")
            .unique()
            .group_by("day", "a")
            .agg(pl.len().alias("value"))
            .join(langs, on="a", how="left")
            .select(
                "day",
                pl.lit("article_visitors").alias("metric"),
                a.alias("article"),
                pl.col("meta_lang").fill_null("").alias("lang"),
                *_blank("key", "label"),
                "value",
            )
        )
        # language pages count towards their language group too
        pages = views.filter(a == "").select("day", "vh", "l").unique().collect()
        page_langs = sorted(set(pages["l"].to_list()))
        names = self.group_names + [f"lang:{lang}" for lang in page_langs]
        numbers = {name: n for n, name in reversed(list(enumerate(names)))}
        page_groups = pl.DataFrame(
            {"l": page_langs, "g": [numbers[f"lang:{lang}"] for lang in page_langs]},
            schema={"l": pl.String, "g": pl.UInt32},
        )
        touched = pl.concat(
            [
                articles.select("day", "vh", "a").unique().join(groups, on="a").drop("a"),
                pages.lazy().join(page_groups.lazy(), on="l").drop("l"),
            ]
        )
        per_group = (
            touched.unique()
            .group_by("day", "g")
            .agg(pl.len().alias("value"))
            .select(
                "day",
                pl.lit("group_visitors").alias("metric"),
                *_blank("article", "lang"),
                # names are only made of non-empty values (see __init__ and page_langs)
                pl.col("g")
                .replace_strict(range(len(names)), names, return_dtype=pl.String)
                .alias("key"),
                pl.lit("").alias("label"),
                "value",
            )
        )
        return [per_item, per_article, per_group]


def _blank(*names: str) -> list[pl.Expr]:
    return [pl.lit("").alias(name) for name in names]


def _count(
    frame: pl.LazyFrame,
    metric: str,
    *,
    article: bool = False,
    key: str | None = "key",
    label: str | None = None,
    value: pl.Expr | None = None,
) -> pl.LazyFrame:
    """Rows of ``metric``: how many of ``frame`` (or the sum of ``value``) per group."""
    by = ["day", "a"] if article else ["day"]
    by += ["l"] + ([key] if key else []) + ([label] if label else [])
    total = (value if value is not None else pl.len()).alias("value")
    return (
        frame.group_by(by)
        .agg(total)
        .select(
            "day",
            pl.lit(metric).alias("metric"),
            (pl.col("a") if article else pl.lit("")).alias("article"),
            pl.col("l").alias("lang"),
            (pl.col(key) if key else pl.lit("")).alias("key"),
            (pl.col(label) if label else pl.lit("")).alias("label"),
            "value",
        )
    )


def _events(events: pl.DataFrame) -> list[pl.LazyFrame]:
    t, h = pl.col("t"), pl.col("h").fill_null(0)
    lazy = events.lazy()
    feedback = lazy.filter(t == "feedback")
    parts = [
        _count(feedback.filter(h != 0), "helped", article=True, key=None),
        _count(feedback.filter(h == 0), "not_helped", article=True, key=None),
        _count(
            feedback.filter(h == 0).with_columns(
                pl.when(pl.col("r").fill_null("") == "")
                .then(pl.lit("none"))
                .otherwise("r")
                .alias("reason")
            ),
            "reason",
            article=True,
            key="reason",
        ),
        _count(lazy.filter(t == "announcement"), "announcement", article=True, key=None),
    ]
    visits = _visits(events.filter(t != "announcement")).lazy()
    # a search is typing when the visit's next search, within 10 s and in the same
    # language, begins with it (searches are in visit and time order)
    search = visits.filter(t == "search")
    same_visit = pl.col("visit").shift(-1) == pl.col("visit")
    typing = (
        same_visit
        & (pl.col("l").shift(-1) == pl.col("l"))
        & (pl.col("ts").shift(-1) - pl.col("ts") <= TYPING_GAP)
        & pl.col("ql").shift(-1).str.starts_with(pl.col("ql"))
    )
    kept = search.filter(~typing.fill_null(False))
    clicks = visits.filter(t == "click")
    clicked = clicks.select("visit", "key").unique()
    distinct = kept.filter(pl.col("key") != "").unique(
        subset=["visit", "key", "l"], keep="first", maintain_order=True
    )
    zero = (pl.col("n") == 0).fill_null(False)
    contacts = visits.filter(t == "contact")
    sessions = kept.select("day", "visit").unique().with_columns(l=pl.lit(""))
    success = sessions.join(clicks.select("visit").unique(), on="visit").join(
        contacts.select("visit").unique(), on="visit", how="anti"
    )
    last_contact = contacts.group_by("visit").agg(pl.col("ts").max().alias("last_contact"))
    qualifying = visits.filter((t == "suggest-click") | ((t == "feedback") & (h != 0)))
    avoided = (
        qualifying.join(last_contact, on="visit", how="left")
        .filter(pl.col("last_contact").is_null() | (pl.col("ts") > pl.col("last_contact")))
        .group_by("visit", maintain_order=True)
        .agg(pl.col("day", "a", "l").last())
    )
    # Potential deflection: the visit read an article (a result or suggestion clicked,
    # feedback given) or was shown suggestions, and sent no contact form.
    reading = visits.filter(
        t.is_in(["click", "suggest-click", "feedback"]) | ((t == "suggest") & ~zero)
    )
    potential = (
        reading.join(contacts.select("visit").unique(), on="visit", how="anti")
        .group_by("visit", maintain_order=True)
        .agg(pl.col("day", "a", "l").last())
    )
    return parts + [
        _count(distinct, "search"),
        _count(distinct, "q_form", label="q"),
        _count(distinct.filter(zero), "search_zero"),
        _count(
            distinct.filter(~zero).join(clicked, on=["visit", "key"], how="anti"), "search_noclick"
        ),
        _count(clicks, "click", article=True),
        _count(clicks.filter(pl.col("p").fill_null(0) != 0), "click_pos", value=pl.col("p").sum()),
        _count(visits.filter(t == "suggest"), "suggest"),
        _count(visits.filter((t == "suggest") & zero), "suggest_zero"),
        _count(visits.filter(t == "suggest-click"), "suggest_click", article=True),
        _count(contacts, "contact"),
        _count(contacts.filter(pl.col("searched") | (pl.col("key") != "")), "contact_after_search"),
        _count(sessions, "search_sessions", key=None),
        _count(success, "search_success", key=None),
        _count(avoided, "avoided", article=True, key=None),
        _count(potential, "potential", article=True, key=None),
    ]


def _visits(events: pl.DataFrame) -> pl.DataFrame:
    """Events in time order (ties in log order), numbered by visit, with each query's
    grouping key (``key``), its lower case (``ql``) and whether the visit had searched
    before (``searched``)."""
    ordered = events.sort("day", "vh", "ts", "seq")
    pairs = ordered.select("q", "l").unique().rows()
    keys = pl.DataFrame(
        [(q, lang, normalize_query(q or "", lang or ""), (q or "").lower()) for q, lang in pairs],
        schema={"q": pl.String, "l": pl.String, "key": pl.String, "ql": pl.String},
        orient="row",
    )
    day, vh, ts = pl.col("day"), pl.col("vh"), pl.col("ts")
    new_visit = (day != day.shift(1)) | (vh != vh.shift(1)) | (ts - ts.shift(1) > VISIT_GAP)
    row = pl.int_range(pl.len(), dtype=pl.Int64)
    start = pl.when(pl.col("new_visit")).then(row).forward_fill()
    last_search = pl.when(pl.col("t") == "search").then(row).forward_fill()
    return (
        ordered.lazy()
        .with_columns(new_visit.fill_null(True).alias("new_visit"))
        .with_columns(
            pl.col("new_visit").cum_sum().alias("visit"),
            (last_search >= start).fill_null(False).alias("searched"),
        )
        .join(keys.lazy(), on=["q", "l"], how="left", nulls_equal=True, maintain_order="left")
        .collect()
    )
