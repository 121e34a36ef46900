"""Ingest speed and memory against GoAccess on the same combined log, in one run.

    .venv/bin/python benchmarks/bench_ingest.py [--lines 1000000] [--keep DIR]

Generates a realistic combined log (article views, language pages, assets,
beacons, crawlers, probes), then times ``goaccess --log-format=COMBINED -o json``
and ``kcs.usage.store.ingest`` on it, each in a child process so that peak RSS
(``ru_maxrss`` of the child) is measured separately. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

ARTICLES = [f"article-{n:03d}" for n in range(300)]
LANGS = ["sv", "fi", "nl", "en"]
BROWSERS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/{v}.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.{v} Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:{v}.0) Gecko/20100101 Firefox/{v}.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_{v} like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1",
]
BOTS = [
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "kube-probe/1.29",
    "Mozilla/5.0 (compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)",
]
QUERIES = [
    "vpn",
    "skrivare",
    "lösenord",
    "outlook offline",
    "teams ljud",
    "0x80070643",
    "AADSTS50076",
    "wifi eduroam",
    "tulostin",
    "wachtwoord vergeten",
    "printer",
]


def generate(path: Path, lines: int, *, seed: int = 1, days: int = 30) -> None:
    """Write ``lines`` combined-format lines spread over the last ``days`` days."""
    rng = random.Random(seed)
    agents = [b.format(v=v) for b in BROWSERS for v in range(100, 160)]
    # 20,000 people, each with an address and a browser, about 1,000 of them a day
    people = [
        (f"10.{rng.randrange(4)}.{rng.randrange(256)}.{rng.randrange(1, 255)}", rng.choice(agents))
        for _ in range(20_000)
    ]
    today: list[tuple[str, str]] = []
    day_of = -1
    start = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(days=days)
    step = days * 86400 / lines
    with path.open("w", encoding="utf-8") as out:
        for index in range(lines):
            when = start + dt.timedelta(seconds=int(index * step))
            stamp = when.strftime("%d/%b/%Y:%H:%M:%S +0000")
            if when.toordinal() != day_of:
                day_of, today = when.toordinal(), rng.sample(people, 1000)
            roll = rng.random()
            ip, agent = rng.choice(today)
            status, size = 200, rng.randrange(2000, 40000)
            if roll < 0.30:
                uri = f"/a/{rng.choice(ARTICLES)}/"
            elif roll < 0.40:
                uri = f"/{rng.choice(LANGS)}/"
            elif roll < 0.70:
                uri = rng.choice(
                    [
                        "/assets/main.css",
                        "/assets/app.js",
                        "/img/logo.svg",
                        "/search/index.json",
                        "/favicon.ico",
                    ]
                )
            elif roll < 0.90:
                status, size = 204, 0
                kind = rng.choice(["search", "search", "click", "feedback", "suggest", "contact"])
                q = quote(rng.choice(QUERIES))
                lang = rng.choice(LANGS)
                uri = {
                    "search": f"/_kcs/e?v=1&t=search&q={q}&n={rng.randrange(0, 8)}&l={lang}",
                    "click": f"/_kcs/e?v=1&t=click&q={q}&p={rng.randrange(1, 6)}"
                    f"&a={rng.choice(ARTICLES)}&l={lang}",
                    "feedback": f"/_kcs/e?v=1&t=feedback&a={rng.choice(ARTICLES)}"
                    f"&h={rng.choice(['yes', 'no'])}&r=unclear&l={lang}",
                    "suggest": f"/_kcs/e?v=1&t=suggest&q={q}&n=3&l={lang}",
                    "contact": f"/_kcs/e?v=1&t=contact&q={q}&l={lang}",
                }[kind]
            elif roll < 0.97:
                agent = rng.choice(BOTS)
                uri = f"/a/{rng.choice(ARTICLES)}/"
            else:
                status, uri = 404, f"/missing/{rng.randrange(1000)}"
            out.write(
                f'{ip} - - [{stamp}] "GET {uri} HTTP/1.1" {status} {size} '
                f'"https://help.example.org/sv/" "{agent}"\n'
            )


def _child(argv: list[str]) -> tuple[float, float, int]:
    """Run argv; return (wall seconds, CPU seconds, peak RSS in MB) of that one child."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    assert process.stderr is not None
    err = process.stderr.read().decode()
    if status != 0:
        sys.exit(f"{argv[0]} failed: {err}")
    if err.strip():
        print(err.strip(), file=sys.stderr)
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss // 1024


