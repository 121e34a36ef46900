"""User-agent classification: crawlerdetect one agent at a time in Python, against the
same patterns over all agents at once in Polars (kcs.usage.agents), in one run.

    .venv/bin/python benchmarks/bench_agents.py [--agents 10000]

The agents are distinct, as in a real log's crawler and browser mix: 90 % browsers with
varying versions, 10 % crawlers with their own names. Both ways must find the same bots.
"""

from __future__ import annotations

import argparse
import random
import sys
import time

import polars as pl

from kcs.usage.agents import BOT, agent_kinds
from kcs.usage.events import Classifier


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--agents", type=int, default=10_000)
    args = parser.parse_args()
    rng = random.Random(3)
    crawlers = args.agents // 10
    agents = [
        f"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        f"Chrome/{rng.randrange(90, 130)}.0.{n}.0 Safari/537.36"
        for n in range(args.agents - crawlers)
    ] + [
        f"Mozilla/5.0 (compatible; SomeCrawler{n}/1.0; +https://example.org/bot)"
        for n in range(crawlers)
    ]
    agent_kinds(pl.Series(["warm-up: compiles the patterns once"]))
    start = time.perf_counter()
    kinds = agent_kinds(pl.Series(agents))
    vectorised = time.perf_counter() - start
    classifier = Classifier()
    start = time.perf_counter()
    python = [classifier.agent_kind(agent) for agent in agents]
    one_by_one = time.perf_counter() - start
    bots = int((kinds == BOT).sum())
    if bots != python.count("bot"):
        sys.exit(f"the two disagree: {bots} bots in Polars, {python.count('bot')} in Python")
    print(
        f"| {len(agents):,} distinct agents ({bots:,} bots) | Python {one_by_one:.2f} s | "
        f"Polars {vectorised * 1000:.0f} ms | **{one_by_one / vectorised:.0f}×** |"
    )


if __name__ == "__main__":
    main()
