"""KCS knowledge portal: articles in Git, a self-service site, review gating and reports."""

from __future__ import annotations

__version__ = "0.1.0"
