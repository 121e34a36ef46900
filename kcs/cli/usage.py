"""``kcs usage ingest|tickets|prune``: fill and trim the usage database."""

from __future__ import annotations

from pathlib import Path

import click

from .common import echo_json, format_option, resolve_root, root_option

_DB = click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The usage database (default: kcs.yml usage.database).",
)


@click.group()
def group() -> None:
    """Usage analytics: read access logs and ticket exports into the usage database."""


@group.command()
@click.argument(
    "logs",
    nargs=-1,
    required=True,
    # readable is the ingest's to check: it reads the other logs and says how to fix it
    type=click.Path(exists=True, dir_okay=False, readable=False, path_type=Path),
)
@click.option(
    "--log-format",
    default=None,
    help="'combined' or an nginx log_format string (default: kcs.yml usage.log_format).",
)
@click.option(
    "--batch",
    "batch_lines",
    type=click.IntRange(min=1),
    default=100_000,
    show_default=True,
    help="Lines per transaction.",
)
@click.option(
    "--site",
    type=click.Choice(["public", "internal"]),
    default="public",
    show_default=True,
    help="Whose log this is: the public sites' (self-service) or the internal site's "
    "(agent use, kept in <database>-agents).",
)
@format_option("Output format (json: the result as data).", choices=("text", "json"))
@_DB
@root_option
def ingest(
    logs: tuple[Path, ...],
    log_format: str | None,
    batch_lines: int,
    site: str,
    fmt: str,
    db: Path | None,
    root: Path | None,
) -> None:
    """Read access logs (plain or gzip, rotated or not) into the usage database.

    Each line is counted exactly once however often you run it: files are
    recognised by their first line, so access.log, access.log.1 and
    access.log.2.gz may all be given every time. Give the internal site's log with
    --site internal: agents' reading is reported apart and never counts as self-service.
    """
    from ..config import load_config
    from ..usage.store import agent_database, article_meta
    from ..usage.store import ingest as run

    base = resolve_root(root)
    config = load_config(base)
    if db is None:
        db = base / config.usage.database
        if site == "internal":
            db = agent_database(db)
    result = run(
        db,
        list(logs),
        log_format=log_format or config.usage.log_format,
        languages=config.languages,
        articles=article_meta(base),
        retention_days=config.usage.retention.days,
        batch_lines=batch_lines,
    )
    if fmt == "json":
        echo_json(result.as_dict())
        return
    click.echo(
        f"{result.lines} new lines from {result.files} files: {result.kept} kept, "
        f"{result.bot} bots, {result.probe} probes, {result.method} other methods, "
        f"{result.malformed} malformed, {result.expired} older than the retention"
    )
    for sample in result.samples[:5]:
        click.echo(f"  malformed: {sample[:160]}")


@group.command()
@click.argument("export", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@format_option("Output format of the ticket report.")
@_DB
@root_option
def tickets(export: Path, fmt: str, db: Path | None, root: Path | None) -> None:
    """Import a ticket export (CSV) and show link rate, reuse, channels and gaps.

    Columns are mapped with kcs.yml usage.tickets (id, opened, closed, category,
    channel, text); the ticket text is searched for article ids and /a/<id>/ URLs
    and is not stored.
    """
    from ..config import load_config
    from ..reports.period import open_inputs
    from ..reports.render import render
    from ..reports.tickets import report as tickets_report
    from ..usage.period import usage_today
    from ..usage.store import article_meta
    from ..usage.tickets import import_tickets

    base = resolve_root(root)
    config = load_config(base)
    path = db or base / config.usage.database
    articles = article_meta(base)
    done = import_tickets(path, export, config.usage.tickets, articles)
    click.echo(
        f"imported {done.rows} tickets ({done.linked} with an article, "
        f"{done.skipped} rows without an id skipped)",
        err=True,
    )
    today = usage_today()
    inputs = open_inputs(path, today, today, articles)
    try:
        report = tickets_report(inputs)
    finally:
        inputs.conn.close()
    click.echo(render(report, fmt), nl=False)


@group.command()
@click.option(
    "--days",
    type=click.IntRange(min=1),
    default=None,
    help="Keep raw events this many days (default: kcs.yml usage.retention).",
)
@_DB
@root_option
def prune(days: int | None, db: Path | None, root: Path | None) -> None:
    """Drop raw events older than the retention (daily aggregates stay)."""
    from ..config import load_config
    from ..usage.period import usage_today
    from ..usage.store import connect
    from ..usage.store import prune as run

    base = resolve_root(root)
    config = load_config(base)
    conn = connect(db or base / config.usage.database)
    try:
        dropped = run(
            conn,
            today=usage_today(),
            retention_days=days or config.usage.retention.days,
        )
    finally:
        conn.close()
    click.echo(f"dropped the raw events of {dropped} days")
