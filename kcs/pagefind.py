"""Run Pagefind over a built site: one search index per language, articles only.

Pagefind splits its index by each page's ``<html lang>`` and stems sv, fi, nl and en.
Article pages carry ``data-pagefind-body`` (kcs/plugin.py), so once one page has it
Pagefind leaves every other page (home, listings, contact) out of the index.

We run the binary shipped by the ``pagefind[bin]`` wheel: the package's Python API
is an async wrapper around the same binary and adds nothing a build needs.
"""

from __future__ import annotations

import json
import logging
import subprocess
import time
from pathlib import Path

from .errors import BuildError

log = logging.getLogger(__name__)

OUTPUT_SUBDIR = "pagefind"
ARTICLE_GLOB = "a/**/*.html"


def executable() -> Path:
    try:
        from pagefind_bin import get_executable
    except ImportError:
        raise BuildError(
            "the Pagefind binary is missing; install it with: pip install 'pagefind[bin]'"
        ) from None
    try:
        return Path(get_executable())
    except FileNotFoundError as exc:
        raise BuildError(f"the Pagefind binary is missing ({exc}); reinstall "
                         "'pagefind[bin]'") from None


def index_site(site_dir: Path, *, timeout: float = 600) -> dict[str, int]:
    """Index ``site_dir`` in place; returns pages indexed per language."""
    command = [
        str(executable()),
        "--site", str(site_dir),
        "--output-subdir", OUTPUT_SUBDIR,
        # Only article pages are searched; not even reading the others saves time.
        "--glob", ARTICLE_GLOB,
        "--quiet",
    ]
    start = time.monotonic()
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                                check=False)
    except subprocess.TimeoutExpired:
        raise BuildError(f"Pagefind did not finish within {timeout:.0f} s on {site_dir}") from None
    if result.returncode != 0:
        tail = (result.stderr or result.stdout).strip().splitlines()[-3:]
        raise BuildError(f"Pagefind failed on {site_dir}: {' / '.join(tail) or 'no output'}")
    counts = languages(site_dir)
    log.info("Pagefind indexed %s in %.1f s", counts, time.monotonic() - start)
    return counts


def languages(site_dir: Path) -> dict[str, int]:
    """Pages per language from ``pagefind/pagefind-entry.json`` (empty when not indexed)."""
    entry = site_dir / OUTPUT_SUBDIR / "pagefind-entry.json"
    if not entry.is_file():
        return {}
    data = json.loads(entry.read_text(encoding="utf-8"))
    return {lang: int(info.get("page_count", 0))
            for lang, info in sorted(data.get("languages", {}).items())}
