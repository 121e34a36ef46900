"""Docs are tested: every command has help text and appears in the documentation."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from gitrepo import REPO_ROOT  # noqa: E402

from kcs.cli import COMMANDS, cli  # noqa: E402
from kcs.cli.report import REPORTS  # noqa: E402

DOCS = "\n".join(
    p.read_text(encoding="utf-8")
    for p in [REPO_ROOT / "README.md", *(REPO_ROOT / "docs").rglob("*.md")]
)
INVOCATIONS = [[name] for name in COMMANDS] + [["report", name] for name in REPORTS]


@pytest.mark.parametrize("words", INVOCATIONS, ids=" ".join)
def test_every_command_has_help(words: list[str]) -> None:
    result = CliRunner().invoke(cli, [*words, "--help"])
    assert result.exit_code == 0, result.output
    summary = result.output.split("\n\n")[1].strip()
    assert len(summary) > 20, f"kcs {' '.join(words)} needs a real help text"


@pytest.mark.parametrize("words", INVOCATIONS, ids=" ".join)
def test_every_command_is_documented(words: list[str]) -> None:
    assert re.search(rf"`kcs {' '.join(words)}\b", DOCS), (
        f"document `kcs {' '.join(words)}` in docs/"
    )


def test_readme_has_the_two_setup_commands_near_the_top() -> None:
    head = (REPO_ROOT / "README.md").read_text(encoding="utf-8")[:1500]
    assert "bash scripts/demo.sh" in head and "bash scripts/test.sh" in head
    assert "bash scripts/test.sh" in (REPO_ROOT / ".ci/run").read_text(encoding="utf-8")


def cli_reference() -> str:
    """docs/reference/cli.md as the commands' own help texts make it."""
    out = [
        "# Command reference",
        "",
        "Every command takes `--help`. Exit status: 0 success, 1 a problem found or an error",
        "(`Error: <one line>`), 2 a usage error (wrong option, unknown file, ref or person), "
        "130 interrupted.",
        "`kcs report gaps` also exits 3 when new content gaps reach the threshold.",
        "",
        "This page is generated: `.venv/bin/python tests/core/test_docs.py` rewrites it.",
        "",
    ]
    for words in sorted(w for w in INVOCATIONS if w != ["report"]):
        result = CliRunner().invoke(cli, [*words, "--help"], terminal_width=100)
        text = result.output.replace("Usage: cli", "Usage: kcs").rstrip()
        out += [f"## `kcs {' '.join(words)}`", "", "```text", text, "```", ""]
    return "\n".join(out)


def test_cli_reference_is_current() -> None:
    current = (REPO_ROOT / "docs/reference/cli.md").read_text(encoding="utf-8")
    assert current == cli_reference(), "run .venv/bin/python tests/core/test_docs.py"


if __name__ == "__main__":
    (REPO_ROOT / "docs/reference/cli.md").write_text(cli_reference(), encoding="utf-8")
