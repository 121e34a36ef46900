"""The shared shape of ``kcs report staleness|health|contributors``.

Each command parses its options and calls :func:`run`, which builds the report
(one library call), renders it, and prints it or writes it atomically to --out.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def report_options(func: F) -> F:
    """--format, --out, --table (CSV), --as-of and --root."""
    from ..cli.common import output_options, root_option

    func = click.option(
        "--as-of",
        "as_of",
        metavar="YYYY-MM-DD",
        default=None,
        help="Compute the report as of this past date (later commits are ignored).",
    )(func)
    return output_options(root_option(func))


def run(
    name: str,
    *,
    fmt: str,
    out: Path | None,
    as_of: str | None,
    table: str | None,
    root: Path | None,
    **options: Any,
) -> None:
    import datetime as dt

    from ..cli.common import emit, resolve_root
    from . import build
    from .inputs import load_usage, parse_as_of
    from .render import render

    base = resolve_root(root)
    when = parse_as_of(as_of)
    usage = load_usage(base, when or dt.date.today())
    report = build(name, base, as_of=when, usage=usage, **options)
    emit(render(report, fmt, table=table), out)
