"""``kcs report usage``: usage and feedback per article, language, domain and audience."""

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
    """Views and unique visitors per article, language, domain and audience over time;
    most-used articles; feedback and its reasons.
    """
    run("usage", since=since, until=until, fmt=fmt, out=out, table=table, db=db, root=root)
