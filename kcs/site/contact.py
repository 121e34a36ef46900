"""The contact page of each language: the channel ladder.

1. search the self-service site, 2. the form (which suggests articles while the subject
is typed), 3. phone and e-mail with opening hours. Everything comes from kcs.yml
``contact.*``; ``kcs/theme/kcs-contact.html`` renders it from ``meta["kcs"]``.
"""

from __future__ import annotations

from typing import Any

from .. import i18n
from .handoff import parse as parse_handoff
from .model import Page, SiteContext

SUGGESTIONS_MAX = 5


def contact_meta(ctx: SiteContext, lang: str) -> dict[str, Any]:
    """``meta["kcs"]`` of the contact page of ``lang``."""
    config = ctx.kb.config
    hours = config.contact.hours
    handoff = parse_handoff(config.contact.form_target)
    return {
        "kind": "contact",
        "lang": lang,
        "internal": ctx.internal,
        # mailto: the browser opens the mail program with subject and body from the form
        # (GET). A ticket system: kcs.js fills the address's placeholders and goes there;
        # without script the form leads to the address without them.
        "form_target": handoff.action,
        "form_method": handoff.method,
        "handoff": handoff.template if handoff.kind == "ticket" else "",
        "email": config.contact.email,
        "phone": config.contact.phone,
        "hours": str(hours.get(lang) or hours.get(config.default_language) or ""),
        "suggestions_max": SUGGESTIONS_MAX,
        "home_url": f"{lang}/",
    }


def pages(ctx: SiteContext) -> list[Page]:
    """One contact page per configured language, at ``<lang>/contact.md``."""
    return [
        Page(
            f"{lang}/contact.md",
            "",
            {
                "title": i18n.text(lang, "contact.title"),
                "template": "kcs-contact.html",
                "hide": ["navigation", "toc"],
                "kcs": contact_meta(ctx, lang),
            },
        )
        for lang in ctx.kb.config.languages
    ]
