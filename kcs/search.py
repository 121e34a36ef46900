"""Terminal search over the articles: BM25F with per-language Snowball stemming.

One index per language, built from analysed terms (see :mod:`kcs.search_text`): a query
runs against every language's index with that language's stemmer (or against one with
``lang=``) and the hits are merged by score.

Ranking is BM25F (Robertson, Zaragoza & Taylor 2004): a term's frequency in each field
is length-normalised in that field, weighted by the field's weight (:data:`FIELDS`) and
summed, and the sum is saturated once (``k1``) and multiplied by the term's inverse
document frequency. One saturation over all fields keeps a word in the title from
counting as much as many body words (per-field BM25 with boosts lets a common title word
outrank a rare word in the body). Since the weighted frequency of a term in a document
does not depend on the query, the index stores it per term and document.

Besides the words themselves a query also matches, at lower weight:

* index terms its stem is a prefix of, and index terms that are a prefix of its stem and
  at most two letters shorter (Snowball gives two forms of one Finnish word the stems
  ``tulost``/``tulostim``), for stems of four letters and more;
* for a word the index does not know, index terms one letter edit away (two for words
  of eight letters and more): a typo still finds the article;
* the synonyms configured for the language (``search.synonyms`` in kcs.yml).

Error codes and ticket ids are indexed whole and unstemmed (``codes`` field), so
``0x80070643``, ``AADSTS50076`` or ``INC0012345`` are found as typed; typing an article's
id puts it first. A query of five words or more that occurs word for word in an article
(a pasted error message) puts that article first.

The cache (``<root>/.kcs/cache/search-index.json``) is a JSON header (documents, sorted
terms and byte offsets) and a memory-mapped postings file: a query reads only the
postings of its terms. A cache that cannot be read is rebuilt, never trusted.
"""

from __future__ import annotations

import bisect
import contextlib
import hashlib
import heapq
import json
import logging
import math
import mmap
import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .errors import UsageError
from .search_text import analyze, analyze_query, codes, query_keys, words

if TYPE_CHECKING:
    from .article import Article
    from .knowledge import KnowledgeBase

log = logging.getLogger(__name__)

FORMAT = 2
CACHE_NAME = "search-index.json"
#: field → (weight, length normalisation b)
FIELDS: dict[str, tuple[float, float]] = {
    "title": (3.0, 0.5),
    "summary": (2.0, 0.5),
    "tags": (2.0, 0.3),
    "codes": (2.0, 0.3),
    "id": (1.0, 0.3),
    "body": (1.0, 0.75),
}
K1 = 1.2
#: weight of a query term reached by a prefix, a typo or a synonym, against 1.0 for the
#: word as typed: such a match never outranks the same match on the word itself
PREFIX_WEIGHT = 0.1
TYPO_WEIGHT = 0.5
SYNONYM_WEIGHT = 0.8
MAX_PREFIX_TERMS = 30
RARE_DOCS = 3  # a query word in at most this many articles also looks for its other forms
MAX_QUERY_TERMS = 64  # longer queries keep their first 64 distinct terms
PHRASE_MIN_WORDS = 5
PHRASE_CANDIDATES = 30
SIMILAR_MIN_RATIO = 0.25
MAX_QUERY_CHARS = 10_000

# A posting as stored: {doc ref: weighted, normalised term frequency}
Record = dict[str, float]


@dataclass(frozen=True)
class Hit:
    """One search result."""

    id: str
    path: str
    title: str
    lang: str
    score: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class CacheDamaged(Exception):
    """A postings record of the cache could not be read."""


