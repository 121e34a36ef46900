"""The MkDocs adapter: a thin shell around :mod:`kcs.site`, :mod:`kcs.pagefind`.

Every ``on_*`` handler hands off to a pure function; nothing here knows what an
article page looks like. Moving to another static-site generator means rewriting
this file only. Used by ``kcs build`` (kcs/build.py) and by plain ``mkdocs build`` /
``mkdocs serve`` through the ``kcs`` entry point.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeGuard

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page as MkPage
from mkdocs.structure.toc import get_toc
from mkdocs.utils.templates import TemplateContext

from . import channels, i18n, render, site, unbuildable
from .article import Article
from .config import AUDIENCES
from .errors import KcsError
from .findings import Finding
from .incremental import (
    SNIPPET,
    SNIPPETS,
    Manifest,
    PageRecord,
    Reuse,
    code_fingerprint,
    digest,
    folder_fingerprint,
    inside_site,
    plain,
    search_digest,
    unhashed_reader,
)
from .site import announcements, home
from .site.articles import scrollable_tables, site_url_for
from .site.links import ArticleLinks, Resolver

if TYPE_CHECKING:
    from .history import History
    from .knowledge import KnowledgeBase

log = logging.getLogger("mkdocs.plugins.kcs")

THEME_DIR = Path(__file__).parent / "theme"
#: The template of a page taken from the earlier build: it writes nothing.
REUSED_TEMPLATE = "kcs-reused.html"
AUDIENCE_ENV = "KCS_AUDIENCE"
_HTML_LANG = re.compile(r'<html lang="[^"]*"')
_ARTICLE = re.compile(r'(<article class="md-content__inner[^"]*")>')


class KcsConfig(base.Config):
    audience = c.Choice(AUDIENCES, default="public")
    """Who the site is for; ``KCS_AUDIENCE`` in the environment wins (kcs serve sets it)."""
    root = c.Optional(c.Type(str))
    """The knowledge repository (default: the folder of mkdocs.yml)."""
    pagefind = c.Type(bool, default=True)
    """Index the built site with Pagefind after the build."""


@dataclass(frozen=True)
class Prepared:
    """What ``kcs build`` hands the plugin (:meth:`KcsPlugin.prepare`) before a build:
    the audience to build and the repository, read once for every site."""

    audience: str
    kb: KnowledgeBase
    history: History | None
    #: id → problem of articles known not to render (found by an earlier site's build).
    broken: Mapping[str, Finding] = field(default_factory=dict)
    #: the build's clock (None: now); pages that show dates read it.
    now: dt.datetime | None = None
    #: the same site as built before and what that build recorded (kcs/incremental.py):
    #: unchanged pages are taken from it. Without a manifest every page is rendered.
    previous: Path | None = None
    manifest: Manifest | None = None


@dataclass(frozen=True)
class Built:
    """What one build made (:meth:`KcsPlugin.built`), for ``kcs build``'s summary."""

    pages: int  # generated pages (articles, listings, home, contact, ...)
    articles: int  # articles this audience may see
    search: Mapping[str, int]  # Pagefind pages per language
    #: id → problem of every article that could not be rendered; ``late``: those found
    #: only while MkDocs rendered (the site lists them: build a wider site again).
    broken: Mapping[str, Finding] = field(default_factory=dict)
    late: Mapping[str, Finding] = field(default_factory=dict)
    #: what the next build needs to reuse this one's pages (None: not recorded).
    manifest: Manifest | None = None
    reused: int = 0  # pages taken from the earlier build


