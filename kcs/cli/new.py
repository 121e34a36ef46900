"""``kcs new``: write a new article from the KCS template."""

from __future__ import annotations

from pathlib import Path

import click

from .common import resolve_root, root_option


@click.command()
@click.argument("title", nargs=-1, required=True)
@click.option("--lang", help="Language code (default: kcs.yml default_language).")
@click.option("--type", "type_", default="howto", show_default=True, help="Article type.")
@click.option("--domain", default="general", show_default=True, help="Knowledge domain (folder).")
@click.option("--audience", default="internal", show_default=True, help="Who may read it.")
@click.option("--ticket", "tickets", multiple=True, help="Linked ticket id (repeatable).")
@click.option("--resolution", help="The resolution, if known (state becomes not-validated).")
@click.option("--no-check", is_flag=True, help="Skip the search for similar articles.")
@root_option
def command(
    title: tuple[str, ...],
    lang: str | None,
    type_: str,
    domain: str,
    audience: str,
    tickets: tuple[str, ...],
    resolution: str | None,
    no_check: bool,
    root: Path | None,
) -> None:
    """Create an article titled TITLE (in the requester's words) and print its path.

    Before writing, up to 5 existing articles that look similar are listed on
    stderr (KCS: search before you create); --no-check skips that.
    """
    from ..knowledge import load
    from ..new import plan_article, write_article

    base = resolve_root(root)
    kb = load(base)
    text = " ".join(title)
    planned = plan_article(
        kb.config,
        text,
        existing_ids={a.id for a in kb.articles},
        existing_paths={a.path for a in kb.articles},
        lang=lang,
        type=type_,
        domain=domain,
        audience=audience,
        tickets=tickets,
        resolution=resolution,
    )
    if not no_check and kb.articles:
        from ..search import load_or_build, similar

        hits = similar(load_or_build(kb), text, lang=lang or kb.config.default_language, limit=5)
        if hits:
            click.echo("Similar articles exist; reuse or improve one of them if it fits:", err=True)
            for hit in hits:
                click.echo(f"  {hit.id}  {hit.title}  ({hit.path})", err=True)
    write_article(base, planned)
    click.echo(planned.path)
