"""One output option across the command line: ``--format``, with ``--json`` kept as a
hidden, deprecated spelling of ``--format json``."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from kcs.cli import cli

FIXTURES = Path(__file__).parent / "fixtures"


def commands(group: click.Group = cli, prefix: str = "kcs") -> Iterator[tuple[str, click.Command]]:
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, name
        if isinstance(command, click.Group):
            yield from commands(command, f"{prefix} {name}")
        else:
            yield f"{prefix} {name}", command


def options(command: click.Command) -> dict[str, click.Option]:
    return {
        opt: param
        for param in command.params
        if isinstance(param, click.Option)
        for opt in param.opts
    }


def test_every_output_format_is_chosen_with_format_and_json_is_hidden() -> None:
    seen = 0
    for name, command in commands():
        found = options(command)
        if "--json" in found:
            assert found["--json"].hidden, f"{name}: --json is shown in --help"
            choices = getattr(found["--format"].type, "choices", ())
            assert "json" in choices, f"{name}: --json without --format json"
        if "--format" in found and "json" in getattr(found["--format"].type, "choices", ()):
            assert "--json" in found, f"{name}: --format json without the --json alias"
            seen += 1
    assert seen >= 10  # lint, search, build, gate, proposals, import, the reports, ...


@pytest.fixture
def lintkb(tmp_path: Path) -> Path:
    dest = tmp_path / "lintkb"
    shutil.copytree(FIXTURES / "lintkb", dest)
    return dest


def test_json_is_format_json_with_a_deprecation_warning(
    lintkb: Path, caplog: pytest.LogCaptureFixture
) -> None:
    new = CliRunner().invoke(cli, ["lint", "--root", str(lintkb), "--format", "json"])
    assert caplog.records == []
    old = CliRunner().invoke(cli, ["lint", "--root", str(lintkb), "--json"])
    assert (old.exit_code, old.stdout) == (new.exit_code, new.stdout)
    assert new.stdout.startswith("[")
    assert [r.getMessage() for r in caplog.records] == ["--json is deprecated; use --format json"]
