"""Options and helpers shared by the commands."""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar, cast

import click

F = TypeVar("F", bound=Callable[..., Any])

log = logging.getLogger("kcs.cli")


def root_option(func: F) -> F:
    """``--root DIR``: the knowledge repository (default: found from the current folder)."""
    return click.option(
        "--root",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="The knowledge repository (default: the one around the current folder).",
    )(func)


def resolve_root(root: Path | None) -> Path:
    if root:
        return root.resolve()
    from ..knowledge import find_root

    return find_root()


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def format_option(
    help_text: str = "Output format.",
    choices: Sequence[str] = ("text", "json", "csv", "html"),
) -> Callable[[F], F]:
    """``--format`` (text, json, ... as ``fmt``): every command's one output option.

    ``--json`` stays as a hidden, deprecated spelling of ``--format json`` for scripts
    written against earlier releases; it logs a warning.
    """

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def command(*args: Any, legacy_json: bool = False, **kwargs: Any) -> Any:
            if legacy_json:
                log.warning("--json is deprecated; use --format json")
                kwargs["fmt"] = "json"
            return func(*args, **kwargs)

        wrapped = click.option(
            "--json",
            "legacy_json",
            is_flag=True,
            hidden=True,
            help="Deprecated spelling of --format json.",
        )(command)
        return cast(
            F,
            click.option(
                "--format",
                "fmt",
                type=click.Choice(list(choices)),
                default="text",
                show_default=True,
                help=help_text,
            )(wrapped),
        )

    return decorate


def output_options(func: F) -> F:
    """--format (text, json, csv, html), --out and --table: the output of every report."""
    for option in reversed(
        [
            format_option(),
            click.option(
                "--out",
                type=click.Path(dir_okay=False, path_type=Path),
                default=None,
                help="Write to this file instead of standard output.",
            ),
            click.option(
                "--table",
                default=None,
                help="With --format csv: the table to write (default: the first).",
            ),
        ]
    ):
        func = option(func)
    return func


def emit(text: str, out: Path | None) -> None:
    """Print ``text``, or write it atomically to ``out`` and say so on stderr."""
    from ..fsutil import atomic_write

    if out is None:
        click.echo(text, nl=False)
        return
    atomic_write(out, text)
    click.echo(f"wrote {out}", err=True)
