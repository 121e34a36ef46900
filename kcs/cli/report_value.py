"""``kcs report value``: self-service success, contacts avoided and their value."""

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
    """Self-service success, contacts avoided and their value in money
    and hours per article, domain and month (kcs.yml cost.*).
    """
    run("value", since=since, until=until, fmt=fmt, out=out, table=table, db=db, root=root)
