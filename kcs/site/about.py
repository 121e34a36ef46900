"""The accessibility statement and the privacy note of each language.

``<lang>/accessibility.md`` and ``<lang>/privacy.md``, linked from every page's footer.
Their text is interface text (``accessibility.body``, ``privacy.body`` in
kcs/data/interface.yml): Markdown, written once for every portal.
"""

from __future__ import annotations

from .. import i18n
from .model import Page, SiteContext

#: Page names; `<name>.title` and `<name>.body` are their interface-text keys.
ABOUT_PAGES: tuple[str, ...] = ("accessibility", "privacy")


def pages(ctx: SiteContext) -> list[Page]:
    """Both pages in every configured language."""
    out = []
    for lang in ctx.kb.config.languages:
        for name in ABOUT_PAGES:
            title = i18n.text(lang, f"{name}.title")
            body = i18n.text(lang, f"{name}.body")
            out.append(
                Page(
                    f"{lang}/{name}.md",
                    f"# {title}\n\n{body}\n",
                    {
                        "title": title,
                        "hide": ["navigation"],
                        "kcs": {"kind": "about", "about": name, "lang": lang},
                    },
                )
            )
    return out
