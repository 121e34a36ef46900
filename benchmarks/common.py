"""Helpers shared by the benchmark scripts: synthetic knowledge bases and timing."""

from __future__ import annotations

import os
import random
import resource
import subprocess
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
#: A fixed identity for the benchmark repositories' commits.
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Bench",
    "GIT_AUTHOR_EMAIL": "bench@example.org",
    "GIT_COMMITTER_NAME": "Bench",
    "GIT_COMMITTER_EMAIL": "bench@example.org",
    "GIT_CONFIG_NOSYSTEM": "1",
}
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


def run(
    command: list[str],
    cwd: Path,
    *,
    env: dict[str, str] | None = None,
    ok: tuple[int, ...] = (0,),
) -> tuple[float, float, str]:
    """Wall-clock and CPU seconds (user + system, child processes included) of one whole
    process, and its output; any exit status outside ``ok`` ends the benchmark."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(
        command,
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {}), "NO_MKDOCS_2_WARNING": "1"},
    )
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode not in ok:
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, cpu, result.stdout + result.stderr


def commit_all(root: Path, message: str) -> None:
    """A new Git repository at ``root`` holding everything below it in one commit."""
    env = {**os.environ, **GIT_ENV}
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", message]):
        subprocess.run(["git", *args], cwd=root, env=env, check=True)
