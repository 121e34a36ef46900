"""The shared shape of ``kcs report usage|search|gaps|value``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def period_options(func: F) -> F:
    """--since, --until, --db, --format, --out, --table and --root."""
    from ..cli.common import output_options, root_option

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
    since: str | None,
    until: str | None,
    fmt: str,
    out: Path | None,
    table: str | None,
    db: Path | None,
    root: Path | None,
    **options: Any,
) -> None:
    from ..cli.common import emit, resolve_root
    from ..reports.render import render
    from .api import build

    report = build(name, resolve_root(root), since=since, until=until, db=db, **options)
    emit(render(report, fmt, table=table), out)


def report_command(name: str, help_text: str) -> click.Command:
    """``kcs report NAME`` for a usage report that needs nothing but the period options."""

    @click.command(help=help_text)
    @period_options
    def command(**options: Any) -> None:
        run(name, **options)

    return command
