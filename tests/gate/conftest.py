"""Fixtures of the gate tests: small knowledge repositories and real SSH keys."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import kbrepo  # noqa: E402


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    return kbrepo.make_kb(tmp_path / "kb")


@pytest.fixture(scope="session")
def ssh_keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Real ed25519 keys made with ssh-keygen: person id → private key path."""
    folder = tmp_path_factory.mktemp("keys")
    keys: dict[str, Path] = {}
    for name in ("anna", "mikko", "sanne", "erik", "jan", "lotta", "mallory"):
        key = folder / name
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(key)], check=True
        )
        keys[name] = key
    return keys
