"""Deprecated entry point: the plain-Git proposal workflow moved to :mod:`kcs.review`.

Kept only for pre-receive hooks already installed on servers, which run
``from kcs.proposals import pre_receive_main``; it runs ``kcs hook pre-receive``,
which new hooks call directly (see hooks/pre-receive).
"""

from __future__ import annotations


def pre_receive_main() -> int:
    """Deprecated: the same as ``kcs hook pre-receive``."""
    from .cli import main

    try:
        main(["hook", "pre-receive"])
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else 1
    return 0
