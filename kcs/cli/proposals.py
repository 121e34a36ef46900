"""``kcs proposals``: open proposal branches and what each waits for."""

from __future__ import annotations

from pathlib import Path

import click

from .common import echo_json, format_option, resolve_root, root_option


@click.command("proposals")
@click.option(
    "--main", "main", default=None, help="The official branch (default: main, else origin/main)."
)
@format_option("Output format (json: the list as data).", choices=("text", "json"))
@root_option
def command(main: str | None, fmt: str, root: Path | None) -> None:
    """List open proposals: branch, articles, author, age and the role they wait for."""
    from ..review.listing import list_proposals
    from .gate import printable

    found = list_proposals(resolve_root(root), main=main)
    if fmt == "json":
        echo_json([p.to_dict() for p in found])
        return
    if not found:
        click.echo("No open proposals.")
        return
    for p in found:
        who = p.author or f"{p.author_name} <{p.author_email}>"
        waits = ", ".join(p.waiting_for) or "nobody (the author may merge it)"
        click.echo(printable(f"{p.branch}  by {who}, {p.age_days()} day(s) old"))
        click.echo(printable(f"  articles: {', '.join(p.articles) or '-'}"))
        click.echo(f"  waits for: {waits}")
