"""Near-duplicate articles: MinHash LSH over word shingles, grouped, with a keeper.

KCS's content standard asks for one article per issue. Imports of several old
knowledge bases, and busy desks, produce near-copies. This module finds them
with datasketch's MinHash LSH (sub-linear candidate search; exact Jaccard over
all pairs would be quadratic), checks each candidate pair's estimated
similarity, groups connected pairs, and suggests which article to keep. It
never merges anything: people decide.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .article import Article

DEFAULT_THRESHOLD = 0.8
NUM_PERM = 64
SHINGLE = 3
_WORD = re.compile(r"\w+", re.UNICODE)
_STATE_RANK = {"validated": 0, "not-validated": 1, "wip": 2, "archived": 3}


@dataclass(frozen=True)
class Doc:
    """What the check needs of an article."""

    id: str
    path: str
    title: str
    text: str
    state: str = "not-validated"
    updated: str = ""  # ISO date, for the keeper choice
    lang: str = ""

    @property
    def words(self) -> int:
        return len(self.text.split())

    @classmethod
    def of(cls, article: Article) -> Doc:
        source = article.source or {}
        updated = str(source.get("updated") or source.get("created") or "")
        if article.reviewed:
            updated = max(updated, article.reviewed.isoformat())
        return cls(
            article.id,
            article.path,
            article.title,
            f"{article.title}\n{article.body}",
            article.state,
            updated,
            article.lang,
        )


@dataclass(frozen=True)
class Member:
    id: str
    path: str
    title: str
    state: str
    words: int
    similarity: float  # estimated Jaccard similarity to the keeper (1.0 for the keeper)


@dataclass(frozen=True)
class Group:
    """Articles that say nearly the same; ``keeper`` is the suggested one to keep."""

    keeper: Member
    others: tuple[Member, ...]

    @property
    def members(self) -> tuple[Member, ...]:
        return (self.keeper, *self.others)

    def as_dict(self) -> dict[str, object]:
        return {
            "keeper": self.keeper.__dict__,
            "others": [m.__dict__ for m in self.others],
        }


def _hash(data: bytes) -> int:
    return zlib.crc32(data) & 0xFFFFFFFF


def shingles(text: str, size: int = SHINGLE) -> set[bytes]:
    """Overlapping word ``size``-grams, lower-cased (Markdown syntax counts as nothing)."""
    words = _WORD.findall(text.lower())
    if len(words) < size:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i : i + size]).encode() for i in range(len(words) - size + 1)}


def _keeper_order(doc: Doc) -> tuple[int, int, str, str]:
    # validated first, then the longer, then the more recently updated, then by id
    return (_STATE_RANK.get(doc.state, 9), -doc.words, _neg(doc.updated), doc.id)


def _neg(date: str) -> str:
    return "".join(chr(0x10FFFF - ord(c)) for c in date) if date else "\U0010ffff"


def find_duplicates(
    docs: Sequence[Doc], *, threshold: float = DEFAULT_THRESHOLD, only: Iterable[str] | None = None
) -> list[Group]:
    """Groups of near-duplicates among ``docs`` (similarity ≥ ``threshold``).

    ``only`` (ids) keeps just the groups holding at least one of those articles,
    e.g. the ones an import just created. Articles in different languages are
    never compared (translations are not duplicates).
    """
    if not 0 < threshold <= 1:
        raise ValueError("threshold must lie between 0 and 1")
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    hashes: dict[int, MinHash] = {}
    for index, doc in enumerate(docs):
        grams = shingles(doc.text)
        if not grams:
            continue
        mh = MinHash(num_perm=NUM_PERM, hashfunc=_hash, seed=1)
        mh.update_batch(list(grams))
        hashes[index] = mh
        lsh.insert(index, mh, check_duplication=False)

    parent = list(range(len(docs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for index, mh in hashes.items():
        for other in lsh.query(mh):
            if other <= index or docs[other].lang != docs[index].lang:
                continue
            if mh.jaccard(hashes[other]) >= threshold:
                parent[find(other)] = find(index)

    clusters: dict[int, list[int]] = {}
    for index in hashes:
        clusters.setdefault(find(index), []).append(index)
    wanted = set(only) if only is not None else None
    groups: list[Group] = []
    for members in clusters.values():
        if len(members) < 2:
            continue
        if wanted is not None and not any(docs[i].id in wanted for i in members):
            continue
        ordered = sorted(members, key=lambda i: _keeper_order(docs[i]))
        keep = ordered[0]

        def member(i: int, keep: int = keep) -> Member:
            similarity = 1.0 if i == keep else round(hashes[keep].jaccard(hashes[i]), 2)
            d = docs[i]
            return Member(d.id, d.path, d.title, d.state, d.words, similarity)

        groups.append(Group(member(keep), tuple(member(i) for i in ordered[1:])))
    groups.sort(key=lambda g: (-len(g.others), g.keeper.id))
    return groups


def duplicates_in(
    articles: Iterable[Article], *, threshold: float = DEFAULT_THRESHOLD
) -> list[Group]:
    """Near-duplicates in a knowledge base (archived articles left out)."""
    return find_duplicates(
        [Doc.of(a) for a in articles if a.state != "archived"], threshold=threshold
    )
