"""Benchmark ``kcs search`` at 10,000 articles.

Builds a knowledge base by scaling up real support articles read in place from
../shared/corpus/ (officedocs-support in English, alchemy-insights in Swedish, Finnish
and Dutch), each copied with a new id and a numbered title until there are N articles.
Then measures, in the same run:

* parsing the repository (``kcs.knowledge.load``) and building the index;
* ``load_or_build`` with a cold cache (parse + build + write) and a warm one;
* ``kcs search QUERY`` as a fresh process with the index cached (what a user waits for);
* baselines: ``grep -rilF QUERY articles/`` and a Python process doing a
  case-insensitive substring scan over every article file;
* for reference, lunr.py's own ``Index.load`` of the full serialised index for one
  language (what a naive cache would pay on every query).

Run: ``.venv/bin/python benchmarks/bench_search.py [--articles 10000] [--out DIR]``.
Writes the figures to docs/benchmarks/search.md (``--no-write`` to skip).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = next(  # ../shared/corpus beside the checkout or beside the folder holding it
    (p / "shared" / "corpus" for p in REPO.parents if (p / "shared" / "corpus").is_dir()),
    REPO.parent / "shared" / "corpus",
)
KCS = Path(sys.executable).parent / "kcs"
QUERIES = [
    ("printer", None),
    ("0x8004010F", None),
    ("AADSTS50020", None),
    ("skrivaren fungerar inte", None),
    ("tulostimen", "fi"),
    ("wachtwoorden vergeten", "nl"),
    ("outlook crashes when opening shared calendar", "en"),
]
Pair = tuple[float, float]  # wall-clock seconds, CPU seconds
_TITLE = re.compile(r"^title:\s*(.+?)\s*$", re.MULTILINE)
_DESCRIPTION = re.compile(r"^description:\s*(.+?)\s*$", re.MULTILINE)


def corpus_articles() -> list[tuple[str, str, str, str]]:
    """(lang, title, summary, body) of every corpus article."""
    out: list[tuple[str, str, str, str]] = []
    sources = [("en", CORPUS / "officedocs-support")] + [
        (lang, CORPUS / "alchemy-insights" / folder)
        for lang, folder in (("sv", "sv-SE"), ("fi", "fi-FI"), ("nl", "nl-NL"))
    ]
    for lang, folder in sources:
        for file in sorted(folder.rglob("*.md")):
            if "includes" in file.parts:
                continue
            text = file.read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n")
            parts = text.split("\n---\n", 1)
            front, body = (parts[0], parts[1]) if len(parts) == 2 else ("", text)
            title = _TITLE.search(front)
            if not title:
                continue
            summary = _DESCRIPTION.search(front)
            out.append(
                (lang, _clean(title.group(1)), _clean(summary.group(1) if summary else ""), body)
            )
    return out


def _clean(value: str) -> str:
    return value.strip().strip("\"'").replace('"', "'")


def make_kb(root: Path, count: int) -> dict[str, int]:
    source = corpus_articles()
    random.Random(7).shuffle(source)  # mix the languages, reproducibly
    (root / "articles").mkdir(parents=True)
    (root / "kcs.yml").write_text(
        "site: {name: Search benchmark}\nlanguages: [sv, fi, nl, en]\ndefault_language: en\n",
        encoding="utf-8",
    )
    langs: dict[str, int] = {}
    total_bytes = 0
    for number in range(count):
        lang, title, summary, body = source[number % len(source)]
        copy = number // len(source)
        domain = f"d{number % 20:02d}"
        folder = root / "articles" / domain
        folder.mkdir(exist_ok=True)
        title = f"{title} ({copy})" if copy else title
        text = (
            f'---\nid: a{number:05d}\ntitle: "{title}"\nlang: {lang}\n'
            f'summary: "{summary}"\ntickets: [INC{number:07d}]\n---\n\n'
            f"## Issue\n\n{body}\n"
        )
        (folder / f"a{number:05d}.md").write_text(text, encoding="utf-8")
        langs[lang] = langs.get(lang, 0) + 1
        total_bytes += len(text.encode())
    langs["_bytes"] = total_bytes
    return langs


def run(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """Wall-clock and CPU (user + system) seconds of one run of ``cmd``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def median_run(cmd: list[str], cwd: Path, repeat: int) -> tuple[float, float]:
    """Median wall-clock and median CPU seconds over ``repeat`` runs."""
    runs = [run(cmd, cwd) for _ in range(repeat)]
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


