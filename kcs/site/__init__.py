"""The self-service site as plain data: pages and assets, no MkDocs types.

:data:`GENERATORS` is the explicit registry of page generators; each is a function
``pages(ctx: SiteContext) -> list[Page]`` imported lazily from its module. The MkDocs
plugin (kcs/plugin.py) calls :func:`context` once per build, then :func:`generate` and
:func:`assets`, and hands the result to MkDocs.
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
import sqlite3
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from ..errors import BuildError, KcsError
from ..findings import Finding
from ..knowledge import KnowledgeBase
from .model import Asset, Page, SiteContext

log = logging.getLogger(__name__)

#: name → "module:function" of every page generator (see docs/architecture-site-meta.md).
GENERATORS: dict[str, str] = {
    "articles": "kcs.site.articles:pages",
    "listings": "kcs.site.listings:pages",
    "home": "kcs.site.home:pages",
    "contact": "kcs.site.contact:pages",
    "about": "kcs.site.about:pages",
    # Internal site only (each returns no page for a wider audience):
    "reports": "kcs.site.reports:pages",
    "usage": "kcs.site.usage:pages",
    "proposals": "kcs.site.proposals:pages",
}

Generator = Callable[[SiteContext], list[Page]]


def load_generator(name: str) -> Generator:
    """Import one generator from the registry."""
    module_name, attr = GENERATORS[name].split(":")
    func: Generator = getattr(importlib.import_module(module_name), attr)
    return func


def context(
    kb: KnowledgeBase,
    audience: str,
    *,
    now: dt.datetime | None = None,
    history: Any = None,
    most_used: tuple[str, ...] = (),
    broken: Mapping[str, Finding] | None = None,
) -> SiteContext:
    """What every generator reads, computed once: the articles ``audience`` may see.

    ``broken`` (id → problem): articles that cannot be rendered. The internal site shows
    a placeholder for each; wider sites leave them out.
    """
    broken = dict(broken or {})
    articles = kb.for_audience(audience)
    if audience != "internal" and broken:
        articles = tuple(a for a in articles if a.id not in broken)
    return SiteContext(
        kb=kb,
        audience=audience,
        articles=articles,
        now=now or dt.datetime.now(dt.UTC),
        most_used=most_used,
        history=history,
        broken=broken,
    )


def most_used(root: Path, limit: int = 50) -> tuple[str, ...]:
    """Article ids by page views (last 90 days) from the usage database; () without one.

    Ids of any audience: generators keep only those the site shows.
    """
    try:
        from ..usage.api import most_used as ranking
    except ImportError:  # pragma: no cover - the usage package ships with kcs
        return ()
    try:
        return tuple(ranking(root, limit=limit))
    except (KcsError, sqlite3.Error) as exc:
        log.warning("usage data unreadable (%s); the home pages show the featured articles", exc)
        return ()


def generate(ctx: SiteContext, names: tuple[str, ...] | None = None) -> list[Page]:
    """Every page of the site; two generators claiming one ``src_uri`` is a BuildError."""
    from .listings import root_index

    out: list[Page] = []
    seen: dict[str, str] = {}
    for name in names or tuple(GENERATORS):
        func = load_generator(name)
        for page in func(ctx):
            if page.src_uri in seen:
                raise BuildError(
                    f"site generators {seen[page.src_uri]!r} and {name!r} both write "
                    f"{page.src_uri}; give one of them another path"
                )
            seen[page.src_uri] = name
            out.append(page)
    if "index.md" not in seen:
        out.append(root_index(ctx, set(seen)))
    return out


def assets(ctx: SiteContext) -> list[Asset]:
    """Files copied as they are (images of the visible articles)."""
    from .articles import assets as article_assets

    return article_assets(ctx)


__all__ = [
    "GENERATORS",
    "Asset",
    "Page",
    "SiteContext",
    "assets",
    "context",
    "generate",
    "most_used",
]