class KcsPlugin(BasePlugin[KcsConfig]):
    """Adds the article, listing, home and contact pages of one audience's site.

    Run by plain ``mkdocs build``/``serve`` it reads the repository itself; ``kcs build``
    calls :meth:`prepare` first and reads :meth:`built` after: that pair is the whole
    interface between the two.
    """

    supports_multiple_instances = False

    def __init__(self) -> None:
        super().__init__()
        self.prepared: Prepared | None = None
        self.broken: dict[str, Finding] = {}
        self.late: dict[str, Finding] = {}
        self.links: ArticleLinks | None = None
        #: Broken links are found while MkDocs renders: their warnings count for --strict.
        self.rendering = _Forwarding(("kcs.site.links",))
        self.by_id: dict[str, Article] = {}
        self.ctx: site.SiteContext | None = None
        self.meta: dict[str, Any] = {}
        self.page_count = 0
        self.article_count = 0
        self.indexed: dict[str, int] = {}
        self.index: Any = None  # kcs.pagefind.StreamingIndex while pages are rendered
        self.nav: Any = None
        self.files: Files | None = None
        # An incremental build (kcs/incremental.py): the earlier build, and what this one
        # records of each page it renders (the links it resolved, the files it looked up).
        self.reuse: Reuse | None = None
        self.keys: dict[str, str] = {}  # src_uri → key of each generated page
        self.recording: dict[str, PageRecord] = {}
        self.looked_up: dict[str, str | None] | None = None
        self.warnings = _Count()
        self.marks: dict[str, int] = {}
        self.fed: dict[str, list[tuple[str, str]]] = {}  # language → (URL, search document)

    # ------------------------------------------------------------ kcs build's interface

    def prepare(self, prepared: Prepared) -> None:
        """Build ``prepared.audience``'s site from the repository read already."""
        self.prepared = prepared

    def built(self) -> Built:
        """Pages, articles and search index of the last build."""
        articles = len(self.ctx.articles) if self.ctx else 0
        reuse = self.reuse
        return Built(
            self.page_count,
            articles,
            dict(self.indexed),
            dict(self.broken),
            dict(self.late),
            manifest=reuse.new if reuse else None,
            reused=len(reuse.reused) if reuse else 0,
        )

    # ------------------------------------------------------------ events

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        for name in ("search", "material/search"):
            if name in config.plugins:
                raise PluginError(
                    f"mkdocs.yml: remove '{name.split('/')[-1]}' from plugins: the kcs plugin "
                    "indexes articles with Pagefind; Material's lunr search rebuilds its "
                    "index in every visitor's browser and cannot carry the articles"
                )
        audience = self.audience()
        root = self.root(config)
        try:
            with forward_warnings():
                if self.prepared is not None:
                    kb, history = self.prepared.kb, self.prepared.history
                else:
                    from .knowledge import load

                    kb = load(root)
                    history = load_history(root)
                for finding in kb.findings:
                    log.warning(str(finding))
                earlier = self.prepared.manifest if self.prepared is not None else None
                if earlier is not None and earlier.code == code_fingerprint():
                    render.remember(earlier.checks)  # found by this very code
                kb, left_out = unbuildable.leave_out(kb)
                for finding in left_out:
                    log.warning(str(finding))
                self.broken = dict(self.prepared.broken) if self.prepared else {}
                unchecked = [a for a in kb.for_audience(audience) if a.id not in self.broken]
                self.broken.update(render.problems(unchecked, full=False))
                for finding in self.broken.values():
                    log.warning(str(finding))
                self.ctx = site.context(
                    kb,
                    audience,
                    now=self.prepared.now if self.prepared else None,
                    history=history,
                    most_used=site.most_used(kb.root),
                    broken=self.broken,
                )
        except KcsError as exc:
            raise PluginError(str(exc)) from exc
        configure(config, self.ctx)
        self.late = {}
        self.rendering.start()
        self.warnings.start()
        self.by_id = {a.id: a for a in self.ctx.articles if a.id not in self.broken}
        self.links = link_extension(config, self.ctx)
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        assert self.ctx is not None
        try:
            with forward_warnings():
                started = time.monotonic()
                pages = site.generate(self.ctx)
                assets = site.assets(self.ctx)
                self.reuse = self.start_reuse(config)
                statics = channels.files(self.ctx, self.reuse)
                log.info("generated %d pages in %.1f s", len(pages), time.monotonic() - started)
        except KcsError as exc:
            raise PluginError(str(exc)) from exc
        self.meta = {}
        for page in pages:
            existing = files.get_file_from_path(page.src_uri)
            if existing is not None:
                if page.src_uri == "index.md":
                    continue  # the portal's own home page wins over the redirect
                raise PluginError(
                    f"{existing.src_uri} in {config.docs_dir} has the path of a generated "
                    "page; rename or remove it"
                )
            self.meta[page.src_uri] = page.meta
            files.append(
                File.generated(
                    config, page.src_uri, content=page.markdown, inclusion=InclusionLevel.NOT_IN_NAV
                )
            )
        for asset in assets:
            if files.get_file_from_path(asset.src_uri) is None:
                files.append(File.generated(config, asset.src_uri, abs_src_path=asset.path))
        for static in statics:
            if files.get_file_from_path(static.src_uri) is not None:
                raise PluginError(
                    f"{static.src_uri} in {config.docs_dir} has the path of a generated "
                    "file; rename or remove it"
                )
            files.append(File.generated(config, static.src_uri, content=static.content))
        self.page_count = len(self.meta)
        self.article_count = sum(1 for meta in self.meta.values() if is_article(meta.get("kcs")))
        if self.reuse is not None:
            self.plan_reuse(config, files, {page.src_uri: page for page in pages})
        return files

    def on_page_markdown(
        self, markdown: str, *, page: MkPage, config: MkDocsConfig, files: Files
    ) -> str:
        meta = self.meta.get(page.file.src_uri)
        if meta is not None:
            page.meta.update(meta)
        kcs_meta = page.meta.get("kcs")
        article = self.by_id.get(kcs_meta["id"]) if is_article(kcs_meta) else None
        if self.links is not None:
            self.links.current = article
        uri = page.file.src_uri
        if self.reuse is not None and uri in self.reuse.reused:
            record = self.reuse.reused[uri]
            reuse_page(page, record)
            for level, name, message in record.warnings:  # what rendering it would say
                logging.getLogger(name).log(level, "%s", message)
            return markdown
        if article is not None:
            self.guard(page, article)
        if self.reuse is not None and uri in self.keys:
            self.recording[uri] = PageRecord(self.keys[uri], page.file.dest_uri)
            self.looked_up = self.recording[uri].files
            if self.links is not None:
                self.links.resolver.record = self.recording[uri].links
            self.marks[uri] = self.warnings.count
        return markdown

    def on_nav(self, nav: Any, *, config: MkDocsConfig, files: Files) -> Any:
        self.nav, self.files = nav, files
        if self.reuse is not None:
            self.reuse.nav_changed(nav_text(nav.items, self.keys))
        # Pagefind starts before MkDocs converts the Markdown: it reads each article as soon
        # as its HTML exists, on the other core, during the longest phase of the build.
        if self.config.pagefind:
            from .pagefind import OUTPUT_SUBDIR, StreamingIndex

            self.close_index()
            self.fed = {}
            reuse = self.reuse
            earlier = reuse.previous / OUTPUT_SUBDIR if reuse and reuse.previous else None
            try:
                synonyms = self.ctx.kb.config.search.synonyms if self.ctx else {}
                self.index = StreamingIndex(
                    synonyms=synonyms,
                    languages=list(self.ctx.kb.config.languages) if self.ctx else (),
                    keep=reuse.kept_languages if reuse else frozenset(),
                    earlier=earlier,
                )
            except KcsError as exc:
                raise PluginError(str(exc)) from exc
        return nav

    def on_page_content(
        self, html: str, *, page: MkPage, config: MkDocsConfig, files: Files
    ) -> str:
        kcs_meta = page.meta.get("kcs")
        uri = page.file.src_uri
        reused = self.reuse.reused.get(uri) if self.reuse is not None else None
        record = self.recording.get(uri)
        if record is not None:
            self.looked_up = None
            if self.links is not None:
                self.links.resolver.record = None
            record.anchors = sorted(a for a in page.present_anchor_ids or () if isinstance(a, str))
            record.to_anchors = {
                target.src_uri: dict(links)
                for target, links in (page.links_to_anchors or {}).items()
            }
            record.warnings += self.warnings.since(self.marks[uri])
            if article_id(page.meta) in self.late:
                del self.recording[uri]  # rendered as a placeholder: render it again next time
        if self.index is not None and is_article(kcs_meta):
            from .pagefind import search_document

            if reused is not None and reused.search is not None:
                document = reused.search
            else:
                internal = self.ctx is not None and self.ctx.internal
                document = search_document(html, kcs_meta["lang"], kcs_meta, internal=internal)
            if record is not None:
                record.search = document
            self.index.add(document, "/" + page.url)
            self.fed.setdefault(kcs_meta["lang"], []).append(("/" + page.url, document))
            if self.index.pages == self.article_count:
                # The last article: Pagefind builds its index while MkDocs renders on.
                self.index.finish()
        if is_article(kcs_meta) and reused is None:
            html = scrollable_tables(html, i18n.text(kcs_meta["lang"], "table.scroll"))
        return html

    def on_page_context(
        self, context: TemplateContext, *, page: MkPage, config: MkDocsConfig, nav: Any
    ) -> TemplateContext:
        if page.file.src_uri in self.recording:
            self.marks[page.file.src_uri] = self.warnings.count
        return context

    def on_post_page(self, output: str, *, page: MkPage, config: MkDocsConfig) -> str:
        uri = page.file.src_uri
        if uri in self.recording:
            self.recording[uri].warnings += self.warnings.since(self.marks[uri])
        return finish_html(output, page.meta.get("kcs"))

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        self.rendering.stop()
        self.warnings.stop()
        if self.reuse is not None:
            self.finish_reuse(Path(config.site_dir))
        if self.ctx is not None and self.files is not None:
            write_notfound_pages(config, self.nav, self.files, list(self.ctx.kb.config.languages))
        if self.index is None:
            return
        from .pagefind import OUTPUT_SUBDIR, languages

        index, self.index = self.index, None
        started = time.monotonic()
        backlog = index.pages - index.indexed
        try:
            index.write(Path(config.site_dir) / OUTPUT_SUBDIR)
            log.info(
                "Pagefind: %d pages (%d not yet read when MkDocs finished), build waited "
                "%.1f s for the index",
                index.pages,
                backlog,
                time.monotonic() - started,
            )
        except KcsError as exc:
            raise PluginError(str(exc)) from exc
        self.indexed = languages(Path(config.site_dir))

    def on_build_error(self, *, error: Exception) -> None:
        self.rendering.stop()
        self.warnings.stop()
        self.reuse = None
        self.close_index()

    def close_index(self) -> None:
        if self.index is not None:
            self.index.close()
            self.index = None

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        root = self.root(config)
        for path in (root / "articles", root / "kcs.yml", THEME_DIR):
            if path.exists():
                server.watch(str(path))
        return server

    # ------------------------------------------------------------ incremental builds

    def start_reuse(self, config: MkDocsConfig) -> Reuse | None:
        """The earlier build to take unchanged pages from (kcs build only)."""
        if self.prepared is None or self.ctx is None:
            return None
        fingerprint = site_fingerprint(config, self.ctx, self.root(config))
        manifest = self.prepared.manifest
        reason = unhashed_reader(
            extension_settings(config), config.plugins, appended_snippets(config)
        )
        if manifest is not None and reason is not None:
            log.info("%s: every page is rendered", reason)
            manifest = None  # this build still records its pages, for the same rule next time
        return Reuse(self.prepared.previous, manifest, fingerprint)

    def plan_reuse(self, config: MkDocsConfig, files: Files, pages: Mapping[str, Any]) -> None:
        """Decide which generated pages the earlier build can stand for, and record from
        now on which pages each page's rendering looks up."""
        assert self.reuse is not None
        lookup = files.get_file_from_path
        resolver = self.links.resolver if self.links is not None else None

        def files_agree(recorded: Mapping[str, str | None]) -> bool:
            return all(_url(lookup(uri)) == url for uri, url in recorded.items())

        self.keys = {}
        snippets = SNIPPETS in config.markdown_extensions
        for uri, page in pages.items():
            ident = article_id(page.meta)
            article = self.by_id.get(ident) if ident else None
            key = digest(uri, page.markdown, page.meta, article.path if article else None)
            self.keys[uri] = key
            if ident and article is None:
                continue  # an article that cannot be rendered: its placeholder is rendered
            if snippets and SNIPPET in page.markdown:
                continue  # holds another file's text, read while it renders: rendered

            def links_agree(recorded: Mapping[str, list[Any]], article: Any = article) -> bool:
                if not recorded:
                    return True
                return (
                    article is not None
                    and resolver is not None
                    and resolver.agree(article, recorded)
                )

            file = lookup(uri)
            found = self.reuse.page(
                uri,
                key,
                output=file.dest_uri if file is not None else "",
                links_agree=links_agree,
                files_agree=files_agree,
            )
            if found is not None:
                self.reuse.reused[uri] = found
        articles: dict[str, list[tuple[str, str]]] = {}
        for file in files.documentation_pages():
            kcs_meta = self.meta.get(file.src_uri, {}).get("kcs")
            if is_article(kcs_meta) and file.src_uri in self.keys:
                articles.setdefault(kcs_meta["lang"], []).append((file.src_uri, "/" + file.url))
        self.reuse.keep_languages(articles)
        if self.reuse.kept_languages:
            log.info(
                "search index of %s taken from the earlier build", sorted(self.reuse.kept_languages)
            )

        def recording_lookup(path: str) -> File | None:
            found = lookup(path)
            if self.looked_up is not None:
                self.looked_up[path] = _url(found)
            return found

        setattr(files, "get_file_from_path", recording_lookup)  # noqa: B010 - this build only
        self.recording = {}
        log.info("%d of %d pages taken from the earlier build", len(self.reuse.reused), len(pages))

    def finish_reuse(self, site_dir: Path) -> None:
        """Link the reused pages into the site; record every page for the next build."""
        assert self.reuse is not None
        self.reuse.link_into(site_dir, self.reuse.reused.values())
        self.reuse.new.checks = render.known()
        self.reuse.new.search = {lang: search_digest(fed) for lang, fed in self.fed.items()}
        pages = self.reuse.new.pages
        pages.update(self.reuse.reused)
        for uri, record in self.recording.items():
            path = inside_site(site_dir, record.output)
            if path is not None and path.is_file():
                stat = path.stat()
                record.stat = [stat.st_size, stat.st_mtime_ns]
                pages[uri] = record
        self.recording = {}

    # ------------------------------------------------------------ helpers

    def guard(self, page: MkPage, article: Article) -> None:
        """Render ``page`` so that a failure shows a placeholder instead of ending the build.

        The quick check before the build catches the known cases; this catches the rest
        while MkDocs renders, at no cost to pages that render. kcs/build.py then builds
        the wider sites again without the article.
        """
        render_page = page.render

        def guarded(config: MkDocsConfig, files: Files) -> None:
            try:
                render_page(config, files)
            except Exception as exc:  # noqa: BLE001 - one article never takes a site down
                found = render.problem(
                    article.path,
                    article.body,
                    article.body_line,
                    render.setup_for(self.root(config)),
                ) or Finding(article.path, article.body_line, render.CODE, f"{exc!r}"[:160])
                self.late[article.id] = found
                log.warning(str(found))
                if self.links is not None:
                    self.links.current = None
                title = page.meta.get("title") or article.title
                page.markdown = f"# {title}\n\n{render.placeholder(found, article.lang)}"
                render_page(config, files)

        setattr(page, "render", guarded)  # noqa: B010 - an instance attribute, on purpose

    def audience(self) -> str:
        forced = self.prepared.audience if self.prepared else None
        audience = forced or os.environ.get(AUDIENCE_ENV) or self.config.audience
        if audience not in AUDIENCES:
            raise PluginError(f"audience {audience!r} is not one of {', '.join(AUDIENCES)}")
        return audience

    def root(self, config: MkDocsConfig) -> Path:
        base_dir = Path(config.config_file_path or ".").resolve().parent
        return (base_dir / self.config.root).resolve() if self.config.root else base_dir


