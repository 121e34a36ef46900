"""``kcs report NAME``: every report, from one registry of lazily imported commands."""

from __future__ import annotations

import click

from . import LazyGroup

#: report name → "module:attribute"; each module holds one click command.
REPORTS: dict[str, str] = {
    "staleness": "kcs.cli.report_staleness:command",
    "health": "kcs.cli.report_health:command",
    "contributors": "kcs.cli.report_contributors:command",
    "usage": "kcs.cli.report_usage:command",
    "search": "kcs.cli.report_search:command",
    "gaps": "kcs.cli.report_gaps:command",
    "value": "kcs.cli.report_value:command",
    "duplicates": "kcs.cli.report_duplicates:command",
}


@click.group(cls=LazyGroup, registry=REPORTS)
def group() -> None:
    """Reports on staleness, health, contributors, usage, gaps, value and duplicates."""
