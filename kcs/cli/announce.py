"""``kcs announce push``: send new or more severe announcements to chat and e-mail."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from .common import echo_json, format_option, resolve_root, root_option


@click.group()
def group() -> None:
    """Announcements outside the portal: push them to chat webhooks and e-mail."""


@group.command()
@click.option("--dry-run", is_flag=True, help="Show what would be sent; send and record nothing.")
@click.option(
    "--now",
    type=click.DateTime(["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S"]),
    default=None,
    help="Decide as at this time (ISO 8601; default: now).",
)
@click.option(
    "--state",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The record of what was sent (default: kcs.yml announce.state in the repository); "
    "keep it where it outlives the checkout.",
)
@format_option("Output format (json: the result as data).", choices=("text", "json"))
@root_option
def push(
    dry_run: bool, now: dt.datetime | None, state: Path | None, fmt: str, root: Path | None
) -> None:
    """Send each announcement that has started, or whose severity rose, to the channels
    under announce in kcs.yml (Teams, Slack and Mattermost webhooks, e-mail), once.

    Prints one line per delivery. What was sent is recorded in announce.state, so running
    it again sends nothing new; a channel's audience (default public) decides which
    announcements it may carry. A failed delivery is reported and retried next time.
    """
    from ..channels.push import push as run
    from ..errors import KcsError
    from ..knowledge import load

    if now is not None and now.tzinfo is None:
        now = now.replace(tzinfo=dt.UTC)
    result = run(load(resolve_root(root)), now=now, dry_run=dry_run, state_path=state)
    if fmt == "json":
        echo_json(
            {
                "sent": [d.__dict__ for d in result.sent],
                "failed": list(result.failed),
                "dry_run": dry_run,
            }
        )
    else:
        verb = "would send" if dry_run else "sent"
        for delivery in result.sent:
            click.echo(
                f"{verb} {delivery.announcement} ({delivery.severity}) to {delivery.channel}"
            )
        if not result.sent and not result.failed:
            click.echo("nothing to send")
    if result.failed:
        more = f" (and {len(result.failed) - 1} more)" if len(result.failed) > 1 else ""
        raise KcsError(result.failed[0] + more)
