"""Privacy: visitor hashes with a daily salt, and redaction of personal data.

No raw IP address is ever stored. A visitor is ``blake2b(ip, user agent)`` keyed
with a random salt that belongs to one day of the log; the salt lives in the
database only while that day can still receive lines and is deleted afterwards
(see :func:`kcs.usage.store.discard_salts`), after which nobody — us included —
can link the hash back to an address or to the same person on another day.

Search queries are redacted before they are stored: e-mail addresses, IP
addresses, phone numbers, Swedish personnummer, Finnish henkilötunnus, Dutch BSN
and payment-card numbers become placeholders such as ``[email]``. Detection lives in
:mod:`kcs.personal_data`, shared with lint and the importer; checksums (Luhn, mod 11,
mod 31) keep error codes and order numbers that merely look similar.
"""

from __future__ import annotations

import hashlib
import secrets

from ..personal_data import bsn_ok, hetu_ok, luhn_ok, redact

__all__ = [
    "SALT_BYTES",
    "bsn_ok",
    "hetu_ok",
    "luhn_ok",
    "new_salt",
    "redact",
    "scrub_line",
    "visitor_hash",
]

SALT_BYTES = 16


def new_salt() -> bytes:
    """A fresh random salt for one day of visitors."""
    return secrets.token_bytes(SALT_BYTES)


def visitor_hash(salt: bytes, ip: str, user_agent: str) -> int:
    """A signed 64-bit visitor id for (ip, user agent) on the salt's day."""
    digest = hashlib.blake2b(
        f"{ip}\x00{user_agent}".encode("utf-8", "surrogatepass"), key=salt, digest_size=8
    ).digest()
    return int.from_bytes(digest, "big", signed=True)


def scrub_line(line: str) -> str:
    """A malformed log line made safe to keep as a sample: addresses and personal data go."""
    return redact(line)
