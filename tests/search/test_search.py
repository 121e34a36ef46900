"""The search library: stemming, codes, languages, ranking, typos, synonyms and the cache."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from gitrepo import REPO_ROOT, write
from hypothesis import given
from hypothesis import strategies as st

from kcs import search
from kcs.errors import UsageError
from kcs.knowledge import load
from kcs.search import build_index, load_or_build, similar
from kcs.search_text import ALGORITHMS, stopwords


def ids(hits: list[search.Hit]) -> list[str]:
    return [hit.id for hit in hits]


@pytest.fixture(scope="module")
def index(shared_repo: Path) -> search.SearchIndex:
    return build_index(load(shared_repo).articles)


@pytest.mark.parametrize(
    ("query", "lang", "expected"),
    [
        ("skrivaren", "sv", "printing-add-printer"),  # definite form finds "skrivare"
        ("skrivarna", "sv", "printing-add-printer"),
        ("lösenordet", "sv", "accounts-reset-password"),  # Snowball keeps -et: prefix fallback
        ("tulostimen", "fi", "printing-tulostin-fi"),  # genitive finds the nominative
        ("tulostin", "fi", "printing-ajuri-fi"),  # and the other way round
        ("wachtwoorden", "nl", "accounts-vergeten-nl"),  # plural finds singular
        ("wachtwoord", "nl", "accounts-regels-nl"),
        ("printers", "en", "devices-printer-offline-en"),
    ],
)
def test_inflected_forms_find_each_other(
    index: search.SearchIndex, query: str, lang: str, expected: str
) -> None:
    assert expected in ids(index.search(query, lang=lang))
    assert expected in ids(index.search(query))  # without --lang too


def test_inflected_forms_rank_the_matching_article_first(index: search.SearchIndex) -> None:
    assert ids(index.search("skrivaren"))[0] == "printing-add-printer"
    assert ids(index.search("tulostimen", lang="fi")) == [
        "printing-ajuri-fi",
        "printing-tulostin-fi",
    ]
    # both stem to "wachtwoord": the shorter title wins (BM25 length normalisation)
    assert ids(index.search("wachtwoorden", lang="nl")) == [
        "accounts-vergeten-nl",
        "accounts-regels-nl",
    ]


@pytest.mark.parametrize(
    "query",
    [
        "0x80070643",
        "0X80070643",
        "error 0x80070643:",
        "0x80070643.",
        "Windows 0x80070643",
    ],
)
def test_hex_error_code_is_found_as_typed(index: search.SearchIndex, query: str) -> None:
    assert ids(index.search(query))[0] == "devices-windows-update-en"


@pytest.mark.parametrize("query", ["AADSTS50076", "aadsts50076", "felet AADSTS50076:"])
def test_aad_error_code_in_the_body_is_found(index: search.SearchIndex, query: str) -> None:
    assert ids(index.search(query))[0] == "accounts-mfa"


def test_a_different_code_finds_nothing(index: search.SearchIndex) -> None:
    assert index.search("0x80070644") == []
    assert index.search("AADSTS50077") == []


def test_ticket_ids_and_article_ids_are_found_whole(index: search.SearchIndex) -> None:
    assert ids(index.search("inc0012345")) == ["accounts-reset-password"]
    assert ids(index.search("devices-windows-update-en"))[0] == "devices-windows-update-en"


def test_lang_restricts_and_no_lang_searches_every_language(index: search.SearchIndex) -> None:
    assert set(ids(index.search("vpn"))) == {"network-vpn", "network-vpn-en"}
    assert ids(index.search("vpn", lang="sv")) == ["network-vpn"]
    assert ids(index.search("vpn", lang="en")) == ["network-vpn-en"]
    assert index.search("vpn", lang="fi") == []
    assert index.search("vpn", lang="de") == []  # a language without articles
    assert {hit.lang for hit in index.search("vpn")} == {"sv", "en"}


def test_title_match_ranks_above_body_match(index: search.SearchIndex) -> None:
    hits = index.search("printer", lang="en")
    assert ids(hits) == ["devices-printer-offline-en", "devices-docking-en"]
    assert hits[0].score > hits[1].score > 0


def test_limit_and_hit_fields(index: search.SearchIndex) -> None:
    hits = index.search("vpn", limit=1)
    assert len(hits) == 1
    hit = hits[0]
    assert hit.path in {"articles/network/vpn.md", "articles/network/vpn.en.md"}
    assert set(hit.as_dict()) == {"id", "path", "title", "lang", "score"}


@pytest.mark.parametrize(
    "query",
    [
        "title:vpn",
        "vpn~2",
        "vpn^10",
        "+vpn -printer",
        "vpn*",
        "*vpn",
        "vpn:",
        "-vpn",
        "c++",
        '"vpn"',
        "[vpn]",
        "vpn && (printer || ~)",
        "ti\\tle:",
        "a:b:c ~ ^ +",
    ],
)
def test_query_syntax_characters_are_plain_text(index: search.SearchIndex, query: str) -> None:
    hits = index.search(query)
    assert isinstance(hits, list)
    if "vpn" in query:
        assert "network-vpn" in ids(hits)


@pytest.mark.parametrize("query", ["", "   ", "*", ":", "~ ^ + - *", "\t\n"])
def test_empty_queries_are_usage_errors(index: search.SearchIndex, query: str) -> None:
    with pytest.raises(UsageError):
        index.search(query)


def test_stop_words_are_not_searched(index: search.SearchIndex) -> None:
    # "har" and "mitt" are Swedish stop words, dropped from the index and the query
    assert index.search("har mitt", lang="sv") == []
    assert ids(index.search("har mitt lösenord", lang="sv")) == ["accounts-reset-password"]


def test_scores_are_bm25f_over_the_whole_index(
    shared_repo: Path, index: search.SearchIndex
) -> None:
    """The stored postings give the textbook BM25F score, computed here from scratch."""
    import math

    articles = [a for a in load(shared_repo).articles if a.lang == "en"]
    fields = [search._fields(a, "en") for a in articles]
    average = {f: sum(len(x[f]) for x in fields) / len(fields) or 1.0 for f in search.FIELDS}

    def tf(term: str, doc: dict[str, list[str]]) -> float:
        total = 0.0
        for field, (weight, b) in search.FIELDS.items():
            if doc[field]:
                norm = 1 - b + b * len(doc[field]) / average[field]
                total += weight * doc[field].count(term) / norm
        return total

    for term in ("printer", "vpn", "0x80070643", "connect"):
        df = sum(tf(term, d) > 0 for d in fields)
        idf = math.log(1 + (len(fields) - df + 0.5) / (df + 0.5))
        expected = {}
        for article, doc in zip(articles, fields, strict=True):
            if tf(term, doc):
                x = tf(term, doc)
                expected[article.id] = idf * x * (search.K1 + 1) / (search.K1 + x)
        got = {h.id: h.score for h in index.search(term, lang="en", limit=50)}
        assert got.keys() == expected.keys(), term
        for ident, score in expected.items():
            assert got[ident] == pytest.approx(score, abs=2e-3)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("pritner offline", "devices-printer-offline-en"),  # letters swapped
        ("docking statoin", "devices-docking-en"),
        ("skrivre", "printing-add-printer"),  # a letter dropped
        ("wachtwoordd vergeten", "accounts-vergeten-nl"),  # a letter doubled
    ],
)
def test_a_typo_of_one_or_two_letters_still_finds_the_article(
    index: search.SearchIndex, query: str, expected: str
) -> None:
    assert ids(index.search(query))[0] == expected


def test_a_typo_never_outranks_the_word_as_typed(repo: Path) -> None:
    write(
        repo / "articles/devices/printr.en.md",
        "---\ntitle: Printr brand labels\nid: printr-en\nlang: en\n---\n\nPrintr.\n",
    )
    hits = build_index(load(repo).articles).search("printer", lang="en")
    assert ids(hits)[0] == "devices-printer-offline-en"
    assert "printr-en" not in ids(hits)  # known word: no typo matching at all


def test_a_pasted_error_message_ranks_its_article_first(repo: Path) -> None:
    # Three articles share the words; only one quotes the message word for word.
    message = "The operation failed because the mailbox database is not mounted"
    for n, text in enumerate(
        [
            "The database is mounted. The operation failed because of the mailbox quota.",
            f"Users see: {message}. Mount it again.",
            "Mailbox database operation: failed, not mounted because mailbox mailbox failed.",
        ]
    ):
        write(
            repo / f"articles/email/db{n}.en.md",
            f"---\ntitle: Mailbox database {n}\nid: db{n}\nlang: en\n---\n\n## Issue\n\n{text}\n",
        )
    for index in (build_index(load(repo).articles), load_or_build(repo), load_or_build(repo)):
        assert ids(index.search(message))[0] == "db1", index.source


def test_synonyms_from_kcs_yml_find_each_other(repo: Path) -> None:
    write(
        repo / "kcs.yml",
        "languages: [sv, fi, nl, en]\ndefault_language: sv\nsearch:\n  synonyms:\n"
        "    en: ['wifi, wlan, wireless lan']\n    sv: [[vpn, fjärranslutning]]\n",
    )
    write(
        repo / "articles/network/wlan.en.md",
        "---\ntitle: WLAN drops every hour\nid: wlan-en\nlang: en\n---\n\nThe WLAN drops.\n",
    )
    built = load_or_build(repo)
    for index in (built, load_or_build(repo)):
        assert ids(index.search("wifi", lang="en")) == ["wlan-en"]
        assert ids(index.search("wireless lan problem", lang="en")) == ["wlan-en"]
        assert ids(index.search("fjärranslutning", lang="sv")) == ["network-vpn"]
    assert load_or_build(repo).source == "cache"
    # a word only inside a synonym phrase is no synonym on its own
    assert "wlan-en" not in ids(built.search("lan", lang="en"))


@pytest.mark.parametrize(
    "query",
    [
        "x" * 10_000,
        "vpn " * 2_500,
        " ".join(f"w{n}" for n in range(3000)),
        "och att det är som",  # only stop words
        "!!! ??? ... ---",  # only punctuation
    ],
)
def test_hostile_queries_answer_quickly_without_a_traceback(
    index: search.SearchIndex, query: str
) -> None:
    import time

    started = time.perf_counter()
    try:
        hits = index.search(query)
    except UsageError as exc:
        assert "\n" not in str(exc) and len(str(exc)) < 200
    else:
        assert isinstance(hits, list)
    assert time.perf_counter() - started < 2.0


def test_similar_finds_duplicates_and_drops_stray_matches(shared_repo: Path) -> None:
    base = load(shared_repo)
    assert ids(similar(base, "Jag har glömt lösenordet")) == ["accounts-reset-password"]
    assert ids(similar(base, "Tulostimen asennus", lang="fi"))[0] == "printing-ajuri-fi"
    assert similar(base, "Kaffemaskinen läcker") == []
    assert similar(base, "???") == []


def test_stop_word_lists_ship_for_every_stemmed_language() -> None:
    for lang in ("sv", "fi", "nl", "en"):
        assert lang in ALGORITHMS
        words = stopwords(lang)
        assert len(words) > 50
        assert all(w == w.strip().lower() and not w.startswith("#") for w in words)
    assert "och" in stopwords("sv") and "skrivare" not in stopwords("sv")
    assert stopwords("xx") == frozenset()


# --- cache -------------------------------------------------------------------------------


def test_cache_is_reused_until_an_article_changes(repo: Path) -> None:
    first = load_or_build(repo)
    cache = repo / ".kcs" / "cache" / "search-index.json"
    assert first.source == "built" and cache.is_file()
    assert (repo / ".kcs" / "cache" / ".gitignore").read_text().endswith("*\n")
    stamp = cache.stat().st_mtime_ns

    second = load_or_build(repo)
    assert second.source == "cache"
    assert cache.stat().st_mtime_ns == stamp
    assert ids(second.search("skrivaren")) == ids(first.search("skrivaren"))
    assert second.search("0x80070643") == first.search("0x80070643")

    article = repo / "articles/network/vpn.en.md"
    article.write_text(article.read_text().replace("VPN does not connect", "Wi-Fi zebra"))
    third = load_or_build(repo)
    assert third.source == "built"
    assert ids(third.search("zebra")) == ["network-vpn-en"]
    assert load_or_build(repo).source == "cache"
    assert len(list((repo / ".kcs" / "cache").glob("search-index.*.postings"))) == 1


def test_adding_or_removing_an_article_rebuilds(repo: Path) -> None:
    load_or_build(repo)
    write(
        repo / "articles/network/wifi.en.md",
        "---\ntitle: Wi-Fi keeps asking for a password\nid: wifi-en\nlang: en\n---\n",
    )
    assert ids(load_or_build(repo).search("wifi keeps asking"))[0] == "wifi-en"
    (repo / "articles/network/wifi.en.md").unlink()
    rebuilt = load_or_build(repo)
    assert rebuilt.source == "built" and "wifi-en" not in ids(rebuilt.search("wifi"))


def test_a_loaded_knowledge_base_and_a_cache_dir_are_accepted(repo: Path, tmp_path: Path) -> None:
    folder = tmp_path / "elsewhere"
    assert load_or_build(load(repo), folder).source == "built"
    assert load_or_build(repo, folder).source == "cache"
    assert not (repo / ".kcs").exists()


@pytest.mark.parametrize(
    "damage",
    [
        "not json",
        "{}",
        json.dumps({"format": 1}),
        "[1, 2]",
        "DOCS",
        "OFFSETS",
    ],
)
def test_a_damaged_cache_is_rebuilt(repo: Path, damage: str) -> None:
    load_or_build(repo)
    header = repo / ".kcs" / "cache" / "search-index.json"
    if damage == "DOCS":  # a valid header whose document table is wrong
        data = json.loads(header.read_text())
        data["docs"] = [[1, 2]] * len(data["docs"])
        damage = json.dumps(data)
    elif damage == "OFFSETS":  # a valid header whose term offsets are cut short
        data = json.loads(header.read_text())
        data["langs"]["sv"]["offsets"] = data["langs"]["sv"]["offsets"][:3]
        damage = json.dumps(data)
    header.write_text(damage)
    index = load_or_build(repo)
    assert index.source == "built"
    assert ids(index.search("vpn", lang="sv")) == ["network-vpn"]


def test_damaged_postings_are_rebuilt_not_trusted(repo: Path) -> None:
    """Postings of the right size but garbled: the query rebuilds and still answers."""
    load_or_build(repo)
    postings = next((repo / ".kcs" / "cache").glob("search-index.*.postings"))
    postings.write_bytes(b"\xff" * postings.stat().st_size)
    index = load_or_build(repo)
    assert index.source == "cache"  # the header is fine: the damage shows on reading
    assert ids(index.search("vpn", lang="sv")) == ["network-vpn"]
    assert index.source == "built"
    assert load_or_build(repo).search("vpn", lang="sv")[0].id == "network-vpn"


def test_a_postings_name_escaping_the_cache_is_refused(repo: Path) -> None:
    load_or_build(repo)
    header_path = repo / ".kcs" / "cache" / "search-index.json"
    header = json.loads(header_path.read_text())
    header["postings"] = "../../kcs.yml"
    header_path.write_text(json.dumps(header))
    assert load_or_build(repo).source == "built"


# --- no network -----------------------------------------------------------------


def test_runs_offline_without_nltk_data(repo: Path, tmp_path: Path) -> None:
    empty = tmp_path / "nltk_data"
    empty.mkdir()
    script = textwrap.dedent(f"""
        import socket, sys

        def refuse(*args, **kwargs):
            raise OSError("network disabled by the test")

        socket.socket.connect = refuse
        socket.create_connection = refuse
        from pathlib import Path
        from kcs.search import load_or_build
        for attempt in ("built", "cache"):
            index = load_or_build(Path({str(repo)!r}))
            assert index.source == attempt, index.source
            print(attempt, [h.id for h in index.search("tulostimen skrivaren wachtwoorden")])
        print("nltk imported:", "nltk" in sys.modules)
    """)
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NLTK_DATA": str(empty), "HOME": str(tmp_path)},
        cwd=REPO_ROOT,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1] == "nltk imported: False"
    for line in lines[:2]:
        for expected in ("printing-tulostin-fi", "printing-add-printer", "accounts-regels-nl"):
            assert expected in line
    assert list(empty.iterdir()) == []


# --- the sample knowledge base -----------------------------------------------------------


def test_every_sample_article_is_found_by_its_id_and_title(sample_repo: Path) -> None:
    base = load(sample_repo)
    if not base.articles:
        pytest.skip("no sample articles yet")
    index = load_or_build(base)
    for article in base.articles:
        assert ids(index.search(article.id))[0] == article.id, article.path
        assert article.id in ids(index.search(article.title, lang=article.lang, limit=5)), (
            article.path
        )


# --- related articles ----------------------------------------------------------------------


def _article(ident: str, title: str, *, lang: str = "en", audience: str = "public", **kw: str):
    from kcs.article import parse_article
    from kcs.config import load_config

    extra = "".join(f"{k}: {v}\n" for k, v in kw.items())
    text = (
        f"---\nid: {ident}\ntitle: {title}\nlang: {lang}\naudience: {audience}\n"
        f"state: validated\n{extra}---\n\n## Issue\n\nText.\n"
    )
    config = load_config(Path("/nonexistent"), text="languages: [sv, en]\n")
    article, _findings = parse_article(f"articles/x/{ident}.md", text, config)
    return article


def test_related_articles_share_rare_words_within_one_language_and_audience() -> None:
    articles = [
        _article("a", "Outlook calendar sharing fails", summary="Shared calendar permissions"),
        _article("b", "Shared calendar shows no permissions", summary="Outlook calendar"),
        _article("c", "Printer offline", summary="Print queue stuck"),
        _article("d", "Outlook calendar sharing internal fix", audience="internal"),
        _article("e", "Outlook calendar sharing", lang="sv"),
        *[_article(f"f{n}", f"Filler topic {n} vpn", summary="Network") for n in range(8)],
    ]
    found = search.related(articles)
    assert found["a"] == ("b",)
    assert found["b"] == ("a",)
    assert "c" not in found  # shares no two words with anything
    assert "d" not in found.get("a", ()) and "a" not in found.get("d", ())
    assert "e" not in found.get("a", ())


def test_codes_and_words_read_a_hostile_text_once() -> None:
    """A megabyte of hyphen-joined words without a digit, or of link targets never closed,
    was once read on from every hyphen or bracket (40 KB took 15 s); milliseconds now."""
    from kcs.search_text import codes, words

    assert codes("a-" * 500_000 + " 1") == []
    assert words("](" * 500_000) == []
    assert codes("see err-1234-x, 0x80070643 and a-b--c1_d- 7") == [
        "err-1234-x",
        "0x80070643",
        "c1_d",
    ]


_CODES_BEFORE = re.compile(r"(?<![^\W_])(?:[^\W_]+[-_])*[^\W_]*\d[^\W_]*(?:[-_][^\W_]+)*")


@given(st.text(alphabet="ab1-_ .é٣", max_size=30))
def test_codes_are_the_joined_runs_that_hold_a_digit(text: str) -> None:
    """The same codes as the pattern that looked for the digit from every hyphen."""
    from kcs.search_text import codes, is_code

    assert codes(text) == [c for c in _CODES_BEFORE.findall(text.lower()) if is_code(c)]
