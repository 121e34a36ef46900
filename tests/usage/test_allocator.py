"""The ingest imports Polars with one jemalloc arena, in a fresh interpreter, and leaves
the environment of programs started later as Polars alone would have left it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ARENA_PROBE = r"""
import importlib.abc, json, os, sys
from pathlib import Path

seen = {}


class Spy(importlib.abc.MetaPathFinder):
    # records the allocator setting when Polars loads its Rust library, which is when
    # jemalloc reads it
    def find_spec(self, name, path=None, target=None):
        if name == "polars._plr":
            seen["at_load"] = os.environ.get("_RJEM_MALLOC_CONF")
        return None


sys.meta_path.insert(0, Spy())
from kcs.usage.store import ingest

log = Path(sys.argv[1])
ingest(log.with_suffix(".sqlite"), [log])
seen["after"] = os.environ.get("_RJEM_MALLOC_CONF")
print(json.dumps(seen))
"""


@pytest.mark.parametrize("preset", [None, "narenas:4"])
def test_one_jemalloc_arena_for_the_ingest_only(tmp_path: Path, preset: str | None) -> None:
    """The ingest imports Polars with one jemalloc arena, and takes the setting out of
    the environment afterwards (Pagefind, started later, also uses jemalloc); an
    administrator's own setting is left alone."""
    log = tmp_path / "access.log"
    log.write_text(
        '10.0.0.1 - - [01/Mar/2026:10:00:00 +0000] "GET /a/x/ HTTP/1.1" 200 5 "-" "Firefox"\n'
    )
    env = {k: v for k, v in os.environ.items() if k != "_RJEM_MALLOC_CONF"}
    if preset:
        env["_RJEM_MALLOC_CONF"] = preset
    out = subprocess.run(
        [sys.executable, "-c", ARENA_PROBE, str(log)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    seen = json.loads(out)
    if preset is None:
        assert seen["at_load"].split(",")[-1] == "narenas:1"  # Polars' own settings first
        assert "narenas" not in seen["after"]
    else:
        assert seen["at_load"].endswith(preset) and "narenas:1" not in seen["at_load"]
        assert seen["after"].endswith(preset)
