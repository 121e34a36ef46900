"""``kcs build``: build the static sites (public and internal by default)."""

from __future__ import annotations

from pathlib import Path

import click

from ..config import AUDIENCES
from .common import echo_json, format_option, resolve_root, root_option


@click.command()
@click.option(
    "--audience",
    "audiences",
    multiple=True,
    type=click.Choice(AUDIENCES),
    help="Build the site for this audience (repeatable; default: public and internal).",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Output folder; each site goes to OUT/<audience>/ (default: site).",
)
@click.option("--strict", is_flag=True, help="Fail on warnings (broken links, bad front matter).")
@click.option(
    "--incremental",
    is_flag=True,
    help="Render only the pages whose inputs changed since the last build in OUT; "
    "the others are taken from it (the sites equal a full build).",
)
@format_option("Output format (json: one object per site).", choices=("text", "json"))
@root_option
def command(
    audiences: tuple[str, ...],
    out: Path | None,
    strict: bool,
    incremental: bool,
    fmt: str,
    root: Path | None,
) -> None:
    """Build the self-service sites with MkDocs, Material and Pagefind.

    Prints one line per site: audience, pages, articles, seconds and folder. A site
    for a wider audience than internal is checked for leaks of articles its readers
    may not see; a leak fails the build and leaves the previous site in place.
    """
    from ..build import DEFAULT_AUDIENCES, build_sites

    base = resolve_root(root)
    target = out.resolve() if out else base / "site"
    result = build_sites(
        base,
        audiences or DEFAULT_AUDIENCES,
        out=target,
        strict=strict,
        previous=target if incremental else None,
    )
    if fmt == "json":
        echo_json(
            [
                {
                    "audience": s.audience,
                    "path": str(s.path),
                    "pages": s.pages,
                    "articles": s.articles,
                    "seconds": round(s.seconds, 2),
                    "warnings": list(s.warnings),
                    "search": s.search,
                    "reused": s.reused,
                }
                for s in result.sites
            ]
        )
        return
    for site in result.sites:
        try:
            shown = site.path.relative_to(Path.cwd())
        except ValueError:
            shown = site.path
        reused = f", {site.reused} unchanged" if incremental else ""
        click.echo(
            f"{site.audience}: {site.pages} pages ({site.articles} articles{reused}) in "
            f"{site.seconds:.1f} s -> {shown}/"
        )
