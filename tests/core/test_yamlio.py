"""The flat front-matter reader (kcs.yamlio) gives exactly what the YAML parser gives.

Front matter made of ``key: value`` lines is read without the parser; these tests
search for a document on which the two readings differ (in values, their types, the
key lines, or an error the parser would raise).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kcs.article import front_matter_head, split_front_matter
from kcs.yamlio import Loaded, YamlProblem, _flat_mapping, _parsed, _timestamp, load_mapping

REPO = Path(__file__).resolve().parents[2]

#: characters YAML gives a meaning to, breaks and marks YAML reads as breaks, letters
#: outside ASCII, a combining mark, one outside the Basic Multilingual Plane
TRICKY = "aZz09 _-.,:#'\"\\[]{}&*!|>%@`?~<=\t\r\xa0\x85\u2028\u2029\ufeff\u0301éß\U0001f600"
KEYS = [
    "title",
    "summary",
    "tags",
    "reviewed",
    "review_every",
    "x-y",
    "_a",
    "yes",
    "No",
    "on",
    "OFF",
    "null",
    "Null",
    "y",
    "True",
    "1",
    "<<",
    "=",
    "a" * 101,
]
WORDS = [
    "validated",
    "not-validated",
    "yes",
    "no",
    "On",
    "null",
    "NULL",
    "true",
    "1",
    "1.5",
    "1e3",
    "0x1f",
    "0o17",
    "1_000",
    "1:20",
    ".inf",
    ".NaN",
    "2026-07-01",
    "2026-02-30",
    "2026-7-1",
    "2026-07-01 10:00:00",
    "2026-07-01T10:00:00Z",
    "20260701",
    "a b",
    "a  b",
    "a #b",
    "a# b",
    "a: b",
    "a:b",
    "don't",
    "Återställ lösenord",
    "~",
    "",
]


#: the letters and marks of ordinary front matter
PLAIN = "aZz09 -.,'éß/()"


#: any printable character: letters, digits, marks, spaces and symbols of every script
WIDE = st.characters(exclude_categories=("Cs", "Cc", "Co", "Cn"))


def texts() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(WORDS),
        st.text(PLAIN, max_size=12),
        st.text(TRICKY, max_size=8),
        # a word character first (the flat reading needs one) and anything after it
        st.tuples(st.sampled_from("aé0٠ⅷ"), st.text(st.one_of(WIDE, st.sampled_from(TRICKY)))).map(
            "".join
        ),
    )


def quoted(quote: str) -> st.SearchStrategy[str]:
    return texts().map(lambda t: f"{quote}{t}{quote}")


def flow_list() -> st.SearchStrategy[str]:
    item = st.one_of(texts(), quoted('"'), quoted("'"))
    separator = st.sampled_from([", ", ", ", ",", " , ", ", ,"])
    return st.tuples(st.lists(item, max_size=4), separator).map(
        lambda t: "[" + t[1].join(t[0]) + "]"
    )


VALUES = st.one_of(texts(), quoted('"'), quoted("'"), flow_list())
#: a line of the shape a flat reading takes (key, value), though its words may still
#: need the parser
USUAL = st.tuples(
    st.one_of(
        st.sampled_from(KEYS[:6]),
        st.from_regex(r"[a-z_][a-z0-9_-]{0,8}", fullmatch=True),
        st.sampled_from(KEYS),
    ),
    st.one_of(
        st.sampled_from(WORDS),
        st.from_regex(r"[a-zA-Z0-9é][a-zA-Z0-9é ,.'()/-]{0,15}", fullmatch=True),
        st.text(PLAIN + '"[]{}&*!|>%@`?~<=', max_size=12).map(lambda t: f'"{t}"'),
        st.text(PLAIN + '"[]{}&*!|>%@`?~<=', max_size=12).map(lambda t: f"'{t}'"),
        st.lists(st.sampled_from(WORDS[:12]), max_size=3).map(lambda w: f"[{', '.join(w)}]"),
        st.lists(st.text(PLAIN, min_size=1, max_size=6), max_size=3).map(
            lambda w: f"[{', '.join(w)}]"
        ),
        VALUES,
    ),
)
#: a line of any shape
ANY = st.one_of(
    st.tuples(
        st.one_of(st.sampled_from(KEYS), st.text(TRICKY, min_size=1, max_size=6)),
        st.sampled_from([": ", ":  ", ":", " : ", ":\t"]),
        VALUES,
        st.sampled_from(["", " ", " # note", "\t"]),
    ).map("".join),
    st.sampled_from(["", " ", "# comment", "  nested: x", "- item", "---", "...", "key:"]),
)
#: documents of usual lines, one key each, and now and then a line of any shape
DOCUMENTS = st.tuples(
    st.lists(USUAL, min_size=1, max_size=4, unique_by=lambda kv: kv[0]),
    st.lists(st.tuples(st.integers(0, 6), ANY), max_size=1),
).map(
    lambda t: (
        [": ".join(kv) for kv in t[0]][: t[1][0][0]]
        + [t[1][0][1]]
        + [": ".join(kv) for kv in t[0]][t[1][0][0] :]
        if t[1]
        else [": ".join(kv) for kv in t[0]]
    )
)


def same(a: Any, b: Any) -> bool:
    """Equal values of the same types all the way down (True is not 1, a date no text)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    return bool(a == b)