# ------------------------------------------------------------ pure functions


def configure(config: MkDocsConfig, ctx: site.SiteContext) -> None:
    """Adjust the MkDocs configuration for this knowledge base and audience."""
    kcfg = ctx.kb.config
    url = site_url_for(kcfg, ctx.audience)
    if url:
        config.site_url = url if url.endswith("/") else url + "/"
    config.site_name = kcfg.site_name
    langs = list(kcfg.languages)
    config.extra["kcs"] = {
        "audience": ctx.audience,
        "internal": ctx.internal,
        "languages": langs,
        "default_language": kcfg.default_language,
        "site_name": kcfg.site_name,
        "site_names": {lang: kcfg.site_name_in(lang) for lang in langs},
        "built": ctx.now.isoformat(),
        # The site-wide banner (kcs/theme/partials/kcs/banner.html), per language.
        "announcements": announcements.by_language(
            ctx.articles, ctx.now, langs, kcfg.default_language
        ),
        # Interface text (kcs/data/interface.yml) for templates and for kcs.js.
        "texts": i18n.all_texts(langs),
        "browser": {lang: i18n.browser_data(lang) for lang in langs},
        "material_languages": material_languages(langs),
        # The 404 page (kcs/theme/404.html): the most used articles per language.
        "notfound": {
            lang: [
                {"title": card["title"], "url": card["url"]}
                for card in home.home_meta(ctx, lang)["most_used"]
            ]
            for lang in langs
        },
    }
    insert_theme_dir(config.theme.dirs, custom_dir=config.theme.custom_dir)
    # Material renders its own texts (and every page's fallback) in theme.language: one it
    # has no texts for (kcs init --lang se) would stop the build, so English stands in;
    # the portal's texts and each page's <html lang> still follow the page.
    if not material_languages([str(config.theme["language"])]):
        config.theme["language"] = "en"
    # privacy by default: Material would load web fonts from Google's hosts
    config.theme["font"] = False
    for extension in ("admonition", "attr_list", "md_in_html"):
        if extension not in config.markdown_extensions:
            config.markdown_extensions.append(extension)


