"""Where a repository keeps its usage database (a module of its own, so that finding
out whether there is usage data imports none of the storage code)."""

from __future__ import annotations

from pathlib import Path


def database_path(root: Path) -> Path:
    """Where kcs.yml ``usage.database`` puts the database (relative to the repository)."""
    from ..config import load_config

    config = load_config(root)
    return root / config.usage.database
