"""User agents classified in Polars (kcs.usage.agents) give the answers the Python
classifier (crawlerdetect, one agent at a time) gives, and the scanner falls back to
Python for what the expressions leave undecided."""

from __future__ import annotations

import random
import re

import polars as pl
import pytest
from crawlerdetect.providers.crawlers import data as crawler_patterns

from kcs.usage import agents
from kcs.usage.agents import BOT, HUMAN, PROBE_AGENT, agent_kinds
from kcs.usage.events import Classifier
from kcs.usage.scan import Scanner

CODES = {"human": HUMAN, "bot": BOT, "probe": PROBE_AGENT}
BROWSERS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/{v}.0.0.0 Safari/537.36 Edg/{v}.0.0.0",
    "Mozilla/5.0 (iPad; CPU OS 17_{v} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.0 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:{v}.0) Gecko/20100101 Firefox/{v}.0",
    "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/{v}.0.0.0 Mobile Safari/537.36 EdgA/{v}.0",
]


def _literal(pattern: str) -> str | None:
    """A text a crawler pattern made of plain characters and escapes matches."""
    text = pattern.lstrip("^").rstrip("$").replace("\\", "")
    return text if re.fullmatch(r"[A-Za-z0-9 ._/:+;()-]+", text) else None


def _agents() -> list[str]:
    rng = random.Random(7)
    found = [b.format(v=v) for b in BROWSERS for v in range(90, 130)]
    for pattern in crawler_patterns:
        text = _literal(pattern)
        if text is None:
            continue
        found.append(text)  # anchored patterns match the bare name
        found.append(f"Mozilla/5.0 (compatible; {text}/2.1; +https://example.org/bot)")
        found.append(f"  {text.upper()}  ")  # case and surrounding blanks
    found += [
        "",
        "-",
        "   ",
        "kube-probe/1.29",
        "Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)",
        "Prometheus/2.51.0",
        "curl/8.5.0",
        "python-requests/2.31",
        # crawlerdetect's one look-ahead: Yandex, unless followed by Search
        "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
        "Mozilla/5.0 (Linux; Android 12) YaBrowser/23 YandexSearch/21.0",
        "YandexSearchBrowser",
        # exclusions: browsers whose agents contain a crawler-looking word
        "Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36 Chrome/120.0 Mobile Safari/537.36 "
        "OPR/79.0 Instagram 309.0.0.40.113 Android",
        # not printable ASCII: left to Python
        "Mozilla/5.0 (Ünïcode) Firefox/120.0",
        "Googlebot\t2.1",
        "\u212aube-probe/1.0",  # KELVIN SIGN folds to k in some engines
    ]
    rng.shuffle(found)
    return found


def test_polars_and_python_agree_on_every_agent() -> None:
    sample = _agents()
    python = Classifier().agent_kind
    kinds = agent_kinds(pl.Series(sample, dtype=pl.String))
    assert kinds is not None
    undecided = [a for a, k in zip(sample, kinds, strict=True) if k is None]
    assert sorted(undecided) == sorted(a for a in sample if not a.isascii() or "\t" in a)
    wrong = [
        (agent, kind, python(agent))
        for agent, kind in zip(sample, kinds, strict=True)
        if kind is not None and kind != CODES[python(agent)]
    ]
    assert wrong == []
    decided = kinds.drop_nulls().to_list()
    # the sample really covers all three kinds
    assert decided.count(BOT) > 1500
    assert decided.count(HUMAN) >= 160
    assert decided.count(PROBE_AGENT) >= 3


def test_look_ahead_patterns_run_in_python() -> None:
    patterns = agents._patterns()
    assert patterns is not None and patterns.python is not None
    assert "Yandex(?!Search)" in patterns.python.pattern
    kinds = agent_kinds(pl.Series(["YandexBot/3.0", "YandexSearch/21.0 (iPhone)"]))
    assert kinds is not None and kinds.to_list() == [BOT, HUMAN]


LINE = (
    '10.0.0.{n} - - [01/Mar/2026:10:00:{n:02d} +0000] "GET /a/vpn-connect/ HTTP/1.1" 200 5 '
    '"-" "{agent}"\n'
)


def test_scanner_falls_back_to_python(monkeypatch: pytest.MonkeyPatch) -> None:
    sample = ["Mozilla/5.0 Firefox/120.0", "Googlebot/2.1", "kube-probe/1.29", "Bot ünï", "-"]
    block = "".join(LINE.format(n=n, agent=agent) for n, agent in enumerate(sample)).encode()

    def counts() -> dict[str, int]:
        scanner = Scanner("combined", ("sv",), "", 0)
        return scanner.scan(block, 0).counts

    vectorised = counts()
    assert vectorised == {"kept": 1, "bot": 3, "probe": 1}
    agents._patterns.cache_clear()
    monkeypatch.setattr(agents, "_patterns", lambda: None)  # as if Rust could run none
    assert counts() == vectorised
