"""Terminal search over the articles: lunr.py with per-language Snowball stemming.

One lunr index per language, each built from analysed terms (see
:mod:`kcs.search_text`): a query runs against every language's index with that
language's stemmer (or against one with ``lang=``) and the hits are merged by score.

Fields and boosts: ``key`` 50 (the article id, whole), ``title`` 10, ``codes`` 8,
``tags`` 5, ``summary`` 4, ``id`` 3 (the words of the id), ``body`` 1 (the sections).
``codes`` holds error codes and ticket ids unstemmed and whole, so ``0x80070643``,
``AADSTS50076`` or ``INC0012345`` are found as typed; typing an article's id puts it
first. Where Snowball gives two forms of one word different stems (Finnish
"tulostin"/"tulostimen": ``tulost``/``tulostim``), a query stem also matches index
terms it is a prefix of, and index terms that are its prefix when at most two letters
shorter (and at least five long), at half weight.

lunr.py builds each index (BM25 weights with field boosts). The cache
(``<root>/.kcs/cache/search-index.json``) stores lunr's weights in a form a query can
read term by term: a JSON header (documents, sorted terms and byte offsets) and a
memory-mapped postings file. A query reads only the postings of its terms and scores
them with lunr's formula (see :func:`_query`) — the scores lunr's ``Index.query`` gives
over the full index, without loading it (at 10,000 articles ``Index.load`` alone takes
seconds).
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
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .errors import UsageError
from .search_text import analyze, analyze_all, analyze_query, codes, query_keys

if TYPE_CHECKING:
    from .article import Article
    from .knowledge import KnowledgeBase

log = logging.getLogger(__name__)

FORMAT = 1
CACHE_NAME = "search-index.json"
#: field → boost (lunr multiplies each field's BM25 weight by it)
FIELDS: dict[str, int] = {
    "key": 50,
    "title": 10,
    "codes": 8,
    "tags": 5,
    "summary": 4,
    "id": 3,
    "body": 1,
}
TEXT_FIELDS = ["title", "tags", "summary", "id", "body"]
PREFIX_BOOST = 0.5
MAX_PREFIX_TERMS = 30
SIMILAR_MIN_RATIO = 0.25

# A posting as stored: [lunr term index, {field: {doc ref: BM25 weight}}]
Record = tuple[int, dict[str, dict[str, float]]]


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


class _Terms:
    """The sorted terms of one language's index and a way to read their postings."""

    def __init__(self, terms: list[str], fetch: Callable[[int], Record]) -> None:
        self.terms = terms
        self._fetch = fetch

    def position(self, term: str) -> int | None:
        at = bisect.bisect_left(self.terms, term)
        return at if at < len(self.terms) and self.terms[at] == term else None

    def with_prefix(self, prefix: str) -> list[str]:
        start = bisect.bisect_left(self.terms, prefix)
        end = bisect.bisect_left(self.terms, prefix + "\U0010ffff")
        found = self.terms[start:end]
        return sorted(found, key=len)[:MAX_PREFIX_TERMS] if len(found) > MAX_PREFIX_TERMS else found

    def record(self, term: str) -> Record | None:
        at = self.position(term)
        return None if at is None else self._fetch(at)

    def record_at(self, at: int) -> Record:
        return self._fetch(at)


class SearchIndex:
    """Per-language lunr indexes over a set of articles. Build with :func:`build_index`."""

    def __init__(
        self, docs: Sequence[Sequence[str]], langs: dict[str, _Terms], *, source: str = "built"
    ) -> None:
        self.docs = docs  # ref (position) → (path, id, title, lang)
        self.langs = langs
        #: "built" or "cache": where this index came from (tests and -v logging use it)
        self.source = source

    @property
    def languages(self) -> list[str]:
        return sorted(self.langs)

    def __len__(self) -> int:
        return len(self.docs)

    def search(self, query: str, *, lang: str | None = None, limit: int = 10) -> list[Hit]:
        """Articles matching ``query``, best first. Raises UsageError on an empty query.

        Lunr's query syntax is not interpreted: ``+ - : ~ ^ *`` are plain characters.
        """
        if not query.strip():
            raise UsageError("empty search query; give one or more words, e.g. kcs search vpn")
        keys = query_keys(query)
        if not keys:
            raise UsageError(f"search query {query!r} has no letters or digits to search for")
        langs = [lang] if lang else self.languages
        scored: list[tuple[float, str, str, int]] = []
        for code in langs:
            terms = self.langs.get(code)
            if terms is None:
                continue
            for ref, score in _query(terms, _clauses(terms, query, code, keys)):
                doc = self.docs[int(ref)]
                scored.append((-round(score, 3), doc[2].lower(), doc[0], int(ref)))
        hits = []
        for minus_score, _title, _path, at in heapq.nsmallest(max(limit, 0), scored):
            path, ident, title, doc_lang = self.docs[at]
            hits.append(Hit(ident, path, title, doc_lang, -minus_score))
        return hits


