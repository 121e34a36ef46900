"""Deprecated entry point: ``python -m kcs.publish_times record [LOG]``.

The module moved to :mod:`kcs.review.publish_times`; this shim keeps publish jobs
written against the old entry point working by running ``kcs publish-times record``.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    """Deprecated: the same as ``kcs publish-times ARGS``."""
    from .cli import main as kcs_main

    try:
        kcs_main(["publish-times", *(sys.argv[1:] if argv is None else argv)])
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
