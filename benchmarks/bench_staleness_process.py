"""Benchmark: ``kcs report staleness`` as a whole process, installed from a wheel,
against one bare ``git log --name-status -M`` on the replayed real history.

Run: .venv/bin/python benchmarks/bench_staleness_process.py [--runs 7] [--keep DIR]

What a user runs is a whole process: interpreter start, imports, reading the
articles and the history, the report, its text and the exit. So the package is
built as a wheel and installed into a fresh virtual environment (its own copy of
kcs, the dependencies reached through this checkout's environment), and the command
runs there as ``<venv>/bin/kcs report staleness --root REPO``, its output read through
a pipe. The repository is ../shared/corpus/officedocs-support-history.tsv.gz
replayed by tests/replay.py (8,848 commits, 2,470 articles). Baseline: one bare
``git log --name-status -M`` over the same repository, its output read through a
pipe. Budget: the whole process costs at most 2x the baseline.

Figures are the best of --runs runs, taken round robin (one run of every figure, then
the next round) so that load from elsewhere on a shared machine hits every figure;
the median of the per-round ratios and the CPU seconds (this process's children: the
interpreter, its forked loader and git) are printed too. Also shown: the interpreter
with the command line's imports alone (``kcs report staleness --help``), to tell
start-up from work. Figures go to docs/benchmarks/reports.md by hand.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from replay import HISTORY_TSV, replay  # noqa: E402


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_process(argv: Sequence[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one process, its standard output read through a pipe."""
    cpu = children_cpu()
    start = time.perf_counter()
    with subprocess.Popen(argv, stdout=subprocess.PIPE) as proc:
        assert proc.stdout is not None
        while proc.stdout.read(1 << 16):
            pass
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited with {proc.returncode}")
    return wall, children_cpu() - cpu


def install_wheel(dest: Path) -> Path:
    """Build the wheel of this checkout and install it into a new environment at
    ``dest``; return its ``kcs`` script."""
    wheels = dest / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps"] + ["-w", str(wheels), str(REPO)],
        check=True,
    )
    (wheel,) = wheels.glob("kcs_portal-*.whl")
    venv = dest / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index"]
        + ["--target", str(site), "--upgrade", str(wheel)],
        check=True,
    )
    # The dependencies as this checkout's environment has them. That directory's .pth
    # files (the editable install of this checkout among them) are not processed: kcs
    # comes from the wheel alone.
    (site / "dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    script = venv / "bin" / "kcs"
    script.write_text(f"#!{python}\nfrom kcs.cli import main\nmain()\n")
    script.chmod(0o755)
    check = subprocess.run(
        [str(python), "-c", "import kcs; print(kcs.__file__)"],
        capture_output=True,
        text=True,
        check=True,
        cwd=dest,  # not this checkout, whose kcs/ would come first on the path
    ).stdout.strip()
    assert check.startswith(str(site)), f"kcs imported from {check}, not from the wheel"
    return script


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs per figure (default 7)")
    parser.add_argument("--keep", type=Path, help="replay into this folder and keep it")
    args = parser.parse_args()
    if not HISTORY_TSV.is_file():
        raise SystemExit(f"{HISTORY_TSV}: the corpus is missing")
    print(
        f"# {platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"load average {' '.join(f'{v:.2f}' for v in os.getloadavg())}"
    )
    with tempfile.TemporaryDirectory(prefix="kcs-bench-process-") as tmp:
        kcs = install_wheel(Path(tmp))
        root = args.keep or Path(tmp) / "real"
        if not (root / ".git").is_dir():
            replay(root, layout="kcs")
        report = [str(kcs), "report", "staleness", "--root", str(root)]
        figures: dict[str, Callable[[], tuple[float, float]]] = {
            "git log --name-status -M": lambda: timed_process(
                ["git", "-C", str(root), "log", "--name-status", "-M"]
            ),
            "kcs report staleness (whole process)": lambda: timed_process(report),
            "kcs report staleness --help (start-up)": lambda: timed_process(
                [*report[:3], "--help"]
            ),
        }
        for func in figures.values():  # warm the file cache and the compiled bytecode
            func()
        walls: dict[str, list[float]] = {name: [] for name in figures}
        cpus: dict[str, list[float]] = {name: [] for name in figures}
        for _ in range(max(1, args.runs)):
            for name, func in figures.items():
                wall, cpu = func()
                walls[name].append(wall)
                cpus[name].append(cpu)
        base = min(walls["git log --name-status -M"])
        print(f"{'what':42} {'best s':>7} {'x git':>6} {'CPU s':>6}")
        for name in figures:
            best = min(walls[name])
            print(f"{name:42} {best:7.3f} {best / base:6.2f} {min(cpus[name]):6.3f}")
        whole = walls["kcs report staleness (whole process)"]
        ratio = min(whole) / base
        rounds = statistics.median(
            w / g for w, g in zip(whole, walls["git log --name-status -M"], strict=True)
        )
        verdict = "OK" if ratio <= 2 else "OVER BUDGET"
        print(
            f"whole process / git log = {ratio:.2f} (best of {args.runs} each; median of the "
            f"per-round ratios {rounds:.2f}; budget 2.0) {verdict}"
        )
        print(f"load average after: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
