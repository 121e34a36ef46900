"""The per-article figures the usage database gives the rest of the package."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import NamedTuple


class UsageStats(NamedTuple):
    """One article's use: views in the last 90 days and 12 months, feedback in 12 months.

    ``flags`` is how many readers said it is outdated; ``reasons`` counts every answer
    to "what was wrong?" (outdated, unclear, mismatch, other). The reports only read
    this; without a usage database they get ``None`` instead of a mapping of these and
    leave out what needs it.
    """

    views_90d: int = 0
    views_12m: int = 0
    helped: int = 0
    not_helped: int = 0
    flags: int = 0
    # read-only, so the one default shared by every instance cannot be changed through one
    reasons: Mapping[str, int] = MappingProxyType({})
