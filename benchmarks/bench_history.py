"""Benchmark: the one-pass history and the staleness report against a bare ``git log``.

Run: .venv/bin/python benchmarks/bench_history.py [--commits 100000] [--articles 10000]

1. Real history: ../shared/corpus/officedocs-support-history.tsv.gz (8,848 commits)
   replayed with tests/replay.py into a knowledge repository. Baseline: one bare
   ``git log --name-status -M`` over the same repository (output read through a
   pipe). Measured in the same run: ``read_history`` alone, and the whole staleness
   report (articles + history + report + text rendering, in process). Budget: the
   report costs at most 2x the baseline.
2. Synthetic: N articles, M commits (git fast-import), one to three articles per
   commit, renames, deletions and Approved-by trailers. The staleness report runs in
   a child process; wall time and peak RSS (getrusage of the children, which also
   covers git) must stay under 60 s and 1 GB.

Times are the best of --runs runs (default 5; the machine is shared), taken
round robin (one run of every figure, then the next round) so that a burst of
load from elsewhere hits every figure; the median of the per-round ratios is
printed too.
Also shown, for reference: ``kcs report staleness`` as a whole process
(interpreter start and imports included) and the same report with its articles
loaded in the main process (no forked loader). Figures go to
docs/benchmarks/reports.md by hand.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from replay import HISTORY_TSV, FastImport, replay  # noqa: E402

DOMAINS = (
    "accounts",
    "network",
    "printing",
    "email",
    "teams",
    "devices",
    "access",
    "general",
    "security",
    "software",
)
STATES = ("validated",) * 6 + ("not-validated", "not-validated", "wip", "archived")


RUNS = 5


def best(func: Callable[[], object], runs: int | None = None) -> float:
    times = []
    for _ in range(runs or RUNS):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def cpu_seconds() -> float:
    """User + system CPU time of this process and its waited-for children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def bare_git_log(root: Path) -> None:
    with subprocess.Popen(
        ["git", "-C", str(root), "log", "--name-status", "-M"], stdout=subprocess.PIPE
    ) as proc:
        assert proc.stdout is not None
        while proc.stdout.read(1 << 16):
            pass
    assert proc.returncode == 0


def staleness_text(root: Path) -> str:
    from kcs.reports import build
    from kcs.reports.render import render

    return render(build("staleness", root), "text")


def staleness_in_process(root: Path) -> str:
    """The same report with the articles loaded in this process, in a thread."""
    import threading

    from kcs.reports import build
    from kcs.reports.render import render

    hold = threading.Event()
    other = threading.Thread(target=hold.wait)  # a running thread rules out the fork
    other.start()
    try:
        return render(build("staleness", root), "text")
    finally:
        hold.set()
        other.join()


def staleness_cli(root: Path) -> None:
    subprocess.run(
        [sys.executable, "-c", "from kcs.cli import main; main()", "report", "staleness"]
        + ["--root", str(root)],
        stdout=subprocess.DEVNULL,
        check=True,
    )


def real_history(tmp: Path) -> dict[str, float]:
    import statistics

    from kcs.history import read_history
    from kcs.knowledge import load
    from kcs.reports import staleness
    from kcs.reports.render import render

    def given_articles() -> None:
        history = read_history(root)
        render(staleness.report(kb, history, dt.date.today()), "text")

    start = time.perf_counter()
    root = replay(tmp / "real", layout="kcs")
    replayed = time.perf_counter() - start
    kb = load(root, bodies=False)
    staleness_text(root)  # warm the file cache and the imports once
    timed: dict[str, Callable[[], object]] = {
        "git_log_s": lambda: bare_git_log(root),
        "read_history_s": lambda: read_history(root),
        "load_articles_s": lambda: load(root),
        "load_front_matter_s": lambda: load(root, bodies=False),
        "staleness_report_s": lambda: staleness_text(root),
        "report_given_articles_s": given_articles,
        "report_no_fork_s": lambda: staleness_in_process(root),
        "cli_process_s": lambda: staleness_cli(root),
    }
    # Round robin: a burst of load from elsewhere hits every figure, not one of them.
    times: dict[str, list[float]] = {key: [] for key in timed}
    cpu: dict[str, list[float]] = {key: [] for key in timed}
    for _ in range(RUNS):
        for key, func in timed.items():
            before = cpu_seconds()
            times[key].append(best(func, runs=1))
            cpu[key].append(cpu_seconds() - before)
    out = {
        "replay_s": replayed,
        "commits": float(len(read_history(root).commits)),
        "articles": float(len(kb.articles)),
        **{key: min(values) for key, values in times.items()},
    }
    base = out["git_log_s"]
    for key in ("read_history", "staleness_report", "report_given_articles", "report_no_fork"):
        out[f"{key.removesuffix('_s')}_ratio"] = out[f"{key}_s"] / base
    out["cli_process_ratio"] = out["cli_process_s"] / base
    # CPU seconds (this process and its children: git, the forked loader) do not
    # depend on what else runs on the machine.
    out["git_log_cpu_s"] = min(cpu["git_log_s"])
    out["staleness_report_cpu_s"] = min(cpu["staleness_report_s"])
    out["report_ratio_median_of_rounds"] = statistics.median(
        r / g for r, g in zip(times["staleness_report_s"], times["git_log_s"], strict=True)
    )
    return out


