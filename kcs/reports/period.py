"""What the usage, search, gaps and value reports read: the ``daily`` aggregates of the
usage database over a period, the articles, and the cost model.

:func:`inputs_for` opens them for a repository; each report module turns a
:class:`PeriodInputs` into a :class:`~kcs.reports.model.Report`.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import KcsError
from ..usage.store import ArticleMeta, agent_database, connect
from .model import Phrase

if TYPE_CHECKING:
    from ..config import Config


@dataclass(frozen=True)
class Cost:
    """kcs.yml ``cost.*``: the model behind every money and hours estimate."""

    per_contact: float = 50.0
    user_minutes_lost: float = 30.0
    hourly_cost: float = 45.0
    currency: str = "EUR"

    @property
    def per_avoided(self) -> float:
        return self.per_contact + self.user_minutes_lost / 60 * self.hourly_cost

    @property
    def formula(self) -> Phrase:
        return Phrase(
            "per contact {per_contact} {currency} + {minutes} lost minutes / 60 × {hourly} "
            "{currency} an hour = {per_avoided} {currency}",
            per_contact=f"{self.per_contact:g}",
            minutes=f"{self.user_minutes_lost:g}",
            hourly=f"{self.hourly_cost:g}",
            per_avoided=f"{self.per_avoided:.2f}",
            currency=self.currency,
        )


@dataclass(frozen=True)
class PeriodInputs:
    """What every usage report reads: the database, the period, the articles, the cost model."""

    conn: sqlite3.Connection
    first: dt.date
    last: dt.date
    articles: Mapping[str, ArticleMeta]
    cost: Cost = Cost()
    # the internal site's database (agent use), when there is one
    agents: Path | None = None

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def sums(self, metric: str, *by: str, previous: bool = False) -> dict[tuple[Any, ...], float]:
        """Sum of ``metric`` over the period, grouped by columns of ``daily``."""
        first, last = self.first, self.last
        if previous:
            first, last = first - dt.timedelta(days=self.days), first - dt.timedelta(days=1)
        cols = ", ".join(by) if by else "''"
        rows = self.conn.execute(
            f"SELECT {cols}, sum(value) FROM daily WHERE metric = ? AND day BETWEEN ? AND ? "
            f"GROUP BY {cols}",
            (metric, first.isoformat(), last.isoformat()),
        )
        return {tuple(row[:-1]): row[-1] for row in rows}

    def total(self, metric: str) -> int:
        return int(sum(self.sums(metric).values()))

    def self_service(self, article: str) -> bool:
        """Whether ``article`` may count as self-service (unknown ids and page-less
        events count; internal and archived articles never do)."""
        meta = self.articles.get(article)
        return meta.self_service if meta else True

    def title(self, article: str) -> str:
        meta = self.articles.get(article)
        return meta.title if meta else ""


def open_inputs(
    db: Path,
    first: dt.date,
    last: dt.date,
    articles: Mapping[str, ArticleMeta] | None = None,
    cost: Cost | None = None,
) -> PeriodInputs:
    if not db.is_file():
        raise KcsError(f"{db}: no usage data yet; run 'kcs usage ingest ACCESS.LOG' first")
    agents = agent_database(db)
    return PeriodInputs(
        connect(db),
        first,
        last,
        articles or {},
        cost or Cost(),
        agents if agents.is_file() else None,
    )


def cost_model(config: Config) -> Cost:
    """kcs.yml ``cost.*`` as a :class:`Cost`."""
    cost = config.cost
    return Cost(cost.per_contact, cost.user_minutes_lost, cost.hourly_cost, cost.currency)


def inputs_for(
    root: Path,
    *,
    since: str | None,
    until: str | None,
    db: Path | None = None,
    today: dt.date | None = None,
) -> PeriodInputs:
    """Open the database of ``root`` (or ``db``) for the period, with articles and costs."""
    from ..config import load_config
    from ..usage.period import parse_period
    from ..usage.store import article_meta

    config = load_config(root)
    first, last = parse_period(since, until, today=today)
    path = db or root / config.usage.database
    return open_inputs(path, first, last, article_meta(root), cost_model(config))


def pct(part: float, whole: float) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def period_label(inputs: PeriodInputs) -> Phrase:
    return Phrase(
        "{first} – {last} ({days} days)",
        first=inputs.first.isoformat(),
        last=inputs.last.isoformat(),
        days=inputs.days,
    )


def query_stats(
    inputs: PeriodInputs, previous: bool = False
) -> dict[tuple[str, str], defaultdict[str, float]]:
    stats: defaultdict[tuple[str, str], defaultdict[str, float]] = defaultdict(
        lambda: defaultdict(float)
    )
    for metric in (
        "search",
        "search_zero",
        "search_noclick",
        "click_pos",
        "contact_after_search",
        "suggest_zero",
    ):
        for (lang, key), value in inputs.sums(metric, "lang", "key", previous=previous).items():
            if key:
                stats[lang, key][metric] += value
    for (lang, key), value in inputs.sums("click", "lang", "key", previous=previous).items():
        if key:
            stats[lang, key]["click"] += value
    return stats


def query_forms(inputs: PeriodInputs) -> dict[tuple[str, str], str]:
    """The most common (redacted) wording of each normalised query."""
    best: dict[tuple[str, str], tuple[float, str]] = {}
    for (lang, key, label), count in inputs.sums("q_form", "lang", "key", "label").items():
        if count > best.get((lang, key), (0, ""))[0]:
            best[lang, key] = (count, label)
    return {k: v[1] for k, v in best.items()}
