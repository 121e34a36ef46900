"""The ``kcs`` command line: a thin click layer over the library.

Each command lives in its own module and is imported only when it runs, so
``kcs --help`` stays fast. One error boundary turns :class:`KcsError` into a
one-line ``Error: ...`` and its exit status; anything unexpected keeps its
traceback.
"""

from __future__ import annotations

import importlib
import logging
import sys
from typing import Any

import click

from ..errors import KcsError

#: command name → "module:attribute" (an explicit registry, see docs/architecture.md)
COMMANDS: dict[str, str] = {
    "new": "kcs.cli.new:command",
    "lint": "kcs.cli.lint:command",
    "search": "kcs.cli.search:command",
    "build": "kcs.cli.build:command",
    "publish": "kcs.cli.publish:command",
    "serve": "kcs.cli.serve:command",
    "gate": "kcs.cli.gate:command",
    "codeowners": "kcs.cli.codeowners:command",
    "signers": "kcs.cli.signers:command",
    "propose": "kcs.cli.propose:command",
    "proposals": "kcs.cli.proposals:command",
    "review": "kcs.cli.review:command",
    "merge": "kcs.cli.merge:command",
    "hook": "kcs.cli.hook:group",
    "publish-times": "kcs.cli.publish_times:group",
    "report": "kcs.cli.report:group",
    "usage": "kcs.cli.usage:group",
    "import": "kcs.cli.importer:command",
    "announce": "kcs.cli.announce:group",
    "init": "kcs.cli.init:command",
}


class KcsClickError(click.ClickException):
    """A :class:`KcsError` on its way out: click prints ``Error: <message>``."""

    def __init__(self, error: KcsError) -> None:
        super().__init__(str(error))
        self.exit_code = error.exit_code  # type: ignore[misc]  # click reads it per instance


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use from a registry.

    It is also the one error boundary: a :class:`KcsError` raised by any command
    becomes ``Error: <message>`` and the error's exit status.
    """

    def __init__(self, *args: Any, registry: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.registry = registry

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(self.registry)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = self.registry.get(cmd_name)
        if target is None:
            return None
        module_name, attr = target.split(":")
        module = importlib.import_module(module_name)
        command = getattr(module, attr)
        assert isinstance(command, click.Command)
        return command

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KcsError as error:
            raise KcsClickError(error) from None


@click.group(
    cls=LazyGroup, registry=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]}
)
@click.version_option(package_name="kcs-portal", prog_name="kcs")
@click.option("-v", "--verbose", count=True, help="Show more of what happens (repeat for debug).")
def cli(verbose: int) -> None:
    """KCS knowledge portal: write, check, search, review, build and measure articles."""
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s: %(message)s", stream=sys.stderr)


def main(argv: list[str] | None = None) -> None:
    """Entry point with the one error boundary."""
    try:
        # without standalone mode click returns ctx.exit()'s status instead of raising it
        status = cli.main(args=argv, prog_name="kcs", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except KcsError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
    sys.exit(status if isinstance(status, int) else 0)
