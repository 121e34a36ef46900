"""Blocks of log lines → what the store needs, in a form cheap to send between processes.

:class:`Scanner` holds the per-process caches (user agents, request lines, days) and
turns one block of whole lines into a :data:`Scanned` tuple: counts per drop reason,
the distinct (day, address, user agent) keys of the people in the block, and the hits
and events that refer to those keys by position. The raw address never leaves the
ingest's memory: the store replaces each key by its salted visitor hash.

Big files are scanned by a worker process while the main process writes the previous
block to SQLite (see :func:`kcs.usage.store.ingest`, ``workers``).
"""

from __future__ import annotations

import contextlib
import ctypes
import signal
from collections import Counter
from collections.abc import Sequence
from typing import Any

from .events import DROPS, KEEP, PAGE, VIEW, Classifier
from .parse import compile_format, parse_time_local
from .privacy import scrub_line

MAX_LINE = 16 * 1024

#: (lines, counts, keys, hits, events, samples)
Scanned = tuple[
    int,
    dict[str, int],
    list[tuple[str, str, str]],
    list[tuple[str, int, str, str]],
    list[tuple[Any, ...]],
    list[tuple[int, str, str]],
]


class Scanner:
    def __init__(
        self, log_format: str, languages: Sequence[str], pruned_before: str, samples: int
    ) -> None:
        self.fmt = compile_format(log_format)
        self.classifier = Classifier(tuple(languages))
        self.pruned_before = pruned_before
        self.samples_left = samples
        self.requests: dict[str, tuple[int, Any]] = {}
        self.days: dict[str, str | None] = {}

    def scan(self, block: bytes, line_at: int) -> Scanned:
        text = block.decode("utf-8", "replace")
        lines = text.count("\n")
        records = self.fmt.records(text)
        counts: Counter[str] = Counter()
        samples: list[tuple[int, str, str]] = []
        if len(records) != lines:
            counts["malformed"] += lines - len(records)
            if self.samples_left > 0:
                samples = self._samples(text, line_at)
        agents = self.classifier.agents
        agent_kind = self.classifier.agent_kind
        classify = self.classifier.request
        requests, days, pruned_before = self.requests, self.days, self.pruned_before
        index: dict[tuple[str, str, str], int] = {}
        keys: list[tuple[str, str, str]] = []
        hits: list[tuple[str, int, str, str]] = []
        events: list[tuple[Any, ...]] = []
        for ip, stamp, request, status, agent in records:
            kind = agents.get(agent) or agent_kind(agent)
            what = requests.get(request)
            if what is None:
                what = classify(request)
                if len(requests) > 100_000:
                    requests.clear()
                requests[request] = what
            code = what[0]
            if code < KEEP:
                counts[DROPS[code]] += 1
                continue
            if kind != "human":
                counts[kind] += 1
                continue
            day = days.get(stamp[:11], "")
            if day == "":
                parsed = parse_time_local(stamp)
                day = days[stamp[:11]] = parsed[1] if parsed else None
            if day is None:
                counts["malformed"] += 1
                continue
            if day < pruned_before:
                counts["expired"] += 1
                continue
            counts["kept"] += 1
            key = (day, ip, agent)
            at = index.get(key)
            if at is None:
                at = index[key] = len(keys)
                keys.append(key)
            if code == KEEP or status[0] != "2" and status != "304":
                continue
            if code == VIEW:
                hits.append((day, at, what[1], ""))
            elif code == PAGE:
                hits.append((day, at, "", what[1]))
            elif status[0] == "2":
                events.append((day, parse_time_local(stamp)[0], at, *what[1]))  # type: ignore[index]
        return lines, dict(counts), keys, hits, events, samples

    def _samples(self, text: str, line_at: int) -> list[tuple[int, str, str]]:
        """A few scrubbed malformed lines; once the budget is spent, no second look."""
        found = []
        pattern = self.fmt.chunk_pattern
        at = line_at
        for line in text.split("\n")[:-1]:
            if pattern.fullmatch(line) is None and pattern.fullmatch(line + "\r") is None:
                too_long = len(line) > MAX_LINE
                sample = f"{len(line)} characters" if too_long else scrub_line(line[:300])
                found.append((at, "too long" if too_long else "unparsable", sample))
                self.samples_left -= 1
                if self.samples_left <= 0:
                    break
            at += len(line.encode("utf-8", "replace")) + 1
        return found


_SCANNER: Scanner | None = None


def start_worker(
    log_format: str, languages: Sequence[str], pruned_before: str, samples: int
) -> None:
    """Process-pool initializer: one Scanner per worker, which dies with its parent."""
    global _SCANNER
    _SCANNER = Scanner(log_format, languages, pruned_before, samples)
    # Linux: a SIGKILLed ingest must not leave its worker behind
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle


def scan_in_worker(block: bytes, line_at: int) -> Scanned:
    assert _SCANNER is not None
    return _SCANNER.scan(block, line_at)
