"""``kcs lint``: check articles against the content standard."""

from __future__ import annotations

from pathlib import Path

import click

from .common import echo_json, format_option, resolve_root, root_option


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@format_option(choices=("text", "json"))
@root_option
def command(paths: tuple[Path, ...], strict: bool, fmt: str, root: Path | None) -> None:
    """Check articles (all, or PATHS) against the content standard.

    Prints one line per finding, `path:line: code: message`. Exit status 0 when
    clean, 1 on errors (and on warnings with --strict), 2 on usage errors.
    """
    from ..errors import UsageError
    from ..knowledge import load
    from ..lint import LintResult, lint

    base = resolve_root(root)
    kb = load(base)
    wanted: set[str] | None = None
    if paths:
        wanted = set()
        for path in paths:
            absolute = path.resolve()
            if not absolute.exists():
                raise UsageError(f"{path}: no such file or folder")
            try:
                rel = absolute.relative_to(base).as_posix()
            except ValueError:
                raise UsageError(f"{path}: lies outside the repository {base}") from None
            wanted.update(
                a.path for a in kb.articles if a.path == rel or a.path.startswith(rel + "/")
            )
            wanted.update(
                f.path for f in kb.findings if f.path == rel or f.path.startswith(rel + "/")
            )
            if absolute.is_file():
                wanted.add(rel)
    result = LintResult(tuple(lint(kb, paths=wanted)))
    for warning in kb.config.warnings:
        click.echo(f"warning: {warning}", err=True)
    if fmt == "json":
        echo_json([f.as_dict() for f in result.findings])
    else:
        for finding in result.findings:
            click.echo(str(finding))
        checked = (
            len(wanted)
            if wanted is not None
            else len({a.path for a in kb.articles} | {f.path for f in kb.findings})
        )
        click.echo(
            f"{checked} article(s) checked: {result.errors} error(s), {result.warnings} warning(s)",
            err=True,
        )
    strict_config = strict and bool(kb.config.warnings)
    if result.failed(strict=strict) or strict_config:
        raise SystemExit(1)
