"""``kcs report search``: top searches, click-through and searches with no result."""

from __future__ import annotations

from pathlib import Path

import click

from ..usage.command import period_options, run


@click.command()
@period_options
def command(
    since: str | None,
    until: str | None,
    fmt: str,
    out: Path | None,
    table: str | None,
    db: Path | None,
    root: Path | None,
) -> None:
    """Top searches (normalised), click-through, mean click position and
    searches with no result.
    """
    run("search", since=since, until=until, fmt=fmt, out=out, table=table, db=db, root=root)