def material_languages(langs: list[str]) -> list[str]:
    """Those of ``langs`` Material for MkDocs has interface texts for."""
    import material

    folder = Path(material.__file__).parent / "templates" / "partials" / "languages"
    return [lang for lang in langs if (folder / f"{lang}.html").is_file()]


def link_extension(config: MkDocsConfig, ctx: site.SiteContext) -> ArticleLinks:
    """The Markdown extension that resolves article links for this site, added once."""
    extension = ArticleLinks(Resolver(ctx, directory_urls=config.use_directory_urls))
    extensions: list[Any] = config.markdown_extensions
    extensions[:] = [e for e in extensions if not isinstance(e, ArticleLinks)]
    extensions.append(extension)
    return extension


def insert_theme_dir(
    dirs: list[str], *, custom_dir: str | None, theme_dir: Path = THEME_DIR
) -> None:
    """Put kcs/theme right after the user's custom_dir, before Material's own templates."""
    path = str(theme_dir)
    if path in dirs:
        return
    theme_dir.mkdir(parents=True, exist_ok=True)
    at = 1 if custom_dir and dirs and os.path.samefile(dirs[0], custom_dir) else 0
    dirs.insert(at, path)


def is_article(kcs_meta: Any) -> TypeGuard[dict[str, Any]]:
    return isinstance(kcs_meta, dict) and kcs_meta.get("kind") == "article"


