"""Benchmark: merge to live, on a plain Git server, until a reader's browser finds the change.

Run: .venv/bin/python benchmarks/bench_merge_to_live.py [COUNT ...]   (default: 1000)

For each size a knowledge base is made from ../shared/corpus/officedocs-support (the same
articles as bench_build.py), pushed to a bare repository with the shipped post-receive hook,
published once with ``kcs publish`` and served by nginx with deploy/nginx.conf. Then a
proposal that edits one English article (a word no other article has) is merged and pushed,
and the clock runs from the push until

* ``served``: nginx answers the article's page with the new word, and
* ``found``: Pagefind finds the word in Debian's Chromium (Playwright) typed into the
  public home page's search box (the browser is started before the push).

The baseline, in the same run on the same tree, is a plain ``kcs build`` of both sites:
the least a publish of a full build can take. Figures go to docs/benchmarks/publish.md.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))
sys.path.insert(0, str(REPO / "tests" / "browser"))

from bench_build import make_sites  # noqa: E402
from common import GIT_ENV  # noqa: E402
from nginx import Nginx  # noqa: E402
from sitekit import launch  # noqa: E402

BIN = Path(sys.executable).parent
PUBLIC, INTERNAL = "help.example.org", "kb.example.org"
TOKEN = "zqxmergedword"


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, env={**os.environ, **GIT_ENV}
    )
    if done.returncode != 0:
        raise SystemExit(f"git {' '.join(args)} failed: {done.stderr}")
    return done.stdout


def timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")
    return time.perf_counter() - start


def page(port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"Host": PUBLIC})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def found_in_browser(browser: Any, port: int, article: str) -> bool:
    # Chromium sends Host 127.0.0.1:<port>; nginx's first server, the public site, answers it
    context = browser.new_context()
    try:
        tab = context.new_page()
        tab.goto(f"http://127.0.0.1:{port}/en/")
        tab.locator("#kcs-q-home").fill(TOKEN)
        tab.keyboard.press("Enter")
        try:
            tab.locator(f".kcs-result a[href*='/a/{article}/']").first.wait_for(timeout=5000)
        except Exception:  # not (yet) in the index this page loaded
            return False
        return True
    finally:
        context.close()


def measure(count: int) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="bench-merge-") as tmp_name:
        tmp = Path(tmp_name)
        kb, _ = make_sites(tmp, count)
        # Git keeps no empty folder: a clean clone needs a file in mkdocs.yml's docs_dir
        (kb / "docs/portal/.gitkeep").write_text("")
        git(kb, "add", "-A")
        git(kb, "commit", "-q", "-m", "Keep the docs folder")
        bare, dest = tmp / "kb.git", tmp / "srv"
        dest.mkdir()
        git(tmp, "clone", "-q", "--bare", str(kb), str(bare))
        shutil.copy(REPO / "hooks" / "post-receive", bare / "hooks" / "post-receive")
        git(bare, "config", "kcs.python", sys.executable)
        git(bare, "config", "kcs.publishDir", str(dest))
        git(kb, "remote", "add", "origin", str(bare))
        first = timed([str(BIN / "kcs"), "publish", "--repo", str(bare), "--dest", str(dest)], tmp)
        baseline = timed(
            [str(BIN / "kcs"), "build", "--out", str(tmp / "plain"), "--root", str(kb)], kb
        )
        shutil.rmtree(tmp / "plain")
        # an English article (bench_build gives every fourth one lang: en)
        target = sorted((kb / "articles").rglob("*.md"))[3]
        ident = target.stem
        server = Nginx.start(
            tmp / "nginx", dest / "live/public", dest / "live/internal", names=(PUBLIC, INTERNAL)
        )
        try:
            with sync_playwright() as playwright:
                browser = launch(playwright)
                try:
                    git(kb, "checkout", "-q", "-b", "proposal/edit")
                    with target.open("a", encoding="utf-8") as handle:
                        handle.write(f"\n\nIf it still fails, check the {TOKEN} setting.\n")
                    git(kb, "commit", "-q", "-am", "Edit one article")
                    git(kb, "checkout", "-q", "main")
                    git(kb, "merge", "-q", "--no-ff", "-m", "Merge proposal/edit", "proposal/edit")
                    start = time.perf_counter()
                    git(kb, "push", "-q", "origin", "main")
                    pushed = time.perf_counter() - start
                    while TOKEN.encode() not in page(server.port, f"/a/{ident}/")[1]:
                        if time.perf_counter() - start > 3600:
                            raise SystemExit("the change never went live")
                        time.sleep(0.1)
                    served = time.perf_counter() - start
                    while not found_in_browser(browser, server.port, ident):
                        time.sleep(0.2)
                    found = time.perf_counter() - start
                finally:
                    browser.close()
        finally:
            server.stop()
        entry = json.loads((dest / "publish-log.jsonl").read_text().splitlines()[-1])
        return {
            "count": count,
            "first_publish_s": first,
            "baseline_build_s": baseline,
            "push_s": pushed,
            "served_s": served,
            "found_s": found,
            "publish_s": entry["seconds"],
            "pages": entry["pages"],
            "reused": entry.get("reused", {}),
            "ratio": found / baseline,
            "load": os.getloadavg()[0],
        }


def rendered(r: dict[str, Any]) -> str:
    """Pages the merge's publish rendered (the others came from the live release)."""
    return " + ".join(
        f"{r['pages'][site] - r['reused'].get(site, 0):,} of {r['pages'][site]:,}"
        for site in sorted(r["pages"], reverse=True)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("counts", nargs="*", type=int, default=[1000])
    args = parser.parse_args()
    print(f"# {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    print(
        "| articles | push returns | served by nginx | found in Chromium | publish (log) "
        "| baseline: kcs build | found / baseline | first publish | pages rendered | load |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for count in args.counts:
        r = measure(count)
        print(
            f"| {count:,} | {r['push_s']:.2f} s | {r['served_s']:.1f} s | {r['found_s']:.1f} s | "
            f"{r['publish_s']:.1f} s | {r['baseline_build_s']:.1f} s | {r['ratio']:.2f} | "
            f"{r['first_publish_s']:.1f} s | {rendered(r)} | {r['load']:.1f} |",
            flush=True,
        )
        print(f"<!-- {json.dumps(r)} -->", flush=True)


if __name__ == "__main__":
    main()
