"""Links of article pages, resolved on the parsed document.

Every URL an article's rendered page holds passes through :meth:`Resolver.resolve`:
Markdown links and images of any form (inline, reference-style, with text over several
lines, autolinks) after Markdown has parsed them, and raw HTML (``<a href>``,
``<img src>``, ``<source srcset>``, ...) as Python's HTML tokenizer reads it. A link to
another article becomes a link to its stable URL; a link to an article this site may
not show becomes plain text (lint reports it to the author), so neither its file name,
its folder (the domain) nor its URL reaches the page. Nothing here stops a build.

The Markdown extension (:class:`ArticleLinks`) is one instance per build; the plugin
tells it which article is being rendered before MkDocs renders each page.
"""

from __future__ import annotations

import html
import logging
import posixpath
import re
import xml.etree.ElementTree as etree
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote, unquote

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from ..article import SITE_URL, Article
from ..errors import KcsError
from ..fsutil import inside
from .model import Asset, SiteContext

log = logging.getLogger(__name__)

FILES_PREFIX = "_kcs/files/"

SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
#: Attributes of raw HTML that hold one URL.
URL_ATTRIBUTES = frozenset(
    {"href", "src", "data", "action", "formaction", "poster", "cite", "background", "longdesc"}
)
#: Attributes that hold a list of URLs with sizes.
SRCSET_ATTRIBUTES = frozenset({"srcset", "imagesrcset"})


@dataclass(frozen=True)
class Target:
    """What a URL in an article is on this site.

    ``url`` is None when the link must become plain text; otherwise the URL to write
    (``markdown_url`` for links MkDocs still resolves, relative to the page's source).
    """

    url: str | None
    markdown_url: str | None = None
    hidden_title: str = ""  # of the article a link may not show: its text must not either


KEEP = Target(url="")  # sentinel: leave the URL as written


def as_list(target: Target) -> list[str | None]:
    """``target`` as JSON can hold it (an incremental build's manifest)."""
    return [target.url, target.markdown_url, target.hidden_title]