class _Terms:
    """The sorted terms of one language's index and a way to read their postings."""

    def __init__(self, terms: list[str], fetch: Callable[[int], Record], docs: int) -> None:
        self.terms = terms
        self.docs = docs  # articles in this language (for the IDF)
        self._fetch = fetch

    def position(self, term: str) -> int | None:
        at = bisect.bisect_left(self.terms, term)
        return at if at < len(self.terms) and self.terms[at] == term else None

    def with_prefix(self, prefix: str) -> list[str]:
        start = bisect.bisect_left(self.terms, prefix)
        end = bisect.bisect_left(self.terms, prefix + "\U0010ffff")
        found = self.terms[start:end]
        return sorted(found, key=len)[:MAX_PREFIX_TERMS] if len(found) > MAX_PREFIX_TERMS else found

    def near(self, word: str) -> list[str]:
        """Alphabetic index terms within one edit of ``word`` (two from eight letters).

        Terms are only compared when they start with the same letter and differ in
        length by no more than the edit budget: a typo in the first letter is rare, and
        comparing every term would cost more than the whole query.
        """
        budget = 2 if len(word) >= 8 else 1
        start = bisect.bisect_left(self.terms, word[0])
        end = bisect.bisect_left(self.terms, word[0] + "\U0010ffff")
        out = []
        for term in self.terms[start:end]:
            if (
                abs(len(term) - len(word)) <= budget
                and term.isalpha()
                and _edits(word, term, budget) <= budget
            ):
                out.append(term)
        return out

    def record(self, term: str) -> Record | None:
        at = self.position(term)
        return None if at is None else self._fetch(at)

    def record_at(self, at: int) -> Record:
        return self._fetch(at)


def _edits(a: str, b: str, budget: int) -> int:
    """Optimal-string-alignment distance of ``a`` and ``b``, or ``budget + 1`` if larger."""
    if a == b:
        return 0
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                value = min(value, previous2[j - 2] + 1)
            current[j] = value
        if min(current) > budget:
            return budget + 1
        previous2, previous = previous, current
    return previous[-1]


