"""``kcs signers``: write Git's allowed-signers file from the ssh keys in kcs.yml."""

from __future__ import annotations

from pathlib import Path

import click

from .common import resolve_root, root_option

DEFAULT = ".kcs/allowed_signers"


@click.command("signers")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help=f"Where to write it (default: {DEFAULT} in the repository).",
)
@click.option(
    "--configure",
    is_flag=True,
    help="Also point this clone's gpg.ssh.allowedSignersFile at it, so "
    "`git log --show-signature` checks approvals.",
)
@root_option
def command(out: Path | None, configure: bool, root: Path | None) -> None:
    """Write the allowed-signers file: one line per person with an ssh_key, principal = id."""
    from ..config import load_config
    from ..git import Repo
    from ..review.signing import write_allowed_signers

    top = resolve_root(root)
    target = (out if out is not None else top / DEFAULT).resolve()
    count = write_allowed_signers(load_config(top), target)
    click.echo(f"Wrote {count} key(s) to {target}.")
    if configure:
        Repo(top).run("config", "gpg.ssh.allowedSignersFile", str(target))
        Repo(top).run("config", "gpg.format", "ssh")
        click.echo("Configured gpg.format=ssh and gpg.ssh.allowedSignersFile for this clone.")
