"""Announcements as feeds: an Atom feed per language and ``api/v1/announcements.json``.

Both list the announcements the site itself shows in its banner (not yet ended, most
severe first; a language's feed what that language's pages show, an untranslated
announcement in the default language included), from the site's own article list, so a
wider site's feed never carries an internal announcement. Feed readers, intranet pages
and chat integrations poll them; pushing to chat and e-mail is :mod:`kcs.channels.push`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING, Any

from .. import i18n
from ..article import Article
from ..site import announcements
from ..site.model import SiteContext
from . import StaticFile
from .api import PREFIX, SCHEMA, VERSION, base_url

if TYPE_CHECKING:
    from ..incremental import Reuse

ATOM_NS = "http://www.w3.org/2005/Atom"
#: Characters XML 1.0 does not allow; a title holding one would make the feed unreadable.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def feed_path(lang: str) -> str:
    return f"{lang}/announcements.atom"


def _iso(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _updated(article: Article, ctx: SiteContext) -> dt.datetime:
    history = ctx.history.for_path(article.path) if ctx.history is not None else None
    if history is not None:
        return history.updated
    if article.starts is not None:
        return article.starts if article.starts.tzinfo else article.starts.replace(tzinfo=dt.UTC)
    return ctx.now


def _entry_id(article: Article, base: str) -> str:
    return (
        base + article.url
        if base.startswith(("http://", "https://"))
        else (f"urn:kcs:announcement:{article.id}")
    )


def atom(ctx: SiteContext, lang: str) -> str:
    """The Atom document of the current announcements in ``lang``."""
    base = base_url(ctx)
    ET.register_namespace("", ATOM_NS)

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
        if text is not None:
            element.text = _XML_INVALID.sub("", text)
        return element

    config = ctx.kb.config
    # The announcements the site's pages in ``lang`` show, untranslated ones included.
    items = announcements.shown_in(ctx.articles, ctx.now, lang, config.default_language)
    site_name = config.site_name_in(lang)
    feed = ET.Element(f"{{{ATOM_NS}}}feed", {"xml:lang": lang})
    title = i18n.text(lang, "feed.announcements")
    sub(feed, "id", base + feed_path(lang) if base != "/" else f"urn:kcs:announcements:{lang}")
    sub(feed, "title", f"{site_name}: {title}")
    newest = max((_updated(a, ctx) for a in items), default=ctx.now)
    sub(feed, "updated", _iso(newest))
    sub(feed, "link", rel="self", href=base + feed_path(lang))
    sub(feed, "link", rel="alternate", href=f"{base}{lang}/")
    sub(feed, "generator", "kcs-portal")
    for article in items:
        # An entry in another language than the feed says which.
        entry = sub(feed, "entry", **({"xml:lang": article.lang} if article.lang != lang else {}))
        sub(entry, "id", _entry_id(article, base))
        sub(entry, "title", article.title)
        sub(entry, "updated", _iso(_updated(article, ctx)))
        if article.starts is not None:
            sub(entry, "published", _iso(_aware(article.starts)))
        sub(entry, "link", rel="alternate", href=base + article.url)
        sub(entry, "category", term=article.severity or "info")
        if article.summary:
            sub(entry, "summary", article.summary)
        author = sub(entry, "author")
        sub(author, "name", site_name)
    body = ET.tostring(feed, encoding="unicode")
    return f'<?xml version="1.0" encoding="utf-8"?>\n{body}\n'


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def announcements_json(ctx: SiteContext) -> str:
    """``api/v1/announcements.json``: every current announcement of the site, all languages."""
    base = base_url(ctx)
    items: list[dict[str, Any]] = []
    for article in announcements.current(ctx.articles, ctx.now):
        meta = announcements.as_meta(article, ctx.now)
        items.append(
            {
                "id": meta["id"],
                "title": meta["title"],
                "summary": meta["summary"],
                "severity": meta["severity"],
                "language": meta["lang"],
                "starts": meta["starts"] or None,
                "ends": meta["ends"] or None,
                "active": announcements.is_active(article, ctx.now),
                "url": base + article.url,
            }
        )
    document = {
        "version": VERSION,
        "schema": SCHEMA,
        "audience": ctx.audience,
        "generated": ctx.now.isoformat(timespec="seconds"),
        "announcements": items,
    }
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def files(ctx: SiteContext, reuse: Reuse | None = None) -> list[StaticFile]:
    """One Atom feed per configured language and the JSON list of announcements."""
    out = [StaticFile(feed_path(lang), atom(ctx, lang)) for lang in ctx.kb.config.languages]
    out.append(StaticFile(f"{PREFIX}announcements.json", announcements_json(ctx)))
    return out
