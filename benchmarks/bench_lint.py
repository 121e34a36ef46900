"""Benchmark: kcs lint over 10,000 articles, against reading and YAML-parsing the same files.

Run: .venv/bin/python benchmarks/bench_lint.py [COUNT]
The baseline is the least any linter must do: read every file and parse its front matter
with the same YAML library. The ratio says what the checks themselves cost.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).parent))
from common import synthetic_kb, timed  # noqa: E402


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with tempfile.TemporaryDirectory() as tmp:
        root = synthetic_kb(Path(tmp), count)
        files = sorted((root / "articles").rglob("*.md"))

        def baseline() -> int:
            loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
            for file in files:
                text = file.read_text(encoding="utf-8")
                yaml.load(text.split("---")[1], Loader=loader)
            return len(files)

        kcs = Path(sys.executable).with_name("kcs")
        base_s, _ = timed(baseline, repeat=3)
        lint_s, result = timed(
            lambda: subprocess.run(
                [str(kcs), "lint", "--root", str(root)], capture_output=True, text=True, check=False
            ),
            repeat=3,
        )
        print(f"articles: {count}")
        print(f"baseline (read + YAML): {base_s:.2f} s")
        print(
            f"kcs lint (whole CLI run): {lint_s:.2f} s  exit {result.returncode}  "
            f"{result.stderr.strip()}"
        )
        print(f"ratio lint/baseline: {lint_s / base_s:.1f}")


if __name__ == "__main__":
    main()
