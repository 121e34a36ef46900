"""``kcs merge``: merge a proposal if your role allows it, SSH-signed with Approved-by."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .common import echo_json, format_option, resolve_root, root_option


@click.command("merge")
@click.argument("branch")
@click.option(
    "--push/--no-push", default=True, show_default=True, help="Push main to origin after merging."
)
@format_option("Output format (json: the result as data).", choices=("text", "json"))
@root_option
def command(branch: str, push: bool, fmt: str, root: Path | None) -> None:
    """Merge BRANCH into the current branch (main) as you, the signer.

    Refuses, with the reasons, when the rules of main's kcs.yml do not allow you
    to approve it. Needs git config gpg.format ssh and user.signingkey set to
    the key listed for you in kcs.yml.
    """
    from ..review.merge import merge
    from .gate import render

    done = merge(resolve_root(root), branch, push=push)
    if fmt == "json":
        echo_json(
            {
                "branch": done.branch,
                "approver": done.approver,
                "commit": done.commit,
                "pushed": done.pushed,
                "decision": done.decision.to_dict(),
            }
        )
    elif done.commit:
        click.echo(
            f"Merged {branch} as {done.commit[:10]}, approved by {done.approver}"
            f"{' and pushed' if done.pushed else ''}."
        )
    else:
        click.echo(render(done.decision))
        click.echo(f"Refused: {done.approver} may not merge {branch}.")
    if not done.commit:
        sys.exit(1)
