"""Ticket ids are internal: no file of a wider site may carry one, its search index included."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from kcs.build import build_sites

TICKET = "INC0012345"
ARTICLE = """---
title: {title}
id: {ident}
lang: sv
state: validated
audience: public
reviewed: 2026-11-01
tags: [konto]
tickets: [{ticket}]
---

## Problem

Inloggningen misslyckas med felkod 0x80070643 efter semestern.

## Lösning

Byt lösenordet på självserviceportalen.
"""


def readable(path: Path) -> str:
    """A file's text as a browser would get it (Pagefind's fragments and indexes are gzip)."""
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return data.decode("utf-8", "replace")


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("ticket-sites")
    (root / "articles" / "accounts").mkdir(parents=True)
    (root / "kcs.yml").write_text("languages: [sv]\ndefault_language: sv\n", encoding="utf-8")
    for n, ticket in enumerate((TICKET, "SD-4711")):
        text = ARTICLE.format(title=f"Lösenord {n}", ident=f"password-{n}", ticket=ticket)
        (root / "articles" / "accounts" / f"password-{n}.md").write_text(text, encoding="utf-8")
    build_sites(root, out=root / "site")
    return root / "site"


def test_no_file_of_the_public_site_names_a_ticket(sites: Path) -> None:
    files = [p for p in (sites / "public").rglob("*") if p.is_file()]
    assert len(list((sites / "public" / "pagefind" / "fragment").iterdir())) == 2
    assert [str(p) for p in files if TICKET in readable(p) or "SD-4711" in readable(p)] == []


def test_the_internal_index_finds_articles_by_ticket(sites: Path) -> None:
    texts = [readable(p) for p in (sites / "internal" / "pagefind" / "fragment").iterdir()]
    assert sum(TICKET in text for text in texts) == 1
    assert sum("SD-4711" in text for text in texts) == 1
