"""Article pages: one page per visible article at ``a/<id>.md`` (served at ``/a/<id>/``).

The body goes to MkDocs as written: its links are resolved on the parsed document
while it renders (kcs/site/links.py), where every link form is known. Images and
other files beside an article are copied to ``_kcs/files/``. ``meta["kcs"]`` is the
contract with the templates: docs/architecture-site-meta.md.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Mapping
from html import escape
from typing import Any
from urllib.parse import quote

from .. import i18n
from ..article import Article
from ..config import Config
from ..render import placeholder
from . import announcements
from .facts import article_facts
from .model import Asset, Page, SiteContext

log = logging.getLogger(__name__)

FILES_PREFIX = "_kcs/files/"

#: Article states that get a banner on the internal site (texts: banner.<state> in
#: kcs/data/interface.yml).
BANNER_STATES: tuple[str, ...] = ("wip", "not-validated")


# --------------------------------------------------------------------- review


def review_status(
    article: Article, config: Config, today: dt.date, cache: dict[Any, int] | None = None
) -> tuple[dt.date | None, str]:
    """(date the next review is due, fresh | due-soon | overdue | never-validated).

    ``cache`` keeps parsed intervals between calls (one parse per kind of article).
    """
    if article.reviewed is None:
        return None, "never-validated"
    cache = {} if cache is None else cache
    kind = (article.type, article.domain, article.audience)
    if kind not in cache:
        cache[kind] = config.review_interval(type=kind[0], domain=kind[1], audience=kind[2])
    if "due_soon" not in cache:
        cache["due_soon"] = config.review.due_soon.days
    try:
        due = article.reviewed + dt.timedelta(days=article.review_every or cache[kind])
    except OverflowError:  # the build leaves such an article out (kcs/unbuildable.py)
        due = dt.date.max
    if due < today:
        return due, "overdue"
    if (due - today).days <= cache["due_soon"]:
        return due, "due-soon"
    return due, "fresh"


# ----------------------------------------------------------------------- meta


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _fill(pattern: str, values: Mapping[str, str]) -> str:
    """Fill ``{name}`` placeholders, URL-encoding each value (a ``path`` keeps its
    slashes); unknown names stay as written."""
    return re.sub(
        r"\{(\w+)\}",
        lambda m: (
            quote(values[m.group(1)], safe="/" if m.group(1) == "path" else "")
            if m.group(1) in values
            else m.group(0)
        ),
        pattern,
    )


def article_meta(
    article: Article,
    ctx: SiteContext,
    *,
    site_url: str = "",
    groups: Mapping[str, list[Article]] | None = None,
    by_id: Mapping[str, Article] | None = None,
    cache: dict[Any, int] | None = None,
) -> dict[str, Any]:
    """``meta["kcs"]`` of one article page (docs/architecture-site-meta.md)."""
    config = ctx.kb.config
    by_id = by_id if by_id is not None else {a.id: a for a in ctx.articles}
    if groups is None:
        groups = _groups(ctx.articles)
    due, status = review_status(article, config, ctx.now.date(), cache)
    history = ctx.history.for_path(article.path) if ctx.history is not None else None
    translations = [
        {"lang": other.lang, "id": other.id, "url": other.url, "title": other.title}
        for other in groups.get(article.translation_of or article.id, [])
        if other.id != article.id
    ]
    related = [
        {"id": by_id[ident].id, "url": by_id[ident].url, "title": by_id[ident].title}
        for ident in (article.related or ctx.auto_related.get(article.id, ()))
        if ident in by_id and ident != article.id
    ]
    absolute = (site_url.rstrip("/") + "/" if site_url else "/") + article.url
    edit = config.forge.edit_url
    flag = config.forge.flag_url
    meta: dict[str, Any] = {
        "kind": "article",
        "id": article.id,
        "lang": article.lang,
        "state": article.state,
        "audience": article.audience,
        "type": article.type,
        "domain": article.domain,
        "domain_label": config.domain_label(article.domain, article.lang),
        "domain_url": f"{article.lang}/d/{article.domain}/",
        "tags": list(article.tags),
        "summary": article.summary,
        "reviewed": _iso(article.reviewed),
        "review_due": _iso(due),
        "review_status": status,
        "created": _iso(history.created) if history else None,
        "updated": _iso(history.updated) if history else None,
        "translations": sorted(translations, key=lambda t: t["lang"]),
        "related": related,
        "tickets": list(article.tickets),
        "edit_url": _fill(edit, {"path": article.path, "id": article.id}) if edit else None,
        "flag_url": _fill(flag, {"id": article.id, "title": article.title, "url": absolute})
        if flag
        else None,
        "url": article.url,
    }
    if article.is_announcement:
        meta.update(
            starts=_iso(article.starts),
            ends=_iso(article.ends),
            severity=article.severity or "info",
            ends_utc=announcements.ends_utc(article, ctx.now),
            ended=announcements.ended(article, ctx.now),
        )
    return meta


def _groups(articles: tuple[Article, ...]) -> dict[str, list[Article]]:
    """Translation groups: the original's id → the original and its translations."""
    groups: dict[str, list[Article]] = {}
    for article in articles:
        groups.setdefault(article.translation_of or article.id, []).append(article)
    return groups


