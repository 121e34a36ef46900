"""Text analysis for :mod:`kcs.search`: words, error codes, stop words and stemming.

The same functions turn article text into index terms and a query into query terms,
so both sides always agree. Stemming uses the Snowball algorithms through the
``snowballstemmer`` package, which runs PyStemmer's C build of them when installed (a
dependency of kcs: importing it takes a millisecond, the pure-Python fallback ~60 ms).
NLTK's copy of the same algorithms costs about a second just to import, which alone
would break the 0.3 s budget of a cached ``kcs search``. Stop words ship in
``kcs/data/stopwords/``, so nothing is downloaded at run time.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from pathlib import Path

#: Snowball algorithm per language code. Dutch uses the classic (Porter) Dutch
#: stemmer, the one NLTK and Pagefind use: snowballstemmer 3's new "dutch" leaves
#: "wachtwoorden" and "wachtwoord" with different stems.
ALGORITHMS: dict[str, str] = {
    "sv": "swedish",
    "fi": "finnish",
    "nl": "dutch_porter",
    "en": "english",
    "da": "danish",
    "no": "norwegian",
    "nb": "norwegian",
    "de": "german",
    "fr": "french",
    "es": "spanish",
    "it": "italian",
    "pt": "portuguese",
    "et": "estonian",
}

# Letters and digits; "_" and punctuation separate words.
_WORD = re.compile(r"[^\W_]+")
# Codes: hyphen/underscore-joined runs with a digit somewhere ("err-1234", "0x80070643").
# Whole runs are matched and those without a digit dropped (is_code): a pattern that looks
# for the digit tries again after every hyphen of a long run that has none.
_RUN = re.compile(r"[^\W_]+(?:[-_][^\W_]+)*")
# link targets, URLs (up to a bracket or quote) and HTML tags: not words of the text; a
# link target stops at the next "]" too, where the next try starts
_NOISE = re.compile(r"\]\([^)\s\]]*\)|https?://[^\s\[\]()<>\"'`]+|<[^>\n]{0,200}>")
_STOPWORDS = Path(__file__).parent / "data" / "stopwords"
_DIGIT = re.compile(r"\d")
_STRIP = ".,;:!?()[]{}<>\"'`*~^+=|/\\#"


def words(text: str) -> list[str]:
    """Lower-case words of two or more characters (one digit alone counts too)."""
    cleaned = _NOISE.sub(" ", text.lower())
    return [w for w in _WORD.findall(cleaned) if len(w) > 1 or w.isdigit()]


def is_code(token: str) -> bool:
    """Error codes, ticket numbers and the like: have a digit and at least 4 characters."""
    return len(token) >= 4 and not token.isalpha() and _DIGIT.search(token) is not None


def codes(text: str) -> list[str]:
    """Code-like tokens as typed (lower case), e.g. ``0x80070643``, ``aadsts50076``."""
    if _DIGIT.search(text) is None:
        return []
    return [c for c in _RUN.findall(_NOISE.sub(" ", text.lower())) if is_code(c)]


def query_keys(query: str) -> list[str]:
    """Whole query tokens for exact matching against codes and ids.

    ``error 0x80070643:`` gives ``error``, ``0x80070643``; ``accounts-reset-password``
    stays whole so an article can be found by its id.
    """
    keys = [raw.strip(_STRIP).lower() for raw in query.split()]
    return list(dict.fromkeys([k for k in keys if _WORD.search(k)] + codes(query)))


@functools.cache
def stopwords(lang: str) -> frozenset[str]:
    """The shipped stop words of ``lang`` (empty for a language without a list)."""
    if not lang.isalpha():
        return frozenset()
    try:
        text = (_STOPWORDS / f"{lang}.txt").read_text(encoding="utf-8")
    except FileNotFoundError:
        return frozenset()
    return frozenset(
        line.strip().lower()
        for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    )


@functools.cache
def stemmer(lang: str) -> Callable[[str], str]:
    """A memoised Snowball stemmer for ``lang``; identity for unknown languages.

    Words containing a digit are returned unchanged, so codes survive as typed.
    """
    algorithm = ALGORITHMS.get(lang)
    if algorithm is None:
        return _identity
    import snowballstemmer

    if algorithm not in snowballstemmer.algorithms():
        algorithm = algorithm.removesuffix("_porter")
    stem_word = snowballstemmer.stemmer(algorithm).stemWord

    @functools.lru_cache(maxsize=200_000)
    def stem(word: str) -> str:
        if not word.isalpha():  # has a digit: a code, kept as typed
            return word
        return str(stem_word(word))

    return stem


def _identity(word: str) -> str:
    return word


def analyze(text: str, lang: str) -> list[str]:
    """Index terms of ``text`` in ``lang``: words, minus stop words, stemmed."""
    stop = stopwords(lang)
    stem = stemmer(lang)
    return [stem(w) for w in words(text) if w not in stop]


def analyze_query(query: str, lang: str) -> list[str]:
    """Query terms in ``lang``: the same analysis as the indexed text, duplicates dropped."""
    return list(dict.fromkeys(analyze(query, lang)))


def analyze_all(texts: Iterable[str], lang: str) -> list[str]:
    out: list[str] = []
    for text in texts:
        out.extend(analyze(text, lang))
    return out
