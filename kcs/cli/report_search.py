"""``kcs report search``: top searches, click-through and searches with no result."""

from __future__ import annotations

from .report_common import report_command

command = report_command(
    "search",
    "Top searches (normalised), click-through, mean click position and searches with no result.",
)
