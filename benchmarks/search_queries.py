"""A labelled query set for the search-quality benchmark, generated from ../shared/corpus.

Every query is made from one corpus article by a fixed procedure and labelled with the
article(s) it should find; nothing is picked or edited by hand, and the procedure never
looks at any search engine's answers. The same corpus always gives the same queries
(choices use a random generator seeded by the article's path).

Kinds (``Query.kind``), for each language where the corpus has the material:

``symptom``
    Symptom words: the first sentence of the article's Symptoms section (else its first
    paragraph), stop words and words under three letters dropped, the first five left.
``natural``
    A natural question: one of the language's question templates (chosen by the seeded
    generator) around the article's title, e.g. "what should I do when <title>".
``misspelled``
    The title's first four content words with one letter wrong in the longest word and,
    when another word has seven letters or more, one in that too (a letter dropped,
    doubled, swapped with its neighbour or replaced by the key next to it).
``error-message``
    A pasted error message: the text right after "error message" / "following error" in
    the article (a code block's first line, a bold line or a quoted line), at least five
    words, and found in no other article of the language.
``error-code``
    An error code as typed (``0x80070643``, ``AADSTS50076``, ``80004005``), labelled with
    every article of the language containing it; codes in more than three articles of a
    language are skipped (they identify nothing).
``event-id``
    ``Event ID 3027`` as typed, labelled like an error code.

At most ``PER_KIND`` queries per kind and language, taken in the order of a hash of the
article path (so a sample, not the first files of a folder). Usable alone:
``python benchmarks/search_queries.py [--corpus DIR] > queries.jsonl``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
#: ../shared/corpus beside the checkout (or beside the folder holding the worktree)
CORPUS = next(
    (p / "shared" / "corpus" for p in REPO.parents if (p / "shared" / "corpus").is_dir()),
    REPO.parent / "shared" / "corpus",
)
STOPWORDS = REPO / "kcs" / "data" / "stopwords"
PER_KIND = 80
#: corpus folder → language code
SOURCES = {
    "officedocs-support": "en",
    "alchemy-insights/sv-SE": "sv",
    "alchemy-insights/fi-FI": "fi",
    "alchemy-insights/nl-NL": "nl",
}
TEMPLATES = {
    "en": ["how do I fix {x}", "what should I do when {x}", "{x}, how can I solve this?"],
    "sv": ["hur löser jag {x}", "vad gör jag när {x}", "{x}, hur fixar jag det?"],
    "fi": ["miten korjaan {x}", "mitä teen kun {x}", "{x}, miten tämän saa korjattua?"],
    "nl": ["hoe los ik dit op: {x}", "wat moet ik doen als {x}", "{x}, hoe kan ik dit oplossen?"],
}
#: QWERTY neighbours for the "wrong key" misspelling
KEYS = "qwertyuiop asdfghjkl zxcvbnm"

_FRONT = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)
_TITLE = re.compile(r"^title:\s*(.+?)\s*$", re.MULTILINE)
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_TAG = re.compile(r"<[^>]+>")
_URL = re.compile(r"https?://\S+")
_WORD = re.compile(r"[^\W\d_][^\W_]*", re.UNICODE)
_CODE = re.compile(r"\b(?:0x[0-9A-Fa-f]{8}|[A-Z]{3,}[0-9]{4,}|8[0-9A-F]{7})\b")
_EVENT = re.compile(r"\bevent ID:?\s*(\d{3,5})\b", re.IGNORECASE)
_ERROR_LEAD = re.compile(r"error message|following error|error:\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Query:
    kind: str
    lang: str
    text: str
    #: corpus paths (relative to the language's folder) of the articles that answer it
    answers: tuple[str, ...]
    #: the article the query was made from
    source: str


@dataclass(frozen=True)
class Doc:
    path: str  # relative to the language folder, as kcs import records it in source.path
    lang: str
    title: str
    body: str  # Markdown without front matter, line ends normalised


def load_corpus(corpus: Path = CORPUS) -> list[Doc]:
    docs: list[Doc] = []
    for folder, lang in SOURCES.items():
        base = corpus / folder
        for file in sorted(base.rglob("*.md")):
            if "includes" in file.relative_to(base).parts:
                continue
            text = file.read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n")
            front = _FRONT.match(text)
            title = _TITLE.search(front.group(1)) if front else None
            if not front or not title:
                continue
            rel = file.relative_to(base).as_posix()
            if lang != "en":
                rel = f"{base.name}/{rel}"  # kcs import keeps the locale folder
            docs.append(Doc(rel, lang, _plain(title.group(1).strip("'\"")), text[front.end() :]))
    return docs


def _plain(text: str) -> str:
    text = _LINK.sub(r"\1", text)
    text = _TAG.sub(" ", text)
    return re.sub(r"[*`#>]+", " ", text).replace("\\", "").strip()


def stopwords(lang: str) -> frozenset[str]:
    lines = (STOPWORDS / f"{lang}.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip().lower() for w in lines if w.strip() and not w.startswith("#"))


def content_words(text: str, lang: str) -> list[str]:
    stop = stopwords(lang)
    return [w for w in _WORD.findall(text) if len(w) >= 3 and w.lower() not in stop]


def symptom_text(body: str) -> str:
    """First sentence of the Symptoms section, else of the first prose paragraph."""
    match = re.search(r"^#+\s*(?:Symptoms?|Symptom)\s*\n(.*?)(?=^#)", body + "\n#", re.M | re.S)
    part = match.group(1) if match else body
    for para in re.split(r"\n\s*\n", part):
        para = para.strip()
        if not para or para.startswith(("#", ":::", "|", "```", "!", "<", "- ", "* ", ">")):
            continue
        plain = _plain(para)
        if len(plain.split()) >= 5:
            return re.split(r"(?<=[.!?])\s", plain, maxsplit=1)[0]
    return ""


def error_messages(body: str) -> Iterator[str]:
    """Messages as the article shows them after "error message": the first line of a
    code block, a bold line or a quoted line (prose after the lead is not a message)."""
    lines = body.split("\n")
    for at, line in enumerate(lines):
        if not _ERROR_LEAD.search(line):
            continue
        fenced = False
        for follow in lines[at + 1 : at + 8]:
            stripped = follow.strip()
            if not stripped or stripped.startswith(":::"):
                continue
            if stripped.startswith("```"):
                fenced = True
                continue
            shown = fenced or stripped.startswith("**")
            if stripped.startswith(">"):
                stripped = stripped.lstrip("> ").strip()
                shown = not stripped.startswith("[!")
            message = _plain(stripped).strip()
            if shown and len(message.split()) >= 5:
                yield message[:400]
            break


def misspell(word: str, rng: random.Random) -> str:
    inner = range(1, len(word) - 1)
    at = rng.choice(list(inner))
    how = rng.choice(["drop", "double", "swap", "key"])
    if how == "drop":
        return word[:at] + word[at + 1 :]
    if how == "double":
        return word[:at] + word[at] + word[at:]
    if how == "swap" and word[at] != word[at + 1]:
        return word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    row = next((r for r in KEYS.split() if word[at].lower() in r), None)
    if row is None:
        return word[:at] + word[at + 1 :]
    pos = row.index(word[at].lower())
    near = row[pos - 1] if pos > 0 else row[pos + 1]
    return word[:at] + near + word[at + 1 :]


def _rng(doc: Doc, kind: str) -> random.Random:
    return random.Random(hashlib.sha256(f"{doc.path}\0{kind}".encode()).digest())


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _order(doc: Doc) -> str:
    return _hash(doc.path)


def generate(corpus: Path = CORPUS, per_kind: int = PER_KIND) -> list[Query]:
    docs = load_corpus(corpus)
    by_lang: dict[str, list[Doc]] = defaultdict(list)
    for doc in docs:
        by_lang[doc.lang].append(doc)
    queries: list[Query] = []
    for lang, items in sorted(by_lang.items()):
        items = sorted(items, key=_order)
        made: dict[str, list[Query]] = defaultdict(list)
        for doc in items:
            for query in _from_doc(doc, lang):
                made[query.kind].append(query)
        made["error-message"] = _unique_messages(made["error-message"], items)
        made["error-code"] = _token_queries(items, lang, "error-code", _CODE, "{}")
        made["event-id"] = _token_queries(items, lang, "event-id", _EVENT, "Event ID {}")
        for kind in sorted(made):
            queries.extend(made[kind][:per_kind])
    return queries


def _from_doc(doc: Doc, lang: str) -> Iterator[Query]:
    symptom = content_words(symptom_text(doc.body), lang)[:5]
    if len(symptom) >= 2:
        yield Query("symptom", lang, " ".join(symptom), (doc.path,), doc.path)
    title = doc.title
    if len(title.split()) >= 2:
        template = _rng(doc, "natural").choice(TEMPLATES[lang])
        yield Query(
            "natural", lang, template.format(x=title[0].lower() + title[1:]), (doc.path,), doc.path
        )
    words = content_words(title, lang)[:4]
    long = sorted((w for w in words if len(w) >= 5), key=lambda w: (-len(w), words.index(w)))
    if len(words) >= 2 and long:
        rng = _rng(doc, "misspelled")
        wrong = {long[0]: misspell(long[0], rng)}
        if len(long) > 1 and len(long[1]) >= 7:
            wrong[long[1]] = misspell(long[1], rng)
        text = " ".join(wrong.get(w, w) for w in words).lower()
        yield Query("misspelled", lang, text, (doc.path,), doc.path)
    for message in error_messages(doc.body):
        yield Query("error-message", lang, message, (doc.path,), doc.path)
        break


def _normal(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()


def _unique_messages(candidates: list[Query], docs: list[Doc]) -> list[Query]:
    """Messages quoted by one article only: otherwise the label would be a guess."""
    plain = {doc.path: _normal(_plain(doc.body)) for doc in docs}
    out = []
    for query in candidates:
        needle = _normal(query.text)
        if sum(needle in text for text in plain.values()) == 1:
            out.append(query)
    return out


def _visible(doc: Doc) -> str:
    """Title and text a reader sees: link targets and URLs are not codes anyone types."""
    return doc.title + "\n" + _URL.sub(" ", _plain(doc.body))


def _token_queries(
    docs: list[Doc], lang: str, kind: str, pattern: re.Pattern[str], form: str
) -> list[Query]:
    holders: dict[str, list[str]] = defaultdict(list)
    first: dict[str, Doc] = {}
    for doc in docs:
        for token in dict.fromkeys(m.lower() for m in pattern.findall(_visible(doc))):
            holders[token].append(doc.path)
            first.setdefault(token, doc)
    out = []
    for token, paths in sorted(holders.items(), key=lambda kv: _hash(kv[0])):
        if len(paths) <= 3:
            doc = first[token]
            found = pattern.findall(_visible(doc))
            typed = next(m for m in found if m.lower() == token)  # as the article writes it
            out.append(Query(kind, lang, form.format(typed), tuple(paths), doc.path))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--per-kind", type=int, default=PER_KIND)
    args = parser.parse_args(argv)
    for query in generate(args.corpus, args.per_kind):
        sys.stdout.write(json.dumps(asdict(query), ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