SCAN = """
import os, sys
needle = sys.argv[1].lower()
hits = 0
for folder, _, files in os.walk("articles"):
    for name in files:
        with open(os.path.join(folder, name), encoding="utf-8") as handle:
            if needle in handle.read().lower():
                hits += 1
print(hits)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", type=Path, default=None, help="keep the generated repo here")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()

    sys.path.insert(0, str(REPO))
    from kcs import search
    from kcs.knowledge import load

    work = args.out or Path(tempfile.mkdtemp(prefix="bench-search-"))
    if work.exists() and any(work.iterdir()):
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    counts = make_kb(work, args.articles)
    size_mb = counts.pop("_bytes") / 1e6
    print(
        f"generated {args.articles} articles ({size_mb:.0f} MB, {counts}) "
        f"in {time.perf_counter() - start:.1f} s"
    )

    start = time.perf_counter()
    kb = load(work)
    t_parse = time.perf_counter() - start
    start = time.perf_counter()
    index = search.build_index(kb.articles)
    t_build = time.perf_counter() - start
    terms = sum(len(t.terms) for t in index.langs.values())
    print(f"parse {t_parse:.1f} s, build {t_build:.1f} s, {terms} terms")

    start = time.perf_counter()
    cold = search.load_or_build(work)
    t_cold = time.perf_counter() - start
    assert cold.source == "built"
    cache = work / ".kcs" / "cache"
    cache_mb = sum(f.stat().st_size for f in cache.iterdir()) / 1e6
    start = time.perf_counter()
    warm = search.load_or_build(work)
    t_warm = time.perf_counter() - start
    assert warm.source == "cache"
    print(
        f"load_or_build cold {t_cold:.1f} s, warm {t_warm * 1000:.0f} ms, cache {cache_mb:.0f} MB"
    )

    rows = []
    for query, lang in QUERIES:
        start = time.perf_counter()
        hits = warm.search(query, lang=lang)
        t_query = time.perf_counter() - start
        cmd = [str(KCS), "search", *query.split()] + (["--lang", lang] if lang else [])
        t_cli = median_run(cmd, work, args.repeat)
        t_grep = median_run(["grep", "-rilF", query, "articles"], work, args.repeat)
        t_scan = median_run([sys.executable, "-c", SCAN, query], work, args.repeat)
        rows.append((query, lang or "all", len(hits), t_query, t_cli, t_grep, t_scan))
        print(
            f"{query!r:48} {lang or 'all':3} hits {len(hits):2}  in-process "
            f"{t_query * 1000:6.1f} ms  kcs search {ms(t_cli)}  grep {ms(t_grep)}  "
            f"python scan {ms(t_scan)}"
        )

    startup = median_run([sys.executable, "-c", "pass"], work, args.repeat)
    version = median_run([str(KCS), "--version"], work, args.repeat)

    # Loading the whole index of the biggest language, as a cache without offsets would
    biggest = max(counts, key=lambda k: counts[k])
    index = search.load_or_build(work)
    terms_of = index.langs[biggest]
    items = [d for d in index.docs if d[3] == biggest]
    text = json.dumps({t: terms_of.record_at(n) for n, t in enumerate(terms_of.terms)})
    start = time.perf_counter()
    json.loads(text)
    t_naive = time.perf_counter() - start
    print(
        f"json.loads of the full '{biggest}' index ({len(items)} articles, "
        f"{len(text) / 1e6:.0f} MB): {t_naive:.1f} s"
    )

    report = render(
        args.articles,
        size_mb,
        counts,
        t_parse,
        t_build,
        terms,
        t_cold,
        t_warm,
        cache_mb,
        rows,
        startup,
        version,
        biggest,
        len(items),
        len(text) / 1e6,
        t_naive,
    )
    print(report)
    if not args.no_write:
        target = REPO / "docs" / "benchmarks" / "search.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        old = target.read_text(encoding="utf-8") if target.exists() else ""
        keep = "<!-- search-quality:start -->"  # bench_search_quality.py's section stays
        if keep in old:
            report = report.rstrip("\n") + "\n\n## Search quality\n\n" + old[old.index(keep) :]
        target.write_text(report, encoding="utf-8")
        print(f"wrote {target}")
    if args.out is None:
        shutil.rmtree(work, ignore_errors=True)


def ms(pair: tuple[float, float]) -> str:
    """``wall / CPU`` in milliseconds."""
    return f"{pair[0] * 1000:.0f} / {pair[1] * 1000:.0f} ms"


def render(
    count: int,
    size_mb: float,
    counts: dict[str, int],
    t_parse: float,
    t_build: float,
    terms: int,
    t_cold: float,
    t_warm: float,
    cache_mb: float,
    rows: list[tuple[str, str, int, float, Pair, Pair, Pair]],
    startup: Pair,
    version: Pair,
    biggest: str,
    naive_docs: int,
    naive_mb: float,
    t_naive: float,
) -> str:
    cpu = os.cpu_count()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    worst_wall = max(r[4][0] for r in rows)
    worst_cpu = max(r[4][1] for r in rows)
    lines = [
        "# Search benchmark",
        "",
        "Measured by `benchmarks/bench_search.py` (run it with "
        "`.venv/bin/python benchmarks/bench_search.py`); every figure below comes from one run",
        f"on {platform.machine()} with {cpu} cores, Python {platform.python_version()} "
        f"(load average at the end: {load} — other jobs shared the machine, so absolute "
        "times are pessimistic; the ratios compare runs made side by side).",
        "",
        f"**Corpus**: {count:,} articles ({size_mb:.0f} MB of Markdown) made by copying real "
        "support articles from `../shared/corpus/` (officedocs-support in English, "
        "alchemy-insights in Swedish, Finnish and Dutch) with new ids and numbered titles: "
        + ", ".join(f"{k} {v:,}" for k, v in sorted(counts.items()))
        + ".",
        "",
        "## Building the index",
        "",
        "| step | time |",
        "|---|---|",
        f"| parse the repository (`kcs.knowledge.load`) | {t_parse:.1f} s |",
        f"| build the BM25F indexes ({terms:,} terms over 4 languages) | {t_build:.1f} s |",
        f"| `load_or_build`, cold cache (parse + build + write {cache_mb:.0f} MB) | "
        f"{t_cold:.1f} s |",
        f"| `load_or_build`, warm cache (fingerprint + read header) | {t_warm * 1000:.0f} ms |",
        "",
        "The cold `load_or_build` runs after the plain build in the same process, so its "
        "stemmer memo is already warm; in a fresh process expect parse + build. Any change "
        "to an article rebuilds the whole index on the next search (no incremental update).",
        "",
        "## A query with the index cached",
        "",
        "`kcs search` is a fresh process each time, like a user typing the command; the "
        "baselines are `grep -rilF QUERY articles/` and a Python process reading every "
        "article and testing `query in text.lower()` (what a search without an index does). "
        "Each cell is `wall / CPU` (median of several runs): on a machine shared with other "
        "jobs the wall-clock time mostly measures waiting for a core, the CPU time (user + "
        "system of the child process) what the command costs; on an idle machine wall ≈ CPU. "
        "Ratios use CPU time. In-process is `SearchIndex.search` alone, index loaded.",
        "",
        "| query | lang | hits | in-process | `kcs search` | grep | Python scan | "
        "kcs / grep | kcs / scan |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for query, lang, hits, t_query, t_cli, t_grep, t_scan in rows:
        lines.append(
            f"| `{query}` | {lang} | {hits} | {t_query * 1000:.0f} ms | {ms(t_cli)} | "
            f"{ms(t_grep)} | {ms(t_scan)} | {t_cli[1] / t_grep[1]:.1f} | "
            f"{t_cli[1] / t_scan[1]:.2f} |"
        )
    lines += [
        "",
        f"Process start-up for comparison: `python -c pass` {ms(startup)}, "
        f"`kcs --version` {ms(version)}.",
        "",
        f"**Target: under 0.3 s with the index cached — slowest query {worst_cpu * 1000:.0f} ms "
        f"CPU ({'met' if worst_cpu < 0.3 else 'NOT met'}), {worst_wall * 1000:.0f} ms "
        f"wall-clock on the shared machine.** Of the CPU time, {version[1] * 1000:.0f} ms is "
        "starting Python and the `kcs` command itself (`kcs --version`); the rest is "
        "fingerprinting the article files (one `stat` each), reading the cache header, "
        "stemming and scoring.",
        "",
        "## Why the cache is term-addressable",
        "",
        f"Just parsing the whole index of the '{biggest}' articles ({naive_docs:,} articles, "
        f"{naive_mb:.0f} MB of JSON) takes **{t_naive:.1f} s** — before any query. `kcs "
        "search` instead stores each term's BM25F frequencies with byte offsets in a "
        "memory-mapped file and reads the postings of the query's terms only "
        "(`tests/search/test_search.py::test_scores_are_bm25f_over_the_whole_index` checks "
        "the scores against BM25F computed from scratch). Stemming uses `snowballstemmer` "
        "running PyStemmer's C stemmers.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
