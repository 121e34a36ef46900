"""Fixtures for the importer tests: an empty knowledge repository and corpus paths."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from gitrepo import REPO_ROOT


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    """A knowledge repository with the sample kcs.yml and no articles."""
    root = tmp_path / "kb"
    (root / "articles").mkdir(parents=True)
    shutil.copy(REPO_ROOT / "kcs.yml", root / "kcs.yml")
    return root
