"""Articles written through python-frontmatter with the project's safe YAML rules."""

from __future__ import annotations

import datetime as dt

import frontmatter
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kcs.articlefile import FRONT_MATTER, dump_article
from kcs.yamlio import load_mapping


def test_an_article_is_front_matter_a_blank_line_and_the_body() -> None:
    text = dump_article(
        {"id": "vpn-reset", "title": "Återställ VPN", "tags": [], "starts": dt.date(2026, 12, 4)},
        "## Issue\n\nIt drops.\n",
    )
    assert text == (
        "---\nid: vpn-reset\ntitle: Återställ VPN\ntags: []\nstarts: 2026-12-04\n---\n\n"
        "## Issue\n\nIt drops.\n"
    )


def test_a_field_may_have_any_name_and_the_order_is_kept() -> None:
    text = dump_article({"title": "T", "content": "c", "handler": "h"}, "")
    assert text == "---\ntitle: T\ncontent: c\nhandler: h\n---\n\n"


def test_reading_back_through_python_frontmatter_refuses_aliases_and_tags() -> None:
    with pytest.raises(ValueError, match="YAML anchors and aliases"):
        frontmatter.loads("---\na: &x 1\nb: *x\n---\nbody\n", handler=FRONT_MATTER)
    with pytest.raises(ValueError, match="invalid YAML"):
        frontmatter.loads("---\na: !!python/object:os.system ls\n---\n", handler=FRONT_MATTER)


_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=40)


@given(
    meta=st.dictionaries(
        st.from_regex(r"[a-z][a-z_.]{0,12}", fullmatch=True),
        _text | st.integers() | st.lists(_text, max_size=3),
        max_size=6,
    ),
    body=_text.map(lambda b: b + "\n"),
)
def test_what_is_written_reads_back_unchanged(meta: dict[str, object], body: str) -> None:
    text = dump_article(meta, body)
    assert text.startswith("---\n")
    front, _, rest = text[4:].partition("\n---\n\n")
    assert load_mapping(front).data == meta
    assert rest == body
