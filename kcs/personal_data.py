"""Recognise personal data in text: e-mail addresses, phone numbers, national ids, cards.

Used by lint (personal data must not reach non-internal articles), the importer
(report what was found) and usage analytics (redact search queries before
storage). National ids are checked with their checksums, which keeps error codes,
dates and ticket numbers from being mistaken for them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Match:
    kind: str  # email, phone, personnummer, henkilotunnus, bsn, card
    start: int
    end: int
    text: str


_EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
)
_PERSONNUMMER = re.compile(r"(?<![\w-])(?:19|20)?(\d{2})(\d{2})(\d{2})([-+]?)(\d{4})(?![\w-])")
_HETU = re.compile(r"(?<![\w-])(\d{2})(\d{2})(\d{2})([-+A-FU-Y])(\d{3})([0-9A-Y])(?![\w-])")
_BSN = re.compile(r"(?<![\w.-])(\d{9})(?![\w.-])")
_CARD = re.compile(r"(?<![\w-])(\d(?:[ -]?\d){12,18})(?![\w-])")
_PHONE = re.compile(
    r"(?<![\w+])(?:\+\d{1,3}[\s.-]?(?:\(0\))?[\s.-]?\d{1,4}|\(?0\d{1,4}\)?)"
    r"(?:[\s.-]?\d{2,4}){2,4}(?![\w-])"
)
_HETU_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"


def _luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _valid_date(yy: str, mm: str, dd: str) -> bool:
    month, day = int(mm), int(dd)
    if day > 60:  # Swedish coordination numbers add 60 to the day
        day -= 60
    return 1 <= month <= 12 and 1 <= day <= 31


def _personnummer(m: re.Match[str]) -> bool:
    yy, mm, dd, _sep, tail = m.groups()
    return _valid_date(yy, mm, dd) and _luhn(yy + mm + dd + tail)


def _hetu(m: re.Match[str]) -> bool:
    dd, mm, yy, _century, serial, check = m.groups()
    if not _valid_date(yy, mm, dd):
        return False
    return _HETU_CHECK[int(dd + mm + yy + serial) % 31] == check


def _bsn(m: re.Match[str]) -> bool:
    digits = [int(c) for c in m.group(1)]
    if digits[0] == 0 and digits[1] == 0:
        return False
    total = sum(d * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True)) - digits[8]
    return total % 11 == 0


def _card(m: re.Match[str]) -> bool:
    digits = re.sub(r"\D", "", m.group(1))
    return 13 <= len(digits) <= 19 and len(set(digits)) > 1 and _luhn(digits)


def _phone(m: re.Match[str]) -> bool:
    text = m.group(0)
    digits = re.sub(r"\D", "", text)
    if not 8 <= len(digits) <= 15:
        return False
    # ISO dates (2026-11-23) and version-like runs are not phone numbers
    return not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip())


#: kind → (pattern, validator), checked in this order; earlier kinds win overlaps.
DETECTORS: dict[str, tuple[re.Pattern[str], Callable[[re.Match[str]], bool]]] = {
    "email": (_EMAIL, lambda m: True),
    "personnummer": (_PERSONNUMMER, _personnummer),
    "henkilotunnus": (_HETU, _hetu),
    "card": (_CARD, _card),
    "bsn": (_BSN, _bsn),
    "phone": (_PHONE, _phone),
}

LABELS: dict[str, str] = {
    "email": "an e-mail address",
    "personnummer": "a Swedish personnummer",
    "henkilotunnus": "a Finnish henkilötunnus",
    "card": "a payment-card number",
    "bsn": "a Dutch BSN",
    "phone": "a phone number",
}


def find(text: str, *, allow: frozenset[str] = frozenset()) -> Iterator[Match]:
    """Every piece of personal data in ``text``, left to right, without overlaps.

    ``allow`` holds exact strings that are fine (e.g. the service desk's own address).
    """
    taken: list[tuple[int, int]] = []
    found: list[Match] = []
    for kind, (pattern, valid) in DETECTORS.items():
        for m in pattern.finditer(text):
            if m.group(0) in allow or not valid(m):
                continue
            start, end = m.span()
            if any(start < e and s < end for s, e in taken):
                continue
            taken.append((start, end))
            found.append(Match(kind, start, end, m.group(0)))
    yield from sorted(found, key=lambda match: match.start)


def redact(text: str) -> str:
    """Replace personal data with placeholders such as ``[email]`` or ``[phone]``."""
    matches = list(find(text))
    for match in reversed(matches):
        text = text[: match.start] + f"[{match.kind}]" + text[match.end :]
    return text
