"""``kcs publish``: build a commit's sites on this server and put them live."""

from __future__ import annotations

from pathlib import Path

import click

from .common import echo_json, format_option


@click.command()
@click.option(
    "--dest",
    type=click.Path(path_type=Path),
    envvar="KCS_PUBLISH_DIR",
    required=True,
    help="The server folder with releases/ and the live symlink (env KCS_PUBLISH_DIR).",
)
@click.option(
    "--repo",
    type=click.Path(path_type=Path),
    default=Path("."),
    show_default=True,
    help="The Git repository to publish from (bare or not).",
)
@click.option(
    "--commit", "ref", default="main", show_default=True, help="Branch, tag or commit to publish."
)
@click.option(
    "--keep",
    type=click.IntRange(min=1),
    default=5,
    show_default=True,
    help="Releases to keep (the live one included), for --rollback.",
)
@click.option("--rollback", is_flag=True, help="Make the release before the live one live again.")
@click.option(
    "--activate",
    "upload",
    default=None,
    metavar="RELEASE",
    help="Put live a release built elsewhere and uploaded to DEST/incoming/RELEASE.",
)
@click.option(
    "--wait",
    type=click.FloatRange(min=0),
    default=3600,
    show_default=True,
    help="Seconds to wait for a publish already running.",
)
@click.option("--strict", is_flag=True, help="Fail on build warnings.")
@click.option("--force", is_flag=True, help="Build even when the commit (or a newer one) is live.")
@click.option(
    "--full",
    is_flag=True,
    help="Render every page instead of taking unchanged ones from the live release.",
)
@format_option("Output format (json: the result as data).", choices=("text", "json"))
def command(
    dest: Path,
    repo: Path,
    ref: str,
    keep: int,
    rollback: bool,
    upload: str | None,
    wait: float,
    strict: bool,
    force: bool,
    full: bool,
    fmt: str,
) -> None:
    """Build the public and internal sites of a commit and switch them live at once.

    The release is built from a clean clone of the commit beside the live one and
    swapped in by renaming one symlink (DEST/live); a build that fails or leaks
    leaves the live site as it was. Pages the commit did not change are linked from
    the live release instead of rendered (--full renders all). Each publish is added
    to DEST/publish-log.jsonl.
    """
    from ..publish import activate, publish
    from ..publish import rollback as roll_back

    if rollback:
        result = roll_back(dest, wait=wait)
    elif upload:
        result = activate(dest, upload, keep=keep, wait=wait)
    else:
        result = publish(
            repo, dest, ref, keep=keep, wait=wait, strict=strict, force=force, full=full
        )
    if fmt == "json":
        echo_json(result.as_dict())
        return
    if result.status == "unchanged":
        click.echo(f"{result.commit[:12]} is live already ({result.release})")
    elif result.status == "rolled-back":
        click.echo(f"rolled back: {result.release} is live")
    else:
        pages = ", ".join(f"{k} {v} pages" for k, v in result.pages.items())
        click.echo(
            f"{result.commit[:12]} live as {result.release} in {result.seconds:.1f} s ({pages})"
        )
