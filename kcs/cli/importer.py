"""``kcs import SOURCE``: bring an existing knowledge base in as Not Validated articles."""

from __future__ import annotations

import logging
from pathlib import Path

import click

from .common import echo_json, format_option, resolve_root, root_option

SOURCE_FORMATS = ("md", "html", "csv")

log = logging.getLogger("kcs.cli")


@click.command("import")
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--from",
    "source_format",
    type=click.Choice(SOURCE_FORMATS),
    default=None,
    help="Source format (default: guessed from the file names).",
)
@click.option(
    "--map",
    "mapping_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Mapping file (YAML): source fields → article fields.",
)
@click.option(
    "--into",
    default=None,
    metavar="articles/DOMAIN",
    help="Put every article into this domain folder.",
)
@click.option(
    "--lang",
    default=None,
    help="Language of every article (default: from the source, locale folders or kcs.yml).",
)
@click.option("--dry-run", is_flag=True, help="Show what would happen; write nothing.")
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the migration triage report here (.md or .json).",
)
@click.option("--no-duplicates", is_flag=True, help="Skip the near-duplicate check.")
# md, html and csv: the source format, as --format named it before --from existed
@format_option(
    "Output format (json: the result as data).", choices=("text", "json", *SOURCE_FORMATS)
)
@root_option
def command(
    source: Path,
    source_format: str | None,
    mapping_file: Path | None,
    into: str | None,
    lang: str | None,
    dry_run: bool,
    report_path: Path | None,
    no_duplicates: bool,
    fmt: str,
    root: Path | None,
) -> None:
    """Import SOURCE (a folder of Markdown or HTML files, or a CSV export).

    Every article arrives as state not-validated, audience internal, with its
    provenance in `source:`. Running the same import again updates those
    articles instead of adding copies. Exits 1 when any file or row failed.
    """
    from ..fsutil import atomic_write
    from ..importers.pipeline import run_import
    from ..importers.report import render_markdown, summary_lines, to_dict

    if fmt in SOURCE_FORMATS:
        if source_format is not None and source_format != fmt:
            raise click.UsageError(f"--from {source_format} and --format {fmt} disagree")
        log.warning("--format %s is deprecated for the source format; use --from %s", fmt, fmt)
        source_format, fmt = fmt, "text"
    kb_root = resolve_root(root)
    result = run_import(
        kb_root,
        source,
        fmt=source_format,
        mapping_file=mapping_file,
        into=into,
        lang=lang,
        dry_run=dry_run,
        duplicates=not no_duplicates,
    )
    if report_path is not None:
        if report_path.suffix.lower() == ".json":
            import json

            atomic_write(
                report_path,
                json.dumps(to_dict(result, kb_root), ensure_ascii=False, indent=2, default=str)
                + "\n",
            )
        else:
            atomic_write(report_path, render_markdown(result, kb_root))
    if fmt == "json":
        echo_json(to_dict(result, kb_root))
    else:
        for failure in result.failures:
            click.echo(f"{failure.origin}: error: {failure.message}", err=True)
        if dry_run:  # say what would happen to each article
            for action in result.actions:
                if action.action != "unchanged":
                    click.echo(f"would {action.action:6} {action.path} <- {action.origin}")
        for line in summary_lines(result):
            click.echo(line)
    if result.failed:
        raise SystemExit(1)
