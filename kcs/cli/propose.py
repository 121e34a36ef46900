"""``kcs propose``: commit the working changes on a new proposal branch and push it."""

from __future__ import annotations

from pathlib import Path

import click

from .common import resolve_root, root_option


@click.command("propose")
@click.option("-m", "--message", default=None, help="Commit message (default: names the articles).")
@click.option(
    "--push/--no-push", default=True, show_default=True, help="Push the branch to origin."
)
@root_option
def command(message: str | None, push: bool, root: Path | None) -> None:
    """Propose your changes: a branch proposal/<you>/<article>, pushed for review.

    You stay on your current branch; the changes move onto the proposal.
    """
    from ..review.propose import propose

    done = propose(resolve_root(root), message, push=push)
    where = "pushed to origin" if done.pushed else "not pushed"
    click.echo(f"Proposed {len(done.paths)} file(s) on {done.branch} ({where}).")
