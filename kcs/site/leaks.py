"""The leak check: no text of an article a site's audience may not read is in its output.

After a build for a wider audience (public, customer, partner) every output file is
read: pages, sitemap (also gzipped), 404 page, feeds, the content API, scripts, assets,
the Pagefind index (its fragments and metadata are gzipped) and any file of a kind not
known to hold no text (only images, fonts, media and archives are skipped). A file
leaks an article when it holds the article's URL (``a/<id>/``), its file name
(``<folder>/<file>.md``, or ``<file>.md`` where no allowed article has that name), its
title, or one of its sentences that no allowed article shares.
"""

from __future__ import annotations

import gzip
import html
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from ..article import Article
from ..knowledge import KnowledgeBase

TEXT_SUFFIXES = {
    ".html",
    ".htm",
    ".xml",
    ".json",
    ".js",
    ".mjs",
    ".txt",
    ".css",
    ".svg",
    ".map",
    ".webmanifest",
    ".md",
    ".csv",
    ".rss",
    ".atom",
}
#: Files that hold no text (images, fonts, archives, WebAssembly); every other file is read.
BINARY_SUFFIXES = {
    ".png",
    ".jpg",
    ".jpeg",
    ".gif",
    ".webp",
    ".avif",
    ".ico",
    ".woff",
    ".woff2",
    ".ttf",
    ".otf",
    ".eot",
    ".wasm",
    ".pdf",
    ".zip",
    ".mp4",
    ".webm",
    ".mp3",
}
#: Titles shorter than this are too generic to count ("VPN").
MIN_TITLE = 8
#: File names (without .md) shorter than this are too generic to count on their own.
MIN_FILE_NAME = 8
#: Sentences shorter than this are too generic to count.
MIN_SENTENCE = 40
SENTENCES_PER_ARTICLE = 2
#: Only sentences of plain words: Markdown markup changes how a sentence is rendered.
_PLAIN = re.compile(r"^[\w][\w\s,.;:!?'’()%/-]*$")
_URL = re.compile(r"(?<![A-Za-z0-9_.-])a/([a-z0-9][a-z0-9._-]*)/")
_SPACE = re.compile(r"\s+")
_PERCENT = re.compile(r"%[0-9A-Fa-f]{2}")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Leak:
    file: str  # relative to the site folder
    article: str  # id of the article that leaked
    what: str  # url, file name, title or sentence
    text: str

    def __str__(self) -> str:
        return f"{self.file}: {self.what} of article {self.article!r} ({self.text[:60]!r})"


def forbidden(kb: KnowledgeBase, audience: str) -> list[Article]:
    allowed = {a.id for a in kb.for_audience(audience)}
    return [a for a in kb.articles if a.id not in allowed]


def _sentences(article: Article) -> list[str]:
    found: list[str] = []
    for line in article.body.split("\n"):
        for piece in re.split(r"(?<=[.!?])\s+", line.strip().lstrip("-*0123456789. >")):
            piece = piece.strip()
            if len(piece) >= MIN_SENTENCE and _PLAIN.match(piece):
                found.append(piece)
    found.sort(key=len, reverse=True)
    return found


def needles(kb: KnowledgeBase, audience: str) -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    """(forbidden id → title, forbidden text → (article id, what)).

    Text that an allowed article also holds is no evidence of a leak and is left out.
    """
    allowed = kb.for_audience(audience)
    allowed_ids = {a.id for a in allowed}
    if len(allowed_ids) == len(kb.by_id()):
        return {}, {}  # nothing is forbidden: no need to read the allowed texts
    corpus = "\n".join(
        _norm(part) for a in allowed for part in (a.title, a.summary, a.body)
    ).casefold()
    allowed_names = {a.path.rpartition("/")[2] for a in allowed}
    ids: dict[str, str] = {}
    texts: dict[str, tuple[str, str]] = {}
    for article in kb.articles:
        if article.id in allowed_ids:
            continue
        ids[article.id] = article.title
        for name in file_names(article, allowed_names):
            texts[name] = (article.id, "file name")
        title = _norm(article.title)
        if len(title) >= MIN_TITLE and title.casefold() not in corpus:
            texts.setdefault(title, (article.id, "title"))
        kept = 0
        for sentence in _sentences(article):
            sentence = _norm(sentence)
            if sentence.casefold() in corpus:
                continue
            texts.setdefault(sentence, (article.id, "sentence"))
            kept += 1
            if kept == SENTENCES_PER_ARTICLE:
                break
    return ids, texts


