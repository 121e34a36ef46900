"""Benchmark: ``kcs build --audience public`` against a bare MkDocs + Material build.

Run: .venv/bin/python benchmarks/bench_build.py [COUNT ...] [--repeat N]
(default: 1000 10000, two runs each)

Articles are made from the bodies of ../shared/corpus/officedocs-support (read in
place, reused in turn; links flattened to text so neither build warns), all validated
and public, in four languages, committed to a Git repository. The baseline is the
least a static site of the same pages costs: the same Markdown (title heading and
body) as plain files in a bare MkDocs + Material project, out of the navigation, no
plugins, the same Markdown extensions. ``kcs build`` adds what the product needs on
top: parsing the articles and the Git history, listing and home pages, the theme
overrides, Pagefind's index and the leak check. Figures go to docs/benchmarks/build.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import sys
import tempfile
import time
from pathlib import Path

from common import commit_all, run

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus" / "officedocs-support"
BIN = Path(sys.executable).parent
LANGS = ("sv", "fi", "nl", "en")
TAGS = (
    "outlook",
    "teams",
    "sharepoint",
    "exchange",
    "onedrive",
    "licensing",
    "sign-in",
    "mobile",
    "calendar",
    "meetings",
    "mailbox",
    "permissions",
)
EXTENSIONS = """\
markdown_extensions:
  - admonition
  - attr_list
  - md_in_html
  - tables
  - toc:
      permalink: true
  - pymdownx.details
  - pymdownx.superfences
