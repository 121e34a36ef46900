"""Search queries → a grouping key: case, whitespace, punctuation and word endings.

Stemming uses the Snowball project's own Python stemmers (``snowballstemmer``, the
same algorithms NLTK's SnowballStemmer wraps, without NLTK's 1.7 s import): no data
download; "skrivaren", "skrivare" and "Skrivarna" group together in Swedish.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

_LANGUAGES = {
    "sv": "swedish",
    "fi": "finnish",
    "nl": "dutch",
    "en": "english",
    "da": "danish",
    "no": "norwegian",
    "nb": "norwegian",
    "de": "german",
    "fr": "french",
    "es": "spanish",
    "it": "italian",
    "pt": "portuguese",
}
_WORD = re.compile(r"[^\W_]+(?:[.:-][^\W_]+)*", re.UNICODE)


@lru_cache(maxsize=32)
def _stemmer(lang: str) -> Any:
    name = _LANGUAGES.get(lang.split("-")[0])
    if name is None:
        return None
    import snowballstemmer

    return snowballstemmer.stemmer(name)


@lru_cache(maxsize=65536)
def _stem(word: str, lang: str) -> str:
    stemmer = _stemmer(lang)
    if stemmer is None or any(ch.isdigit() for ch in word):
        return word  # error codes and versions stay as they are
    return str(stemmer.stemWord(word))


@lru_cache(maxsize=65536)
def normalize_query(query: str, lang: str = "") -> str:
    """The grouping key of a query: lower-cased, stemmed, distinct words in sorted order.

    >>> normalize_query("  Skrivaren  SKRIVER inte ", "sv")
    'int skriv'
    """
    words = _WORD.findall(query.lower())
    return " ".join(sorted({_stem(word, lang) for word in words}))