def article_id(meta: Mapping[str, Any]) -> str | None:
    kcs_meta = meta.get("kcs")
    return str(kcs_meta["id"]) if is_article(kcs_meta) else None


def reuse_page(page: MkPage, record: PageRecord) -> None:
    """Let MkDocs go through ``page`` without rendering it: its file comes from the
    earlier build (:meth:`KcsPlugin.finish_reuse`). Other pages still link to it and
    check their anchors against it; the empty template writes nothing."""

    def render(config: MkDocsConfig, files: Files) -> None:
        page.content = ""
        page.toc = get_toc([])
        page.present_anchor_ids = set(record.anchors)
        # MkDocs checks these once every page is rendered: against today's pages
        page.links_to_anchors = {
            target: dict(links)
            for uri, links in record.to_anchors.items()
            if (target := files.get_file_from_path(uri)) is not None
        }

    setattr(page, "render", render)  # noqa: B010 - an instance attribute, on purpose
    page.meta["template"] = REUSED_TEMPLATE


def site_fingerprint(config: MkDocsConfig, ctx: site.SiteContext, root: Path) -> str:
    """What every page of the site depends on: when it changes, no page is reused.

    The banner data and interface text are in config.extra; its build time is not (a page
    shows only which announcements have not started yet), nor the 404 page's list of most
    used articles (only the 404 pages show it, and they are written every build).
    """
    extra = dict(config.extra.get("kcs") or {})
    built = extra.pop("built", "")
    extra.pop("notfound", None)
    waiting = sorted(
        str(ann.get("id"))
        for anns in (extra.get("announcements") or {}).values()
        for ann in anns
        if ann.get("starts") and built and str(ann["starts"]) > built
    )
    mkdocs_file = Path(config.config_file_path or "")
    custom_dir = config.theme.custom_dir
    return digest(
        code_fingerprint(),
        ctx.audience,
        _read(mkdocs_file) if mkdocs_file.parent == root else "the default mkdocs.yml",
        loaded_settings(config),
        _read(root / "kcs.yml"),
        {name: value for name, value in config.extra.items() if name != "kcs"},
        extra,
        waiting,
        config.site_url,
        config.use_directory_urls,
        folder_fingerprint(Path(config.docs_dir)),
        folder_fingerprint(Path(custom_dir) if custom_dir else None),
    )


