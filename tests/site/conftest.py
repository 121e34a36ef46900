"""Site tests: a small knowledge repository built once per module."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from sitekb import make_kb  # noqa: E402

from kcs.build import BuildResult, build_sites  # noqa: E402


@pytest.fixture(scope="module")
def small_kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small repository (a Git repository without mkdocs.yml)."""
    return make_kb(tmp_path_factory.mktemp("kb"))


@pytest.fixture(scope="module")
def built(small_kb: Path) -> tuple[Path, BuildResult]:
    """Public and internal sites of ``small_kb``, built once, strict."""
    result = build_sites(small_kb, ("public", "internal"), strict=True)
    return small_kb / "site", result
