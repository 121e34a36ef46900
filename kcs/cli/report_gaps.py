"""``kcs report gaps``: searches that found nothing or nothing clicked, and what followed."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .common import emit
from .report_common import period_options

#: exit status when --min-count is given and new gaps reach it
NEW_GAPS = 3


@click.command()
@click.option(
    "--min-count",
    type=click.IntRange(min=1),
    default=None,
    help="Exit 3 and print a Markdown article request when a new gap reaches this "
    "many unanswered searches.",
)
@click.option(
    "--alert",
    is_flag=True,
    help="With --min-count: deliver the new gaps not alerted before (GitHub issue, else "
    "e-mail, else a Markdown file; kcs.yml alerts) instead of printing them.",
)
@click.option(
    "--state",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="With --alert: the file of gaps already alerted (default: kcs.yml alerts.state); "
    "the Markdown fallback alert is then written beside it.",
)
@period_options
def command(
    min_count: int | None,
    alert: bool,
    state: Path | None,
    since: str | None,
    until: str | None,
    fmt: str,
    out: Path | None,
    table: str | None,
    db: Path | None,
    root: Path | None,
) -> None:
    """Queries with no result or no click, grouped, with their trend, and the contact-form
    submissions that followed a search.

    With --min-count N the command exits 3 when at least one gap reached N in the
    period but not in the period before, and prints a Markdown body ready to be
    filed as an "article request" issue instead of the report. With --alert as well,
    the new gaps not alerted before are delivered instead: a GitHub issue opened or
    updated (kcs.yml alerts.github and a token), else an e-mail (alerts.email), else a
    Markdown file (alerts.file); each gap is alerted once.
    """
    from ..reports.gaps import article_request, new_gaps
    from ..reports.gaps import report as gaps_report
    from ..reports.period import inputs_for
    from ..reports.render import render
    from .common import resolve_root

    base = resolve_root(root)
    inputs = inputs_for(base, since=since, until=until, db=db)
    if alert:
        if not min_count:
            inputs.conn.close()
            raise click.UsageError("--alert needs --min-count")
        from ..channels.alerts import deliver
        from ..config import load_config

        try:
            delivered = deliver(inputs, load_config(base), min_count, state_path=state)
        finally:
            inputs.conn.close()
        if delivered is None:
            click.echo("no new gaps to alert")
        else:
            click.echo(
                f"alerted {len(delivered.gaps)} new gaps by {delivered.how}: {delivered.where}"
            )
        return
    try:
        report = gaps_report(inputs, min_count=min_count)
        if min_count and new_gaps(report):
            emit(article_request(inputs, min_count), out)
            sys.exit(NEW_GAPS)
    finally:
        inputs.conn.close()
    emit(render(report, fmt, table=table), out)