#: MkDocs settings that do not shape a page: where files are read and written (the
#: hand-written pages are fingerprinted by content), the server's address, and those
#: :func:`site_fingerprint` reads itself or :func:`loaded_settings` reads one by one.
_NOT_SHAPING = frozenset(
    {"config_file_path", "docs_dir", "site_dir", "dev_addr", "watch", "extra", "plugins", "hooks"}
)


def loaded_settings(config: MkDocsConfig) -> dict[str, Any]:
    """The settings MkDocs loaded, as plain data, for :func:`site_fingerprint`.

    mkdocs.yml's text does not say them all: an ``!ENV`` value comes from the environment,
    an ``INHERIT`` from another file, a hook's code from its module, a plugin's behaviour
    from its installed version.
    """
    from importlib import metadata

    settings: dict[str, Any] = {
        name: plain(value) for name, value in config.items() if name not in _NOT_SHAPING
    }
    # the kcs plugin's own settings name the repository's folder, which kcs publish moves
    settings["plugins"] = {
        name: plain(getattr(plugin, "config", None))
        for name, plugin in config.plugins.items()
        if name != "kcs"
    }
    hooks: Mapping[str, Any] = config.hooks  # type: ignore[assignment] # MkDocs says a list
    settings["hooks"] = {
        name: _read(Path(getattr(module, "__file__", None) or "")) for name, module in hooks.items()
    }
    versions = {}
    for group, names in (
        ("mkdocs.plugins", config.plugins),
        ("mkdocs.themes", [config.theme.name]),
    ):
        for point in metadata.entry_points(group=group):
            if point.name in names and point.dist is not None:
                versions[f"{group}:{point.name}"] = f"{point.dist.name}=={point.dist.version}"
    settings["versions"] = versions
    settings["appended"] = appended_snippets(config)
    return settings


