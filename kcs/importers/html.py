"""HTML exports (Confluence, Zendesk, any one-page-per-article dump) → clean Markdown.

The HTML is sanitised with nh3 first (scripts, styles, event handlers,
``javascript:`` links and unknown tags go; their text stays where harmless),
then markdownify turns what is left into Markdown: headings, lists, tables,
code, links and images survive.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from .. import safe_html
from .mapping import ImportMapping
from .model import Failure, Record
from .textio import ReadProblem, checksum, read_source

log = logging.getLogger(__name__)


class _Head(HTMLParser):
    """Collects <title>, <meta>, <link rel=canonical>, <html lang> and the first <h1>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self._in: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "html" and a.get("lang"):
            self.meta.setdefault("lang", a["lang"])
        elif tag == "meta":
            name = (a.get("name") or a.get("property") or a.get("itemprop") or "").lower()
            if name and a.get("content"):
                self.meta.setdefault(name, a["content"])
        elif tag == "link" and "canonical" in a.get("rel", "").lower() and a.get("href"):
            self.meta.setdefault("canonical", a["href"])
        elif tag in ("title", "h1") and tag not in self.meta and self._in is None:
            self._in, self._text = tag, []

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            text = re.sub(r"\s+", " ", "".join(self._text)).strip()
            if text:
                self.meta.setdefault("title" if tag == "title" else "_h1", text)
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in:
            self._text.append(data)


def head_fields(html: str) -> dict[str, Any]:
    parser = _Head()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # noqa: BLE001 - html.parser is lenient; a broken head just gives less
        pass
    return parser.meta


#: The opening tag of the page's main part. A tag ends at the next ``<`` as well as at ``>``
#: and its id is looked for once (a lookahead), so that a page of thousands of unclosed
#: ``<div id=x`` is read once, not once per tag.
_MAIN = re.compile(
    r"<(main|article)\b[^<>]*>"
    r"|<(div)\b(?=[^<>]*?\bid=[\"'](?:main-content|content|article-body)[\"'])[^<>]*>",
    re.I,
)
_BODY = re.compile(r"<body\b[^<>]*>", re.I)
_BODY_END = re.compile(r"</body\s*>", re.I)


def main_content(html: str) -> str:
    """The page's main part (``<main>``, ``<article>``, Confluence's ``div#main-content``).

    Exports wrap the article in navigation, breadcrumbs and footers; an article
    needs none of them. Without such an element the whole fragment is used.
    """
    match = _MAIN.search(html)
    if not match:
        return html
    tag = (match.group(1) or match.group(2)).lower()
    depth, position = 1, match.end()
    tags = re.compile(rf"<(/?){tag}\b[^<>]*>", re.I)
    for found in tags.finditer(html, position):
        depth += -1 if found.group(1) else 1
        if depth == 0:
            return html[match.end() : found.start()]
    return html[match.end() :]


def body_of(html: str) -> str:
    """What lies between ``<body>`` and the last ``</body>``; the whole text without them."""
    opening = _BODY.search(html)
    if opening is None:
        return html
    closings = [m.start() for m in _BODY_END.finditer(html, opening.end())]
    return html[opening.end() : closings[-1]] if closings else html


#: Deepest element nesting converted. Real pages nest a few dozen levels; markdownify recurses
#: three frames a level (Python's recursion limit is near 330 levels) and the sanitiser takes
#: time with the square of the depth.
MAX_DEPTH = 200
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^<>]*?(/?)>")
#: Elements that never hold others (void) or that the next sibling closes (optional end
#: tags): neither adds a level of nesting.
_FLAT = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
        "p",
        "li",
        "dt",
        "dd",
        "tr",
        "td",
        "th",
        "thead",
        "tbody",
        "tfoot",
        "option",
        "optgroup",
        "colgroup",
        "rb",
        "rt",
        "rp",
        "html",
        "head",
        "body",
    ]
)
#: A run of blanks outside <pre>: the converter reads a long one once per blank.
_BLANKS = re.compile(r"[ \t]{2,}")


class HtmlProblem(Exception):
    """An HTML source that cannot be converted; the message is one line naming the fix."""


def nesting_depth(html: str) -> int:
    """How deep the elements of ``html`` nest, as tags open and close (one pass)."""
    depth = deepest = 0
    for match in _TAG.finditer(html):
        if match.group(3) or match.group(2).lower() in _FLAT:
            continue
        if match.group(1):
            depth = max(depth - 1, 0)
        else:
            depth += 1
            deepest = max(deepest, depth)
    return deepest