"""
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_FRONT = re.compile(r"\A---\n.*?\n---\n", re.S)
_TITLE = re.compile(r"^title:\s*(.+)$", re.M)
_H1 = re.compile(r"^# .*\n", re.M)


def corpus() -> list[tuple[str, str, str]]:
    """(folder, title, body) of every corpus article, links flattened to their text."""
    out = []
    for path in sorted(CORPUS.rglob("*.md")):
        if "includes" in path.parts:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        title = _TITLE.search(text)
        body = _FRONT.sub("", text, count=1)
        if not title or len(body) < 200:
            continue
        body = _H1.sub("", _LINK.sub(r"\1", body), count=1)
        body = body.replace("\\", "")  # corpus escapes that mkdocs would warn about
        out.append(
            (
                path.relative_to(CORPUS).parts[0].lower(),
                title.group(1).strip().strip("\"'"),
                body.strip(),
            )
        )
    return out


def make_sites(base: Path, count: int) -> tuple[Path, Path]:
    """A knowledge repository and the equivalent bare MkDocs project."""
    texts = corpus()
    kb, bare = base / "kb", base / "bare"
    (kb / "docs/portal").mkdir(parents=True)
    (bare / "docs/a").mkdir(parents=True)
    (kb / "kcs.yml").write_text(
        "site: {name: Benchmark, url: 'https://help.example.org/'}\n"
        "languages: [sv, fi, nl, en]\ndefault_language: en\n",
        encoding="utf-8",
    )
    (kb / "mkdocs.yml").write_text(
        "site_name: Benchmark\ndocs_dir: docs/portal\nuse_directory_urls: true\n"
        "theme:\n  name: material\nplugins:\n  - kcs\n" + EXTENSIONS,
        encoding="utf-8",
    )
    (bare / "mkdocs.yml").write_text(
        "site_name: Benchmark\nsite_url: https://help.example.org/\nuse_directory_urls: true\n"
        "theme:\n  name: material\nplugins: []\nnav:\n  - index.md\nnot_in_nav: |\n  /a/\n"
        + EXTENSIONS,
        encoding="utf-8",
    )
    (bare / "docs/index.md").write_text("# Benchmark\n", encoding="utf-8")
    for number in range(count):
        folder, title, body = texts[number % len(texts)]
        ident = f"{folder}-{number:05d}"
        title = f"{title} ({number})".replace('"', "'")
        tags = ", ".join(TAGS[(number + k) % len(TAGS)] for k in (0, 5))
        path = kb / "articles" / folder / f"{ident}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            f'---\nid: {ident}\ntitle: "{title}"\nlang: {LANGS[number % 4]}\n'
            f"state: validated\naudience: public\ntype: howto\ntags: [{tags}]\n"
            f"reviewed: 2026-05-01\n---\n\n{body}\n",
            encoding="utf-8",
        )
        (bare / "docs/a" / f"{ident}.md").write_text(f"# {title}\n\n{body}\n", encoding="utf-8")
    commit_all(kb, "Benchmark articles")
    return kb, bare


def measure(count: int, repeat: int) -> dict[str, float]:
    """Best of ``repeat`` alternating runs of both builds (other work on the machine
    slows single runs down unevenly)."""
    with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp:
        kb, bare = make_sites(Path(tmp), count)
        bare_s = kcs_s = bare_cpu = kcs_cpu = float("inf")
        load = os.getloadavg()[0]
        out = ""
        for _ in range(repeat):
            wall, cpu, _ = run(
                [str(BIN / "mkdocs"), "build", "-q", "-d", str(Path(tmp) / "bare-site")], bare
            )
            bare_s, bare_cpu = min(bare_s, wall), min(bare_cpu, cpu)
            wall, cpu, out = run(
                [
                    str(BIN / "kcs"),
                    "build",
                    "--audience",
                    "public",
                    "--out",
                    str(Path(tmp) / "site"),
                    "--root",
                    str(kb),
                ],
                kb,
            )
            kcs_s, kcs_cpu = min(kcs_s, wall), min(kcs_cpu, cpu)
            load = max(load, os.getloadavg()[0])
        pages = int(re.search(r"public: (\d+) pages", out).group(1))  # type: ignore[union-attr]
        indexed = sum(1 for _ in (Path(tmp) / "site/public/pagefind/fragment").iterdir())
        return {
            "count": count,
            "bare_s": bare_s,
            "kcs_s": kcs_s,
            "ratio": kcs_s / bare_s,
            "bare_cpu": bare_cpu,
            "kcs_cpu": kcs_cpu,
            "cpu_ratio": kcs_cpu / bare_cpu,
            "pages": pages,
            "indexed": indexed,
            "pps": count / kcs_s,
            "bare_pps": count / bare_s,
            "load": load,
            "repeat": repeat,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("counts", nargs="*", type=int, default=[1000, 10_000])
    parser.add_argument("--repeat", type=int, default=2, help="runs of each build (best kept)")
    parser.add_argument("--no-write", action="store_true", help="do not update the docs page")
    args = parser.parse_args()
    rows = []
    for count in args.counts:
        row = measure(count, args.repeat)
        rows.append(row)
        print(
            f"{count:>6} articles: bare MkDocs+Material {row['bare_s']:6.1f} s "
            f"({row['bare_cpu']:.1f} s CPU), kcs build {row['kcs_s']:6.1f} s "
            f"({row['kcs_cpu']:.1f} s CPU; {row['pages']} pages, {row['indexed']} indexed), "
            f"ratio {row['ratio']:.2f} (CPU {row['cpu_ratio']:.2f}), "
            f"{row['pps']:.0f} articles/s, load {row['load']:.1f}",
            flush=True,
        )
    if not args.no_write:
        write_report(rows)


def write_report(rows: list[dict[str, float]]) -> None:
    lines = [
        "# Benchmark: building the site",
        "",
        "Measured by `benchmarks/bench_build.py` (run it again to refresh this page) on "
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{time.strftime('%Y-%m-%d')}.",
        "",
        "Articles: bodies of `officedocs-support` (reused in turn), validated and public, "
        "four languages, committed to Git. Baseline: the same Markdown as plain files in a "
        "bare MkDocs + Material project (articles out of the navigation, no plugins, same "
        "Markdown extensions), built in the same run. `kcs build --audience public` also "
        "reads the articles and the Git history, writes the listing, home and contact "
        "pages, renders the portal's theme and runs Pagefind and the leak check.",
        "",
        "Wall-clock seconds are the best of the alternating runs; CPU seconds (user + "
        "system, Pagefind's process included) are less sensitive to other work on the "
        "machine, whose load average during the runs is shown.",
        "",
        "| Articles | Bare MkDocs + Material | `kcs build --audience public` | Ratio | "
        "CPU: bare / kcs (ratio) | Articles/s | Pages written | Load |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['count']:,.0f} | {row['bare_s']:.1f} s | {row['kcs_s']:.1f} s | "
            f"{row['ratio']:.2f} | {row['bare_cpu']:.1f} s / {row['kcs_cpu']:.1f} s "
            f"({row['cpu_ratio']:.2f}) | {row['pps']:.0f} | {row['pages']:,.0f} | "
            f"{row['load']:.1f} |"
        )
    lines += [
        "",
        "Targets (issue 2): ratio at most 1.5; 10,000 articles in under 2 minutes.",
        "",
        "Where the extra time goes (`kcs -v build` prints it; 10,000 articles): reading and "
        "parsing the articles about 4 s, the Git history 0.2 s, generating the pages 1.3 s. "
        "Pagefind needs about 2 s of CPU per 1,000 pages, but it runs in its own process "
        "and reads each article as soon as MkDocs has converted its Markdown, then builds "
        "its index while MkDocs renders the templates, so on two cores it adds CPU time, "
        "hardly wall-clock time. The portal theme's templates (kcs/theme) render about 40 % "
        "slower than Material's own. Nothing in the build runs per article in Git or in "
        "the navigation: articles are out of the sidebar, so page size stays flat.",
        "",
    ]
    out = REPO / "docs/benchmarks/build.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {out.relative_to(REPO)}")


if __name__ == "__main__":
    main()
