"""``kcs import`` finds what the site's renderer cannot take, and treats raw HTML links
and images like Markdown ones."""

from __future__ import annotations

from pathlib import Path

from buildkb import make_repo
from click.testing import CliRunner
from gitrepo import write

from kcs.cli import cli
from kcs.importers.pipeline import run_import
from kcs.knowledge import load

LOG_ARTICLE = """\
# Client cannot download content

## Symptoms

The client log shows:

<![LOG[Download failed]LOG]!><time="10:11:13.000+000" component="ContentTransferManager">

## Resolution

Restart the service.
"""

HTML_ARTICLE = """\
# Help icons

## Resolution

<p><img src="media/help-icon.png" alt="Help icon."/> <a href="client-logs.md">the logs</a>
and <a href="missing.md">nothing</a>.</p>
"""


def test_import_reports_what_would_break_rendering(tmp_path: Path) -> None:
    source = tmp_path / "source"
    write(source / "client-logs.md", LOG_ARTICLE)
    write(source / "help-icons.md", HTML_ARTICLE)
    root = make_repo(tmp_path / "kb", {"articles/.keep": ""})
    result = run_import(root, source, into="articles/clients", duplicates=False)
    notes = [n for n in result.warnings if n.code == "render-error"]
    assert [n.origin for n in notes] == ["client-logs.md"]
    written = (root / "articles/clients/client-logs.md").read_text(encoding="utf-8")
    line = written.split("\n").index(
        '<![LOG[Download failed]LOG]!><time="10:11:13.000+000" component="ContentTransferManager">'
    )
    assert notes[0].message.startswith(
        f"line {line + 1}: the Markdown renderer fails here (AssertionError: unknown status "
        "keyword 'LOG' in marked section)"
    )
    # the same finding from lint, on the written file
    lint = CliRunner().invoke(cli, ["lint", "--root", str(root)])
    assert f"articles/clients/client-logs.md:{line + 1}: render-error: " in lint.output
    icons = (root / "articles/clients/help-icons.md").read_text(encoding="utf-8")
    assert '<p>*Help icon.* <a href="client-logs.md">the logs</a>' in icons
    assert "and <a>nothing</a>." in icons
    assert [a.id for a in load(root).articles] == ["client-logs", "help-icons"]
