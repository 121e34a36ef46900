"""Options and helpers shared by the commands."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def root_option(func: F) -> F:
    """``--root DIR``: the knowledge repository (default: found from the current folder)."""
    return click.option(
        "--root",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="The knowledge repository (default: the one around the current folder).",
    )(func)


def resolve_root(root: Path | None) -> Path:
    from ..knowledge import find_root

    return root.resolve() if root else find_root()


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
