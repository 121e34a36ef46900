"""``kcs serve``: preview one site with live reload (MkDocs' development server)."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import click

from ..config import AUDIENCES
from .common import resolve_root, root_option


@click.command()
@click.option(
    "--audience",
    type=click.Choice(AUDIENCES),
    default="internal",
    show_default=True,
    help="Which site to preview.",
)
@click.option("--port", type=int, default=8000, show_default=True, help="Port on 127.0.0.1.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@root_option
def command(audience: str, port: int, host: str, root: Path | None) -> None:
    """Preview the site at http://127.0.0.1:PORT/, rebuilt when articles change.

    Runs `mkdocs serve` on the repository's mkdocs.yml; the audience reaches the kcs
    plugin through the KCS_AUDIENCE environment variable.
    """
    from mkdocs.commands.serve import serve

    from ..errors import BuildError
    from ..plugin import AUDIENCE_ENV

    base = resolve_root(root)
    config_file = base / "mkdocs.yml"
    if not config_file.is_file():
        raise BuildError(
            f"{config_file}: not found; kcs serve previews the site of a "
            "repository with an mkdocs.yml (see docs/architecture.md)"
        )
    os.environ[AUDIENCE_ENV] = audience
    logging.getLogger("mkdocs").setLevel(logging.INFO)  # "Serving on ...", rebuilds
    serve(config_file=str(config_file), dev_addr=f"{host}:{port}", livereload=True)
