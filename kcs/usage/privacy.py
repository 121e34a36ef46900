"""Privacy: visitor hashes with a daily salt, and redaction of personal data.

No raw IP address is ever stored. A visitor is ``blake2b(ip, user agent)`` keyed
with a random salt that belongs to one day of the log; the salt lives in the
database only while that day can still receive lines and is deleted afterwards
(see :func:`kcs.usage.store.discard_salts`), after which nobody — us included —
can link the hash back to an address or to the same person on another day.

Search queries are redacted before they are stored: e-mail addresses, IP
addresses, phone numbers, Swedish personnummer, Finnish henkilötunnus, Dutch BSN
and payment-card numbers become placeholders such as ``[email]``. Checksums (Luhn, mod 11, mod 31)
keep error codes and order numbers that merely look similar.
"""

from __future__ import annotations

import hashlib
import re
import secrets

SALT_BYTES = 16

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# 13-19 digits, optionally grouped by spaces or dashes (card numbers)
_CARD = re.compile(r"(?<![\w])\d(?:[ -]?\d){12,18}(?![\w])")
# Swedish personnummer / samordningsnummer: (YY)YYMMDD-NNNN, YYMMDD+NNNN or 10/12 digits
_PNR = re.compile(r"(?<![\w])(?:(?:19|20)?\d{6})[-+]?\d{4}(?![\w])")
# Finnish henkilötunnus: DDMMYY, century sign, 3 digits, check character
_HETU = re.compile(r"(?<![\w])\d{6}[-+ABCDEFUVWXY]\d{3}[0-9A-Y](?![\w])", re.IGNORECASE)
# Dutch BSN: 9 digits (also 8, padded), 11-proof
_BSN = re.compile(r"(?<![\w])\d{4}\.?\d{2}\.?\d{3}(?![\w])|(?<![\w])\d{8,9}(?![\w])")
# Phone numbers: international (+46 / 0046 ...) or national (0...) with separators
_PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)\d{1,3}[ \-]?(?:\(0\)[ \-]?)?|0)\d{1,4}(?:[ \-/]?\d{2,4}){2,4}(?![\w])"
)
_HETU_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"
_IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])")
_IPV6 = re.compile(
    r"(?<![\w:])(?:(?:[0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}|[0-9a-fA-F:]*::[0-9a-fA-F:]*)(?![\w:])"
)


def new_salt() -> bytes:
    """A fresh random salt for one day of visitors."""
    return secrets.token_bytes(SALT_BYTES)


def visitor_hash(salt: bytes, ip: str, user_agent: str) -> int:
    """A signed 64-bit visitor id for (ip, user agent) on the salt's day."""
    digest = hashlib.blake2b(
        f"{ip}\x00{user_agent}".encode("utf-8", "surrogatepass"), key=salt, digest_size=8
    ).digest()
    return int.from_bytes(digest, "big", signed=True)


def luhn_ok(digits: str) -> bool:
    """The Luhn checksum (payment cards, Swedish personnummer)."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def bsn_ok(digits: str) -> bool:
    """The Dutch 11-proof: 9·d1 + 8·d2 + … + 2·d8 − 1·d9 is a multiple of 11."""
    digits = digits.zfill(9)
    if len(digits) != 9 or digits == "000000000":
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True))
    total -= int(digits[8])
    return total % 11 == 0


def hetu_ok(text: str) -> bool:
    """The Finnish henkilötunnus check character (DDMMYYNNN mod 31)."""
    text = text.upper()
    number = int(text[:6] + text[7:10])
    return _HETU_CHECK[number % 31] == text[10]


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def _pnr_ok(match: str) -> bool:
    digits = _digits(match)
    ten = digits[-10:]
    month, day = int(ten[2:4]), int(ten[4:6])
    if not (1 <= month <= 12 and (1 <= day <= 31 or 61 <= day <= 91)):
        return False
    return luhn_ok(ten)


def redact(text: str) -> str:
    """Replace personal data in ``text`` with placeholders.

    >>> redact("anna@example.org 0701234567")
    '[email] [phone]'
    """
    if not text:
        return text
    text = _EMAIL.sub("[email]", text)
    if ":" in text:
        text = _IPV6.sub("[ip]", text)
    if not any(ch.isdigit() for ch in text):
        return text
    text = _IPV4.sub("[ip]", text)
    text = _HETU.sub(lambda m: "[hetu]" if hetu_ok(m.group()) else m.group(), text)
    text = _CARD.sub(
        lambda m: (
            "[card]" if len(_digits(m.group())) >= 13 and luhn_ok(_digits(m.group())) else m.group()
        ),
        text,
    )
    text = _PNR.sub(lambda m: "[personnummer]" if _pnr_ok(m.group()) else m.group(), text)
    text = _BSN.sub(lambda m: "[bsn]" if bsn_ok(_digits(m.group())) else m.group(), text)
    text = _PHONE.sub("[phone]", text)
    return text


def scrub_line(line: str) -> str:
    """A malformed log line made safe to keep as a sample: addresses and personal data go."""
    return redact(line)
