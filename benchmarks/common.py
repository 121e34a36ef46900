"""Helpers shared by the benchmark scripts: synthetic knowledge bases and timing."""

from __future__ import annotations

import random
import resource
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

WORDS = [
    "password",
    "reset",
    "account",
    "locked",
    "vpn",
    "client",
    "connection",
    "wifi",
    "network",
    "printer",
    "queue",
    "toner",
    "outlook",
    "mailbox",
    "calendar",
    "teams",
    "meeting",
    "audio",
    "laptop",
    "docking",
    "station",
    "bitlocker",
    "update",
    "error",
    "restart",
    "settings",
    "access",
    "folder",
    "permission",
    "phone",
    "enrolment",
    "certificate",
    "browser",
    "lösenord",
    "skrivare",
    "skrivaren",
    "nätverk",
    "anslutning",
    "tulostin",
    "tulostimen",
    "salasana",
    "verkko",
    "wachtwoord",
    "wachtwoorden",
    "printer",
    "netwerk",
    "verbinding",
]
DOMAINS = ("accounts", "network", "printing", "email", "teams", "devices", "access")
LANGS = ("sv", "fi", "nl", "en")


def synthetic_kb(root: Path, count: int, *, seed: int = 7, audience: str = "public") -> Path:
    """Write ``count`` validated articles with KCS sections and a kcs.yml under ``root``."""
    rng = random.Random(seed)
    (root / "articles").mkdir(parents=True, exist_ok=True)
    (root / "kcs.yml").write_text(
        "site: {name: Benchmark}\nlanguages: [sv, fi, nl, en]\ndefault_language: en\n",
        encoding="utf-8",
    )
    for number in range(count):
        domain = DOMAINS[number % len(DOMAINS)]
        lang = LANGS[number % len(LANGS)]
        words = lambda n: " ".join(rng.choice(WORDS) for _ in range(n))  # noqa: E731
        folder = root / "articles" / domain
        folder.mkdir(exist_ok=True)
        (folder / f"article-{number:05d}.md").write_text(
            f"---\nid: {domain}-{number:05d}\ntitle: {words(6).capitalize()} {number}\n"
            f"lang: {lang}\nstate: validated\naudience: {audience}\ntype: howto\n"
            f"tags: [{rng.choice(WORDS)}, {rng.choice(WORDS)}]\nreviewed: 2026-05-01\n---\n\n"
            f"## Issue\n\n{words(40)}. Error 0x8007{number:04x}.\n\n"
            f"## Environment\n\n{words(15)}\n\n"
            f"## Resolution\n\n1. {words(20)}\n2. {words(20)}\n3. {words(20)}\n\n"
            f"## Cause\n\n{words(25)}\n",
            encoding="utf-8",
        )
    return root


def timed(func: Callable[[], Any], repeat: int = 1) -> tuple[float, Any]:
    """Best wall-clock seconds of ``repeat`` runs and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    return best, result


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