class SearchIndex:
    """Per-language BM25F indexes over a set of articles. Build with :func:`build_index`."""

    def __init__(
        self,
        docs: Sequence[Sequence[str]],
        langs: dict[str, _Terms],
        *,
        source: str = "built",
        text: Callable[[int], str] | None = None,
        synonyms: Mapping[str, Sequence[Sequence[str]]] | None = None,
        rebuild: Callable[[], SearchIndex] | None = None,
    ) -> None:
        self.docs = docs  # ref (position) → (path, id, title, lang)
        self.langs = langs
        #: "built" or "cache": where this index came from (tests and -v logging use it)
        self.source = source
        self._text = text
        self.synonyms = {
            lang: [list(group) for group in groups] for lang, groups in (synonyms or {}).items()
        }
        self._rebuild = rebuild
        self._ids = {doc[1]: at for at, doc in enumerate(docs)}

    @property
    def languages(self) -> list[str]:
        return sorted(self.langs)

    def __len__(self) -> int:
        return len(self.docs)

    def search(self, query: str, *, lang: str | None = None, limit: int = 10) -> list[Hit]:
        """Articles matching ``query``, best first. Raises UsageError on an empty query.

        No query syntax: ``+ - : ~ ^ * "`` are plain characters.
        """
        try:
            return self._search(query, lang, limit)
        except CacheDamaged as exc:
            if self._rebuild is None:
                raise
            log.warning("search index cache damaged (%s); rebuilding", exc)
            fresh = self._rebuild()
            self.__dict__.update(fresh.__dict__)
            self._rebuild = None
            return self._search(query, lang, limit)

    def _search(self, query: str, lang: str | None, limit: int) -> list[Hit]:
        if not query.strip():
            raise UsageError("empty search query; give one or more words, e.g. kcs search vpn")
        query = query[:MAX_QUERY_CHARS]
        keys = query_keys(query)
        if not keys:
            raise UsageError(f"search query {query[:60]!r} has no letters or digits to search for")
        langs = [lang] if lang else self.languages
        scores: dict[int, float] = defaultdict(float)
        for code in langs:
            terms = self.langs.get(code)
            if terms is None:
                continue
            for ref, score in _score(terms, self._clauses(terms, query, code)).items():
                scores[int(ref)] += score
        for key in keys:  # typing an article's id puts it first
            at = self._ids.get(key)
            if at is not None and (lang is None or self.docs[at][3] == lang):
                scores[at] += 1000.0
        self._phrase_bonus(query, scores)
        ranked = heapq.nsmallest(
            max(limit, 0),
            scores.items(),
            key=lambda item: (
                -round(item[1], 6),
                self.docs[item[0]][2].lower(),
                self.docs[item[0]][0],
            ),
        )
        hits = []
        for at, score in ranked:
            path, ident, title, doc_lang = self.docs[at]
            hits.append(Hit(ident, path, title, doc_lang, round(score, 3)))
        return hits

    def _clauses(self, terms: _Terms, query: str, lang: str) -> dict[str, float]:
        """Index term → weight for one language's index."""
        clauses: dict[str, float] = {}

        def add(term: str, weight: float) -> None:
            if clauses.get(term, 0.0) < weight:
                clauses[term] = weight

        stems = analyze_query(query, lang)[:MAX_QUERY_TERMS]
        for stem in stems:
            add(stem, 1.0)
        for stem in stems:
            if not (len(stem) >= 4 and stem.isalpha()):
                continue
            record = terms.record(stem)
            known = record is not None
            if not record or len(record) <= RARE_DOCS:
                # Other forms only for a word few articles have: for a common one they
                # mostly add articles about other words that share its first letters.
                for term in terms.with_prefix(stem):
                    if term != stem and term.isalpha():
                        add(term, PREFIX_WEIGHT)
                for size in range(max(5, len(stem) - 2), len(stem)):
                    if terms.position(stem[:size]) is not None:
                        add(stem[:size], PREFIX_WEIGHT)
            if not known:
                for term in terms.near(stem):
                    add(term, TYPO_WEIGHT)
        for code in codes(query)[:MAX_QUERY_TERMS]:
            add(code, 1.0)
        text = " " + " ".join(words(query)) + " "
        for group in self.synonyms.get(lang, []):
            if any(f" {' '.join(words(member))} " in text for member in group):
                for member in group:
                    for stem in analyze(member, lang):
                        add(stem, SYNONYM_WEIGHT)
        return clauses

    def _phrase_bonus(self, query: str, scores: dict[int, float]) -> None:
        """Put first the best-scoring articles that contain the query word for word."""
        wanted = words(query)
        if self._text is None or len(wanted) < PHRASE_MIN_WORDS or not scores:
            return
        needle = " " + " ".join(wanted) + " "
        best = heapq.nlargest(PHRASE_CANDIDATES, scores.items(), key=lambda item: item[1])
        for at, _score in best:
            try:
                text = self._text(at)
            except OSError:
                continue
            if needle in " " + " ".join(words(text)) + " ":
                scores[at] += 500.0


def _score(terms: _Terms, clauses: dict[str, float]) -> dict[str, float]:
    """BM25F: Σ weight · idf · tf / (k1 + tf) over the query's terms."""
    scores: dict[str, float] = defaultdict(float)
    for term, weight in clauses.items():
        record = terms.record(term)
        if not record:
            continue
        df = len(record)
        idf = math.log(1 + (terms.docs - df + 0.5) / (df + 0.5))
        for ref, tf in record.items():
            scores[ref] += weight * idf * tf * (K1 + 1) / (K1 + tf)
    return scores


def build_index(
    articles: Iterable[Article],
    *,
    synonyms: Mapping[str, Sequence[Sequence[str]]] | None = None,
    root: Path | None = None,
) -> SearchIndex:
    """Index ``articles`` (all of them; filter by audience or state before if needed)."""
    docs: list[Sequence[str]] = []
    bodies: list[str] = []
    by_lang: dict[str, list[tuple[str, Article]]] = defaultdict(list)
    for article in articles:
        by_lang[article.lang].append((str(len(docs)), article))
        docs.append((article.path, article.id, article.title, article.lang))
        bodies.append(f"{article.title}\n{article.summary}\n{article.body}")
    langs: dict[str, _Terms] = {}
    for lang, items in sorted(by_lang.items()):
        records = _records(items, lang)
        ordered = sorted(records)
        langs[lang] = _Terms(ordered, _lookup(ordered, records), len(items))
    log.info("search index built: %d articles, %d languages", len(docs), len(langs))
    return SearchIndex(docs, langs, text=bodies.__getitem__, synonyms=synonyms)


