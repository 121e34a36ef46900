"""Fixtures of the reports tests; the repository itself is built in reportrepo.py."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# The test modules import reportrepo (tests/reports is not on the import path otherwise).
sys.path.insert(0, str(Path(__file__).parent))

from reportrepo import build_repo  # noqa: E402


@pytest.fixture(scope="module")
def kb_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_repo(tmp_path_factory.mktemp("reports") / "kb")
