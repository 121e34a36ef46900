"""The content standard, automated: every check over the parsed knowledge base.

Checks are plain functions in an explicit registry (:data:`CHECKS`). Each takes
the whole knowledge base, because several checks (duplicate ids, links, audience
of link targets) need more than one article.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from . import nesting, personal_data, unbuildable
from .article import SECTION_HEADINGS, SITE_URL, Article
from .config import AUDIENCES
from .findings import ERROR, WARNING, Finding
from .knowledge import KnowledgeBase

#: Sections each state needs (announcements and references are free-form).
REQUIRED_SECTIONS: dict[str, tuple[str, ...]] = {
    "wip": ("issue",),
    "not-validated": ("issue", "resolution"),
    "validated": ("issue", "resolution"),
    "archived": (),
}
FREE_FORM_TYPES = frozenset({"announcement", "reference"})

_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
#: An <img> tag without alt text. A tag ends at the next ``<`` too, so that each try stops
#: where the next tag starts: a line of thousands of unclosed ``<img`` is read once.
_IMG_NO_ALT = re.compile(r"<img\b(?![^<>]*\balt=\"[^\"]+\")[^<>]*>", re.I)
_PLACEHOLDER = re.compile(r"\b(TODO|FIXME|TBD|XXX)\b|lorem ipsum", re.IGNORECASE)
_PLACEHOLDER_CASED = re.compile(r"\b(TODO|FIXME|TBD|XXX)\b|[Ll]orem ipsum")


@dataclass(frozen=True)
class LintResult:
    findings: tuple[Finding, ...]

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == WARNING)

    def failed(self, *, strict: bool = False) -> bool:
        return bool(self.errors or (strict and self.warnings))


Check = Callable[[KnowledgeBase, dict[str, Article]], Iterable[Finding]]


def lint(kb: KnowledgeBase, *, paths: Iterable[str] | None = None) -> list[Finding]:
    """Every finding for the knowledge base, sorted by file and line.

    ``paths`` (repository-relative) limits the report to those files; the checks
    still see every article, so links into the rest of the base resolve.
    """
    index = kb.by_id()
    findings: list[Finding] = list(kb.findings)
    wanted = set(paths) if paths is not None else None
    for name, check in CHECKS.items():
        if name == "render" and wanted is not None:
            # The files asked for (a change under review) get a full render; it needs no
            # other article. The whole base gets the quick check (kcs/render.py).
            narrowed = replace(kb, articles=_only(kb.articles, wanted))
            findings.extend(check_render(narrowed, index, full=True))
        else:
            findings.extend(check(kb, index))
    if wanted is not None:
        findings = [f for f in findings if f.path in wanted]
    return sorted(set(findings))


def check_duplicate_ids(kb: KnowledgeBase, index: dict[str, Article]) -> Iterator[Finding]:
    owners: dict[str, list[Article]] = {}
    for article in kb.articles:
        owners.setdefault(article.id, []).append(article)
    for ident, articles in owners.items():
        if len(articles) < 2:
            continue
        for article in articles:
            others = ", ".join(a.path for a in articles if a is not article)
            yield Finding(
                article.path,
                article.line_of("id"),
                "duplicate-id",
                f"id '{ident}' is also used by {others}; give one of them a new id",
            )


def check_sections(kb: KnowledgeBase, index: dict[str, Article]) -> Iterator[Finding]:
    for article in kb.articles:
        if article.type in FREE_FORM_TYPES:
            continue
        for key in REQUIRED_SECTIONS[article.state]:
            section = article.section(key)
            # a framed (wip) article may keep the template's hints; past wip a hint
            # alone (an untouched section) is no content
            filled = section is not None and (
                section.has_content if article.state != "wip" else bool(section.text.strip())
            )
            if not filled:
                heading = _heading(article, key)
                what = "is empty" if section else "is missing"
                yield Finding(
                    article.path,
                    section.line if section else article.body_line,
                    "missing-section",
                    f"section '{heading}' {what}; a "
                    f"{article.state} article needs "
                    + " and ".join(_heading(article, k) for k in REQUIRED_SECTIONS[article.state]),
                )


def _heading(article: Article, key: str) -> str:
    return SECTION_HEADINGS.get(article.lang, SECTION_HEADINGS["en"])[key]


def link_target(article: Article, target: str) -> str | None:
    """The repository path a relative link points to, or None for external links."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or target.startswith(("#", "/", "mailto:")):
        return None
    if not parts.path:
        return None
    joined = PurePosixPath(article.path).parent / unquote(parts.path)
    normal: list[str] = []
    for part in joined.parts:
        if part == "..":
            if normal:
                normal.pop()
        elif part != ".":
            normal.append(part)
    return "/".join(normal)


