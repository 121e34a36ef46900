"""The whole shared corpus through the render check and a real build (a slow check).

Every article of ../shared/corpus (officedocs-support in English, alchemy-insights in
Swedish, Finnish and Dutch) is imported with ``kcs import``, linted with ``kcs lint``, and
built into the internal site with ``kcs build``, each as a whole CLI process; two articles
made of the known-nasty fixtures (tests/buildsafe/fixtures/render) are added first. The
check: the build finishes, each nasty article is reported with its line, and every other
article has its page. Baseline, in the same run: a bare MkDocs + Material project (no
plugins) of the same article bodies, without the nasty two (MkDocs stops on them).

    .venv/bin/python benchmarks/bench_render_corpus.py [--write docs/benchmarks/render.md]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

import common
from common import GIT_ENV

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CORPUS = REPO.parent / "shared" / "corpus"
FIXTURES = REPO / "tests" / "buildsafe" / "fixtures" / "render"
BIN = Path(sys.executable).parent
NASTY = ("configmgr-log", "marked-section-bogus")


def run(command: list[str], cwd: Path, *, ok: tuple[int, ...] = (0,)) -> tuple[float, float, str]:
    return common.run(command, cwd, env=GIT_ENV, ok=ok)


def prepare(base: Path) -> Path:
    kb = base / "kb"
    (kb / "articles").mkdir(parents=True)
    (kb / "docs/portal").mkdir(parents=True)
    shutil.copy(REPO / "kcs.yml", kb / "kcs.yml")
    shutil.copy(REPO / "mkdocs.yml", kb / "mkdocs.yml")
    kcs = str(BIN / "kcs")
    run(
        [
            kcs,
            "import",
            str(CORPUS / "officedocs-support"),
            "--into",
            "articles/officedocs",
            "--no-duplicates",
        ],
        kb,
    )
    run(
        [
            kcs,
            "import",
            str(CORPUS / "alchemy-insights"),
            "--into",
            "articles/m365",
            "--no-duplicates",
        ],
        kb,
    )
    for name in NASTY:
        body = (FIXTURES / f"{name}.md").read_text(encoding="utf-8")
        (kb / f"articles/m365/nasty-{name}.md").write_text(
            f"---\nid: nasty-{name}\ntitle: Nasty {name}\nlang: en\n---\n\n{body}",
            encoding="utf-8",
        )
    common.commit_all(kb, "corpus")
    return kb


def bare_project(base: Path, kb: Path) -> Path:
    """The article bodies (front matter dropped) as a plain MkDocs + Material project."""
    bare = base / "bare"
    (bare / "docs/a").mkdir(parents=True)
    (bare / "docs/index.md").write_text("# Corpus\n", encoding="utf-8")
    (bare / "mkdocs.yml").write_text(
        "site_name: Corpus\nuse_directory_urls: true\ntheme:\n  name: material\nplugins: []\n"
        "nav:\n  - index.md\nnot_in_nav: |\n  /a/\nvalidation:\n  links:\n    not_found: info\n"
        "markdown_extensions: [admonition, attr_list, md_in_html, tables, toc]\n",
        encoding="utf-8",
    )
    for path in sorted((kb / "articles").rglob("*.md")):
        if path.stem.startswith("nasty-"):
            continue
        body = path.read_text(encoding="utf-8").split("\n---\n", 1)[1]
        (bare / "docs/a" / f"{path.parent.name}-{path.name}").write_text(body, encoding="utf-8")
    return bare


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write", type=Path, help="write the figures as Markdown here")
    args = parser.parse_args()
    kcs = str(BIN / "kcs")
    with tempfile.TemporaryDirectory(prefix="kcs-render-bench-") as folder:
        base = Path(folder)
        kb = prepare(base)
        articles = sorted((kb / "articles").rglob("*.md"))
        lint_s, lint_cpu, lint_out = run([kcs, "lint", "--root", str(kb)], kb, ok=(0, 1))
        found = [line for line in lint_out.splitlines() if ": render-error: " in line]
        build_s, build_cpu, build_out = run(
            [kcs, "build", "--audience", "internal", "--root", str(kb)], kb
        )
        site = kb / "site/internal"
        pages = {p.parent.name for p in (site / "a").glob("*/index.html")}
        placeholders = sorted(
            p.parent.name
            for p in (site / "a").glob("nasty-*/index.html")
            if "This article cannot be shown" in p.read_text(encoding="utf-8")
        )
        bare = bare_project(base, kb)
        bare_s, bare_cpu, _ = run([str(BIN / "mkdocs"), "build", "-q"], bare)
        rows = {
            "articles": len(articles),
            "article pages": len(pages),
            "lint render-error findings": len(found),
            "placeholder pages": len(placeholders),
        }
        assert len(pages) == len(articles), (len(pages), len(articles))
        assert placeholders == [f"nasty-{n}" for n in sorted(NASTY)], placeholders
        assert len(found) == len(NASTY), found
        assert all(f"nasty-{n}" in build_out for n in NASTY), build_out[-2000:]
    lines = [
        "# Benchmark: the whole corpus through the render check and the build",
        "",
        f"Measured by `benchmarks/bench_render_corpus.py` on {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{time.strftime('%Y-%m-%d')} (load average at the end: "
        + ", ".join(f"{x:.1f}" for x in os.getloadavg())
        + ").",
        "",
        "Every article of `../shared/corpus/` (officedocs-support, en; alchemy-insights, sv, "
        "fi and nl) imported with `kcs import`, plus two articles made of the known-nasty "
        "fixtures (Configuration Manager log lines, a malformed marked section). Baseline: "
        "a bare MkDocs + Material project of the same bodies without the two (MkDocs stops "
        "on them), built in the same run.",
        "",
        "| what | figure |",
        "| --- | ---: |",
        *(f"| {k} | {v:,} |" for k, v in rows.items()),
        f"| `kcs lint` (quick render check of every article) | {lint_s:.1f} s "
        f"({lint_cpu:.1f} s CPU) |",
        f"| `kcs build --audience internal` | {build_s:.1f} s ({build_cpu:.1f} s CPU) |",
        f"| bare `mkdocs build` | {bare_s:.1f} s ({bare_cpu:.1f} s CPU) |",
        f"| ratio build / bare (wall) | {build_s / bare_s:.2f} |",
        "",
        "Checked in the run: the build finishes, each nasty article is a `render-error` "
        "finding of `kcs lint` and a warning of the build with its line, agents see a "
        "placeholder page for it, and every other article has its page.",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.write:
        args.write.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
