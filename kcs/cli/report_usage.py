"""``kcs report usage``: usage and feedback per article, language, domain and audience."""

from __future__ import annotations

from .report_common import report_command

command = report_command(
    "usage",
    "Views and unique visitors per article, language, domain and audience over time; most-used "
    "articles; feedback and its reasons.",
)
