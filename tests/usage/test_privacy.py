"""Redaction of personal data in search queries, and the visitor hash."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kcs.usage.privacy import bsn_ok, hetu_ok, luhn_ok, redact, scrub_line, visitor_hash


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mail anna.lindqvist@example.org please", "mail [email] please"),
        ("ring 070-123 45 67", "ring [phone]"),
        ("+46 8 123 456 00 växel", "[phone] växel"),
        ("+358 40 1234567", "[phone]"),
        ("pnr 811218-9876", "pnr [personnummer]"),
        ("19811218-9876 login", "[personnummer] login"),
        ("hetu 131052-308T", "hetu [hetu]"),
        ("bsn 111222333", "bsn [bsn]"),
        ("card 4111 1111 1111 1111 declined", "card [card] declined"),
        ("5500-0000-0000-0004", "[card]"),
        ("vpn 10.20.30.40 unreachable", "vpn [ip] unreachable"),
        ("ping 2001:db8::17", "ping [ip]"),
        ("ping 2001:0db8:0000:0000:0000:ff00:0042:8329 now", "ping [ip] now"),
    ],
)
def test_personal_data_becomes_a_placeholder(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "error 0x80070643",
        "AADSTS50076 sign-in",
        "office 2016 windows 10 22H2",
        "bsn 123456789",  # fails the 11-proof
        "card 4111 1111 1111 1112",  # fails Luhn
        "hetu 131052-308A",  # wrong check character
        "order 12345678",
        "teams ljud",
        "version 1.2.3",
        "meeting at 10:30",
    ],
)
def test_lookalikes_stay(text: str) -> None:
    assert redact(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ANNA.SVENSSON\uff20EXAMPLE.ORG", "[email]"),
        ("mejla anna.svensson@example\u200b.org nu", "mejla [email] nu"),
        ("ring \uff10\uff17\uff10-\uff11\uff12\uff13 \uff14\uff15 \uff16\uff17", "ring [phone]"),
        ("ring 070\u2011123 45 67", "ring [phone]"),
        ("ring 070\u00a0123\u00a045\u00a067", "ring [phone]"),
        ("pnr 19811218\u20139876", "pnr [personnummer]"),
        (
            "pnr \uff11\uff19\uff18\uff11\uff11\uff12\uff11\uff18-\uff19\uff18\uff17\uff16",
            "pnr [personnummer]",
        ),
        ("\U0001d41a\U0001d427\U0001d427\U0001d41a@example.org", "[email]"),
    ],
)
def test_look_alike_characters_are_read_as_what_they_look_like(text: str, expected: str) -> None:
    assert redact(text) == expected


_FULL_WIDTH = {c: chr(ord(c) + 0xFEE0) for c in "0123456789@.-abcdefghijklmnopqrstuvwxyz"}


@settings(max_examples=200, deadline=None)
@given(
    datum=st.sampled_from(
        ["anna.lindqvist@example.org", "070-123 45 67", "19811218-9876", "131052-308T"]
    ),
    positions=st.sets(st.integers(min_value=0, max_value=30)),
    zero_width=st.sets(st.integers(min_value=1, max_value=25)),
)
def test_no_spelling_of_a_datum_gets_past_redaction(
    datum: str, positions: set[int], zero_width: set[int]
) -> None:
    """Any mix of full-width characters and zero-width spaces inside a datum is redacted."""
    spelled = "".join(
        _FULL_WIDTH.get(char, char) if index in positions else char
        for index, char in enumerate(datum)
    )
    spelled = "".join(
        "\u200b" + char if index in zero_width and index < len(spelled) else char
        for index, char in enumerate(spelled)
    )
    redacted = redact(f"fr\u00e5ga {spelled} tack")
    assert redacted.startswith("fr\u00e5ga [") and redacted.endswith("] tack"), redacted


def test_checksums() -> None:
    assert luhn_ok("4111111111111111") and not luhn_ok("4111111111111112")
    assert bsn_ok("111222333") and not bsn_ok("111222334")
    assert hetu_ok("131052-308T") and not hetu_ok("131052-308U")


def test_visitor_hash_depends_on_the_days_salt() -> None:
    one, two = b"1" * 16, b"2" * 16
    assert visitor_hash(one, "192.0.2.1", "UA") == visitor_hash(one, "192.0.2.1", "UA")
    assert visitor_hash(one, "192.0.2.1", "UA") != visitor_hash(two, "192.0.2.1", "UA")
    assert visitor_hash(one, "192.0.2.1", "UA") != visitor_hash(one, "192.0.2.2", "UA")


def test_malformed_samples_lose_addresses() -> None:
    line = '203.0.113.9 - - [x] "GET /?mail=a@b.se HTTP/1.1" 2001:db8::7 fe80::1'
    assert scrub_line(line) == '[ip] - - [x] "GET /?mail=[email] HTTP/1.1" [ip] [ip]'
