"""Start-up cost of a command is part of its speed: ``kcs report staleness`` imports
none of the heavy libraries other commands need (charts, data frames, Markdown, the
site builder), so a whole process costs little more than its own work; ``kcs --help``
lists the commands without importing them."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import click
import pytest

from kcs.cli import COMMANDS, Lazy, LazyGroup, cli
from kcs.cli.report import REPORTS
from kcs.cli.report import group as report_group

#: libraries that take tens of milliseconds to import and that the report does not need
HEAVY = (
    "matplotlib",
    "polars",
    "markdown",
    "mkdocs",
    "jinja2",
    "frontmatter",
    "nh3",
    "datasketch",
    "markdownify",
    "crawlerdetect",
    "charset_normalizer",
    "snowballstemmer",
    "sqlite3",
)

#: what a command line imports on the way to its command: the group and the shared options
CLI_CORE = {"kcs.cli", "kcs.cli.common", "kcs.cli.report", "kcs.cli.report_common"}

_PROBE = """
import atexit, json, sys
atexit.register(lambda: print(json.dumps(sorted(sys.modules)), file=sys.stderr))
from kcs.cli import main
main()
"""


def modules_after(*args: str) -> tuple[int, list[str]]:
    """Exit status of ``kcs args`` in a fresh interpreter, and the modules it imported."""
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    return result.returncode, json.loads(result.stderr.strip().splitlines()[-1])


def imported_by(*args: str) -> tuple[int, list[str]]:
    """Exit status and the heavy libraries among the imported modules."""
    code, modules = modules_after(*args)
    return code, [m for m in HEAVY if m in modules]


def command_modules(modules: list[str]) -> set[str]:
    return {m for m in modules if m.startswith("kcs.cli.")} - CLI_CORE


def test_the_staleness_report_imports_no_heavy_library(sample_repo: Path) -> None:
    code, heavy = imported_by("report", "staleness", "--root", str(sample_repo))
    assert code == 0
    assert heavy == []


def test_the_probe_sees_a_heavy_import(sample_repo: Path) -> None:
    """The same probe on a command that needs charts' and data frames' libraries."""
    code, heavy = imported_by("report", "health", "--root", str(sample_repo), "--format", "html")
    assert code == 0
    assert "matplotlib" in heavy


@pytest.mark.parametrize(
    ("words", "allowed"),
    [
        (["--help"], set()),
        (["report", "--help"], set()),
        (["report", "staleness", "--help"], {"kcs.cli.report_staleness"}),
    ],
    ids=" ".join,
)
def test_help_imports_no_command_module(words: list[str], allowed: set[str]) -> None:
    code, modules = modules_after(*words)
    assert code == 0
    assert command_modules(modules) == allowed


def test_the_staleness_report_imports_its_command_alone(sample_repo: Path) -> None:
    code, modules = modules_after("report", "staleness", "--root", str(sample_repo))
    assert code == 0
    assert command_modules(modules) == {"kcs.cli.report_staleness"}


def _loaded(entry: Lazy) -> click.Command:
    module, attr = entry.target.split(":")
    command = getattr(importlib.import_module(module), attr)
    assert isinstance(command, click.Command)
    return command


@pytest.mark.parametrize(
    ("name", "entry"),
    [*COMMANDS.items(), *(("report " + n, e) for n, e in REPORTS.items())],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_a_registry_summary_is_what_the_command_says(name: str, entry: Lazy) -> None:
    """At any width, a registry's summary shortens to the command's own short help."""
    command = _loaded(entry)
    stand_in = click.Command(name, help=entry.summary)
    for limit in range(10, 240):
        assert stand_in.get_short_help_str(limit) == command.get_short_help_str(limit), limit


@pytest.mark.parametrize("group", [cli, report_group], ids=["kcs", "kcs report"])
@pytest.mark.parametrize("width", [40, 80, 100, 200])
def test_the_command_list_is_the_one_click_makes(group: click.Group, width: int) -> None:
    """``--help`` lists the commands as click would with every command imported."""
    assert isinstance(group, LazyGroup)
    lazy_ctx = click.Context(group, info_name="kcs", terminal_width=width)
    lazy = lazy_ctx.make_formatter()
    group.format_commands(lazy_ctx, lazy)
    eager_ctx = click.Context(group, info_name="kcs", terminal_width=width)
    eager = eager_ctx.make_formatter()
    click.Group.format_commands(group, eager_ctx, eager)
    assert "Commands:" in eager.getvalue()
    assert lazy.getvalue() == eager.getvalue()
