"""``kcs report contributors``: who created, improved and validated knowledge."""

from __future__ import annotations

from pathlib import Path

import click

from .report_common import report_options, run


@click.command()
@report_options
@click.option(
    "--period",
    type=click.Choice(["month", "quarter", "year"]),
    default="quarter",
    show_default=True,
    help="Group contributions by this period.",
)
@click.option(
    "--months",
    type=click.IntRange(1, 120),
    default=12,
    show_default=True,
    help="How far back to look.",
)
def command(
    fmt: str,
    out: Path | None,
    as_of: str | None,
    table: str | None,
    root: Path | None,
    period: str,
    months: int,
) -> None:
    """Thank-you list: articles each person created, improved and validated, and the
    reviews they gave, per period (listed by name, not ranked).
    """
    run(
        "contributors",
        fmt=fmt,
        out=out,
        as_of=as_of,
        table=table,
        root=root,
        period=period,
        months=months,
    )
