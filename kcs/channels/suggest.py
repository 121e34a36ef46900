"""``/_kcs/suggest.js``: the suggestion widget other sites put into their ticket forms.

The script (kcs/channels/suggest.js) is written into every site with its interface text;
it searches the Pagefind index of the site it comes from, so it suggests exactly what that
site shows. Serving it to other origins needs CORS headers (deploy/nginx.conf).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from .. import i18n
from ..site.model import SiteContext
from . import StaticFile

if TYPE_CHECKING:
    from ..incremental import Reuse

PATH = "_kcs/suggest.js"
SOURCE = Path(__file__).with_name("suggest.js")

#: Keys of the interface-text table (kcs/data/interface.yml) the widget shows.
KEYS = {"title": "widget.title", "found": "widget.found"}


def script(languages: tuple[str, ...]) -> str:
    strings = {
        lang: {name: i18n.text(lang, key) for name, key in KEYS.items()}
        for lang in dict.fromkeys(("en", *languages))
    }
    text = SOURCE.read_text(encoding="utf-8")
    return text.replace('"@@STRINGS@@"', json.dumps(strings, ensure_ascii=False, sort_keys=True))


def files(ctx: SiteContext, reuse: Reuse | None = None) -> list[StaticFile]:
    return [StaticFile(PATH, script(ctx.kb.config.languages))]
