"""Benchmark: import the 2,448 officedocs-support articles, duplicate check included.

Baselines, measured in the same run on the same disk: reading every source file
and copying it into a fresh folder (plain writes), and the same copy through
kcs.fsutil.atomic_write (temporary file, fsync, rename: what the import does for
every article). The import must stay under 60 s.

    .venv/bin/python benchmarks/bench_import.py [--runs N]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "officedocs-support"
LIMIT_SECONDS = 60.0


def fresh_kb(base: Path, name: str) -> Path:
    root = base / name
    (root / "articles").mkdir(parents=True)
    shutil.copy(ROOT / "kcs.yml", root / "kcs.yml")
    return root


def sources() -> list[Path]:
    return sorted(p for p in CORPUS.rglob("*.md") if "includes" not in p.parts)


def copy_plain(files: list[Path], dest: Path) -> None:
    dest.mkdir()
    for index, file in enumerate(files):
        (dest / f"{index}.md").write_bytes(file.read_bytes())


def copy_atomic(files: list[Path], dest: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from kcs.fsutil import atomic_write

    dest.mkdir()
    with ThreadPoolExecutor(max_workers=8) as pool:  # as the import overlaps its fsyncs
        for index, file in enumerate(files):
            pool.submit(atomic_write, dest / f"{index}.md", file.read_bytes())


def timed(func, *args, **kwargs):  # type: ignore[no-untyped-def]
    """((wall seconds, CPU seconds of this process), result)."""
    started, cpu = time.perf_counter(), time.process_time()
    value = func(*args, **kwargs)
    return (time.perf_counter() - started, time.process_time() - cpu), value


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from kcs.duplicates import duplicates_in
    from kcs.importers.pipeline import run_import
    from kcs.knowledge import load

    files = sources()
    figures: dict[str, list[tuple[float, float]]] = {
        k: []
        for k in (
            "copy",
            "atomic copy",
            "import (incl. duplicates)",
            "re-import (unchanged)",
            "dry run",
            "duplicate check alone",
        )
    }
    articles = groups = 0
    for run in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
            base = Path(tmp)
            figures["copy"].append(timed(copy_plain, files, base / f"plain{run}")[0])
            figures["atomic copy"].append(timed(copy_atomic, files, base / f"atomic{run}")[0])
            kb = fresh_kb(base, "kb")
            seconds, result = timed(run_import, kb, CORPUS, into="articles/officedocs")
            assert not result.failures and result.count("create") == len(files)
            figures["import (incl. duplicates)"].append(seconds)
            articles, groups = len(result.actions), len(result.duplicates)
            seconds, again = timed(run_import, kb, CORPUS, into="articles/officedocs")
            assert again.count("unchanged") == len(files)
            figures["re-import (unchanged)"].append(seconds)
            figures["dry run"].append(
                timed(
                    run_import,
                    fresh_kb(base, "dry"),
                    CORPUS,
                    into="articles/officedocs",
                    dry_run=True,
                )[0]
            )
            loaded = load(kb)
            figures["duplicate check alone"].append(timed(duplicates_in, loaded.articles)[0])

    wall = {k: statistics.median(w for w, _ in v) for k, v in figures.items()}
    cpu = {k: statistics.median(c for _, c in v) for k, v in figures.items()}
    print(f"{articles} articles, {groups} near-duplicate groups, {args.runs} runs (median)")
    print()
    print("| Step | Wall s | CPU s | × plain copy (wall) | × atomic copy (wall) |")
    print("|---|---:|---:|---:|---:|")
    for name in figures:
        print(
            f"| {name} | {wall[name]:.2f} | {cpu[name]:.2f} | "
            f"{wall[name] / wall['copy']:.1f} | {wall[name] / wall['atomic copy']:.1f} |"
        )
    imported = wall["import (incl. duplicates)"]
    print()
    print(
        f"import: {imported:.1f} s wall, {articles / imported:.0f} articles/s; "
        f"limit {LIMIT_SECONDS:.0f} s: {'ok' if imported < LIMIT_SECONDS else 'TOO SLOW'}"
    )
    return 0 if imported < LIMIT_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
