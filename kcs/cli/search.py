"""``kcs search QUERY...``: find articles from the terminal."""

from __future__ import annotations

from pathlib import Path

import click

from .common import echo_json, format_option, resolve_root, root_option


@click.command()
@click.argument("query", nargs=-1, required=True)
@click.option(
    "--lang",
    default=None,
    metavar="LANG",
    help="Search only articles in this language (default: all languages).",
)
@click.option(
    "--limit",
    default=10,
    show_default=True,
    type=click.IntRange(min=1),
    help="Show at most this many articles.",
)
@format_option("Output format (json: a list of hits).", choices=("text", "json"))
@root_option
def command(
    query: tuple[str, ...], lang: str | None, limit: int, fmt: str, root: Path | None
) -> None:
    """Search the articles' titles, summaries, sections, tags, ids and error codes.

    Words are matched in every language (sv, fi, nl, en stemmed with Snowball), so
    "skrivaren" also finds "skrivare". Error codes such as 0x80070643 or AADSTS50076
    are found as typed. Prints one line per hit, best first: score, id, title and
    (path). Exit status: 0 with hits, 1 when nothing matches, 2 on a usage error.
    Lunr's query syntax is not used: : ~ ^ + * are plain text. A word starting
    with "-" needs "--" before the query: kcs search -- -word.
    """
    from ..config import load_config
    from ..errors import UsageError
    from ..search import hits_as_json, load_or_build

    repo = resolve_root(root)
    if lang is not None:
        languages = load_config(repo).languages
        if lang not in languages:
            raise UsageError(
                f"--lang '{lang}' is not one of the languages in kcs.yml: {', '.join(languages)}"
            )
    text = " ".join(query)
    hits = load_or_build(repo).search(text, lang=lang, limit=limit)
    if fmt == "json":
        echo_json(hits_as_json(hits))
    else:
        for hit in hits:
            click.echo(f"{hit.score:.2f}  {hit.id}  {hit.title}  ({hit.path})")
    if not hits:
        shown = text if len(text) <= 60 else text[:57] + "..."
        click.echo(f"No articles match {shown!r}.", err=True)
        raise click.exceptions.Exit(1)
