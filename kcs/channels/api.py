"""The read-only content API: static JSON files of each site, for chatbots, intranets,
Teams apps and ticket systems that would otherwise scrape the pages.

``api/v1/articles.json`` lists every article the site shows; ``api/v1/a/<id>.json`` holds
one article with its sections as HTML and Markdown and its translations. The files are
written from the site's own article list (``ctx.articles``), so an article the site may not
show is never in its API, and the build's leak check reads them like any page. The schema
is documented in docs/reference/content-api.md; a change that breaks a reader gets ``v2``.
"""

from __future__ import annotations

import json
import re
from functools import partial
from typing import TYPE_CHECKING, Any

from ..article import Article
from ..incremental import digest
from ..site.articles import site_url_for
from ..site.links import ArticleLinks, Resolver, rewrite_markdown
from ..site.model import SiteContext
from . import StaticFile

if TYPE_CHECKING:
    from ..incremental import Reuse

VERSION = 1
PREFIX = f"api/v{VERSION}/"
#: Names the schema a file follows (docs/reference/content-api.md).
SCHEMA = f"kcs-content-api/{VERSION}"
#: Python-Markdown extensions the sections are rendered with (a subset of the site's).
EXTENSIONS = ("admonition", "attr_list", "md_in_html", "tables", "fenced_code", "sane_lists")

_DEFINITION = re.compile(r"(?m)^ {0,3}\[[^\]\n]+\]:[ \t]*<?(?P<url>[^\s>]+)>?.*$")


def base_url(ctx: SiteContext) -> str:
    """The site's address with a trailing slash, or ``/`` when kcs.yml names none."""
    url = site_url_for(ctx.kb.config, ctx.audience)
    return url.rstrip("/") + "/" if url else "/"


def summary(article: Article, ctx: SiteContext, base: str) -> dict[str, Any]:
    """The fields every listing entry and every article file share."""
    history = ctx.history.for_path(article.path) if ctx.history is not None else None
    return {
        "id": article.id,
        "title": article.title,
        "summary": article.summary,
        "url": base + article.url,
        "language": article.lang,
        "domain": article.domain,
        "tags": list(article.tags),
        "type": article.type,
        "updated": history.updated.isoformat() if history else None,
    }


def sections(article: Article, linked_body: str) -> list[tuple[str | None, str, str]]:
    """(key, heading, Markdown) of each level-2 section of the body; text before the
    first section comes first with an empty heading."""
    lines = linked_body.split("\n")
    starts = [(s.line - article.body_line, s) for s in article.sections]
    out: list[tuple[str | None, str, str]] = []
    first = starts[0][0] if starts else len(lines)
    intro = "\n".join(line for line in lines[:first] if not line.startswith("# ")).strip()
    if intro:
        out.append((None, "", intro))
    for index, (start, section) in enumerate(starts):
        end = starts[index + 1][0] if index + 1 < len(starts) else len(lines)
        out.append((section.key, section.heading, "\n".join(lines[start + 1 : end]).strip()))
    return out


def files(ctx: SiteContext, reuse: Reuse | None = None) -> list[StaticFile]:
    """``api/v1/articles.json`` and one ``api/v1/a/<id>.json`` per article of the site;
    with ``reuse``, an article's sections come from the earlier build when unchanged."""
    import markdown as md

    base = base_url(ctx)
    # Links are resolved on the parsed sections (every link form), to absolute URLs; the
    # article pages already reported each broken link once.
    links = ArticleLinks(Resolver(ctx, warn=False), absolute=base)
    renderer = md.Markdown(extensions=[*EXTENSIONS, links])
    groups: dict[str, list[Article]] = {}
    for article in ctx.articles:
        groups.setdefault(article.translation_of or article.id, []).append(article)
    head = {
        "version": VERSION,
        "schema": SCHEMA,
        "audience": ctx.audience,
        "generated": ctx.now.isoformat(timespec="seconds"),
    }
    listing: list[dict[str, Any]] = []
    out: list[StaticFile] = []
    for article in sorted(ctx.articles, key=lambda a: a.id):
        if article.id in ctx.broken:
            continue  # cannot be rendered: its page on the internal site says why
        entry = summary(article, ctx, base)
        listing.append(entry)
        links.current = article

        def render(article: Article = article) -> tuple[list[dict[str, Any]], dict[str, Any]]:
            recorded: dict[str, Any] = {}
            links.resolver.record = recorded
            try:
                return _sections(article, renderer, links), recorded
            finally:
                links.resolver.record = None

        if reuse is None:
            parts, _ = render()
        else:
            key = digest(
                article.path,
                article.body,
                article.body_line,
                [(s.key, s.heading, s.line) for s in article.sections],
                base,
            )
            parts = reuse.sections(article.id, key, partial(links.resolver.agree, article), render)
        translations = [
            {"language": other.lang, "id": other.id, "url": base + other.url, "title": other.title}
            for other in groups.get(article.translation_of or article.id, [])
            if other.id != article.id
        ]
        document = {
            **head,
            "article": {
                **entry,
                "sections": parts,
                "translations": sorted(translations, key=lambda t: (t["language"], t["id"])),
            },
        }
        out.append(StaticFile(f"{PREFIX}a/{article.id}.json", _dump(document)))
    out.append(StaticFile(f"{PREFIX}articles.json", _dump({**head, "articles": listing})))
    return out


def _sections(article: Article, renderer: Any, links: ArticleLinks) -> list[dict[str, Any]]:
    """Each section of ``article`` as Markdown and as clean HTML, its links resolved."""
    from ..safe_html import clean

    parts = []
    for key, heading, text in sections(article, article.body):
        renderer.reset()
        links.seen = {}
        for definition in _DEFINITION.finditer(text):  # used in this section or not
            links.resolve(definition.group("url"))
        # Reference-style links need their definitions, wherever in the body they are.
        rendered = renderer.convert(text + "\n\n" + _definitions(article.body))
        markdown = rewrite_markdown(text, links.seen)
        links.seen = {}
        renderer.reset()
        renderer.convert(heading)  # a heading may hold links too
        parts.append(
            {
                "key": key,
                "heading": rewrite_markdown(heading, links.seen),
                "markdown": markdown,
                "html": clean(rendered),
            }
        )
    return parts


def _definitions(body: str) -> str:
    """The reference-style link definitions of a body, one per line."""
    return "\n".join(m.group(0).strip() for m in _DEFINITION.finditer(body))


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=False) + "\n"
