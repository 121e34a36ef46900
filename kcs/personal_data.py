"""Recognise personal data in text: e-mail addresses, phone numbers, national ids, cards.

Used by lint (personal data must not reach non-internal articles), the importer
(report what was found) and usage analytics (redact search queries and sampled log
lines before storage, IP addresses included). National ids are checked with their
checksums, which keeps error codes, dates and ticket numbers from being mistaken for them.

Patterns run on a folded view of the text in which look-alike characters count as their
ASCII originals (full-width ``＠`` and digits, non-breaking hyphens and other dashes, odd
spaces) and invisible format characters such as zero-width spaces are dropped: anyone who
wants an address past a check can type those, and a reader still sees the address.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Match:
    kind: str  # email, ip, phone, personnummer, henkilotunnus, bsn, card
    start: int
    end: int
    text: str


_EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
)
_PERSONNUMMER = re.compile(r"(?<![\w-])(?:19|20)?(\d{2})(\d{2})(\d{2})([-+]?)(\d{4})(?![\w-])")
_HETU = re.compile(r"(?<![\w-])(\d{2})(\d{2})(\d{2})([-+A-FU-Y])(\d{3})([0-9A-Y])(?![\w-])")
_BSN = re.compile(r"(?<![\w.-])(\d{9}|\d{4}\.\d{2}\.\d{3})(?![\w.-])")
_CARD = re.compile(r"(?<![\w-])(\d(?:[ -]?\d){12,18})(?![\w-])")
_PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)\d{1,3}[\s.-]?(?:\(0\))?[\s.-]?\d{1,4}|\(?0\d{1,4}\)?)"
    r"(?:[\s./-]?\d{2,4}){2,4}(?![\w-])"
)
_IPV4 = re.compile(
    r"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)(?![\d.])"
)
_IPV6 = re.compile(
    r"(?<![\w:])(?:(?:[0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}|[0-9a-fA-F:]*::[0-9a-fA-F:]*)(?![\w:])"
)
_HETU_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"


def luhn_ok(digits: str) -> bool:
    """The Luhn checksum of payment cards and the last ten digits of a personnummer."""
    return _luhn(digits)


def bsn_ok(digits: str) -> bool:
    """The Dutch BSN 11-proof over nine digits."""
    return len(digits) == 9 and digits.isdigit() and _bsn_digits(digits)


def hetu_ok(text: str) -> bool:
    """A Finnish henkilötunnus with a valid date and check character."""
    match = _HETU.fullmatch(text.upper())
    return match is not None and _hetu(match)


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
    return _bsn_digits(m.group(1).replace(".", ""))


def _bsn_digits(text: str) -> bool:
    digits = [int(c) for c in text]
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


def _always(m: re.Match[str]) -> bool:
    return True


@dataclass(frozen=True)
class Detector:
    """One pattern of one kind; ``needs`` is a character its match cannot do without, so
    text lacking it skips the pattern (far cheaper than letting it fail everywhere)."""

    kind: str
    pattern: re.Pattern[str]
    valid: Callable[[re.Match[str]], bool]
    needs: str = "digit"


#: Checked in this order; earlier detectors win overlaps.
DETECTORS: tuple[Detector, ...] = (
    Detector("email", _EMAIL, _always, needs="@"),
    Detector("ip", _IPV6, lambda m: m.group(0).count(":") >= 2, needs=":"),
    Detector("ip", _IPV4, _always),
    Detector("personnummer", _PERSONNUMMER, _personnummer),
    Detector("henkilotunnus", _HETU, _hetu),
    Detector("card", _CARD, _card),
    Detector("bsn", _BSN, _bsn),
    Detector("phone", _PHONE, _phone),
)

LABELS: dict[str, str] = {
    "email": "an e-mail address",
    "ip": "an IP address",
    "personnummer": "a Swedish personnummer",
    "henkilotunnus": "a Finnish henkilötunnus",
    "card": "a payment-card number",
    "bsn": "a Dutch BSN",
    "phone": "a phone number",
}


_DIGIT = re.compile(r"\d")

#: What lint looks for in articles: IP addresses are ordinary content there (a router's
#: address in a how-to), but they identify visitors in logs and queries.
ARTICLE_KINDS = frozenset({"email", "personnummer", "henkilotunnus", "card", "bsn", "phone"})

#: Placeholder per kind in redacted text.
PLACEHOLDERS: dict[str, str] = {"henkilotunnus": "[hetu]"}


#: Beyond the Basic Multilingual Plane only the mathematical letters and digits fold to
#: ASCII; scanning the rest would cost start-up time for nothing.
_FOLD_RANGES = (range(0x80, 0x10000), range(0x1D400, 0x1D800))


@functools.cache
def _fold_table() -> dict[int, str]:
    """Characters that read as an ASCII character: NFKC look-alikes, dashes, spaces, digits."""
    table: dict[int, str] = {}
    for block in _FOLD_RANGES:
        for code in block:
            char = chr(code)
            normal = unicodedata.normalize("NFKC", char)
            category = unicodedata.category(char)
            if len(normal) == 1 and normal.isascii() and normal.isprintable():
                table[code] = normal
            elif category == "Pd" or char == "\u2212":
                table[code] = "-"
            elif category == "Zs":
                table[code] = " "
            elif category == "Nd":
                table[code] = str(unicodedata.decimal(char))
    return table


def _char_class(codes: list[int]) -> str:
    """A regex character class of ``codes``, consecutive runs written as ranges."""
    parts: list[str] = []
    start = previous = None
    for code in sorted(codes) + [-1]:
        if previous is not None and code == previous + 1:
            previous = code
            continue
        if start is not None and previous is not None:
            first, last = re.escape(chr(start)), re.escape(chr(previous))
            parts.append(first if start == previous else f"{first}-{last}")
        start = previous = code
    return "[" + "".join(parts) + "]"


@functools.cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Characters to fold or drop, and the invisible ones alone.

    Invisible are the format characters (zero-width spaces and joiners, soft hyphens,
    direction marks, tags): nothing a reader sees, so nothing the patterns should see.
    """
    invisible = [
        code
        for block in (*_FOLD_RANGES, range(0xE0000, 0xE0080))
        for code in block
        if unicodedata.category(chr(code)) == "Cf"
    ]
    odd = re.compile(_char_class([*_fold_table(), *invisible]))
    return odd, re.compile(_char_class(invisible))


