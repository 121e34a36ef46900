"""The portal's interface text: one table (``kcs/data/interface.yml``) for every reader.

Python reads it through :func:`text`; the templates through ``partials/kcs/i18n.html``,
which looks keys up in ``config.extra.kcs.texts`` (the plugin puts :func:`texts_for`
there); the browser through the page's ``kcs-data`` JSON (:func:`browser_data`), which
also carries the language's stop words from ``kcs/data/stopwords``. Adding a language
means adding one block to the table; a key missing from a block falls back to English,
then to the key itself, so a half-translated language still renders.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .errors import ConfigError

TABLE_PATH = Path(__file__).parent / "data" / "interface.yml"
FALLBACK = "en"

#: Keys the browser code (kcs.js) reads from ``kcs-data``'s ``strings``.
BROWSER_KEYS: tuple[str, ...] = (
    "search.none",
    "search.one",
    "search.many",
    "search.loading",
    "search.contact",
    "search.all",
    "search.prev",
    "search.next",
    "search.page",
    "search.pages",
    "search.domain",
    "search.all_domains",
)


@functools.cache
def _load(path: Path) -> dict[str, dict[str, str]]:
    from .yamlio import YamlProblem, load_mapping

    try:
        data = load_mapping(path.read_text(encoding="utf-8")).data
    except (OSError, YamlProblem) as exc:
        raise ConfigError(f"{path}: cannot read the interface text table ({exc})") from None
    table: dict[str, dict[str, str]] = {}
    for lang, block in data.items():
        if not isinstance(block, Mapping):
            raise ConfigError(f"{path}: '{lang}' must map keys to text; indent its strings")
        for key, value in block.items():
            if not isinstance(value, str):
                raise ConfigError(f"{path}: {lang}.{key} must be text; quote it")
        table[str(lang)] = {str(k): v for k, v in block.items()}
    if FALLBACK not in table:
        raise ConfigError(f"{path}: the '{FALLBACK}' block is missing; every key falls back to it")
    return table


def table() -> dict[str, dict[str, str]]:
    """Language → key → text, as written in the table."""
    return _load(TABLE_PATH)


def languages() -> tuple[str, ...]:
    """The languages the table has text for."""
    return tuple(table())


def text(lang: str, key: str, /, **values: Any) -> str:
    """The text of ``key`` in ``lang`` (English, then the key, when missing); ``{name}``
    placeholders are filled from ``values``."""
    return _filled(lang, key, key, values)


def _filled(lang: str, key: str, missing: str, values: Mapping[str, Any]) -> str:
    """The one lookup-and-format: ``key`` in ``lang`` (English filling the gaps, else
    ``missing``), its ``{name}`` placeholders filled from ``values`` when there are any."""
    found = texts_for(lang).get(key, missing)
    return found.format(**values) if values else found


@functools.cache
def _merged(path: Path, lang: str) -> dict[str, str]:
    loaded = _load(path)
    return {**loaded[FALLBACK], **loaded.get(lang, {})}


def texts_for(lang: str) -> dict[str, str]:
    """Every key of the table in ``lang``, English filling the gaps."""
    return _merged(TABLE_PATH, lang)


#: Key prefix of report phrases: ``"report: Top queries"`` holds that English phrase's text.
PHRASE = "report: "


def phrase(lang: str, english: str, /, **values: Any) -> str:
    """A report's English phrase (a title, figure label, column, note) in ``lang``: the
    table's ``report: <phrase>`` entry, else the English block's, else the phrase itself.
    A phrase with numbers in it is keyed by its template (``"… over {words} words."``),
    whose placeholders ``values`` fill after the lookup."""
    if not english:
        return english
    return _filled(lang, PHRASE + english, english, values)


def language_name(lang: str) -> str:
    """The language's own name for itself ("Svenska"); the code when the table has none."""
    return table().get(lang, {}).get("language", lang)


def all_texts(langs: Iterable[str]) -> dict[str, dict[str, str]]:
    """What the templates look keys up in: ``langs`` (and English) fully merged."""
    return {lang: texts_for(lang) for lang in dict.fromkeys([*langs, FALLBACK])}


def browser_data(lang: str) -> dict[str, Any]:
    """The strings and stop words kcs.js needs on a page in ``lang``."""
    from .search_text import stopwords

    merged = texts_for(lang)
    return {
        "strings": {key: merged.get(key, key) for key in BROWSER_KEYS},
        "stopwords": sorted(stopwords(lang)),
    }
