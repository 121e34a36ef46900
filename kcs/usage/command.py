"""The shared shape of ``kcs report usage|search|gaps|value``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def period_options(func: F) -> F:
    """--since, --until, --format, --out, --table, --db and --root."""
    from ..cli.common import root_option

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
                "--table",
                default=None,
                help="With --format csv: the table to write (default: the first).",
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
    return root_option(func)


def emit(text: str, out: Path | None) -> None:
    from ..fsutil import atomic_write

    if out is None:
        click.echo(text, nl=False)
        return
    atomic_write(out, text)
    click.echo(f"wrote {out}", err=True)


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
    from ..cli.common import resolve_root
    from ..reports.render import render
    from .api import build

    report = build(name, resolve_root(root), since=since, until=until, db=db, **options)
    emit(render(report, fmt, table=table), out)
