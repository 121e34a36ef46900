"""The home page of each language: search first, then announcements, most used, browse.

The page body is empty: ``kcs/theme/kcs-home.html`` renders everything from
``meta["kcs"]`` so the search box comes first in the HTML (and in keyboard order).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from .. import i18n
from ..article import Article
from . import announcements
from .listings import tag_slug
from .model import Page, SiteContext

MOST_USED_MAX = 8
TAGS_MAX = 24


def group_key(article: Article) -> str:
    """Translations share a key: the id of the article they translate (or their own id)."""
    return article.translation_of or article.id


def in_language(ids: Iterable[str], articles: Iterable[Article], lang: str) -> list[Article]:
    """For each id, the article itself or its translation in ``lang`` (ids without one drop)."""
    by_group: dict[tuple[str, str], Article] = {}
    by_id: dict[str, Article] = {}
    for article in articles:
        by_group.setdefault((group_key(article), article.lang), article)
        by_id.setdefault(article.id, article)
    out: list[Article] = []
    seen: set[str] = set()
    for ident in ids:
        source = by_id.get(ident)
        if source is None:
            continue
        found = by_group.get((group_key(source), lang))
        if found is not None and found.id not in seen and not found.is_announcement:
            seen.add(found.id)
            out.append(found)
    return out


def _card(article: Article) -> dict[str, Any]:
    return {
        "id": article.id,
        "title": article.title,
        "summary": article.summary,
        "url": article.url,
        "domain": article.domain,
    }


def home_meta(ctx: SiteContext, lang: str) -> dict[str, Any]:
    """``meta["kcs"]`` of the home page of ``lang``."""
    config = ctx.kb.config
    mine = [a for a in ctx.articles if a.lang == lang]
    readable = [a for a in mine if not a.is_announcement]
    most_used = in_language(ctx.most_used or list(config.site.featured), ctx.articles, lang)
    if len(most_used) < MOST_USED_MAX:
        # Fill up with the newest reviewed articles so a new site's home is not empty.
        chosen = {a.id for a in most_used}
        rest = sorted(
            (a for a in readable if a.id not in chosen),
            key=lambda a: (a.reviewed.toordinal() if a.reviewed else 0, a.id),
            reverse=True,
        )
        most_used += rest[: MOST_USED_MAX - len(most_used)]
    domain_counts = Counter(a.domain for a in readable)
    configured = list(config.domains)
    domains = sorted(
        domain_counts,
        key=lambda d: (configured.index(d) if d in configured else len(configured), d),
    )
    tag_counts = Counter(tag for a in readable for tag in a.tags)
    tags = sorted(tag_counts.items(), key=lambda item: (-item[1], item[0]))[:TAGS_MAX]
    return {
        "kind": "home",
        "lang": lang,
        "internal": ctx.internal,
        "announcements": announcements.for_language(
            ctx.articles, ctx.now, lang, config.default_language
        ),
        "most_used": [_card(a) for a in most_used[:MOST_USED_MAX]],
        "domains": [
            {
                "domain": d,
                "label": config.domain_label(d, lang),
                "url": f"{lang}/d/{d}/",
                "count": domain_counts[d],
            }
            for d in domains
        ],
        "tags": [
            {"tag": tag, "url": f"{lang}/t/{tag_slug(tag)}/", "count": count}
            for tag, count in sorted(tags, key=lambda item: item[0].lower())
        ],
        "contact_url": f"{lang}/contact/",
    }


def pages(ctx: SiteContext) -> list[Page]:
    """One home page per configured language, at ``<lang>/index.md``."""
    out = []
    for lang in ctx.kb.config.languages:
        meta = {
            "title": i18n.text(lang, "home.title"),
            "template": "kcs-home.html",
            "hide": ["navigation", "toc"],
            "kcs": home_meta(ctx, lang),
        }
        out.append(Page(f"{lang}/index.md", "", meta))
    return out
