"""``kcs codeowners``: write (or check) .github/CODEOWNERS from kcs.yml."""

from __future__ import annotations

from pathlib import Path

import click

from .common import resolve_root, root_option


@click.command("codeowners")
@click.option("--check", is_flag=True, help="Only check that the file is up to date (CI).")
@root_option
def command(check: bool, root: Path | None) -> None:
    """Generate .github/CODEOWNERS: domain publishers and kdes, admins for admin paths."""
    from ..config import load_config
    from ..review import codeowners

    top = resolve_root(root)
    config = load_config(top)
    if check:
        codeowners.check(top, config)
        click.echo(f"{codeowners.CODEOWNERS_PATH} is up to date.")
    elif codeowners.write(top, config):
        click.echo(f"Wrote {codeowners.CODEOWNERS_PATH}.")
    else:
        click.echo(f"{codeowners.CODEOWNERS_PATH} was already up to date.")
