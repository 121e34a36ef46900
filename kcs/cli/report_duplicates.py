"""``kcs report duplicates``: near-duplicate articles, grouped, with a suggested keeper."""

from __future__ import annotations

from pathlib import Path

import click

from .common import echo_json, format_option, resolve_root, root_option


@click.command("duplicates")
@format_option(choices=("text", "json"))
@click.option(
    "--threshold",
    type=click.FloatRange(0.05, 1.0),
    default=None,
    help="Similarity (estimated Jaccard of word 3-grams) from which two articles "
    "count as near-duplicates (default 0.8).",
)
@root_option
def command(fmt: str, threshold: float | None, root: Path | None) -> None:
    """List groups of near-duplicate articles and which one to keep.

    The keeper is the validated one, else the longest, else the most recently
    updated. Nothing is merged: archive or merge the others by hand.
    """
    from ..duplicates import DEFAULT_THRESHOLD, duplicates_in
    from ..knowledge import load

    kb = load(resolve_root(root))
    groups = duplicates_in(kb.articles, threshold=threshold or DEFAULT_THRESHOLD)
    if fmt == "json":
        echo_json([g.as_dict() for g in groups])
        return
    if not groups:
        click.echo(f"No near-duplicates among {len(kb.articles)} articles.")
        return
    for group in groups:
        k = group.keeper
        click.echo(f"keep {k.id} ({k.path}, {k.state}, {k.words} words)")
        for m in group.others:
            click.echo(f"  {m.similarity:.0%} {m.id} ({m.path}, {m.state}, {m.words} words)")
    click.echo(f"{len(groups)} group(s) of near-duplicates among {len(kb.articles)} articles.")
