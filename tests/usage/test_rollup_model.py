"""The Polars rollup agrees with the event-by-event model on random traffic.

The traffic is made to hit the rules' edges: queries typed letter by letter within
10 s, the same query twice in a visit, gaps just over and under 30 minutes, equal
timestamps, contacts before and after a click or a "yes", empty queries, zero and
missing result counts, announcements and "no" answers with and without a reason.
"""

from __future__ import annotations

import random
from typing import Any

import polars as pl
import pytest
from reference_rollup import day_rows as reference_day_rows

from kcs.usage.rollup import Rollup
from kcs.usage.scan import STORED
from kcs.usage.store import ArticleMeta

ARTICLES = {f"a-{n}": ArticleMeta(("sv", "fi", "")[n % 3], f"d{n % 2}", "public") for n in range(6)}
QUERIES = ["v", "vp", "vpn", "VPN ", "skrivare", "skrivaren", "", "0x80070643", "wachtwoord"]
KINDS = ["search"] * 5 + ["click"] * 2 + ["suggest", "suggest-click", "feedback", "contact"]
KINDS += ["announcement"]


def traffic(seed: int) -> tuple[list[Any], list[Any], list[Any]]:
    rng = random.Random(seed)
    visitors, views, events = [], [], []
    for day in ("2026-11-20", "2026-11-21"):
        for vh in rng.sample(range(-(2**40), 2**40), 25):
            visitors.append((day, vh))
            for _ in range(rng.randrange(0, 4)):
                page = rng.random() < 0.3
                article = "" if page else rng.choice([*ARTICLES, "unknown"])
                views.append(
                    (
                        day,
                        vh,
                        article,
                        rng.choice(["sv", "nl"]) if page else "",
                        rng.randrange(1, 3),
                    )
                )
            ts = 1_700_000_000 + rng.randrange(3600)
            for _ in range(rng.randrange(0, 12)):
                ts += rng.choice([0, 0, 3, 9, 10, 11, 60, 1800, 1801, 4000])
                kind = rng.choice(KINDS)
                q = rng.choice(QUERIES) if kind not in ("feedback", "announcement") else ""
                article = (
                    rng.choice(list(ARTICLES))
                    if kind in ("click", "suggest-click", "feedback", "announcement")
                    else ""
                )
                helped = rng.choice([0, 1]) if kind == "feedback" else None
                events.append(
                    (
                        day,
                        vh,
                        ts,
                        kind,
                        article,
                        rng.choice(["sv", "fi"]),
                        q,
                        rng.choice([0, 3, None]) if kind in ("search", "suggest") else None,
                        rng.choice([None, 0, 1, 4]) if kind in ("click", "suggest-click") else None,
                        helped,
                        rng.choice(["", "unclear", "outdated"]) if helped == 0 else "",
                    )
                )
    # the log's order is not the time order within a visitor when servers interleave
    rng.shuffle(events)
    return visitors, views, events


@pytest.mark.parametrize("seed", range(12))
def test_polars_rollup_matches_the_model(seed: int) -> None:
    visitors, views, events = traffic(seed)
    got = Rollup(ARTICLES).days(
        pl.DataFrame(visitors, schema=STORED["visitors"], orient="row"),
        pl.DataFrame(views, schema=STORED["views"], orient="row"),
        pl.DataFrame(events, schema=STORED["events"], orient="row"),
    )
    expected: list[tuple[Any, ...]] = []
    for day in ("2026-11-20", "2026-11-21"):
        expected += reference_day_rows(
            day,
            [vh for d, vh in visitors if d == day],
            [row[1:] for row in views if row[0] == day],
            [row[1:] for row in events if row[0] == day],
            ARTICLES,
        )
    assert len(got) > 40  # the traffic exercises most metrics
    assert sorted(got) == sorted(expected)
    metrics = {row[1] for row in got}
    assert {"search", "search_noclick", "avoided", "contact_after_search", "reason"} <= metrics
