"""The renderer fuzzed: hostile and malformed Markdown and HTML drawn by hypothesis.

Two invariants: the render check (kcs/render.py) agrees with MkDocs itself about what it
cannot render, and a real build with such articles finishes with every other article on
both sites.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from buildkb import article, make_repo
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st
from test_render import mkdocs_renders

from kcs import render
from kcs.build import build_sites
from kcs.knowledge import load

#: Examples of the build property (each is two real builds); the render property runs
#: FACTOR times as many.
EXAMPLES = int(os.environ.get("KCS_FUZZ_EXAMPLES", "3"))
FACTOR = 60

_WORDS = st.text(alphabet="abcLOG xyz=\"'/.:-", max_size=20)
_KEYWORDS = st.sampled_from(["LOG", "CDATA", "if", "endif", "FOO", " X ", "", "temp", "ignore"])


@st.composite
def marked_sections(draw: st.DrawFn) -> str:
    keyword = draw(_KEYWORDS | st.text(alphabet="ABCLOGxyz ", max_size=5))
    close = draw(st.sampled_from(["]]>", f"]{keyword}]!>", "", "]>"]))
    return f"<![{keyword}[{draw(_WORDS)}{close}"


@st.composite
def nesting(draw: st.DrawFn) -> str:
    depth = draw(st.integers(20, 400))
    kind = draw(st.sampled_from(["quote", "list", "div", "md-div", "emphasis", "brackets"]))
    if kind == "quote":
        return ">" * depth + " deep"
    if kind == "list":
        return "".join("  " * i + "- item\n" for i in range(depth // 4))
    if kind == "div":
        return "<div>" * depth + "x" + "</div>" * draw(st.integers(0, depth))
    if kind == "md-div":
        return '<div markdown="1">\n' * (depth // 10) + "x\n"
    if kind == "emphasis":
        return "*_" * depth + "x"
    return "[" * (depth // 4) + "x" + "](y)" * (depth // 8)


@st.composite
def tables(draw: st.DrawFn) -> str:
    columns = draw(st.integers(1, 12))
    rows = draw(st.integers(1, 300))
    head = "|" + "|".join(f"h{c}" for c in range(columns)) + "|"
    rule = "|" + "|".join("-" * draw(st.integers(1, 3)) for _ in range(columns)) + "|"
    cell = draw(st.sampled_from(["x", "<b>", "`a|b`", "<![LOG[", "\\|", ""]))
    return "\n".join([head, rule] + ["|" + "|".join([cell] * columns) + "|"] * rows)


FRAGMENTS = st.one_of(
    st.sampled_from(
        [
            "<div>",
            "<span>",
            "<a href='x'>",
            "<table><tr><td>",
            "<script>alert(1)",
            "<style>",
            "<!--",
            "<details><summary>",
            "<![CDATA[ never closed",
            "<?xml version='1.0'?>",
            "<!DOCTYPE html>",
            "<!ELEMENT x>",
            "<!",
            "</div></div></p>",
            '<div markdown="1">',
            '!!! note "x"\n    body',
            "{: #id .class }",
            "```",
            "    <![LOG[indented]LOG]!>",
            "`<![LOG[code]LOG]!>`",
            "[ref]: <",
            "<https://",
            "&#0; &#xD800; &#99999999;",
        ]
    ),
    marked_sections(),
    nesting(),
    tables(),
    st.text(alphabet="<>![]()*_`#|-:/\\&;\"' \nabcLOG\x00\x02\x03\x1b\ufeff", max_size=120),
)
BODIES = st.lists(FRAGMENTS, min_size=1, max_size=6).flatmap(
    lambda parts: st.sampled_from(["\n\n", "\n", "", " "]).map(lambda sep: sep.join(parts))
)


@settings(
    max_examples=EXAMPLES * FACTOR,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(body=BODIES)
def test_the_check_agrees_with_mkdocs(tmp_path_factory: pytest.TempPathFactory, body: str) -> None:
    full = render.problem("x.md", body, 1)
    quick = render.problem("x.md", body, 1, full=False)
    event("cannot be rendered" if full else "renders")
    assert quick is None or full is not None  # the quick check finds a subset
    assert (full is None) is mkdocs_renders(body, tmp_path_factory.getbasetemp()), full


GOOD = {
    f"articles/accounts/good-{n}.md": article(f"good-{n}", f"Good article {n}", f"Text {n}.\n")
    for n in range(3)
}


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    phases=(Phase.explicit, Phase.reuse, Phase.generate),  # each example is two builds
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    st.lists(BODIES, min_size=1, max_size=6),
    st.lists(st.binary(min_size=1, max_size=8), max_size=2),
)
def test_no_article_breaks_the_build(bodies: list[str], garbage: list[bytes]) -> None:
    hostile: dict[str, str | bytes] = {
        f"articles/network/hostile-{n}.md": article(f"hostile-{n}", f"Hostile {n}", body)
        for n, body in enumerate(bodies)
    }
    for n, data in enumerate(garbage):
        # invalid UTF-8 (or NUL bytes) inside an otherwise sound article
        text = article(f"bytes-{n}", f"Bytes {n}", "Text.\n\n").encode()
        hostile[f"articles/network/bytes-{n}.md"] = text + b"\xff\xc3\x28" + data
    with tempfile.TemporaryDirectory(prefix="kcs-fuzz-") as folder:
        root = make_repo(Path(folder), {**GOOD, **hostile})
        kb = load(root)
        result = build_sites(root, ("public", "internal"))  # finishes: no exception
        warnings = "\n".join(result.warnings)
        event(f"{warnings.count('render-error')} render-error warnings")
        for site in result.sites:
            out = root / "site" / site.audience
            for n in range(3):
                assert (out / f"a/good-{n}/index.html").is_file(), site.audience
            for loaded in kb.articles:
                page = out / f"a/{loaded.id}/index.html"
                reported = f"{loaded.path}:" in warnings and "render-error" in warnings
                # On the public site a hostile article is there or reported; agents
                # always get its page (the article or the placeholder).
                assert page.is_file() or (site.audience == "public" and reported), loaded.path
        for path in hostile:
            assert path in {a.path for a in kb.articles} or path in warnings, path