def check_links(kb: KnowledgeBase, index: dict[str, Article]) -> Iterator[Finding]:
    by_path = kb.by_path()
    for article in kb.articles:
        for link in article.links:
            site = SITE_URL.match(_site_path(kb, link.target))
            if site:
                other = index.get(site.group("id"))
                if other is None:
                    yield Finding(
                        article.path,
                        link.line,
                        "broken-link",
                        f"link to '{link.target}' points to no article; fix the id or "
                        "remove the link",
                    )
                else:
                    yield from _audience_link(article, other, link.line)
                continue
            target = link_target(article, link.target)
            if target is None:
                continue
            if link.image:
                if not (kb.root / target).is_file():
                    yield Finding(
                        article.path,
                        link.line,
                        "broken-link",
                        f"image '{link.target}' does not exist",
                    )
                continue
            if not target.endswith(".md"):
                if not (kb.root / target).exists():
                    yield Finding(
                        article.path,
                        link.line,
                        "broken-link",
                        f"link target '{link.target}' does not exist",
                    )
                continue
            other = by_path.get(target)
            if other is None:
                yield Finding(
                    article.path,
                    link.line,
                    "broken-link",
                    f"link to '{link.target}' points to no article; fix the path or "
                    "remove the link",
                )
                continue
            yield from _audience_link(article, other, link.line)
    for article in kb.articles:
        for name, ids in (
            ("translation_of", [article.translation_of] if article.translation_of else []),
            ("related", list(article.related)),
        ):
            for ident in ids:
                if ident not in index:
                    yield Finding(
                        article.path,
                        article.line_of(name),
                        "broken-link",
                        f"{name} '{ident}' is not the id of any article",
                    )


def _site_path(kb: KnowledgeBase, url: str) -> str:
    """The path of a link to the site itself (its absolute URLs included), without query
    or fragment; other URLs as they are."""
    for base in (kb.config.site.url, kb.config.site.internal_url):
        if base and url.startswith(base.rstrip("/") + "/"):
            url = url[len(base.rstrip("/")) :]
            break
    return url.partition("#")[0].partition("?")[0]


def _audience_link(article: Article, other: Article, line: int) -> Iterator[Finding]:
    if AUDIENCES.index(other.audience) < AUDIENCES.index(article.audience):
        yield Finding(
            article.path,
            line,
            "audience-link",
            f"this {article.audience} article links to {other.path}, which only "
            f"{other.audience} readers may see; widen that article's audience or "
            "remove the link",
        )
    elif (
        article.state == "validated"
        and other.state != "validated"
        and (article.audience != "internal")
    ):
        yield Finding(
            article.path,
            line,
            "unpublished-link",
            f"links to {other.path} ({other.state}), which is not published outside; "
            "the link will show as plain text",
            WARNING,
        )


def check_images(kb: KnowledgeBase, index: dict[str, Article]) -> Iterator[Finding]:
    for article in kb.articles:
        for link in article.links:
            if link.image and not link.text.strip():
                yield Finding(
                    article.path,
                    link.line,
                    "image-alt",
                    f"image '{link.target}' has no alt text; describe it inside ![...]",
                )
        for number, line in _body_lines(article):
            if "<img" in line.lower() and _IMG_NO_ALT.search(line):
                yield Finding(
                    article.path, number, "image-alt", '<img> has no alt text; add alt="..."'
                )


def check_placeholders(kb: KnowledgeBase, index: dict[str, Article]) -> Iterator[Finding]:
    for article in kb.articles:
        if article.state == "wip":
            continue  # a framed article may still say what is missing
        if _PLACEHOLDER.search(article.title):
            yield Finding(
                article.path,
                article.line_of("title"),
                "placeholder",
                "title holds placeholder text; write the real title",
            )
        for number, line in _body_lines(article):
            match = _PLACEHOLDER_CASED.search(line)
            if match:
                yield Finding(
                    article.path,
                    number,
                    "placeholder",
                    f"placeholder '{match.group(0)}' left in the text; finish it or set state: wip",
                )


def check_list_indent(kb: KnowledgeBase, index: dict[str, Article]) -> Iterator[Finding]:
    for article in kb.articles:
        items, blocks = nesting.misplaced(article.body)
        for item in items:
            parent = item.parent or item
            yield Finding(
                article.path,
                article.body_line + item.line,
                "list-indent",
                f"list item indented {item.indent - parent.indent} space(s) under the item on "
                f"line {article.body_line + parent.line} shows beside it on the site, not "
                "nested; indent nested list items by 4 spaces",
                WARNING,
            )
        for block in blocks:
            yield Finding(
                article.path,
                article.body_line + block.line,
                "list-indent",
                f"block indented {block.indent} space(s) after the item on line "
                f"{article.body_line + block.item.line} ends the list on the site and shows "
                "outside it; indent it by 4 spaces under the item",
                WARNING,
            )


