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
    """--format, --out, --as-of, --table (CSV) and --root."""
    from ..cli.common import root_option

    for option in reversed(
        [
            click.option(
                "--format",
                "fmt",
                type=click.Choice(["text", "json", "csv", "html"]),
                default="text",
                show_default=True,
                help="Output format.",
            ),
            click.option(
                "--out",
                type=click.Path(dir_okay=False, path_type=Path),
                default=None,
                help="Write to this file instead of standard output.",
            ),
            click.option(
                "--as-of",
                "as_of",
                metavar="YYYY-MM-DD",
                default=None,
                help="Compute the report as of this past date (later commits are ignored).",
            ),
            click.option(
                "--table",
                default=None,
                help="With --format csv: the table to write (default: the first).",
            ),
        ]
    ):
        func = option(func)
    return root_option(func)


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

    from ..cli.common import resolve_root
    from ..fsutil import atomic_write
    from . import build
    from .inputs import load_usage, parse_as_of
    from .render import render

    base = resolve_root(root)
    when = parse_as_of(as_of)
    usage = load_usage(base, when or dt.date.today())
    report = build(name, base, as_of=when, usage=usage, **options)
    text = render(report, fmt, table=table)
    if out is None:
        click.echo(text, nl=False)
        return
    atomic_write(out, text)
    click.echo(f"wrote {out}", err=True)