def fold(text: str) -> tuple[str, list[int] | None]:
    """The text as the patterns see it, and where each of its characters came from
    (``None`` when nothing was dropped, so positions are the same in both)."""
    if text.isascii():
        return text, None
    odd, invisible = _patterns()
    if odd.search(text) is None:
        return text, None
    table = _fold_table()
    folded = odd.sub(lambda m: table.get(ord(m.group()), m.group()), text)
    if invisible.search(folded) is None:
        return folded, None
    origin = [index for index, char in enumerate(folded) if invisible.match(char) is None]
    return "".join(folded[index] for index in origin), origin


def find(
    text: str, *, allow: frozenset[str] = frozenset(), kinds: frozenset[str] | None = None
) -> Iterator[Match]:
    """Every piece of personal data in ``text``, left to right, without overlaps.

    ``allow`` holds exact strings that are fine (e.g. the service desk's own address);
    ``kinds`` limits the search (default: every kind, IP addresses included). Positions
    and texts of the matches are those of ``text`` itself, not of its folded view.
    """
    if not text:
        return
    original = text
    text, origin = fold(text)
    present = {"@": "@" in text, ":": ":" in text, "digit": _DIGIT.search(text) is not None}
    taken: list[tuple[int, int]] = []
    found: list[Match] = []
    for detector in DETECTORS:
        if (kinds is not None and detector.kind not in kinds) or not present[detector.needs]:
            continue
        for m in detector.pattern.finditer(text):
            if m.group(0) in allow or not detector.valid(m):
                continue
            start, end = m.span()
            if any(start < e and s < end for s, e in taken):
                continue
            taken.append((start, end))
            if origin is not None:
                start, end = origin[start], origin[end - 1] + 1
            if original[start:end] in allow:
                continue
            found.append(Match(detector.kind, start, end, original[start:end]))
    yield from sorted(found, key=lambda match: match.start)


def redact(text: str, *, kinds: frozenset[str] | None = None) -> str:
    """Replace personal data with placeholders such as ``[email]``, ``[ip]`` or ``[hetu]``."""
    matches = list(find(text, kinds=kinds))
    for match in reversed(matches):
        placeholder = PLACEHOLDERS.get(match.kind, f"[{match.kind}]")
        text = text[: match.start] + placeholder + text[match.end :]
    return text
