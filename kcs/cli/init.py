"""``kcs init``: start a new knowledge repository on the released kcs-portal package."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("init")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option(
    "--lang",
    "langs",
    default="en",
    show_default=True,
    help="Languages, comma-separated; the first is the default (e.g. sv,fi,en).",
)
@click.option("--name", default="Service desk", show_default=True, help="The portal's name.")
@click.option("--admin", default="admin", show_default=True, help="Id of the first admin.")
@click.option(
    "--admin-email", default="admin@example.org", show_default=True, help="The admin's e-mail."
)
@click.option("--github", default="", help="The admin's GitHub login (for CODEOWNERS).")
def command(folder: Path, langs: str, name: str, admin: str, admin_email: str, github: str) -> None:
    """Create a knowledge repository in FOLDER (new or empty): kcs.yml, mkdocs.yml,
    workflows, hooks, deploy files, pre-commit configuration and one example article per
    language. It depends on the installed kcs-portal version, pinned in requirements.txt.
    """
    from ..init import init_repository, parse_languages

    result = init_repository(
        folder,
        languages=parse_languages(langs),
        name=name,
        admin=admin,
        admin_email=admin_email,
        github=github,
    )
    click.echo(
        f"Created {result.root} ({len(result.files)} files) on kcs-portal=={result.version}."
    )
    click.echo("Next: cd into it, git init, pip install -r requirements.txt, kcs build.")