def _clauses(
    terms: _Terms, query: str, lang: str, keys: list[str]
) -> list[tuple[str, list[str], float]]:
    """(term, fields, boost) clauses for one language's index."""
    clauses: list[tuple[str, list[str], float]] = []
    for stem in analyze_query(query, lang):
        clauses.append((stem, TEXT_FIELDS, 1.0))
        if len(stem) >= 4 and stem.isalpha():
            # codes and ids share the term list; only word stems are prefix candidates
            clauses.extend(
                (t, TEXT_FIELDS, PREFIX_BOOST)
                for t in terms.with_prefix(stem)
                if t != stem and t.isalpha()
            )
            for size in range(max(5, len(stem) - 2), len(stem)):
                if terms.position(stem[:size]) is not None:
                    clauses.append((stem[:size], TEXT_FIELDS, PREFIX_BOOST))
    clauses.extend((key, ["key", "codes"], 1.0) for key in keys)
    return clauses


def _query(terms: _Terms, clauses: list[tuple[str, list[str], float]]) -> list[tuple[str, float]]:
    """Score the clauses the way lunr's ``Index.query`` does, from the stored postings.

    lunr scores a document field by the cosine-style similarity of the query vector
    (clause boosts per term, per field) with the field's BM25 vector, divided by the
    query vector's magnitude, and sums its fields. That is all this does. lunr.py's own
    ``Index.query`` also builds match metadata (positions for highlighting) for every
    matching field, which the terminal never shows and which costs 10 times the scoring
    for a common word at 10,000 articles. ``tests/search`` checks the scores against
    lunr's ``Index.query`` over the full index.
    """
    records: dict[str, Record] = {}
    query: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for term, fields, boost in clauses:
        if term not in records:
            record = terms.record(term)
            if record is None:
                continue
            records[term] = record
        for field in fields:
            query[field][term] += boost
    scores: dict[str, float] = defaultdict(float)
    for field, boosts in query.items():
        norm = math.sqrt(sum(boost * boost for boost in boosts.values()))
        for term, boost in boosts.items():
            for ref, weight in records[term][1].get(field, {}).items():
                scores[ref] += boost * weight / norm
    return list(scores.items())


def build_index(articles: Iterable[Article]) -> SearchIndex:
    """Index ``articles`` (all of them; filter by audience or state before if needed)."""
    docs: list[Sequence[str]] = []
    by_lang: dict[str, list[tuple[str, Article]]] = defaultdict(list)
    for article in articles:
        by_lang[article.lang].append((str(len(docs)), article))
        docs.append((article.path, article.id, article.title, article.lang))
    langs: dict[str, _Terms] = {}
    for lang, items in sorted(by_lang.items()):
        records = _records(_lunr_index(items, lang))
        ordered = sorted(records)
        langs[lang] = _Terms(ordered, _lookup(ordered, records))
    log.info("search index built: %d articles, %d languages", len(docs), len(langs))
    return SearchIndex(docs, langs)


def _lookup(ordered: list[str], records: dict[str, Record]) -> Callable[[int], Record]:
    def fetch(at: int) -> Record:
        return records[ordered[at]]

    return fetch


def _lunr_index(items: Iterable[tuple[str, Article]], lang: str) -> Any:
    """A plain lunr.py index of one language's articles (refs are positions)."""
    builder = _lunr().TermBuilder()
    builder.ref("_ref")
    for field, boost in FIELDS.items():
        builder.field(field, boost=boost)
    for ref, article in items:
        builder.add(_document(ref, article, lang))
    return builder.build()


def _document(ref: str, article: Article, lang: str) -> dict[str, Any]:
    texts = [s.heading + "\n" + s.text for s in article.sections] or [article.body]
    keys = [t.lower() for t in article.tickets]
    for text in (article.title, article.summary, *article.tags, article.body):
        keys.extend(codes(text))
    return {
        "_ref": ref,
        "key": [article.id],
        "title": analyze(article.title, lang),
        "summary": analyze(article.summary, lang),
        "tags": analyze_all(article.tags, lang),
        "id": analyze(article.id, lang),
        "body": analyze_all(texts, lang),
        "codes": list(dict.fromkeys(keys)),
    }


