"""Build the sample knowledge base's sites and drive Debian's Chromium against them.

Shared by the browser tests (conftest.py), tests/browser/screenshots.py and
benchmarks/bench_search_browser.py.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

#: Announcements added to the sample knowledge base, relative to the build time, so the
#: tests do not depend on the calendar: (id, days from now it starts, days it ends).
TEST_ANNOUNCEMENTS = {
    "test-ann-active": (-1, 30),
    "test-ann-ending": (-1, 2),  # the browser must hide it once its end has passed
    "test-ann-expired": (-10, -1),  # the build must leave it out
    "test-ann-future": (1, 20),  # built hidden, the browser shows it from its start on
}


#: A Finnish translation of one test announcement: Finnish pages show it instead of the
#: Swedish original, every other language gets the original (the default language's).
TRANSLATED_ANNOUNCEMENT = ("test-ann-active", "fi")


def announcement(
    ident: str, starts: dt.datetime, ends: dt.datetime, *, lang: str = "sv", of: str = ""
) -> str:
    translation = f"translation_of: {of}\n" if of else ""
    return f"""---
id: {ident}
title: Driftstörning {ident}
lang: {lang}
{translation}state: validated
audience: public
type: announcement
severity: warning
starts: {starts.strftime("%Y-%m-%dT%H:%M")}
ends: {ends.strftime("%Y-%m-%dT%H:%M")}
summary: Meddelande {ident} om planerat arbete.
reviewed: {starts.date().isoformat()}
---

## Problem

Planerat arbete {ident}.

## Lösning

Vänta tills arbetet är klart.
"""


#: A public article with a table too wide for a phone (tests of keyboard scrolling).
WIDE_TABLE = """---
id: test-wide-table
title: Skrivarmodeller och drivrutiner
lang: sv
state: validated
audience: public
type: reference
reviewed: 2026-11-01
---

## Problem

Vilken drivrutin hör till vilken skrivare?

## Lösning

| Modell | Våning | Drivrutin | Version | Duplex | Färg | Häftning | Kortläsare | Anmärkning |
|---|---|---|---|---|---|---|---|---|
| Ricoh IM C3000 | 1 | PCL6 Universal | 4.32.0.0 | ja | ja | nej | ja | Hämtas från skrivarservern |
| HP LaserJet M507 | 2 | HP Universal PCL6 | 7.1.0.25570 | ja | nej | nej | nej | Endast svartvitt |
"""


def make_kb(
    dest: Path,
    now: dt.datetime | None = None,
    *,
    announcements: bool = True,
    usage: bool = True,
) -> Path:
    """A copy of the sample knowledge base (plus the test announcements), as a Git repo,
    with usage data from a generated access log (so the internal usage reports have
    tables and charts)."""
    from gitrepo import commit_all, init_repo

    now = now or dt.datetime.now(dt.UTC)
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "kcs.yml", dest / "kcs.yml")
    shutil.copytree(REPO / "articles", dest / "articles")
    if (REPO / "mkdocs.yml").exists():
        shutil.copy(REPO / "mkdocs.yml", dest / "mkdocs.yml")
    (dest / "docs" / "portal").mkdir(parents=True, exist_ok=True)
    if (REPO / "docs" / "portal").is_dir():
        shutil.rmtree(dest / "docs" / "portal")
        shutil.copytree(REPO / "docs" / "portal", dest / "docs" / "portal")
    for ident, (start_days, end_days) in (TEST_ANNOUNCEMENTS if announcements else {}).items():
        starts = now + dt.timedelta(days=start_days)
        ends = now + dt.timedelta(days=end_days)
        path = dest / "articles" / "general" / f"{ident}.md"
        path.write_text(announcement(ident, starts, ends), encoding="utf-8")
        if announcements and ident == TRANSLATED_ANNOUNCEMENT[0]:
            lang = TRANSLATED_ANNOUNCEMENT[1]
            path = dest / "articles" / "general" / f"{ident}-{lang}.md"
            text = announcement(f"{ident}-{lang}", starts, ends, lang=lang, of=ident)
            path.write_text(text, encoding="utf-8")
    if announcements:
        (dest / "articles" / "printing" / "test-wide-table.md").write_text(
            WIDE_TABLE, encoding="utf-8"
        )
    init_repo(dest)
    commit_all(dest, "Sample knowledge base", date="2026-01-15T10:00:00+01:00")
    if usage:
        ingest_sample_log(dest)
    return dest


def ingest_sample_log(root: Path) -> None:
    """``kcs usage ingest`` of scripts/sample_log.py's log for the repository's articles."""
    import subprocess
    import sys

    log = root.parent / "sample-access.log"
    subprocess.run(
        [sys.executable, str(REPO / "scripts" / "sample_log.py"), "--root", str(root)]
        + ["--lines", "3000", str(log)],
        check=True,
        capture_output=True,
    )
    from click.testing import CliRunner

    from kcs.cli import cli

    result = CliRunner().invoke(cli, ["usage", "ingest", str(log), "--root", str(root)])
    if result.exit_code != 0:
        raise RuntimeError(f"kcs usage ingest failed: {result.output}")


def build(root: Path, out: Path) -> Path:
    """``kcs build`` of the public and internal sites into ``out``."""
    from kcs.build import build_sites

    build_sites(root, out=out)
    return out


def launch(playwright: Any) -> Any:
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
