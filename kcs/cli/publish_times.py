"""``kcs publish-times``: record publish runs for the time-to-publish figures."""

from __future__ import annotations

from pathlib import Path

import click

from .common import resolve_root, root_option


@click.group("publish-times")
def group() -> None:
    """The publish log that the health report's time to publish is measured from."""


@group.command("record")
@click.argument("log", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--commit", default="HEAD", show_default=True, help="The commit that was published.")
@root_option
def record_command(log: Path | None, commit: str, root: Path | None) -> None:
    """Append one publish run to LOG (default .kcs/publish-log.jsonl); run it after deploying."""
    from ..review.publish_times import record_publish

    entry = record_publish(resolve_root(root) if root else Path.cwd(), log, commit=commit)
    click.echo(f"recorded publish of {entry['commit'][:10]} at {entry['published']}")
