"""``kcs new``: a new article from the KCS template, in the right language.

Writing an article must take seconds (KCS: capture while solving), so only the
title is needed; everything else has a default or comes from the folder.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from .article import SECTION_HEADINGS, slugify
from .articlefile import dump_article
from .config import AUDIENCES, TYPES, Config
from .errors import UsageError
from .fsutil import atomic_write, inside
from .knowledge import ARTICLES_DIR

#: One-line guidance under each heading, per language (HTML comments: not rendered).
_GUIDANCE: dict[str, dict[str, str]] = {
    "en": {
        "issue": "What the requester sees or asks, in their own words. Error messages as typed.",
        "environment": "Products, versions, devices: what is true before and after the fix.",
        "resolution": "The answer or the steps, numbered, one action per step.",
        "cause": "Why it happens (optional).",
    },
    "sv": {
        "issue": "Vad användaren ser eller frågar, med hens egna ord. Felmeddelanden ordagrant.",
        "environment": "Produkter, versioner, enheter: det som gäller före och efter lösningen.",
        "resolution": "Svaret eller stegen, numrerade, en åtgärd per steg.",
        "cause": "Varför det händer (valfritt).",
    },
    "fi": {
        "issue": "Mitä käyttäjä näkee tai kysyy, hänen omin sanoin. Virheilmoitukset sellaisenaan.",
        "environment": "Tuotteet, versiot, laitteet: mikä pätee ennen korjausta ja sen jälkeen.",
        "resolution": "Vastaus tai vaiheet numeroituina, yksi toimenpide vaihetta kohden.",
        "cause": "Miksi näin tapahtuu (valinnainen).",
    },
    "nl": {
        "issue": "Wat de aanvrager ziet of vraagt, in eigen woorden. Foutmeldingen letterlijk.",
        "environment": "Producten, versies, apparaten: wat voor en na de oplossing geldt.",
        "resolution": "Het antwoord of de stappen, genummerd, één handeling per stap.",
        "cause": "Waarom het gebeurt (optioneel).",
    },
}


@dataclass(frozen=True)
class NewArticle:
    """What ``kcs new`` decided: the path (relative to the root), the id and the text."""

    path: str
    id: str
    text: str


def plan_article(
    config: Config,
    title: str,
    *,
    existing_ids: set[str],
    existing_paths: set[str],
    lang: str | None = None,
    type: str = "howto",
    domain: str = "general",
    audience: str = "internal",
    tickets: tuple[str, ...] = (),
    resolution: str | None = None,
    today: dt.date | None = None,
) -> NewArticle:
    """Decide path, id and text of a new article; nothing is written."""
    title = title.strip()
    if not title:
        raise UsageError("the title is empty; write the problem in the requester's words")
    lang = lang or config.default_language
    if lang not in config.languages:
        raise UsageError(
            f"--lang {lang!r} is not one of the languages in kcs.yml: {', '.join(config.languages)}"
        )
    if type not in TYPES:
        raise UsageError(f"--type {type!r} is not one of {', '.join(TYPES)}")
    if audience not in AUDIENCES:
        raise UsageError(f"--audience {audience!r} is not one of {', '.join(AUDIENCES)}")
    if slugify(domain) != domain:
        raise UsageError(f"--domain {domain!r} must be lowercase letters, digits and '-'")
    slug = slugify(title, max_length=60)
    ident = _unique(f"{domain}-{slug}", existing_ids)
    stem = slug if lang == config.default_language else f"{slug}.{lang}"
    path = _unique_path(f"{ARTICLES_DIR}/{domain}/{stem}", existing_paths)
    meta: dict[str, object] = {
        "id": ident,
        "title": title,
        "lang": lang,
        "state": "not-validated" if resolution else "wip",
        "audience": audience,
        "type": type,
        "tags": [],
    }
    if tickets:
        meta["tickets"] = list(tickets)
    if type == "announcement":
        start = today or dt.date.today()
        meta.update(starts=start, ends=start + dt.timedelta(days=7), severity="info")
    return NewArticle(path, ident, dump_article(meta, _body(lang, type, resolution), width=100))


def _body(lang: str, type: str, resolution: str | None) -> str:
    if type == "announcement":
        return "<!-- What happens, who is affected, until when, what to do meanwhile. -->\n"
    headings = SECTION_HEADINGS.get(lang, SECTION_HEADINGS["en"])
    guidance = _GUIDANCE.get(lang, _GUIDANCE["en"])
    parts = []
    for key in ("issue", "environment", "resolution", "cause"):
        text = f"<!-- {guidance[key]} -->"
        if key == "resolution" and resolution:
            text = resolution.strip()
        parts.append(f"## {headings[key]}\n\n{text}\n")
    return "\n".join(parts)


def _unique(ident: str, taken: set[str]) -> str:
    candidate, number = ident, 2
    while candidate in taken:
        candidate = f"{ident}-{number}"
        number += 1
    return candidate


def _unique_path(stem: str, taken: set[str]) -> str:
    candidate, number = f"{stem}.md", 2
    while candidate in taken:
        candidate = f"{stem}-{number}.md"
        number += 1
    return candidate


def write_article(root: Path, article: NewArticle) -> Path:
    """Write the planned article (refusing to overwrite anything)."""
    target = inside(root, article.path, what="article path")
    if target.exists():
        raise UsageError(f"{article.path} already exists; pick another title")
    atomic_write(target, article.text)
    return target
