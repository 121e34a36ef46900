"""The ``kcs`` command line: a thin click layer over the library.

Each command lives in its own module and is imported only when it runs, so
``kcs --help`` stays fast. One error boundary turns :class:`KcsError` into a
one-line ``Error: ...`` and its exit status; anything unexpected keeps its
traceback.
"""

from __future__ import annotations

import atexit
import gc
import importlib
import logging
import sys
from gettext import gettext as _
from typing import Any, NamedTuple

import click

from ..errors import KcsError


class Lazy(NamedTuple):
    """A subcommand in a registry: where it lives, and its one-line summary.

    ``summary`` is the first sentence of the command's help, so that listing the
    commands (``kcs --help``) imports none of them; tests/core/test_startup.py checks
    that it matches the command's own help.
    """

    target: str  # "module:attribute"
    summary: str


#: command name → where it lives (an explicit registry, see docs/architecture.md)
COMMANDS: dict[str, Lazy] = {
    "new": Lazy(
        "kcs.cli.new:command",
        "Create an article titled TITLE (in the requester's words) and print its path.",
    ),
    "lint": Lazy(
        "kcs.cli.lint:command", "Check articles (all, or PATHS) against the content standard."
    ),
    "search": Lazy(
        "kcs.cli.search:command",
        "Search the articles' titles, summaries, sections, tags, ids and error codes.",
    ),
    "build": Lazy(
        "kcs.cli.build:command", "Build the self-service sites with MkDocs, Material and Pagefind."
    ),
    "publish": Lazy(
        "kcs.cli.publish:command",
        "Build the public and internal sites of a commit and switch them live at once.",
    ),
    "serve": Lazy(
        "kcs.cli.serve:command",
        "Preview the site at http://127.0.0.1:PORT/, rebuilt when articles change.",
    ),
    "gate": Lazy(
        "kcs.cli.gate:command",
        "Check a change against the review rules of the base commit's kcs.yml.",
    ),
    "codeowners": Lazy(
        "kcs.cli.codeowners:command",
        "Generate .github/CODEOWNERS: domain publishers and kdes, admins for admin paths.",
    ),
    "signers": Lazy(
        "kcs.cli.signers:command",
        "Write the allowed-signers file: one line per person with an ssh_key, principal = id.",
    ),
    "propose": Lazy(
        "kcs.cli.propose:command",
        "Propose your changes: a branch proposal/<you>/<article>, pushed for review.",
    ),
    "proposals": Lazy(
        "kcs.cli.proposals:command",
        "List open proposals: branch, articles, author, age and the role they wait for.",
    ),
    "review": Lazy(
        "kcs.cli.review:command",
        "Show each changed article: front-matter changes and the body's diff, then the rules.",
    ),
    "merge": Lazy(
        "kcs.cli.merge:command", "Merge BRANCH into the current branch (main) as you, the signer."
    ),
    "hook": Lazy(
        "kcs.cli.hook:group",
        "Entry points for Git hooks installed on the knowledge repository's server.",
    ),
    "publish-times": Lazy(
        "kcs.cli.publish_times:group",
        "The publish log that the health report's time to publish is measured from.",
    ),
    "report": Lazy(
        "kcs.cli.report:group",
        "Reports on staleness, health, contributors, usage, gaps, value and duplicates.",
    ),
    "usage": Lazy(
        "kcs.cli.usage:group",
        "Usage analytics: read access logs and ticket exports into the usage database.",
    ),
    "import": Lazy(
        "kcs.cli.importer:command",
        "Import SOURCE (a folder of Markdown or HTML files, or a CSV export).",
    ),
    "announce": Lazy(
        "kcs.cli.announce:group",
        "Announcements outside the portal: push them to chat webhooks and e-mail.",
    ),
    "init": Lazy(
        "kcs.cli.init:command",
        "Create a knowledge repository in FOLDER (new or empty): kcs.yml, mkdocs.yml, "
        "workflows, hooks, deploy files, pre-commit configuration and one example article "
        "per language.",
    ),
}


class KcsClickError(click.ClickException):
    """A :class:`KcsError` on its way out: click prints ``Error: <message>``."""

    def __init__(self, error: KcsError) -> None:
        super().__init__(str(error))
        self.exit_code = error.exit_code  # type: ignore[misc]  # click reads it per instance


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use from a registry.

    Listing them (``--help``) imports none: the registry carries each one's summary.
    It is also the one error boundary: a :class:`KcsError` raised by any command
    becomes ``Error: <message>`` and the error's exit status.
    """

    def __init__(self, *args: Any, registry: dict[str, Lazy], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.registry = registry

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(self.registry)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = self.registry.get(cmd_name)
        if entry is None:
            return None
        module_name, attr = entry.target.split(":")
        module = importlib.import_module(module_name)
        command = getattr(module, attr)
        assert isinstance(command, click.Command)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The commands and their summaries, laid out as click lays them out."""
        names = self.list_commands(ctx)
        if not names:
            return
        # the width click gives the summaries: three times the default spacing
        limit = formatter.width - 6 - max(map(len, names))
        rows = [
            (name, click.Command(name, help=self.registry[name].summary).get_short_help_str(limit))
            for name in names
        ]
        with formatter.section(_("Commands")):
            formatter.write_dl(rows)

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
    # What a command leaves behind is freed as the process ends; the collector's last
    # pass over it (a report's history is hundreds of thousands of objects) would only
    # delay the exit.
    atexit.register(gc.freeze)
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