def _lookup(ordered: list[str], records: dict[str, Record]) -> Callable[[int], Record]:
    def fetch(at: int) -> Record:
        return records[ordered[at]]

    return fetch


def _fields(article: Article, lang: str) -> dict[str, list[str]]:
    texts = [s.heading + "\n" + s.text for s in article.sections] or [article.body]
    keys = [t.lower() for t in article.tickets]
    for text in (article.title, article.summary, *article.tags, article.body):
        keys.extend(codes(text))
    return {
        "title": analyze(article.title, lang),
        "summary": analyze(article.summary, lang),
        "tags": [t for tag in article.tags for t in analyze(tag, lang)],
        "codes": keys,
        "id": analyze(article.id, lang),
        "body": [t for text in texts for t in analyze(text, lang)],
    }


def _records(items: list[tuple[str, Article]], lang: str) -> dict[str, Record]:
    """term → {ref: Σ_field weight · tf / (1 − b + b · length / average length)}."""
    analysed = [(ref, _fields(article, lang)) for ref, article in items]
    average = {
        field: (sum(len(fields[field]) for _, fields in analysed) / len(analysed)) or 1.0
        for field in FIELDS
    }
    records: dict[str, Record] = defaultdict(dict)
    for ref, fields in analysed:
        weighted: dict[str, float] = defaultdict(float)
        for field, (weight, b) in FIELDS.items():
            terms = fields[field]
            if not terms:
                continue
            norm = 1 - b + b * len(terms) / average[field]
            counts: dict[str, int] = defaultdict(int)
            for term in terms:
                counts[term] += 1
            for term, count in counts.items():
                weighted[term] += weight * count / norm
        for term, value in weighted.items():
            records[term][ref] = round(value, 4)
    return records


# --- cache ---------------------------------------------------------------------------------


def fingerprint(root: Path) -> str:
    """Changes whenever an article file (path, mtime, size) or kcs.yml changes.

    Walks articles/ like :func:`kcs.knowledge.iter_article_files` (folders starting with
    "." or "_" skipped, ``*.md`` files) but with ``os.scandir`` and plain strings: at
    10,000 articles pathlib alone would cost more than the whole query.
    """
    digest = hashlib.sha256(f"{FORMAT}\0{__version__}\0".encode())
    entries: list[str] = []
    base = os.fspath(root)

    def walk(folder: str, rel: str) -> None:
        try:
            scan = os.scandir(folder)
        except OSError:
            return
        with scan:
            for entry in scan:
                name = entry.name
                if entry.is_dir():
                    if not name.startswith((".", "_")):
                        walk(entry.path, f"{rel}{name}/")
                elif name.endswith(".md") and entry.is_file():
                    stat = entry.stat()
                    entries.append(f"{rel}{name}\0{stat.st_mtime_ns}\0{stat.st_size}\n")

    walk(os.path.join(base, "articles"), "articles/")
    try:
        stat = os.stat(os.path.join(base, "kcs.yml"))
        entries.append(f"kcs.yml\0{stat.st_mtime_ns}\0{stat.st_size}\n")
    except OSError:
        pass
    for line in sorted(entries):
        digest.update(line.encode())
    return digest.hexdigest()


def load_or_build(kb: KnowledgeBase | Path, cache_dir: Path | None = None) -> SearchIndex:
    """The index of the repository, from the cache when no article changed since.

    ``kb`` may be a loaded KnowledgeBase or just the repository root: with a root and a
    valid cache nothing is parsed. A cache that cannot be written (read-only checkout)
    is logged and skipped; one that cannot be read is rebuilt.
    """
    from .knowledge import KnowledgeBase

    root = kb.root if isinstance(kb, KnowledgeBase) else Path(kb).resolve()
    folder = Path(cache_dir) if cache_dir else root / ".kcs" / "cache"
    stamp = fingerprint(root)

    def rebuild() -> SearchIndex:
        return _build_and_cache(kb, root, folder, stamp)

    cached = _read_cache(folder, stamp, root, rebuild)
    if cached is not None:
        log.info("search index read from %s", folder / CACHE_NAME)
        return cached
    return rebuild()


