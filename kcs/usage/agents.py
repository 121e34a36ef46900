"""User agents classified many at once, by the rules of :class:`kcs.usage.events.Classifier`.

The scanner classifies each distinct user agent once, but crawlers and browsers send
thousands of them, and one by one in Python an agent costs 0.2–0.5 ms (crawlerdetect's
1,500 patterns, in ``re``). Here the same crawlerdetect patterns run as Polars
expressions (Rust's regex engine) over all of a block's new agents: about 2 µs an
agent. What the expressions cannot decide exactly as the Python rules would is left to
them: an agent with characters outside printable ASCII (case folding and whitespace
differ between the two engines there), and the patterns Rust's engine does not support
(look-around) run in ``re`` on the agents as cleaned here. ``tests/usage/test_agents.py``
holds the two to the same answers.
"""

from __future__ import annotations

import re
from functools import cache
from typing import NamedTuple

import polars as pl

from .events import _PROBE_AGENTS

#: agent kinds as the scanner stores them (0 human, 3 bot, 4 probe)
HUMAN, BOT, PROBE_AGENT = 0, 3, 4
_PRINTABLE = r"^[\x20-\x7e]*$"


class _Patterns(NamedTuple):
    exclusions: str  # one Rust regex: what crawlerdetect removes before it looks
    crawlers: str  # one Rust regex: the crawler patterns it supports
    python: re.Pattern[str] | None  # the patterns only Python's ``re`` can run


@cache
def _patterns() -> _Patterns | None:
    """crawlerdetect's patterns split by the engine that can run them; None when even
    the exclusions cannot run in Rust (then every agent goes to Python)."""
    from crawlerdetect.providers.crawlers import data as crawlers
    from crawlerdetect.providers.exclusions import data as exclusions

    probe = pl.Series([""], dtype=pl.String)

    def compiles(pattern: str) -> bool:
        try:
            probe.str.contains(pattern)
        except pl.exceptions.PolarsError:
            return False
        return True

    exclusion = f"(?i)({'|'.join(exclusions)})"
    # look-around and back-references: Python's engine only (today: one look-ahead)
    python = [p for p in crawlers if _PYTHON_ONLY.search(p)]
    rust = f"(?i)({'|'.join(p for p in crawlers if not _PYTHON_ONLY.search(p))})"
    if not (compiles(exclusion) and compiles(rust)):
        return None
    return _Patterns(exclusion, rust, re.compile("|".join(python), re.I) if python else None)


_PYTHON_ONLY = re.compile(r"\(\?<?[=!]|\\[1-9]")  # look-around, back-reference


def agent_kinds(agents: pl.Series) -> pl.Series:
    """HUMAN, BOT or PROBE_AGENT (Int8) per agent; null where Python must decide (every
    agent, when the patterns do not compile in Rust)."""
    patterns = _patterns()
    if patterns is None:
        return pl.Series([None] * agents.len(), dtype=pl.Int8)
    agent = pl.col("agent")
    stripped = agent.str.strip_chars()
    # crawlerdetect strips the agent, removes the exclusions, then looks for a crawler
    cleaned = stripped.str.replace_all(patterns.exclusions, "")
    frame = pl.DataFrame({"agent": agents}).select(
        agent.str.contains(_PRINTABLE).alias("plain"),
        agent.str.contains(f"(?i){_PROBE_AGENTS.pattern}").alias("probe"),
        ((stripped == "") | (agent == "-")).alias("blank"),
        cleaned.alias("cleaned"),
        ((cleaned != "") & cleaned.str.contains(patterns.crawlers)).alias("crawler"),
    )
    crawler = frame["crawler"]
    if patterns.python is not None:
        search = patterns.python.search
        more = [c != "" and search(c) is not None for c in frame["cleaned"]]
        crawler = crawler | pl.Series(more, dtype=pl.Boolean)
    return frame.with_columns(crawler=crawler).select(
        pl.when(~pl.col("plain"))
        .then(None)
        .when(pl.col("probe"))
        .then(PROBE_AGENT)
        .when(pl.col("blank") | pl.col("crawler"))
        .then(BOT)
        .otherwise(HUMAN)
        .cast(pl.Int8)
    )[:, 0]