def file_names(article: Article, allowed_names: set[str]) -> list[str]:
    """How a link would spell ``article``'s file: ``<folder>/<file>.md`` (its path below
    articles/) and, when no allowed article has the same name, ``<file>.md``."""
    below = article.path.removeprefix("articles/")
    names = [below] if "/" in below else []
    base = below.rpartition("/")[2]
    if len(base) - 3 >= MIN_FILE_NAME and base not in allowed_names:
        names.append(base)
    return names


def check(site_dir: Path, kb: KnowledgeBase, audience: str) -> list[Leak]:
    """Every leak of a forbidden article in ``site_dir`` (empty for the internal site)."""
    if audience == "internal":
        return []
    ids, texts = needles(kb, audience)
    if not ids:
        return []
    matcher = _Matcher(texts)
    leaks: list[Leak] = []
    for rel, text in _read_all(site_dir):
        if _PERCENT.search(text):  # a URL-encoded file name or URL is still a leak
            text = f"{text}\n{unquote(text)}"
        for match in _URL.finditer(text):
            ident = match.group(1)
            if ident in ids:
                leaks.append(Leak(rel, ident, "url", match.group(0)))
        for (ident, what), needle in matcher.find(text):
            if what != "file name" or _bounded(needle, text):
                leaks.append(Leak(rel, ident, what, needle))
    return leaks


class _Matcher:
    """Finds many needles in a text fast: each needle is filed under its longest word, and
    only needles whose words all occur in the text are searched for as substrings.

    A regular expression with thousands of alternatives takes seconds per megabyte; this
    costs one word split and one set intersection per file.
    """

    def __init__(self, texts: dict[str, tuple[str, str]]) -> None:
        self.by_anchor: dict[str, list[tuple[str, frozenset[str], tuple[str, str], str]]] = {}
        for text, info in texts.items():
            low = _norm(text).casefold()
            words = frozenset(_WORD.findall(low))
            if words:
                anchor = max(words, key=lambda w: (len(w), w))
                self.by_anchor.setdefault(anchor, []).append((low, words, info, text))
        self.anchors = frozenset(self.by_anchor)

    def find(self, text: str) -> list[tuple[tuple[str, str], str]]:
        if not self.anchors:
            return []
        low = _norm(text).casefold()
        words = set(_WORD.findall(low))
        found = []
        for anchor in words & self.anchors:
            for needle, needed, info, original in self.by_anchor[anchor]:
                if needed <= words and needle in low:
                    found.append((info, original))
        return found


def _bounded(name: str, text: str) -> bool:
    """``name`` occurs in ``text`` as a whole path part (not as the tail of another name)."""
    return re.search(rf"(?<![\w.-]){re.escape(name)}(?![\w-])", text, re.IGNORECASE) is not None


def _norm(text: str) -> str:
    return _SPACE.sub(" ", text)


def _read_all(site_dir: Path) -> Iterator[tuple[str, str]]:
    for path in sorted(site_dir.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(site_dir).as_posix()
        data = _decoded(path)
        if data is None:
            continue
        text = data.decode("utf-8", errors="replace")
        if path.suffix in (".html", ".htm", ".xml", ".svg") or path.name.endswith(".xml.gz"):
            text = html.unescape(text)
        elif path.suffix in (".json", ".js") or rel.startswith("pagefind/"):
            text = _unescape_json(text)
        yield rel, text


def _decoded(path: Path) -> bytes | None:
    """The bytes to search: gzip and Pagefind files unpacked; other binaries skipped."""
    name = path.name
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        try:
            return gzip.decompress(raw)
        except (OSError, EOFError, zlib.error):
            return raw
    if path.suffix.lower() in TEXT_SUFFIXES or name.startswith("pagefind") or ".pf_" in name:
        return raw
    if path.suffix.lower() in BINARY_SUFFIXES:
        return None
    return raw  # a file of a kind not known here is read: it may hold text


def _unescape_json(text: str) -> str:
    text = text.replace("\\/", "/")
    if "\\u" in text:
        text = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)
    return text


def describe(leaks: Iterable[Leak], limit: int = 5) -> str:
    leaks = list(leaks)
    shown = "; ".join(str(leak) for leak in leaks[:limit])
    more = f" and {len(leaks) - limit} more" if len(leaks) > limit else ""
    return f"{shown}{more}"