class PureLoader(yaml.SafeLoader):
    """The pure-Python safe loader, which kcs.yamlio uses where PyYAML has no libyaml;
    an impossible date stays text, as there."""


PureLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


def assert_agree(text: str) -> Loaded | None:
    """The flat reading, when there is one, is the parser's: libyaml's and PyYAML's own."""
    flat = _flat_mapping(text)
    if flat is None:
        return None
    try:
        parsed = _parsed(text)
    except YamlProblem as exc:  # pragma: no cover - a failure explains itself
        pytest.fail(f"read flat as {flat} but the parser says {exc.message} in {text!r}")
    assert same(flat.data, parsed.data), (text, flat.data, parsed.data)
    assert flat.lines == parsed.lines, (text, flat.lines, parsed.lines)
    try:
        pure = yaml.load(text, Loader=PureLoader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:  # pragma: no cover - a failure explains itself
        pytest.fail(f"read flat as {flat} but PyYAML without libyaml says {exc} in {text!r}")
    assert same(flat.data, {str(k): v for k, v in pure.items()}), (text, flat.data, pure)
    return flat


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DOCUMENTS)
@example(['title: "a"', "title: b"])  # a key twice: the parser keeps the last value
@example(['title: "a\\u00e9"'])  # an escape
@example(["tags: [a, b,]"])
@example(["reviewed: 2026-02-30"])  # an impossible date stays text, as the parser keeps it
@example(["a: 'it''s'"])
@example(["tags: [a?b]"])  # '?' in a [list]: libyaml reads text, PyYAML alone a key
def test_a_flat_reading_is_the_parsers(lines: list[str]) -> None:
    assert_agree("\n".join(lines))


@pytest.mark.parametrize(
    "text",
    [
        'title: "The Sleep timer status is Unhealthy"\nsummary: "Resolves it."\nstate: wip',
        "id: teams-screen-share-nl\ntitle: Ik kan mijn scherm niet delen in Teams\nlang: nl\n"
        "tags: [teams, scherm delen, presentatie, vergadering]\n"
        "summary: Controleer of je presentator bent, deel één venster.\nreviewed: 2026-07-01",
        "title: 'Återställ lösenord'\n\ntags: []\nreviewed: 2026-02-30\nrelated: [\"a, b\", 'c']",
    ],
)
def test_common_front_matter_is_read_flat(text: str) -> None:
    flat = assert_agree(text)
    assert flat is not None
    assert load_mapping(text) == flat


def test_values_the_parser_reads_as_other_types_go_to_the_parser() -> None:
    for text in [
        "state: yes",
        "title: 1.5",
        "n: 12",
        "x: null",
        "yes: a",
        "d: 2026-07-01 10:00:00",
    ]:
        assert _flat_mapping(text) is None, text
    assert load_mapping("state: yes").data == {"state": True}
    assert load_mapping("reviewed: 2026-07-01").data == {"reviewed": dt.date(2026, 7, 1)}


def test_the_repositorys_articles_read_flat_as_the_parser_reads_them() -> None:
    flat = 0
    files = sorted((REPO / "articles").rglob("*.md"))
    for file in files:
        front = split_front_matter(front_matter_head(file.read_text(encoding="utf-8")))[0]
        assert front is not None, file
        flat += assert_agree(front) is not None
    assert files and flat >= len(files) * 0.9, f"{flat} of {len(files)} read flat"