def _build_and_cache(kb: KnowledgeBase | Path, root: Path, folder: Path, stamp: str) -> SearchIndex:
    from .knowledge import KnowledgeBase, load

    knowledge = kb if isinstance(kb, KnowledgeBase) else load(root)
    index = build_index(knowledge.articles, synonyms=knowledge.config.search.synonyms)
    try:
        _write_cache(index, folder, stamp)
    except OSError as exc:
        log.warning("search index not cached in %s: %s", folder, exc)
    return index


def _write_cache(index: SearchIndex, folder: Path, stamp: str) -> None:
    from .fsutil import atomic_write  # imports tempfile: only when writing

    folder.mkdir(parents=True, exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.exists():
        atomic_write(ignore, "# written by kcs: this cache is local, never commit it\n*\n")
    postings_name = f"search-index.{os.urandom(6).hex()}.postings"
    chunks: list[bytes] = []
    header_langs: dict[str, Any] = {}
    size = 0
    for lang, terms in sorted(index.langs.items()):
        offsets = [size]
        for at in range(len(terms.terms)):
            chunk = json.dumps(terms.record_at(at), separators=(",", ":")).encode() + b"\n"
            chunks.append(chunk)
            size += len(chunk)
            offsets.append(size)
        header_langs[lang] = {"terms": terms.terms, "offsets": offsets, "docs": terms.docs}
    atomic_write(folder / postings_name, b"".join(chunks))
    header = {
        "format": FORMAT,
        "kcs": __version__,
        "fingerprint": stamp,
        "fields": FIELDS,
        "postings": postings_name,
        "size": size,
        "docs": index.docs,
        "synonyms": index.synonyms,
        "langs": header_langs,
    }
    atomic_write(folder / CACHE_NAME, json.dumps(header, ensure_ascii=False, separators=(",", ":")))
    for old in folder.glob("search-index.*.postings"):
        if old.name != postings_name:
            with contextlib.suppress(OSError):
                old.unlink()


def _read_cache(
    folder: Path, stamp: str, root: Path, rebuild: Callable[[], SearchIndex]
) -> SearchIndex | None:
    try:
        header = json.loads((folder / CACHE_NAME).read_text(encoding="utf-8"))
        if (
            not isinstance(header, dict)
            or header.get("format") != FORMAT
            or header.get("fingerprint") != stamp
            or header.get("fields") != json.loads(json.dumps(FIELDS))
        ):
            return None
        name = str(header["postings"])
        if "/" in name or "\\" in name or not name.startswith("search-index."):
            return None
        # mapped, not read: a query touches a few postings of a file of many megabytes
        with open(folder / name, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size != header["size"]:
                return None
            data: bytes | mmap.mmap = (
                mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) if size else b""
            )
        docs = header["docs"]  # [path, id, title, lang] lists, read as such by search()
        if not isinstance(docs, list) or not all(
            isinstance(doc, list) and len(doc) == 4 and all(isinstance(x, str) for x in doc)
            for doc in docs
        ):
            return None
        synonyms = header["synonyms"]
        if not isinstance(synonyms, dict):
            return None
        langs: dict[str, _Terms] = {}
        for lang, part in header["langs"].items():
            terms, offsets = part["terms"], part["offsets"]
            if (
                not isinstance(terms, list)
                or len(offsets) != len(terms) + 1
                or (offsets and offsets[-1] > size)
                or terms != sorted(terms)
            ):
                return None
            langs[lang] = _Terms(terms, _reader(data, offsets), int(part["docs"]))
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        log.info("search index cache in %s not usable (%s); rebuilding", folder, exc)
        return None

    def text(at: int) -> str:
        return (root / docs[at][0]).read_text(encoding="utf-8", errors="replace")

    return SearchIndex(docs, langs, source="cache", text=text, synonyms=synonyms, rebuild=rebuild)


def _reader(data: bytes | mmap.mmap, offsets: list[int]) -> Callable[[int], Record]:
    def fetch(at: int) -> Record:
        try:
            record = json.loads(data[offsets[at] : offsets[at + 1]])
            if not isinstance(record, dict):
                raise TypeError("a posting is not a mapping")
            return {str(ref): float(tf) for ref, tf in record.items()}
        except (ValueError, TypeError) as exc:
            raise CacheDamaged(str(exc)) from None

    return fetch


# --- public helpers ------------------------------------------------------------------------


def similar(
    kb_or_index: KnowledgeBase | SearchIndex, title: str, lang: str | None = None, limit: int = 5
) -> list[Hit]:
    """Articles that look like duplicates of a new article titled ``title``.

    Searches every language unless ``lang`` is given; a title with nothing to search
    for gives no hits rather than an error. Hits scoring under a quarter of the best
    one are dropped: they share only a stray word (or a prefix) with the title.
    """
    index = kb_or_index if isinstance(kb_or_index, SearchIndex) else load_or_build(kb_or_index)
    if not query_keys(title):
        return []
    hits = index.search(title, lang=lang, limit=limit)
    return [hit for hit in hits if hit.score >= SIMILAR_MIN_RATIO * hits[0].score]


RELATED_MIN_SCORE = 1.5
#: a word in more than this share of a group's articles relates nothing
RELATED_COMMON = 0.1


def related(articles: Iterable[Article], limit: int = 3) -> dict[str, tuple[str, ...]]:
    """Up to ``limit`` related articles per article, for pages whose ``related:`` is empty.

    Only articles of the same language and the same audience are related (a public page
    never points at an internal article, nor an internal one at a public one), and never
    announcements. Two articles relate by the words their titles, summaries and tags
    share, each weighted by its rarity (inverse document frequency); words in more than a
    tenth of the group are ignored, and a pair must share two words or more and score at
    least :data:`RELATED_MIN_SCORE`.
    """
    groups: dict[tuple[str, str], list[Article]] = defaultdict(list)
    for article in articles:
        if not article.is_announcement:
            groups[(article.lang, article.audience)].append(article)
    out: dict[str, tuple[str, ...]] = {}
    for (lang, _audience), items in groups.items():
        terms = [set(analyze(f"{a.title}\n{a.summary}\n{' '.join(a.tags)}", lang)) for a in items]
        postings: dict[str, list[int]] = defaultdict(list)
        for at, found in enumerate(terms):
            for term in found:
                postings[term].append(at)
        total = len(items)
        common = max(5, int(total * RELATED_COMMON))
        for at, article in enumerate(items):
            scores: dict[int, float] = defaultdict(float)
            shared: dict[int, int] = defaultdict(int)
            for term in terms[at]:
                holders = postings[term]
                if len(holders) > common:
                    continue
                weight = math.log(1 + total / len(holders))
                for other in holders:
                    if other != at:
                        scores[other] += weight
                        shared[other] += 1
            good = {o: v for o, v in scores.items() if v >= RELATED_MIN_SCORE and shared[o] >= 2}
            best = heapq.nlargest(limit, good.items(), key=lambda kv: (kv[1], -kv[0]))
            chosen = tuple(items[o].id for o, _score in best)
            if chosen:
                out[article.id] = chosen
    return out


def hits_as_json(hits: Iterable[Hit]) -> list[dict[str, Any]]:
    return [hit.as_dict() for hit in hits]


def cache_path(root: Path) -> Path:
    return root / ".kcs" / "cache" / CACHE_NAME


__all__ = [
    "Hit",
    "SearchIndex",
    "build_index",
    "load_or_build",
    "similar",
    "related",
    "fingerprint",
    "hits_as_json",
    "cache_path",
    "FIELDS",
]
