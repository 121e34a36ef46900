"""What the site generators produce and read: plain values, no MkDocs types.

A generator is a function ``pages(ctx: SiteContext) -> list[Page]``; the MkDocs
plugin (kcs/plugin.py) turns pages into MkDocs files. Keeping MkDocs out of the
generators keeps a later move to another static-site generator cheap.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..article import Article
from ..findings import Finding
from ..knowledge import KnowledgeBase


@dataclass(frozen=True)
class Page:
    """One generated page. ``src_uri`` like ``sv/contact.md`` is served at ``sv/contact/``.

    ``meta`` becomes MkDocs' page.meta; templates read ``meta["kcs"]`` (see
    docs/architecture.md, "Page metadata").
    """

    src_uri: str
    markdown: str
    meta: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SiteContext:
    """Everything a generator may read, computed once per build."""

    kb: KnowledgeBase
    audience: str  # the audience this site is built for
    articles: tuple[Article, ...]  # what this audience may see (kb.for_audience)
    now: dt.datetime  # build time, timezone-aware
    most_used: tuple[str, ...] = ()  # article ids, most used first (usage data or featured)
    history: Any = None  # kcs.history.History of the whole repository, read once (or None)
    #: id → problem of the articles that cannot be rendered (kcs/render.py): left out of
    #: ``articles`` on wider sites, a placeholder page on the internal site.
    broken: Mapping[str, Finding] = field(default_factory=dict)

    @property
    def internal(self) -> bool:
        return self.audience == "internal"

    @functools.cached_property
    def auto_related(self) -> Mapping[str, tuple[str, ...]]:
        """Related articles for pages without ``related:`` (same language and audience)."""
        from ..search import related

        return related(self.articles)


@dataclass(frozen=True)
class Asset:
    """A file copied into the site as is (an image beside an article).

    ``src_uri`` is its place in the site (``_kcs/files/vpn/img/setup.png``); ``path`` the
    absolute path of the source file in the repository.
    """

    src_uri: str
    path: str
