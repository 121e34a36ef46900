"""``kcs review``: show what a proposal changes, article by article."""

from __future__ import annotations

from pathlib import Path

import click

from .common import resolve_root, root_option


@click.command("review")
@click.argument("branch")
@click.option("--as", "reviewer", default=None, help="Judge as if this person approved.")
@click.option("--main", "main", default=None, help="The official branch (default: main).")
@root_option
def command(branch: str, reviewer: str | None, main: str | None, root: Path | None) -> None:
    """Show each changed article: front-matter changes and the body's diff, then the rules."""
    from ..review.listing import review
    from .gate import printable, render

    def echo(text: str) -> None:
        click.echo(printable(text))

    got = review(resolve_root(root), branch, main=main, reviewer=reviewer)
    for art in got.articles:
        echo(f"== {art.path} ({art.status}): {art.title}")
        for name, old, new in art.fields:
            echo(f"  {name}: {old or '-'} -> {new or '-'}")
        for line in art.body:
            echo(f"  {line}")
    for other in got.others:
        echo(f"== {other}")
    click.echo(render(got.decision))