def article_text(ident: str, domain: str, state: str, rev: int, pick: random.Random) -> bytes:
    reviewed = ""
    if state == "validated" and pick.random() < 0.7:
        day = dt.date(2020, 1, 1) + dt.timedelta(days=pick.randrange(1800))
        reviewed = f"reviewed: {day.isoformat()}\n"
    words = " ".join(pick.choice(DOMAINS) + str(pick.randrange(1000)) for _ in range(40))
    return (
        f"---\nid: {ident}\ntitle: Problem {ident} in {domain}\nstate: {state}\n{reviewed}"
        f"---\n\n## Issue\n\n{words}\n\n## Resolution\n\nStep {rev}: restart.\n"
    ).encode()


def synthetic(dest: Path, articles: int, commits: int) -> Path:
    pick = random.Random(7)
    fi = FastImport(dest)
    kcs_yml = (
        b"site:\n  name: Bench\n  url: https://help.example.org/\n"
        b"languages: [en]\ndefault_language: en\n"
    )
    when = dt.datetime(2019, 1, 1, tzinfo=dt.UTC)
    step = dt.timedelta(seconds=(6 * 365 * 86400) // commits)
    fi.commit(
        name="bench",
        email="bench@example.org",
        date=when,
        message="kcs.yml",
        ops=[("M", "kcs.yml", kcs_yml)],
    )
    live: list[str] = []
    meta: dict[str, tuple[str, str, str]] = {}
    made = 0
    authors = [f"Author {i}" for i in range(300)]
    for n in range(commits - 1):
        when += step
        ops: list[tuple] = []
        # Create all articles over the first 30% of commits, then change them.
        creating = made < articles and (n < commits * 0.3 or pick.random() < 0.5)
        if creating:
            for _ in range(pick.randint(1, 2)):
                if made >= articles:
                    break
                domain = DOMAINS[made % len(DOMAINS)]
                ident = f"a{made:05d}"
                path = f"articles/{domain}/{ident}.md"
                meta[path] = (ident, domain, pick.choice(STATES))
                ops.append(("M", path, article_text(ident, domain, meta[path][2], n, pick)))
                live.append(path)
                made += 1
        else:
            roll = pick.random()
            if roll < 0.01 and live:  # rename within the domain
                i = pick.randrange(len(live))
                old = live[i]
                new = old.replace(".md", f"-r{n}.md")
                meta[new] = meta.pop(old)
                live[i] = new
                ops.append(("R", old, new))
            elif roll < 0.013 and len(live) > articles // 2:  # delete
                old = live.pop(pick.randrange(len(live)))
                meta.pop(old)
                ops.append(("D", old))
            else:
                for path in {pick.choice(live) for _ in range(pick.randint(1, 3))}:
                    ident, domain, state = meta[path]
                    ops.append(("M", path, article_text(ident, domain, state, n, pick)))
        message = f"Change {n}"
        if pick.random() < 0.2:
            message += f"\n\nApproved-by: {pick.choice(authors)} <x@example.org>"
        author = pick.choice(authors)
        fi.commit(
            name=author,
            email=f"{author.replace(' ', '.').lower()}@example.org",
            date=when,
            message=message,
            ops=ops,
        )
    return fi.close()


CHILD = """
import sys, time
from pathlib import Path
start = time.perf_counter()
from kcs.reports import build
from kcs.reports.render import render
text = render(build("staleness", Path(sys.argv[1])), "text")
print(time.perf_counter() - start, len(text.splitlines()))
"""


def synthetic_run(tmp: Path, articles: int, commits: int) -> dict[str, float]:
    start = time.perf_counter()
    root = synthetic(tmp / "synthetic", articles, commits)
    made = time.perf_counter() - start
    git_log = best(lambda: bare_git_log(root), runs=1)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(root)], capture_output=True, text=True, check=True
    )
    wall = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    inner, lines = result.stdout.split()
    return {
        "generate_s": made,
        "git_log_s": git_log,
        "report_wall_s": wall,
        "report_inner_s": float(inner),
        "report_lines": float(lines),
        "peak_rss_mb": max(peak_kib, before) / 1024,
    }


def main() -> None:
    global RUNS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--commits", type=int, default=100_000)
    parser.add_argument("--skip-real", action="store_true")
    parser.add_argument("--skip-synthetic", action="store_true")
    parser.add_argument(
        "--runs", type=int, default=RUNS, help="runs per figure; the best counts (default 5)"
    )
    args = parser.parse_args()
    RUNS = max(1, args.runs)
    print(
        f"# {platform.platform()}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, load average {' '.join(f'{v:.2f}' for v in os.getloadavg())}"
    )
    with tempfile.TemporaryDirectory(prefix="kcs-bench-history-") as tmp:
        if not args.skip_real and HISTORY_TSV.is_file():
            real = real_history(Path(tmp))
            print("real history:")
            for key, value in real.items():
                print(f"  {key:20} {value:10.3f}")
            verdict = "OK" if real["staleness_report_ratio"] <= 2 else "OVER BUDGET"
            print(
                f"  staleness report / bare git log = {real['staleness_report_ratio']:.2f} "
                f"(best of {RUNS} each; budget 2.0) {verdict}"
            )
            print(
                f"  history + staleness on loaded articles / bare git log = "
                f"{real['report_given_articles_ratio']:.2f}"
            )
            print(f"  load average after: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
        if args.skip_synthetic:
            return
        synth = synthetic_run(Path(tmp), args.articles, args.commits)
        print(f"synthetic ({args.articles} articles, {args.commits} commits):")
        for key, value in synth.items():
            print(f"  {key:20} {value:10.3f}")
        ok = synth["report_wall_s"] < 60 and synth["peak_rss_mb"] < 1024
        print(f"  budget: < 60 s and < 1024 MB: {'OK' if ok else 'OVER BUDGET'}")


if __name__ == "__main__":
    main()
