"""HTML exports (Confluence, Zendesk, any one-page-per-article dump) → clean Markdown.

The HTML is sanitised with nh3 first (scripts, styles, event handlers,
``javascript:`` links and unknown tags go; their text stays where harmless),
then markdownify turns what is left into Markdown: headings, lists, tables,
code, links and images survive.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from .. import safe_html
from .mapping import ImportMapping
from .model import Failure, Record
from .textio import ReadProblem, checksum, read_source


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


_MAIN = re.compile(
    r"<(main|article)\b[^>]*>|<(div)\b[^>]*\bid=[\"'](?:main-content|content|article-body)[\"'][^>]*>",
    re.I,
)


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
    tags = re.compile(rf"<(/?){tag}\b[^>]*>", re.I)
    for found in tags.finditer(html, position):
        depth += -1 if found.group(1) else 1
        if depth == 0:
            return html[match.end() : found.start()]
    return html[match.end() :]


def to_markdown(html: str) -> str:
    """Sanitised, readable Markdown from an HTML fragment or page."""
    from markdownify import markdownify

    body = re.search(r"<body\b[^>]*>(.*)</body\s*>", html, re.S | re.I)
    fragment = main_content(body.group(1) if body else html)
    clean = safe_html.clean(fragment)
    markdown = markdownify(
        clean,
        heading_style="ATX",
        bullets="-",
        escape_underscores=False,
        escape_asterisks=False,
        code_language="",
    )
    markdown = re.sub(r"[ \t]+\n", "\n", markdown)
    return re.sub(r"\n{3,}", "\n\n", markdown).strip() + "\n"


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
        markdown = to_markdown(text)
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