def extension_settings(config: MkDocsConfig) -> dict[str, Any]:
    """Name → settings of each Markdown extension a page renders with (an extension
    added as an object is named by its class)."""
    found: dict[str, Any] = {}
    for extension in config.markdown_extensions:
        if isinstance(extension, str):
            found[extension] = config.mdx_configs.get(extension)
        else:
            found[f"{type(extension).__module__}.{type(extension).__qualname__}"] = None
    return found


def appended_snippets(config: MkDocsConfig) -> list[str]:
    """The text of the files pymdownx.snippets appends to every page (``auto_append``)."""
    if SNIPPETS not in config.markdown_extensions:
        return []
    options = config.mdx_configs.get(SNIPPETS) or {}  # Python-Markdown's settings, not kcs.yml
    bases = options.get("base_path", ["."])
    bases = [bases] if isinstance(bases, str) else list(bases)
    return [
        _read(Path(str(base)) / str(name))  # relative to the working folder, as snippets reads
        for name in options.get("auto_append") or []
        for base in bases
    ]


def nav_text(items: Any, keys: Mapping[str, str] | None = None) -> str:
    """The navigation as text, to compare with the earlier build's. ``keys``: src_uri →
    key of the generated pages; a page the navigation lists without a title shows its
    own, which MkDocs knows only once it has read the page: its key stands for it."""

    def title(entry: Any) -> Any:
        file = getattr(entry, "file", None)
        found = getattr(entry, "title", None)
        if found is None and file is not None:
            return ["untitled", (keys or {}).get(file.src_uri)]
        return found

    def walk(entries: Any) -> list[Any]:
        return [
            [type(e).__name__, title(e), getattr(e, "url", None), walk(e.children)]
            if getattr(e, "children", None)
            else [type(e).__name__, title(e), getattr(e, "url", None)]
            for e in entries
        ]

    return digest(walk(items))


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _url(file: File | None) -> str | None:
    return None if file is None else file.url


