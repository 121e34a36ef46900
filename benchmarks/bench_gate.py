"""Benchmark the review gate and the proposal list on generated repositories.

Run: ``.venv/bin/python benchmarks/bench_gate.py [--articles 1000] [--branches 200]``

1. ``kcs gate`` on a change touching N articles (a third of them widening the
   audience), end to end as a subprocess, against the baseline of a bare
   ``git diff --name-status`` of the same two commits.
2. ``kcs proposals`` with B open proposal branches, end to end, against the
   baseline of ``git for-each-ref`` plus one ``git diff --name-status`` per branch
   (what a shell script listing proposals would do at least).

Targets (issue 4): under 5 s each. Figures go to docs/benchmarks/gate.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

KCS = [sys.executable, "-c", "from kcs.cli import main; main()"]
ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "Bench",
    "GIT_AUTHOR_EMAIL": "bench@example.org",
    "GIT_COMMITTER_NAME": "Bench",
    "GIT_COMMITTER_EMAIL": "bench@example.org",
    "GIT_CONFIG_NOSYSTEM": "1",
}
DOMAINS = ("accounts", "network", "printing", "email", "devices")
KCS_YML = """languages: [en]
default_language: en
people:
  - {id: anna, name: Anna, email: anna@example.org, roles: {"*": admin, accounts: publisher}}
  - {id: jan, name: Jan, email: jan@example.org, roles: {"*": contributor}}
  - {id: bench, name: Bench, email: bench@example.org, roles: {"*": candidate}}
"""


def article(n: int, audience: str = "internal", extra: str = "") -> str:
    return (
        f"---\ntitle: Problem number {n}\nstate: not-validated\naudience: {audience}\n"
        f"---\n\n## Issue\n\nSomething {n} fails.{extra}\n\n## Environment\n\nWindows 11\n\n"
        f"## Resolution\n\nRestart service {n}.\n"
    )


def git(repo: Path, *args: str, data: bytes | None = None) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, input=data, capture_output=True, check=True, env=ENV
    ).stdout.decode()


def fast_import(repo: Path, stream: list[bytes]) -> None:
    git(repo, "fast-import", "--quiet", data=b"".join(stream))


def blob_cmd(path: str, text: str) -> bytes:
    data = text.encode()
    return f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n"


def commit_cmd(
    ref: str, message: str, when: int, parent: str | None, files: list[bytes]
) -> list[bytes]:
    msg = message.encode()
    out = [
        f"commit {ref}\ncommitter Bench <bench@example.org> {when} +0000\n"
        f"data {len(msg)}\n".encode()
        + msg
        + b"\n"
    ]
    if parent:
        out.append(f"from {parent}\n".encode())
    out.extend(files)
    out.append(b"\n")
    return out


def make_repo(root: Path, articles: int) -> Path:
    repo = root / "kb"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    files = [blob_cmd("kcs.yml", KCS_YML)] + [
        blob_cmd(f"articles/{DOMAINS[i % len(DOMAINS)]}/a{i:05d}.md", article(i))
        for i in range(articles)
    ]
    fast_import(repo, commit_cmd("refs/heads/main", "seed", 1767225600, None, files))
    git(repo, "reset", "-q", "--hard", "main")  # fast-import leaves the work tree empty
    return repo


def timed(cmd: list[str], cwd: Path) -> tuple[float, subprocess.CompletedProcess[str]]:
    start = time.perf_counter()
    result = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=ENV)
    return time.perf_counter() - start, result


def best(
    runs: int, cmd: list[str], cwd: Path, ok: tuple[int, ...] = (0,), expect: str = ""
) -> float:
    times = []
    for _ in range(runs):
        seconds, result = timed(cmd, cwd)
        if result.returncode not in ok or expect not in result.stdout:
            raise SystemExit(f"{' '.join(cmd)} failed ({result.returncode}): {result.stderr}")
        times.append(seconds)
    return min(times)


def bench_gate(root: Path, articles: int, runs: int) -> dict[str, float]:
    repo = make_repo(root, articles)
    files = [
        blob_cmd(
            f"articles/{DOMAINS[i % len(DOMAINS)]}/a{i:05d}.md",
            article(i, "public" if i % 3 == 0 else "internal", " Again."),
        )
        for i in range(articles)
    ]
    fast_import(
        repo, commit_cmd("refs/heads/big", "touch everything", 1767312000, "refs/heads/main", files)
    )
    baseline = best(runs, ["git", "diff", "--name-status", "-M", "main", "big"], repo)
    gate = best(
        runs,
        [
            *KCS,
            "gate",
            "--base",
            "main",
            "--head",
            "big",
            "--author",
            "jan",
            "--approver",
            "anna",
            "--json",
        ],
        repo,
        ok=(0, 1),
        expect='"allowed": false',
    )
    startup = best(runs, [*KCS, "--version"], repo)
    return {"baseline": baseline, "kcs": gate, "startup": startup}


def bench_proposals(root: Path, articles: int, branches: int, runs: int) -> dict[str, float]:
    repo = make_repo(root, articles)
    stream: list[bytes] = []
    for b in range(branches):
        i = (b * 7) % articles
        files = [
            blob_cmd(
                f"articles/{DOMAINS[i % len(DOMAINS)]}/a{i:05d}.md",
                article(i, "public" if b % 4 == 0 else "internal", f" Branch {b}."),
            )
        ]
        stream += commit_cmd(
            f"refs/heads/proposal/bench/a{i:05d}-{b}",
            f"Proposal {b}",
            1767312000 + b * 60,
            "refs/heads/main",
            files,
        )
    fast_import(repo, stream)
    script = (
        "set -e; for b in $(git for-each-ref --format='%(refname:short)' "
        'refs/heads/proposal/); do git diff --name-status main..."$b" >/dev/null; '
        "done"
    )
    baseline = best(runs, ["sh", "-c", script], repo)
    listed = best(runs, [*KCS, "proposals", "--json"], repo, expect='"waiting_for"')
    return {"baseline": baseline, "kcs": listed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--branches", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-gate-") as tmp:
        root = Path(tmp)
        (root / "g").mkdir()
        (root / "p").mkdir()
        gate = bench_gate(root / "g", args.articles, args.runs)
        props = bench_proposals(root / "p", args.articles, args.branches, args.runs)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}, best of {args.runs}"
    )
    print(
        f"kcs gate, {args.articles} articles changed: {gate['kcs']:.2f} s "
        f"(git diff --name-status: {gate['baseline']:.3f} s, ratio "
        f"{gate['kcs'] / gate['baseline']:.0f}x; kcs startup alone {gate['startup']:.2f} s)"
        f" target < 5 s: {'ok' if gate['kcs'] < 5 else 'MISSED'}"
    )
    print(
        f"kcs proposals, {args.branches} open branches: {props['kcs']:.2f} s "
        f"(for-each-ref + git diff per branch: {props['baseline']:.2f} s, ratio "
        f"{props['kcs'] / props['baseline']:.1f}x) target < 5 s: "
        f"{'ok' if props['kcs'] < 5 else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
