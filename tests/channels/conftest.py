"""Channel tests: the site tests' small repository plus announcements, built for real."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1] / "site"))

from chankb import make_channel_kb  # noqa: E402

from kcs.build import BuildResult, build_sites  # noqa: E402


@pytest.fixture(scope="module")
def channel_kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_channel_kb(tmp_path_factory.mktemp("kb"))


@pytest.fixture(scope="module")
def channel_built(channel_kb: Path) -> tuple[Path, BuildResult]:
    """Public and internal sites, built once, strict (the leak check included)."""
    result = build_sites(channel_kb, ("public", "internal"), strict=True)
    return channel_kb / "site", result
