"""The shared shape of the ``kcs report`` commands.

Each command parses its options and calls :func:`run`, which builds the report
(one library call, :func:`kcs.reports.build`), renders it, and prints it or writes
it atomically to --out. Repository reports take :func:`report_options`, usage
reports :func:`period_options`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from .common import emit, output_options, resolve_root, root_option

F = TypeVar("F", bound=Callable[..., Any])


def report_options(func: F) -> F:
    """--format, --out, --table (CSV), --as-of and --root."""
    func = click.option(
        "--as-of",
        "as_of",
        metavar="YYYY-MM-DD",
        default=None,
        help="Compute the report as of this past date (later commits are ignored).",
    )(func)
    return output_options(root_option(func))


def period_options(func: F) -> F:
    """--since, --until, --db, --format, --out, --table and --root."""
    for option in reversed(
        [
            click.option(
                "--since",
                default=None,
                metavar="7d|YYYY-MM-DD",
                help="First day: a date or a duration back from --until (default: 30d).",
            ),
            click.option(
                "--until",
                default=None,
                metavar="YYYY-MM-DD",
                help="Last day, included (default: today).",
            ),
            click.option(
                "--db",
                type=click.Path(dir_okay=False, path_type=Path),
                default=None,
                help="The usage database (default: kcs.yml usage.database).",
            ),
        ]
    ):
        func = option(func)
    return output_options(root_option(func))


def run(
    name: str,
    *,
    fmt: str,
    out: Path | None,
    table: str | None,
    root: Path | None,
    as_of: str | None = None,
    **options: Any,
) -> None:
    """Build report ``name`` for the repository at ``root`` and emit it in ``fmt``."""
    from ..reports import build, module

    base = resolve_root(root)
    if module(name).SOURCE == "usage":
        report = build(name, base, **options)
    else:
        from ..reports.inputs import parse_as_of

        report = build(name, base, as_of=parse_as_of(as_of), read_usage=True, **options)
    from ..reports.render import render

    emit(render(report, fmt, table=table), out)


def report_command(name: str, help_text: str) -> click.Command:
    """``kcs report NAME`` for a usage report that needs nothing but the period options."""

    @click.command(help=help_text)
    @period_options
    def command(**options: Any) -> None:
        run(name, **options)

    return command
