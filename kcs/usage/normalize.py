"""Search queries → a grouping key: case, whitespace, punctuation and word endings.

Stemming is the search index's own (:func:`kcs.search_text.stemmer`, Snowball without
NLTK): "skrivaren", "skrivare" and "Skrivarna" group together in Swedish, and
"wachtwoorden" with "wachtwoord" in Dutch.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..search_text import stemmer

_WORD = re.compile(r"[^\W_]+(?:[.:-][^\W_]+)*", re.UNICODE)


def _stem(word: str, lang: str) -> str:
    """The search index's stemmer, so a gap groups exactly like the search that missed."""
    if any(ch.isdigit() for ch in word):
        return word  # error codes and versions stay as they are
    return stemmer(lang.split("-")[0])(word)


@lru_cache(maxsize=65536)
def normalize_query(query: str, lang: str = "") -> str:
    """The grouping key of a query: lower-cased, stemmed, distinct words in sorted order.

    >>> normalize_query("  Skrivaren  SKRIVER inte ", "sv")
    'int skriv'
    """
    words = _WORD.findall(query.lower())
    return " ".join(sorted({_stem(word, lang) for word in words}))
