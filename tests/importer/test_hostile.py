"""Hostile sources: every scan of the importer reads a file once, however it is built.

Each text here is a megabyte that the old patterns read once per marker (hours); they take
milliseconds now. The properties check that ordinary text matches as before.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kcs import safe_html
from kcs.importers import convert, html
from kcs.importers.mapping import ImportMapping
from kcs.importers.pipeline import run_import

MB = 1_000_000

# the patterns as they were before they stopped at the next "<" or "["
_HTML_TAG_BEFORE = re.compile(r"<(img|a)\b[^>]*?\s(?:src|href)\s*=[^>]*>", re.I)
_INCLUDE_BEFORE = re.compile(r"\[!INCLUDE\s*\[([^\]]*)\]\(\s*<?([^)>\s]+)>?\s*\)\s*\]", re.I)
_LINK_BEFORE = re.compile(
    r"(!?)\[((?:[^\[\]]|\[[^\]]*\])*)\]\(\s*(<[^>]*>"
    r"|[^()\s\"]+(?: [^()\s\"]+)+\.(?:png|jpe?g|gif|svg|webp|bmp)"
    r"|(?:[^()\s]|\([^()\s]*\))+)"
    r"(\s+\"[^\"]*\")?\s*\)"
)
_IMG_TAG_BEFORE = re.compile(r"<img\b(?![^>]*\balt=\"[^\"]+\")", re.I)
_EMPTY_ALT_BEFORE = re.compile(r"(<img\b[^>]*?)\s+alt=(\"\"|'[^']*')", re.I)
_MAIN_BEFORE = re.compile(
    r"<(main|article)\b[^>]*>|<(div)\b[^>]*\bid=[\"'](?:main-content|content|article-body)[\"'][^>]*>",
    re.I,
)


def _spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, int, tuple[str | None, ...]]]:
    return [(m.start(), m.end(), m.groups()) for m in pattern.finditer(text)]


def test_markdown_scans_read_a_hostile_line_once() -> None:
    assert convert._HTML_TAG.findall("<a " * (MB // 3)) == []
    assert convert._INCLUDE.findall("[!INCLUDE [" * (MB // 11)) == []
    assert convert._INCLUDE.findall("[!INCLUDE[a](" * (MB // 13)) == []
    assert convert._LINK.findall("[[a" * (MB // 3)) == []
    assert convert._LINK.findall("[a](<" * (MB // 5)) == []
    assert len(convert._IMG_TAG.findall("<img " * (MB // 5))) == MB // 5
    assert convert._EMPTY_ALT.findall("<img" + " " * MB) == []


def test_a_hostile_body_converts_once() -> None:
    """The whole conversion of a body of a megabyte of each marker."""
    ctx = convert.Context(
        source_root=Path("/nonexistent"),
        source_path="a.md",
        target_path="articles/t/a.md",
        article_id="a",
        lang="en",
        mapping=ImportMapping(),
        targets={},
    )
    for text in ("<a " * (MB // 3), "[!INCLUDE [" * (MB // 11), "[a](<" * (MB // 5)):
        assert convert.convert(text, ctx).body


_TOKENS = st.sampled_from(
    [
        "x",
        " ",
        "  ",
        "[a]",
        "[b [c]]",
        "(d)",
        "](e.md)",
        "](<f g.png>)",
        '](h i.png "t")',
        "![",
        "[!INCLUDE [t](inc.md)]",
        '<a href="l.md">',
        "<img src='m.png'>",
        '<img alt="" src=n.png>',
        '<img  alt="k" src=o>',
        "</a>",
        ">",
        "`",
    ]
)


@given(st.lists(_TOKENS, max_size=12).map("".join))
def test_markdown_patterns_match_ordinary_text_as_before(text: str) -> None:
    """Text whose tags and brackets close matches as it did with the patterns that read on."""
    assert _spans(convert._HTML_TAG, text) == _spans(_HTML_TAG_BEFORE, text)
    assert _spans(convert._INCLUDE, text) == _spans(_INCLUDE_BEFORE, text)
    assert _spans(convert._IMG_TAG, text) == _spans(_IMG_TAG_BEFORE, text)
    assert _spans(convert._EMPTY_ALT, text) == _spans(_EMPTY_ALT_BEFORE, text)
    if "[b [c]]" not in text:  # one level of nested brackets in link text, as before
        assert _spans(convert._LINK, text) == _spans(_LINK_BEFORE, text)


def test_html_scans_read_a_hostile_page_once() -> None:
    assert html._MAIN.search("<div id=x " * (MB // 10)) is None
    assert html.to_markdown("<div id=x " * (MB // 10)) == "\n"
    assert html.to_markdown("<body>" * (MB // 6)) == "\n"
    assert html.to_markdown("<main>" + "<main " * (MB // 6)) == "\n"
    assert html.to_markdown("<p>a" + " \t" * (MB // 2) + "b</p>") == "a b\n"
    pre = html.to_markdown("<pre>a" + " " * MB + "b\n \n</pre>")
    assert pre == "```\na" + " " * MB + "b\n```\n"
    assert html.body_of("<html><body class=x>in</body> </body>out") == "in</body> "


@given(
    st.lists(
        st.sampled_from(
            ["<main>", "</main>", "<div id='content'>", "<div>", "</div>", "<article x>", "a", " "]
        ),
        max_size=10,
    ).map("".join)
)
def test_main_tag_matches_ordinary_pages_as_before(page: str) -> None:
    assert _spans(html._MAIN, page) == _spans(_MAIN_BEFORE, page)


def _to_markdown_before(fragment: str) -> str:
    from markdownify import markdownify

    markdown = markdownify(
        safe_html.clean(fragment),
        heading_style="ATX",
        bullets="-",
        escape_underscores=False,
        escape_asterisks=False,
        code_language="",
    )
    markdown = re.sub(r"[ \t]+\n", "\n", markdown)
    return re.sub(r"\n{3,}", "\n\n", markdown).strip() + "\n"


@given(
    st.lists(
        st.sampled_from(
            ["<p>", "</p>", "<pre>", "</pre>", "<code>", "</code>", "<li>", "<ul>", "</ul>"]
            + ["<h2>", "</h2>", "<br>", "a", "b", " ", "   ", "\t", "\n", " \n  ", "\n\n"]
            + ['<img alt="x  y" src=i.png>', "<td>", "<table>", "<blockquote>"]
        ),
        max_size=16,
    ).map("".join)
)
def test_blanks_convert_as_before(fragment: str) -> None:
    """Collapsing blanks outside <pre> and stripping a <pre> in one pass change nothing."""
    assert html.to_markdown(fragment) == _to_markdown_before(fragment)


def test_deep_nesting_is_one_line_for_that_file(kb: Path, tmp_path: Path) -> None:
    src = tmp_path / "pages"
    src.mkdir()
    page = "<html><head><title>{t}</title></head><body><h2>Resolution</h2><p>{t}.</p></body></html>"
    (src / "a.html").write_text(page.format(t="Printer"))
    (src / "b.html").write_text(page.format(t="Scanner"))
    (src / "deep.html").write_text("<title>Deep</title>" + "<div>" * 3000 + "x")
    result = run_import(kb, src, into="articles/t")
    assert sorted(a.origin for a in result.actions) == ["a.html", "b.html"]
    assert [(f.origin, f.message) for f in result.failures] == [
        (
            "deep.html",
            "elements nest 3,000 levels deep, over the limit of 200; remove the nested "
            "wrappers (<div> in <div> ...) and import it again",
        )
    ]
    assert sorted(p.name for p in (kb / "articles" / "t").iterdir()) == ["a.md", "b.md"]


def test_a_converter_failure_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """Recursion in markdownify (here under a raised limit) is one line naming the fix."""
    monkeypatch.setattr(html, "MAX_DEPTH", 10**6)
    with pytest.raises(html.HtmlProblem, match="^elements nest too deeply to convert; "):
        html.to_markdown("<div>" * 3000 + "x")