def check_personal_data(kb: KnowledgeBase, index: dict[str, Article]) -> Iterator[Finding]:
    contact = kb.config.contact.email
    allow = frozenset({contact}) if contact else frozenset()
    for article in kb.articles:
        if article.audience == "internal":
            continue
        numbered = [
            (article.line_of("title"), article.title),
            (article.line_of("summary"), article.summary),
            *_body_lines(article),
        ]
        # one scan over the joined text is far cheaper than one per line
        starts, offset = [], 0
        for _number, text in numbered:
            starts.append(offset)
            offset += len(text) + 1
        joined = "\n".join(text for _number, text in numbered)
        for match in personal_data.find(joined, allow=allow, kinds=personal_data.ARTICLE_KINDS):
            number = numbered[bisect.bisect_right(starts, match.start) - 1][0]
            yield Finding(
                article.path,
                number,
                "personal-data",
                f"{personal_data.LABELS[match.kind]} in a {article.audience} "
                "article; remove it or make the article internal",
            )


def check_length(kb: KnowledgeBase, index: dict[str, Article]) -> Iterator[Finding]:
    limit = kb.config.site.length_guideline
    if not limit:
        return
    for article in kb.articles:
        if article.words > limit and article.type not in FREE_FORM_TYPES:
            yield Finding(
                article.path,
                article.body_line,
                "too-long",
                f"{article.words} words, over the guideline of {limit}; split it "
                "into shorter articles",
                WARNING,
            )


def check_metadata(kb: KnowledgeBase, index: dict[str, Article]) -> Iterator[Finding]:
    for article in kb.articles:
        if "id" not in article.explicit:
            yield Finding(
                article.path,
                1,
                "no-id",
                f"no id: the URL follows the file name and breaks when it is renamed; "
                f"add 'id: {article.id}'",
                WARNING,
            )
        if article.is_announcement and article.ends is None:
            yield Finding(
                article.path,
                article.line_of("type"),
                "announcement-end",
                "announcement without 'ends' stays up forever; add an end date",
                WARNING,
            )
        if not article.is_announcement:
            for name in ("starts", "ends", "severity"):
                if name in article.explicit:
                    yield Finding(
                        article.path,
                        article.line_of(name),
                        "bad-value",
                        f"'{name}' only applies to type: announcement",
                        WARNING,
                    )
        if article.translation_of and article.translation_of == article.id:
            yield Finding(
                article.path,
                article.line_of("translation_of"),
                "bad-value",
                "translation_of names the article itself",
            )


def _only(articles: tuple[Article, ...], paths: set[str]) -> tuple[Article, ...]:
    return tuple(a for a in articles if a.path in paths)


def check_render(
    kb: KnowledgeBase, index: dict[str, Article], *, full: bool = False
) -> Iterator[Finding]:
    """Articles the site's Markdown renderer fails on (kcs/render.py): the build would
    leave them out. ``full``: render them whole, not only the quick check."""
    from . import render

    setup = render.setup_for(kb.root)
    for article in kb.articles:
        found = render.problem(article.path, article.body, article.body_line, setup, full=full)
        if found is not None:
            yield found


def _body_lines(article: Article) -> Iterator[tuple[int, str]]:
    """Body lines with file line numbers, leaving out fenced code blocks."""
    in_fence = False
    for offset, line in enumerate(article.body.split("\n")):
        if line.lstrip(" ")[:3] in ("```", "~~~") and _FENCE.match(line):
            in_fence = not in_fence
            continue
        if not in_fence:
            yield article.body_line + offset, line


def check_buildable(kb: KnowledgeBase, index: dict[str, Article]) -> Iterator[Finding]:
    """What the build would leave out (duplicate ids are the check above)."""
    for finding in unbuildable.findings(kb):
        if finding.code != unbuildable.DUPLICATE:
            yield finding


CHECKS: dict[str, Check] = {
    "duplicate-id": check_duplicate_ids,
    "buildable": check_buildable,
    "sections": check_sections,
    "links": check_links,
    "images": check_images,
    "placeholders": check_placeholders,
    "list-indent": check_list_indent,
    "personal-data": check_personal_data,
    "length": check_length,
    "metadata": check_metadata,
    "render": check_render,
}