class Resolver:
    """Decides, for one site, what every link of an article becomes."""

    def __init__(self, ctx: SiteContext, *, directory_urls: bool = True, warn: bool = True) -> None:
        self.ctx = ctx
        self.warn = warn
        self.visible = {a.id for a in ctx.articles}
        self.by_path = ctx.kb.by_path()
        self.by_id = ctx.kb.by_id()
        self.directory_urls = directory_urls
        self.prefixes = tuple(
            u.rstrip("/") + "/"
            for u in (ctx.kb.config.site.url, ctx.kb.config.site.internal_url)
            if u
        )
        #: URL → target of every link resolved while set (an incremental build checks
        #: them again before it reuses the page; kcs/incremental.py).
        self.record: dict[str, list[str | None]] | None = None

    def resolve(self, article: Article, url: str) -> Target:
        """What ``url`` (as written in ``article``) becomes on this site."""
        target = self._resolve(article, url)
        if self.record is not None:
            self.record[url] = as_list(target)
        return target

    def agree(self, article: Article, recorded: Mapping[str, list[Any]]) -> bool:
        """True when every recorded link of ``article`` still resolves as recorded."""
        warn, self.warn = self.warn, False  # the render that recorded them warned already
        try:
            return all(
                as_list(self._resolve(article, url)) == target for url, target in recorded.items()
            )
        finally:
            self.warn = warn

    def _resolve(self, article: Article, url: str) -> Target:
        url = url.strip()
        for prefix in self.prefixes:  # the site's own absolute URLs are site URLs
            if url.startswith(prefix):
                url = "/" + url[len(prefix) :]
                break
        if not url or SCHEME.match(url) or url.startswith(("#", "//")):
            return KEEP
        path, hashmark, fragment = url.partition("#")
        path = path.partition("?")[0]
        anchor = f"#{fragment}" if hashmark and fragment else ""
        site = SITE_URL.match(path)
        if site:
            return self._article(article, url, self.by_id.get(site.group("id")), anchor)
        if path.startswith("/"):
            return KEEP
        resolved = posixpath.normpath(
            posixpath.join(posixpath.dirname(article.path), unquote(path))
        )
        if resolved.endswith(".md"):
            return self._article(article, url, self.by_path.get(resolved), anchor)
        return self._file(article, url, resolved)

    def page_url(self, target_id: str, anchor: str = "") -> str:
        """The final URL of article ``target_id`` seen from an article page."""
        if self.directory_urls:
            return f"../{quote(target_id)}/{anchor}"
        return f"{quote(target_id)}.html{anchor}"

    def _article(self, article: Article, url: str, target: Article | None, anchor: str) -> Target:
        if target is None:
            self._warn(
                article, url, "link to %r matches no article; fix the path or remove the link"
            )
            return Target(None)
        if target.id not in self.visible:
            # never a link (nor its title) to what this site may not show
            return Target(None, hidden_title=target.title)
        return Target(self.page_url(target.id, anchor), f"{target.id}.md{anchor}")

    def _file(self, article: Article, url: str, resolved: str) -> Target:
        try:
            source = inside(self.ctx.kb.root, resolved, what="link")
        except KcsError:
            self._warn(article, url, "link %r leads outside the repository; link a file inside it")
            return Target(None)
        if not source.is_file():
            self._warn(article, url, "linked file %r does not exist")
            return Target(None)
        src_uri = FILES_PREFIX + resolved.removeprefix("articles/")
        up = "../../" if self.directory_urls else "../"
        return Target(up + quote(src_uri), "../" + quote(src_uri))

    def _warn(self, article: Article, url: str, message: str) -> None:
        if self.warn:
            log.warning("%s:%d: " + message, article.path, line_of(article, url), url)


def line_of(article: Article, text: str) -> int:
    """The file line where ``text`` first occurs in the body (the body's first line if nowhere)."""
    at = article.body.find(text)
    if at < 0:
        return article.body_line
    return article.body_line + article.body.count("\n", 0, at)


# ------------------------------------------------------------------ discovery


def assets(ctx: SiteContext) -> list[Asset]:
    """Files the visible articles link to (images and the like), from every link form."""
    resolver = Resolver(ctx, warn=False)  # the render reports broken links, with their line
    found: dict[str, Asset] = {}
    for article in ctx.articles:
        for link in article.links:
            uri = resolver.resolve(article, link.target).markdown_url
            if uri and uri.startswith("../" + FILES_PREFIX):
                src_uri = unquote(uri[3:])
                resolved = "articles/" + src_uri.removeprefix(FILES_PREFIX)
                found.setdefault(
                    src_uri, Asset(src_uri, str(inside(ctx.kb.root, resolved, what="link")))
                )
    return list(found.values())


# ------------------------------------------------------------- the extension


class ArticleLinks(Extension):
    """Resolves the links of the article being rendered (``current``; None: other pages).

    With ``absolute`` every URL is written final, from ``absolute`` (the site's address);
    otherwise links to articles and files stay relative for MkDocs to check and finish.
    ``seen`` records what each URL written in the article became.
    """

    def __init__(self, resolver: Resolver, *, absolute: str | None = None) -> None:
        super().__init__()
        self.resolver = resolver
        self.absolute = absolute
        self.current: Article | None = None
        self.seen: dict[str, Target] = {}

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Markdown's API
        # After the inline patterns (20) made every link an element, before MkDocs checks
        # and relativises links (0) and before the table of contents copies headings (5).
        md.treeprocessors.register(_LinkTree(md, self), "kcs_links", 15)

    def resolve(self, url: str) -> Target:
        assert self.current is not None
        target = self.resolver.resolve(self.current, url)
        if self.absolute is not None and target.url:
            # page_url and file URLs are relative to an article page at a/<id>/
            target = Target(self.absolute + _from_article_page(target.url))
        self.seen[url] = target
        return target