def write_notfound_pages(config: MkDocsConfig, nav: Any, files: Files, langs: list[str]) -> None:
    """``<lang>/404.html`` per language: the 404 page with that language's header, search
    box, switcher and footer, which nginx sends for a missing address under ``/<lang>/``.
    The root ``404.html`` (MkDocs' own) stays for every other address."""
    from urllib.parse import urlsplit

    from mkdocs.commands.build import get_context

    template = config.theme.get_env().get_template("404.html")
    for lang in langs:
        meta = {"lang": lang, "kind": "notfound"}
        # Absolute links, as MkDocs writes its error pages: they are served at any depth.
        context = get_context(nav, files, config, base_url=urlsplit(config.site_url or "/").path)
        output = finish_html(template.render({**context, "kcs_page_meta": meta}), meta)
        target = Path(config.site_dir) / lang / "404.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(output, encoding="utf-8")


def finish_html(output: str, kcs_meta: Any) -> str:
    """The page's own ``<html lang>`` (Material's base.html writes the site language;
    Pagefind splits its index by this attribute), and, for themes without the portal's
    article layout, ``data-pagefind-body`` on article content."""
    if not isinstance(kcs_meta, dict):
        return output
    if kcs_meta.get("lang"):
        output = _HTML_LANG.sub(f'<html lang="{kcs_meta["lang"]}"', output, count=1)
    if kcs_meta.get("kind") == "article" and "data-pagefind-body" not in output:
        output = _ARTICLE.sub(r"\1 data-pagefind-body>", output, count=1)
    return output


def load_history(root: Path) -> Any:
    """The Git history in one pass, or None when it cannot be read (the site still builds)."""
    from .history import read_history

    try:
        return read_history(root)
    except KcsError as exc:
        log.warning("%s; created/updated dates are left out", exc)
        return None


@contextmanager
def forward_warnings() -> Iterator[None]:
    """Route warnings of the kcs library to MkDocs' logger so ``--strict`` counts them."""
    forwarding = _Forwarding(("kcs.site", "kcs.knowledge"))
    forwarding.start()
    try:
        yield
    finally:
        forwarding.stop()


class _Forwarding:
    """Warnings of some kcs loggers go to MkDocs' logger between start() and stop()."""

    def __init__(self, names: tuple[str, ...]) -> None:
        self.names = names
        self.handler = _Forward()
        self.saved: list[tuple[logging.Logger, bool]] = []

    def start(self) -> None:
        self.stop()
        for name in self.names:
            logger = logging.getLogger(name)
            self.saved.append((logger, logger.propagate))
            logger.addHandler(self.handler)
            logger.propagate = False

    def stop(self) -> None:
        for logger, propagate in self.saved:
            logger.removeHandler(self.handler)
            logger.propagate = propagate
        self.saved = []


class _Count(logging.Handler):
    """The warnings MkDocs' logger sees between start() and stop(), (level, logger,
    message) each: what a page said while it rendered, for a build that reuses it."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.seen: list[list[Any]] = []

    @property
    def count(self) -> int:
        return len(self.seen)

    def since(self, mark: int) -> list[list[Any]]:
        return [list(item) for item in self.seen[mark:]]

    def start(self) -> None:
        self.stop()
        self.seen = []
        logging.getLogger("mkdocs").addHandler(self)

    def stop(self) -> None:
        logging.getLogger("mkdocs").removeHandler(self)

    def emit(self, record: logging.LogRecord) -> None:
        self.seen.append([record.levelno, record.name, record.getMessage()])


class _Forward(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)

    def emit(self, record: logging.LogRecord) -> None:
        log.log(record.levelno, record.getMessage())
