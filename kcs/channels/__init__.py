"""Channels outside the portal's own pages: the content API, announcement feeds and the
suggestion widget are static files of each site; announcements are pushed to chat and
e-mail (:mod:`kcs.channels.push`).

:data:`FILES` is the registry of static-file generators,
``files(ctx, reuse=None) -> list[StaticFile]``;
the MkDocs plugin adds what :func:`files` returns to every site, so the build's leak check
reads them like any page.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..site.model import SiteContext

if TYPE_CHECKING:
    from ..incremental import Reuse


@dataclass(frozen=True)
class StaticFile:
    """One file written into the site as is: ``src_uri`` is its path in the site."""

    src_uri: str
    content: str


#: name → "module:function" of every static-file generator.
FILES: dict[str, str] = {
    "api": "kcs.channels.api:files",
    "feeds": "kcs.channels.feeds:files",
    "suggest": "kcs.channels.suggest:files",
}


def files(ctx: SiteContext, reuse: Reuse | None = None) -> list[StaticFile]:
    """Every static file of the channels for the site ``ctx`` describes; ``reuse`` (an
    incremental build) lets a generator take what did not change from the earlier build."""
    out: list[StaticFile] = []
    for target in FILES.values():
        module_name, attr = target.split(":")
        func: Callable[[SiteContext, Reuse | None], list[StaticFile]] = getattr(
            importlib.import_module(module_name), attr
        )
        out.extend(func(ctx, reuse))
    return out