def _records(index: Any) -> dict[str, Record]:
    """Regroup lunr's field vectors by term: term → (term index, field → ref → weight)."""
    records: dict[str, Record] = {}
    by_index: dict[int, dict[str, dict[str, float]]] = {}
    for term, posting in index.inverted_index.items():
        weights: dict[str, dict[str, float]] = {}
        records[term] = (posting["_index"], weights)
        by_index[posting["_index"]] = weights
    for key, vector in index.field_vectors.items():
        field, ref = key.split("/", 1)
        elements = vector.elements
        for at in range(0, len(elements), 2):
            by_index[elements[at]].setdefault(field, {})[ref] = round(elements[at + 1], 5)
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
    is logged and skipped.
    """
    from .knowledge import KnowledgeBase, load

    root = kb.root if isinstance(kb, KnowledgeBase) else Path(kb).resolve()
    folder = Path(cache_dir) if cache_dir else root / ".kcs" / "cache"
    stamp = fingerprint(root)
    cached = _read_cache(folder, stamp)
    if cached is not None:
        log.info("search index read from %s", folder / CACHE_NAME)
        return cached
    knowledge = kb if isinstance(kb, KnowledgeBase) else load(root)
    index = build_index(knowledge.articles)
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
        header_langs[lang] = {"terms": terms.terms, "offsets": offsets}
    atomic_write(folder / postings_name, b"".join(chunks))
    header = {
        "format": FORMAT,
        "kcs": __version__,
        "fingerprint": stamp,
        "fields": FIELDS,
        "postings": postings_name,
        "size": size,
        "docs": index.docs,
        "langs": header_langs,
    }
    atomic_write(folder / CACHE_NAME, json.dumps(header, ensure_ascii=False, separators=(",", ":")))
    for old in folder.glob("search-index.*.postings"):
        if old.name != postings_name:
            with contextlib.suppress(OSError):
                old.unlink()


def _read_cache(folder: Path, stamp: str) -> SearchIndex | None:
    try:
        header = json.loads((folder / CACHE_NAME).read_text(encoding="utf-8"))
        if (
            not isinstance(header, dict)
            or header.get("format") != FORMAT
            or header.get("fingerprint") != stamp
            or header.get("fields") != FIELDS
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
            isinstance(doc, list) and len(doc) == 4 for doc in docs
        ):
            return None
        langs: dict[str, _Terms] = {}
        for lang, part in header["langs"].items():
            terms, offsets = part["terms"], part["offsets"]
            if len(offsets) != len(terms) + 1 or (offsets and offsets[-1] > size):
                return None
            langs[lang] = _Terms(terms, _reader(data, offsets))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.info("search index cache in %s not usable (%s); rebuilding", folder, exc)
        return None
    return SearchIndex(docs, langs, source="cache")


def _reader(data: bytes | mmap.mmap, offsets: list[int]) -> Callable[[int], Record]:
    def fetch(at: int) -> Record:
        index, weights = json.loads(data[offsets[at] : offsets[at + 1]])
        return int(index), weights

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


def hits_as_json(hits: Iterable[Hit]) -> list[dict[str, Any]]:
    return [hit.as_dict() for hit in hits]


class _Lunr:
    """lunr.py's index builder, imported on first use (queries do not need lunr)."""

    def __init__(self) -> None:
        from lunr.builder import Builder

        class TermBuilder(Builder):
            """lunr's Builder fed with finished terms.

            kcs.search_text has already split, filtered and stemmed every field, so
            lunr's Tokenizer (which deep-copies a metadata dict per token: a third of
            the build time) and its pipeline are skipped. Everything else — BM25
            weights, field vectors, the token set — is lunr's own code.
            """

            def add(self, doc: dict[str, Any], attributes: dict[str, Any] | None = None) -> None:
                doc_ref = str(doc[self._ref])
                self._documents[doc_ref] = attributes or {}
                self.document_count += 1
                for field_name in self._fields:
                    terms: list[str] = doc[field_name]
                    field_ref = f"{field_name}/{doc_ref}"
                    counts: dict[str, int] = defaultdict(int)
                    for term in terms:
                        counts[term] += 1
                    self.field_term_frequencies[field_ref] = counts
                    self.field_lengths[field_ref] = len(terms)
                    for term in counts:
                        posting = self.inverted_index.get(term)
                        if posting is None:
                            posting = {name: {} for name in self._fields}
                            posting["_index"] = self.term_index
                            self.term_index += 1
                            self.inverted_index[term] = posting
                        posting[field_name][doc_ref] = {}

        self.TermBuilder = TermBuilder


_LUNR: _Lunr | None = None


def _lunr() -> _Lunr:
    """Import lunr.py without its NLTK language support.

    ``import lunr`` imports ``lunr.languages``, which imports NLTK when installed (about
    1.1 s here) to register stemmers we do not use: we stem before indexing. Hiding NLTK
    for the duration of the import makes lunr skip that; an NLTK imported earlier by
    someone else is left alone.
    """
    global _LUNR
    if _LUNR is None:
        if "lunr" in sys.modules or "nltk" in sys.modules:
            _LUNR = _Lunr()
        else:
            sys.modules["nltk"] = None  # type: ignore[assignment]  # import nltk → ImportError
            try:
                _LUNR = _Lunr()
            finally:
                del sys.modules["nltk"]
    return _LUNR


def cache_path(root: Path) -> Path:
    return root / ".kcs" / "cache" / CACHE_NAME


__all__ = [
    "Hit",
    "SearchIndex",
    "build_index",
    "load_or_build",
    "similar",
    "fingerprint",
    "hits_as_json",
    "cache_path",
    "FIELDS",
]