INGEST = (
    "import sys, pathlib; from kcs.usage.store import ingest, ArticleMeta; "
    "meta = {f'article-{n:03d}': ArticleMeta(['sv','fi','nl','en'][n % 4], f'domain{n % 8}', "
    "'public') for n in range(300)}; "
    "r = ingest(pathlib.Path(sys.argv[1]), [pathlib.Path(sys.argv[2])], articles=meta); "
    "print('ingest:', r.lines, 'lines', r.kept, 'kept', r.events, 'events', "
    "'CPU seconds per phase', r.seconds, file=sys.stderr)"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, default=None, help="keep the files in this folder")
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="alternate the two tools this many times; the best run of each counts "
        "(on a shared machine the minimum is the least disturbed)",
    )
    parser.add_argument(
        "--no-goaccess",
        action="store_true",
        help="measure only the ingest (e.g. peak memory on 10,000,000 lines)",
    )
    args = parser.parse_args()
    goaccess = shutil.which("goaccess")
    if goaccess is None and not args.no_goaccess:
        sys.exit("goaccess is not installed (apt-get install goaccess)")
    folder = args.keep or Path(tempfile.mkdtemp(prefix="kcs-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    log = folder / "access.log"
    if not log.exists() or sum(1 for _ in log.open("rb")) != args.lines:
        generate(log, args.lines)
    size = log.stat().st_size / 1e6
    report = folder / "goaccess.json"
    if args.no_goaccess:
        db = folder / "usage.sqlite"
        for stale in folder.glob("usage.sqlite*"):
            stale.unlink()
        wall, cpu, rss = _child([sys.executable, "-c", INGEST, str(db), str(log)])
        print(
            f"| {args.lines:,} lines, {size:.0f} MB | {wall:.1f} s wall | {cpu:.1f} s CPU | "
            f"{args.lines / wall:,.0f} lines/s | peak RSS {rss} MB |"
        )
        return
    assert goaccess is not None
    db = folder / "usage.sqlite"
    ingest = [sys.executable, "-c", INGEST, str(db), str(log)]
    go_runs, kcs_runs = [], []
    for _ in range(args.repeat):
        go_runs.append(
            _child(
                [goaccess, str(log), "--log-format=COMBINED", "-o", str(report), "--no-progress"]
            )
        )
        for stale in folder.glob("usage.sqlite*"):
            stale.unlink()
        kcs_runs.append(_child(ingest))
    rerun_wall, rerun_cpu, _ = _child(ingest)
    go_wall, go_cpu = min(r[0] for r in go_runs), min(r[1] for r in go_runs)
    kcs_wall, kcs_cpu = min(r[0] for r in kcs_runs), min(r[1] for r in kcs_runs)
    go_rss, kcs_rss = max(r[2] for r in go_runs), max(r[2] for r in kcs_runs)
    print(
        "all runs (wall s, CPU s):",
        [r[:2] for r in go_runs],
        [r[:2] for r in kcs_runs],
        file=sys.stderr,
    )
    hits = json.loads(report.read_text())["general"]["total_requests"]
    print(
        f"| {args.lines:,} lines, {size:.0f} MB, best of {args.repeat} | wall | CPU (user+sys) "
        "| lines/s (wall) | peak RSS |"
    )
    print("|---|---|---|---|---|")
    print(
        f"| GoAccess {_version(goaccess)} ({hits:,} requests) | {go_wall:.1f} s | "
        f"{go_cpu:.1f} s | {args.lines / go_wall:,.0f} | {go_rss} MB |"
    )
    print(
        f"| kcs usage ingest | {kcs_wall:.1f} s | {kcs_cpu:.1f} s | "
        f"{args.lines / kcs_wall:,.0f} | {kcs_rss} MB |"
    )
    print(f"| re-run, nothing new | {rerun_wall:.1f} s | {rerun_cpu:.1f} s | | |")
    print(
        f"| **ratio GoAccess / kcs** | **{go_wall / kcs_wall:.2f}×** | "
        f"**{go_cpu / kcs_cpu:.2f}×** | | |"
    )
    print(
        f"\nload average during the run: {os.getloadavg()}; "
        f"database {db.stat().st_size / 1e6:.0f} MB"
    )
    if args.keep is None:
        shutil.rmtree(folder)


def _version(goaccess: str) -> str:
    out = subprocess.run([goaccess, "--version"], capture_output=True, text=True).stdout
    return out.split("\n")[0].split()[-1].rstrip(".") if out else "?"


if __name__ == "__main__":
    main()