def _from_article_page(url: str) -> str:
    """A URL relative to an article page (``a/<id>/``) as a site-relative path."""
    return posixpath.normpath(posixpath.join("a/x/", url)) + ("/" if url.endswith("/") else "")


class _LinkTree(Treeprocessor):
    def __init__(self, md: Markdown, ext: ArticleLinks) -> None:
        super().__init__(md)
        self.ext = ext

    def run(self, root: etree.Element) -> None:
        if self.ext.current is None:
            return
        final = self.ext.absolute is not None
        rewrite_tree(root, self.ext.resolve, final=final)
        stash = self.md.htmlStash.rawHtmlBlocks
        for index, block in enumerate(stash):
            if isinstance(block, str):
                stash[index] = rewrite_html(block, self.ext.resolve)
            elif isinstance(block, etree.Element):
                rewrite_tree(block, self.ext.resolve, final=True)


def rewrite_markdown(text: str, seen: dict[str, Target]) -> str:
    """Markdown source with each URL the parsed document held replaced by what it became:
    for readers that render the Markdown themselves. A link to a hidden target becomes
    its text (none if it spells the target's title; an autolink goes), its reference
    definition goes, and so does a raw HTML attribute naming it."""
    changed: dict[str, str] = {}
    titles: dict[str, str] = {}
    for url, target in seen.items():
        if target is KEEP or not url:
            continue
        if target.url is None:
            # private-use characters: a marker no text holds, one per hidden URL
            marker = f"\ue000{len(titles)}\ue000"
            titles[marker] = " ".join(target.hidden_title.split()).casefold()
            changed[url] = marker
        else:
            changed[url] = target.url
    if not changed:
        return text
    # One pass, longest first: a replacement is never searched again.
    pattern = "|".join(re.escape(url) for url in sorted(changed, key=len, reverse=True))
    text = re.sub(pattern, lambda m: changed[m.group(0)], text)
    if not titles:
        return text
    mark = "\ue000\\d+\ue000"

    def link_text(match: re.Match[str] | _Use) -> str:
        title = titles.get(match.group(2), "")
        shown = match.group(1)
        return "" if title and title in " ".join(shown.split()).casefold() else shown

    text = re.sub(rf"!?\[((?:[^\[\]]|\[[^\]]*\])*)\]\(\s*<?({mark})>?[^)]*\)", link_text, text)
    definition = rf"(?m)^ {{0,3}}\[([^\]\n]+)\]:[ \t]*<?({mark})>?.*\n?"
    for match in list(re.finditer(definition, text)):
        label, marker = re.escape(match.group(1)), match.group(2)
        uses = rf"!?\[((?:[^\[\]]|\[[^\]]*\])*)\]\[{label}\]|!?\[({label})\](?:\[\])?(?![\[(:])"

        def use(found: re.Match[str], marker: str = marker) -> str:
            return link_text(_Use(found.group(1) or found.group(2) or "", marker))

        text = re.sub(uses, use, text, flags=re.IGNORECASE)
    text = re.sub(definition, "", text)
    text = re.sub(rf"""\s[\w:-]+\s*=\s*["']?{mark}["']?""", "", text)
    text = re.sub(rf"<{mark}>", "", text)
    return re.sub(mark, "#", text)


@dataclass(frozen=True)
class _Use:
    """A reference-style use of a hidden link, shaped like the inline link's match."""

    shown: str
    marker: str

    def group(self, number: int) -> str:
        return self.shown if number == 1 else self.marker


