"""``kcs report staleness``: review status of every article."""

from __future__ import annotations

from pathlib import Path

import click

from .report_common import report_options, run


@click.command()
@report_options
def command(
    fmt: str, out: Path | None, as_of: str | None, table: str | None, root: Path | None
) -> None:
    """Per article: created, last changed, last validated, review due date and status.

    Status is one of overdue, due-soon, never-validated, wip-too-long, fresh,
    archived; with usage data a triage column says what to review or archive first.
    """
    run("staleness", fmt=fmt, out=out, as_of=as_of, table=table, root=root)