def to_markdown(html: str) -> str:
    """Sanitised, readable Markdown from an HTML fragment or page.

    Raises HtmlProblem when the page nests too deeply or the converter fails on it.
    """
    from bs4 import BeautifulSoup

    fragment = main_content(body_of(html))
    depth = nesting_depth(fragment)
    if depth > MAX_DEPTH:
        raise HtmlProblem(
            f"elements nest {depth:,} levels deep, over the limit of {MAX_DEPTH:,}; "
            "remove the nested wrappers (<div> in <div> ...) and import it again"
        )
    clean = safe_html.clean(fragment)
    converter = _converter()
    try:
        soup = BeautifulSoup(clean, "html.parser")
        _collapse_blanks(soup)
        markdown = str(converter.convert_soup(soup))
    except RecursionError:
        raise HtmlProblem(
            "elements nest too deeply to convert; remove the nested wrappers "
            "(<div> in <div> ...) and import it again"
        ) from None
    except Exception as exc:  # noqa: BLE001 - one bad page must not stop the import
        log.debug("markdownify failed", exc_info=True)
        first = str(exc).splitlines()[0] if str(exc) else ""
        raise HtmlProblem(
            f"the HTML converter failed ({type(exc).__name__}: {first}); "
            "simplify the page's markup or import it as Markdown"
        ) from None
    # trailing blanks, line by line: a pattern would read a long run once per blank
    markdown = "\n".join(line.rstrip(" \t") for line in markdown.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", markdown).strip() + "\n"


def _collapse_blanks(soup: Any) -> None:
    """Runs of blanks outside <pre> become one space, which is all the converter keeps of
    them (it reads a long run once per blank)."""
    from bs4 import NavigableString, Tag

    found: list[Any] = []
    stack: list[tuple[Any, bool]] = [(soup, False)]
    while stack:  # no recursion: the tree may be deep
        node, in_pre = stack.pop()
        for child in node.contents:
            if isinstance(child, Tag):
                stack.append((child, in_pre or child.name == "pre"))
            elif type(child) is NavigableString and not in_pre and _BLANKS.search(child):
                found.append(child)
    for text in found:
        text.replace_with(NavigableString(_BLANKS.sub(" ", text)))


def _strip_pre(text: str) -> str:
    """markdownify's strip_pre (blank lines at the start, blanks and line breaks at the end)
    in one pass: its pattern for the end reads a long run of blanks once per blank."""
    lead = len(text) - len(text.lstrip(" \n"))
    text = text[text.rfind("\n", 0, lead) + 1 :]
    return text.rstrip(" \n")


def _converter() -> Any:
    from markdownify import MarkdownConverter

    class Converter(MarkdownConverter):
        def convert_pre(self, el: Any, text: str, parent_tags: Any) -> str:
            stripped = _strip_pre(text)
            if text and not stripped:  # markdownify strips after its test for an empty <pre>
                return "\n\n```\n\n```\n\n"
            pre = super().convert_pre  # type: ignore[misc]  # missing from the stubs
            return str(pre(el, stripped, parent_tags))

    return Converter(
        heading_style="ATX",
        bullets="-",
        escape_underscores=False,
        escape_asterisks=False,
        code_language="",
        strip_pre=None,
    )


class HtmlImporter:
    name: str = "html"
    suffixes: tuple[str, ...] = (".html", ".htm")

    def read(self, path: Path, rel: str, mapping: ImportMapping) -> Iterator[Record | Failure]:
        try:
            data, text, warnings = read_source(path, mapping.max_bytes)
        except ReadProblem as exc:
            yield Failure(rel, str(exc))
            return
        meta = head_fields(text)
        try:
            markdown = to_markdown(text)
        except HtmlProblem as exc:
            yield Failure(rel, str(exc))
            return
        if not markdown.strip():
            yield Failure(rel, "no readable text after removing scripts and markup")
            return
        if re.search(r"<script\b|\bon[a-z]+\s*=", text, re.I):
            warnings.append("scripts or event handlers removed")
        yield Record(
            origin=rel,
            path=rel,
            key=rel,
            meta=meta,
            body=markdown,
            checksum=checksum(data),
            file=path,
            warnings=tuple(warnings),
        )
