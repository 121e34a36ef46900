"""Browse pages instead of a navigation sidebar: per language, by domain and by tag.

``<lang>/d/`` lists the domains, ``<lang>/d/<domain>/`` and ``<lang>/t/<tag>/`` list
articles, ``<lang>/t/`` lists the tags. Every page's Markdown is complete on its own
(links as ``../../a/<id>.md`` so MkDocs checks them); ``meta["kcs"]`` carries the same
data for templates that want to render it differently.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from .. import i18n
from ..article import Article, slugify
from .articles import BANNER_STATES
from .model import Page, SiteContext


def word(lang: str, key: str) -> str:
    """A listing's interface word (kcs/data/interface.yml, ``listing.<key>``)."""
    return i18n.text(lang, f"listing.{key}")


def _text(value: str) -> str:
    """Text safe inside a Markdown link label or list item."""
    return re.sub(r"([\\`*_\[\]<>])", r"\\\1", value)


#: Slugs a tag cannot take: ``<lang>/t/index.md`` is the tag overview.
RESERVED_TAG_SLUGS = frozenset({"index"})


def tag_slug(tag: str) -> str:
    """The path name of a tag's page; a tag named like the overview gets a suffix."""
    slug = slugify(tag)
    return f"{slug}-tag" if slug in RESERVED_TAG_SLUGS else slug


def _card(article: Article) -> dict[str, Any]:
    return {
        "id": article.id,
        "title": article.title,
        "summary": article.summary,
        "url": article.url,
        "state": article.state,
        "type": article.type,
    }


def _items(articles: Iterable[Article], internal: bool) -> str:
    lines = []
    for article in articles:
        marker = ""
        if internal and article.state in BANNER_STATES:
            label = i18n.text(article.lang, f"banner.{article.state}.title")
            marker = f" *({label})*"
        summary = f" – {_text(article.summary)}" if article.summary else ""
        lines.append(f"- [{_text(article.title)}](../../a/{article.id}.md){marker}{summary}")
    return "\n".join(lines) + "\n"


def _sorted(articles: Iterable[Article]) -> list[Article]:
    return sorted(articles, key=lambda a: (a.title.casefold(), a.id))


def pages(ctx: SiteContext) -> list[Page]:
    config = ctx.kb.config
    out: list[Page] = []
    configured = list(config.domains)
    for lang in config.languages:
        mine = [a for a in ctx.articles if a.lang == lang]
        by_domain: dict[str, list[Article]] = defaultdict(list)
        by_tag: dict[str, list[Article]] = defaultdict(list)
        tag_label: dict[str, str] = {}
        for article in mine:
            by_domain[article.domain].append(article)
            # Two tags of one article may share a slug ("Konto", "konto"): list it once.
            for slug in dict.fromkeys(tag_slug(tag) for tag in article.tags):
                tag_label.setdefault(slug, next(t for t in article.tags if tag_slug(t) == slug))
                by_tag[slug].append(article)
        domains = sorted(
            by_domain,
            key=lambda d: (configured.index(d) if d in configured else len(configured), d),
        )

        # The domain index.
        heading = word(lang, "domains")
        lines = [f"# {heading}\n"]
        entries = []
        for domain in domains:
            label = config.domain_label(domain, lang)
            count = len(by_domain[domain])
            lines.append(f"- [{_text(label)}]({domain}.md) ({count} {word(lang, 'articles')})")
            entries.append(
                {"domain": domain, "label": label, "url": f"{lang}/d/{domain}/", "count": count}
            )
        if by_tag:
            lines.append(f"\n[{word(lang, 'tags')}](../t/index.md)")
        out.append(
            Page(
                f"{lang}/d/index.md",
                "\n".join(lines) + "\n",
                {
                    "title": heading,
                    "kcs": {
                        "kind": "listing",
                        "listing": "domains",
                        "lang": lang,
                        "domains": entries,
                    },
                },
            )
        )

        for domain in domains:
            label = config.domain_label(domain, lang)
            chosen = _sorted(by_domain[domain])
            out.append(
                Page(
                    f"{lang}/d/{domain}.md",
                    f"# {_text(label)}\n\n{_items(chosen, ctx.internal)}",
                    {
                        "title": label,
                        "kcs": {
                            "kind": "listing",
                            "listing": "domain",
                            "lang": lang,
                            "key": domain,
                            "label": label,
                            "articles": [_card(a) for a in chosen],
                        },
                    },
                )
            )

        if not by_tag:
            continue
        heading = word(lang, "tags")
        tag_lines = [f"# {heading}\n"]
        tag_entries = []
        for slug in sorted(by_tag, key=lambda s: tag_label[s].casefold()):
            count = len(by_tag[slug])
            tag_lines.append(f"- [{_text(tag_label[slug])}]({slug}.md) ({count})")
            tag_entries.append({"tag": tag_label[slug], "url": f"{lang}/t/{slug}/", "count": count})
        out.append(
            Page(
                f"{lang}/t/index.md",
                "\n".join(tag_lines) + "\n",
                {
                    "title": heading,
                    "kcs": {
                        "kind": "listing",
                        "listing": "tags",
                        "lang": lang,
                        "tags": tag_entries,
                    },
                },
            )
        )
        for slug, tagged in by_tag.items():
            label = tag_label[slug]
            chosen = _sorted(tagged)
            title = f"{word(lang, 'tag')}: {label}"
            out.append(
                Page(
                    f"{lang}/t/{slug}.md",
                    f"# {_text(title)}\n\n{_items(chosen, ctx.internal)}",
                    {
                        "title": title,
                        "kcs": {
                            "kind": "listing",
                            "listing": "tag",
                            "lang": lang,
                            "key": label,
                            "label": label,
                            "articles": [_card(a) for a in chosen],
                        },
                    },
                )
            )
    return out


def root_index(ctx: SiteContext, written: set[str]) -> Page:
    """``/``: the home page in the reader's language.

    The web server picks it from Accept-Language (deploy/nginx.conf); a server that does
    not lands here, where kcs.js picks from ``navigator.languages`` and else the default
    language. Without JavaScript the page refreshes to the default language's home and
    lists every language.
    """
    config = ctx.kb.config
    default = config.default_language

    def home(lang: str) -> str:
        return f"{lang}/index.md" if f"{lang}/index.md" in written else f"{lang}/d/index.md"

    target = home(default).removesuffix("index.md")
    lines = [
        f"# {_text(config.site_name)}\n",
        f'<noscript><meta http-equiv="refresh" content="0; url={target}"></noscript>\n',
        f"{word(default, 'choose')}:\n",
    ]
    for lang in config.languages:
        name = i18n.language_name(lang)
        lines.append(f"- [{name}]({home(lang)}){{: hreflang={lang} lang={lang} }}")
    return Page(
        "index.md",
        "\n".join(lines) + "\n",
        {
            "title": config.site_name,
            "kcs": {
                "kind": "redirect",
                "lang": default,
                "redirect": target,
                "homes": {lang: home(lang).removesuffix("index.md") for lang in config.languages},
            },
        },
    )
