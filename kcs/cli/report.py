"""``kcs report NAME``: every report, from one registry of lazily imported commands."""

from __future__ import annotations

import click

from . import Lazy, LazyGroup

#: report name → where its command lives; each module holds one click command.
REPORTS: dict[str, Lazy] = {
    "staleness": Lazy(
        "kcs.cli.report_staleness:command",
        "Per article: created, last changed, last validated, review due date and status.",
    ),
    "health": Lazy(
        "kcs.cli.report_health:command",
        "Knowledge health: articles per state, lint findings per domain, broken links, time "
        "to publish, open proposals, outdated translations and domains that depend on one "
        "person.",
    ),
    "contributors": Lazy(
        "kcs.cli.report_contributors:command",
        "Thank-you list: articles each person created, improved and validated, and the "
        "reviews they gave, per period (listed by name, not ranked).",
    ),
    "usage": Lazy(
        "kcs.cli.report_usage:command",
        "Views and unique visitors per article, language, domain and audience over time; "
        "most-used articles; feedback and its reasons.",
    ),
    "search": Lazy(
        "kcs.cli.report_search:command",
        "Top searches (normalised), click-through, mean click position and searches with no "
        "result.",
    ),
    "gaps": Lazy(
        "kcs.cli.report_gaps:command",
        "Queries with no result or no click, grouped, with their trend, and the contact-form "
        "submissions that followed a search.",
    ),
    "value": Lazy(
        "kcs.cli.report_value:command",
        "Self-service success, contacts avoided and their value in money and hours per "
        "article, domain and month (kcs.yml cost.*).",
    ),
    "duplicates": Lazy(
        "kcs.cli.report_duplicates:command",
        "List groups of near-duplicate articles and which one to keep.",
    ),
}


@click.group(cls=LazyGroup, registry=REPORTS)
def group() -> None:
    """Reports on staleness, health, contributors, usage, gaps, value and duplicates."""