def rewrite_tree(
    root: etree.Element, resolve: Callable[[str], Target], *, final: bool = False
) -> None:
    """Links and images of a parsed Markdown tree, rewritten in place.

    ``final``: write final URLs (raw HTML parsed by md_in_html, which MkDocs leaves alone).
    """
    for element in list(root.iter()):
        for name in ("href", "src"):
            value = element.get(name)
            if value is None:
                continue
            target = resolve(value)
            if target is KEEP:
                continue
            if target.url is None:
                _to_text(element, value, target.hidden_title)
                break
            element.set(name, target.url if final else target.markdown_url or target.url)


def _to_text(element: etree.Element, url: str, hidden_title: str = "") -> None:
    """A link becomes its text, an image its alt text: nothing points anywhere. An
    autolink's text is its URL, and a text that spells the hidden article's title would
    carry it out: those go too."""
    alt = element.get("alt") if element.tag == "img" else None
    for name in list(element.attrib):
        if name not in ("class", "id"):
            del element.attrib[name]
    element.tag = "span"
    if alt is not None:
        element.text = alt
    elif (element.text or "").strip() == url.strip() and not len(element):
        element.text = ""
    text = " ".join("".join(element.itertext()).split()).casefold()
    if hidden_title and " ".join(hidden_title.split()).casefold() in text:
        for child in list(element):
            element.remove(child)
        element.text = ""


def rewrite_html(source: str, resolve: Callable[[str], Target]) -> str:
    """A raw HTML fragment with each URL attribute resolved; hidden targets lose the attribute.

    Input the tokenizer cannot read is shown as text: it cannot carry a link then.
    """
    rewriter = _HtmlRewriter(resolve)
    try:
        rewriter.feed(source)
        rewriter.close()
    except Exception:  # noqa: BLE001 - any failure of the tokenizer: show the fragment as text
        return html.escape(source)
    return rewriter.result(source)


class _HtmlRewriter(HTMLParser):
    def __init__(self, resolve: Callable[[str], Target]) -> None:
        super().__init__(convert_charrefs=True)
        self.resolve = resolve
        self.edits: list[tuple[int, int, str]] = []
        self.lines: list[int] = []

    def feed(self, data: str) -> None:
        starts, at = [0], 0
        for line in data.split("\n"):
            at += len(line) + 1
            starts.append(at)
        self.lines = starts
        super().feed(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag(tag, attrs, "")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag(tag, attrs, " /")

    def _tag(self, tag: str, attrs: list[tuple[str, str | None]], close: str) -> None:
        changed = hidden = False
        kept: list[tuple[str, str | None]] = []
        for name, value in attrs:
            if value is not None and name in URL_ATTRIBUTES:
                target = self.resolve(value)
                if target is not KEEP:
                    changed = True
                    if target.url is None:
                        hidden = True
                        continue
                    value = target.url
            elif value is not None and name in SRCSET_ATTRIBUTES:
                new = _srcset(value, self.resolve)
                changed = changed or new != value
                value = new
            kept.append((name, value))
        if not changed:
            return
        if hidden:  # a title names what the link pointed to
            kept = [(name, value) for name, value in kept if name != "title"]
        text = self.get_starttag_text() or ""
        line, column = self.getpos()
        start = self.lines[line - 1] + column
        attributes = "".join(
            f" {name}" if value is None else f' {name}="{html.escape(value, quote=True)}"'
            for name, value in kept
        )
        self.edits.append((start, start + len(text), f"<{tag}{attributes}{close}>"))

    def result(self, source: str) -> str:
        out, at = [], 0
        for start, end, text in self.edits:
            out.append(source[at:start])
            out.append(text)
            at = end
        out.append(source[at:])
        return "".join(out)


def _srcset(value: str, resolve: Callable[[str], Target]) -> str:
    kept: list[str] = []
    for candidate in value.split(","):
        url, _, size = candidate.strip().partition(" ")
        target = resolve(url)
        if target is KEEP:
            kept.append(candidate.strip())
        elif target.url is not None:
            kept.append(f"{target.url} {size}".strip())
    return ", ".join(kept)
