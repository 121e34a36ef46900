"""``kcs hook``: what Git hooks on a plain Git server run."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click


@click.group("hook")
def group() -> None:
    """Entry points for Git hooks installed on the knowledge repository's server."""


@group.command("pre-receive")
@click.option(
    "--git-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The bare repository (default: $GIT_DIR, as Git sets it for hooks, else '.').",
)
def pre_receive_command(git_dir: Path | None) -> None:
    """Judge a push read from standard input (``<old> <new> <ref>`` lines).

    Prints one line per refused ref or commit, naming it and the rule, and exits 1
    when anything is refused, so Git refuses the whole push and nothing changes.
    """
    sys.exit(run_pre_receive(sys.stdin.read().splitlines(), git_dir))


def run_pre_receive(lines: list[str], git_dir: Path | None = None) -> int:
    """Judge ``lines`` in ``git_dir``; print refusals to standard error; the exit status."""
    from ..review.hook import pre_receive

    where = (git_dir or Path(os.environ.get("GIT_DIR", "."))).resolve()
    problems = pre_receive(lines, where)
    for problem in problems:
        click.echo(f"kcs: {problem}", err=True)
    if problems:
        click.echo("kcs: push refused (see docs/security.md)", err=True)
    return 1 if problems else 0