# ---------------------------------------------------------------------- pages


def banner(article: Article) -> str:
    """The admonition shown on top of an unfinished article (empty when validated)."""
    if article.state not in BANNER_STATES:
        return ""
    title = i18n.text(article.lang, f"banner.{article.state}.title")
    text = i18n.text(article.lang, f"banner.{article.state}")
    kind = "warning" if article.state == "wip" else "note"
    return f'!!! {kind} "{title}"\n    {text}\n\n'


def _has_h1(body: str) -> bool:
    for line in body.split("\n"):
        if line.strip():
            return line.startswith("# ")
    return False


def build(ctx: SiteContext, *, site_url: str = "") -> tuple[list[Page], list[Asset]]:
    """Pages and assets of every visible article."""
    groups = _groups(ctx.articles)
    by_id = {a.id: a for a in ctx.articles}
    cache: dict[Any, int] = {}
    out: list[Page] = []
    facts = article_facts(ctx)  # internal site only
    for article in ctx.articles:
        body = article.body
        problem = ctx.broken.get(article.id)
        if problem is not None:
            body = placeholder(problem, article.lang)
        head = "" if _has_h1(body) else f"# {_escape_title(article.title)}\n\n"
        top = banner(article) if ctx.internal else ""
        meta = {
            "title": article.title,
            "kcs": article_meta(
                article, ctx, site_url=site_url, groups=groups, by_id=by_id, cache=cache
            ),
        }
        kcs_meta = meta["kcs"]
        if article.id in facts and isinstance(kcs_meta, dict):
            kcs_meta["facts"] = facts[article.id]
        out.append(Page(f"a/{article.id}.md", f"{head}{top}{body.strip()}\n", meta))
    return out, assets(ctx)


_TABLE = re.compile(r"<table>(.*?)</table>", re.S)


def scrollable_tables(html: str, label: str) -> str:
    """Each table of an article's HTML in a box that scrolls sideways on a narrow screen
    and that the keyboard can focus and scroll (WCAG 2.1.1); its class keeps Material's
    script from wrapping it again in a box the keyboard cannot reach."""
    attr = escape(label, quote=True)
    return _TABLE.sub(
        lambda m: (
            f'<div class="kcs-table-scroll" tabindex="0" role="region" aria-label="{attr}">'
            f'<table class="kcs-table">{m.group(1)}</table></div>'
        ),
        html,
    )


def _escape_title(title: str) -> str:
    """A title as a Markdown heading that renders as typed."""
    return re.sub(r"([\\`*_\[\]<>#])", r"\\\1", title)


def pages(ctx: SiteContext) -> list[Page]:
    """The registry entry: article pages (site_url from kcs.yml for the flag links)."""
    return build(ctx, site_url=site_url_for(ctx.kb.config, ctx.audience))[0]


def assets(ctx: SiteContext) -> list[Asset]:
    """Files the visible articles link to (images and the like)."""
    from .links import assets as linked

    return linked(ctx)


def site_url_for(config: Config, audience: str) -> str:
    """The public address of the site for ``audience`` (kcs.yml site.url / internal_url)."""
    if audience == "internal":
        return config.site.internal_url
    return config.site.url
