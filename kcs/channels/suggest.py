"""``/_kcs/suggest.js``: the suggestion widget other sites put into their ticket forms.

The script (kcs/channels/suggest.js) is written into every site with its interface text;
it searches the Pagefind index of the site it comes from, so it suggests exactly what that
site shows. Serving it to other origins needs CORS headers (deploy/nginx.conf).
"""

from __future__ import annotations

import json
from pathlib import Path

from ..site.model import SiteContext
from . import StaticFile

PATH = "_kcs/suggest.js"
SOURCE = Path(__file__).with_name("suggest.js")

#: The widget's interface text per language ({n}: the number of suggestions).
STRINGS: dict[str, dict[str, str]] = {
    "en": {"title": "Articles that may solve it", "found": "{n} articles may help"},
    "sv": {"title": "Artiklar som kan lösa det", "found": "{n} artiklar kan hjälpa"},
    "fi": {"title": "Artikkelit, jotka voivat auttaa", "found": "{n} artikkelia voi auttaa"},
    "nl": {"title": "Artikelen die kunnen helpen", "found": "{n} artikelen kunnen helpen"},
}


def script(languages: tuple[str, ...]) -> str:
    strings = {lang: STRINGS[lang] for lang in ("en", *languages) if lang in STRINGS}
    text = SOURCE.read_text(encoding="utf-8")
    return text.replace('"@@STRINGS@@"', json.dumps(strings, ensure_ascii=False, sort_keys=True))


def files(ctx: SiteContext) -> list[StaticFile]:
    return [StaticFile(PATH, script(ctx.kb.config.languages))]
