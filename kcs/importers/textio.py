"""Reading source files whatever their encoding: BOM, Latin-1, CRLF, size cap."""

from __future__ import annotations

import hashlib
from pathlib import Path


class ReadProblem(Exception):
    """The file cannot be imported; the message is one line naming the fix."""


def checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


#: Legacy encodings of the languages served (sv, fi, nl, en), preferred on a tie:
#: short Swedish text reads equally well as cp1250 and cp1252, but only one is right.
_WESTERN = ("cp1252", "latin_1", "iso8859_15")


def guess_encoding(data: bytes) -> str | None:
    """The most likely encoding of non-UTF-8 ``data`` (charset-normalizer's guess)."""
    from charset_normalizer import from_bytes

    results = list(from_bytes(data[:1_000_000]))
    if not results:
        return None
    best = results[0]
    for name in _WESTERN:
        for match in results:
            if match.encoding == name and match.chaos <= best.chaos:
                return name
    return str(best.encoding)


def decode(data: bytes, *, what: str = "file") -> tuple[str, list[str]]:
    """Text from bytes: UTF-8 (with or without BOM), else the detected encoding.

    Returns the text with LF line ends and the warnings (e.g. which encoding was
    guessed). Raises :class:`ReadProblem` when no encoding fits.
    """
    warnings: list[str] = []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        encoding = guess_encoding(data)
        if encoding is None:
            raise ReadProblem(
                f"{what} is neither UTF-8 nor a text encoding that can be "
                "recognised; save it as UTF-8"
            ) from None
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            raise ReadProblem(
                f"{what} is not UTF-8 and not {encoding} either; save it as UTF-8"
            ) from None
        warnings.append(f"not UTF-8; read as {encoding}")
    if "\x00" in text:
        raise ReadProblem(f"{what} holds NUL bytes: it is binary, not text")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, warnings


def read_source(path: Path, max_bytes: int) -> tuple[bytes, str, list[str]]:
    """(raw bytes, text, warnings) of one source file, refusing empty and huge files."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ReadProblem(f"cannot read: {exc.strerror}") from None
    if size > max_bytes:
        raise ReadProblem(
            f"{size:,} bytes is over the limit of {max_bytes:,} bytes; split the "
            "file or raise max_bytes in the mapping file"
        )
    data = path.read_bytes()
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise ReadProblem("the file is empty")
    text, warnings = decode(data)
    return data, text, warnings
