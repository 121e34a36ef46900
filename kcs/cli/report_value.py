"""``kcs report value``: self-service success, contacts avoided and their value."""

from __future__ import annotations

from .report_common import report_command

command = report_command(
    "value",
    "Self-service success, contacts avoided and their value in money and hours per article, "
    "domain and month (kcs.yml cost.*).",
)
