"""``kcs report health``: content standard, backlog, translations, concentration."""

from __future__ import annotations

from pathlib import Path

import click

from .report_common import report_options, run


@click.command()
@report_options
def command(
    fmt: str, out: Path | None, as_of: str | None, table: str | None, root: Path | None
) -> None:
    """Knowledge health: articles per state, lint findings per domain, broken links,
    time to publish, open proposals, outdated translations and domains that depend
    on one person.
    """
    run("health", fmt=fmt, out=out, as_of=as_of, table=table, root=root)
