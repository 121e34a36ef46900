"""Incremental builds: a page whose inputs did not change since the last build is taken
from that build instead of being rendered again.

A full build of a large knowledge base spends most of its time converting Markdown and
rendering templates for pages that a merge did not touch. After every build the plugin
writes a *manifest* per site (``<out>/.kcs-cache/<audience>.json``, beside the sites, never
inside a served folder) that records, for each generated page:

- ``key``: a hash of everything the page is made of (its path, Markdown and metadata, and
  the article it shows);
- the *lookups* its rendering made: what each link of the article resolved to, and which
  pages MkDocs looked up to write relative links;
- the size and modification time of the file it wrote, and its search document.

The next build reuses a page only when the whole site's *fingerprint* is unchanged (the
code of kcs, MkDocs and Material, mkdocs.yml, kcs.yml, the hand-written pages, the
navigation and the data every page shows, such as announcements), its key is unchanged,
every recorded lookup gives the same answer today, and the earlier file is still the one
recorded. Anything else is rendered. A reused page is hard-linked from the earlier site
(copied across file systems), so the earlier site is never written to. The warnings a page
logged while it rendered (a broken link) are logged again when it is reused, so a build
reports the same problems, and fails ``--strict`` the same way, whether it renders or reuses.

The manifest is input like any other: one that cannot be read, or that does not have the
expected shape, means a full build.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from stat import S_ISREG
from typing import Any

from .fsutil import atomic_write, link_or_copy

log = logging.getLogger(__name__)

FORMAT = 1
CACHE_DIR = ".kcs-cache"
#: Packages whose code shapes a page besides kcs itself, and the Pagefind binary, whose
#: index files a language that did not change keeps.
RENDERERS = (
    "mkdocs",
    "mkdocs-material",
    "markdown",
    "pymdown-extensions",
    "nh3",
    "jinja2",
    "pygments",
    "pagefind_bin",
)
#: Markdown extensions that read no file but the page while it renders (checked in their
#: code), whose code is fingerprinted above. A page rendered with any other extension, or
#: with an MkDocs plugin or hook, may show a file the fingerprint does not hash
#: (markdown-include, a macro's ``include``, an extension of one's own): no page is reused.
#: pymdownx.b64 (images) and Material's emoji functions (icon files) read files;
#: pymdownx.snippets is checked apart (:func:`unhashed_reader`).
READS_NO_FILES = frozenset(
    {
        # Python-Markdown's own
        *("abbr", "admonition", "attr_list", "codehilite", "def_list", "extra"),
        *("fenced_code", "footnotes", "legacy_attrs", "legacy_em", "md_in_html", "meta"),
        *("nl2br", "sane_lists", "smarty", "tables", "toc", "wikilinks"),
        # pymdown-extensions
        *(f"pymdownx.{name}" for name in ("arithmatex", "betterem", "bracketspan", "caret")),
        *(f"pymdownx.{name}" for name in ("critic", "details", "emoji", "escapeall", "extra")),
        *(f"pymdownx.{name}" for name in ("fancylists", "highlight", "inlinehilite", "keys")),
        *(f"pymdownx.{name}" for name in ("magiclink", "mark", "pathconverter", "progressbar")),
        *(f"pymdownx.{name}" for name in ("quotes", "saneheaders", "smartsymbols", "striphtml")),
        *(f"pymdownx.{name}" for name in ("superfences", "tabbed", "tasklist", "tilde")),
        *(f"pymdownx.blocks.{name}" for name in ("admonition", "caption", "definition")),
        *(f"pymdownx.blocks.{name}" for name in ("details", "html", "tab")),
        # kcs's own (its article links record what they looked up)
        "kcs.site.links.ArticleLinks",
    }
)
#: MkDocs plugins that read no file the fingerprint does not hash while a page renders.
PLUGINS_READING_NO_FILES = frozenset({"kcs"})
#: Packages whose functions the settings of an extension may name (a fence's formatter, a
#: slugify function): fingerprinted, and reading no files.
CODE_READING_NO_FILES = ("markdown", "pymdownx")
#: pymdownx.snippets: the extension, and what every one of its markers holds (``--8<--``,
#: ``-8<-``), as the extension itself checks
SNIPPETS = "pymdownx.snippets"
SNIPPET = "8<-"


def manifest_path(out: Path, audience: str) -> Path:
    """Where the build in ``out`` keeps the manifest of its ``audience`` site."""
    return Path(out) / CACHE_DIR / f"{audience}.json"


def digest(*parts: Any) -> str:
    """A stable hash of JSON-like values (other values as :func:`plain` makes them)."""
    text = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=plain)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def plain(value: Any) -> Any:
    """``value`` as JSON data; an object as its type's name (its default repr names its
    address, which differs from build to build)."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, set | frozenset):
        return sorted((plain(item) for item in value), key=repr)
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    named = getattr(value, "__qualname__", None) or getattr(value, "__name__", None)
    if isinstance(named, str):  # a function, class or module
        return f"{getattr(value, '__module__', '')}.{named}"
    if type(value).__repr__ is object.__repr__:
        return f"{type(value).__module__}.{type(value).__qualname__}"
    return repr(value)


@cache
def code_fingerprint() -> str:
    """A hash of the kcs package's files and the versions of the libraries that render.

    The package's own files are read rather than its version: an installation from a
    checkout keeps its version while its code changes.
    """
    from importlib import metadata

    package = Path(__file__).parent
    sha = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            sha.update(path.relative_to(package).as_posix().encode())
            sha.update(path.read_bytes())
    for name in RENDERERS:
        try:
            sha.update(f"{name}=={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            sha.update(f"{name} missing".encode())
    return sha.hexdigest()


def unhashed_reader(
    extensions: Mapping[str, Any], plugins: Iterable[str], appended: Iterable[str] = ()
) -> str | None:
    """Why a page may show a file the site's fingerprint does not hash, or None.

    ``extensions``: the Markdown extensions a page renders with (name → settings),
    ``plugins``: the MkDocs plugins and hooks, ``appended``: the text pymdownx.snippets
    appends to every page. Pages that use pymdownx.snippets are never reused; the files
    it appends to every page are fingerprinted, but not what those take from others.
    """
    for name, settings in extensions.items():
        name = name.removeprefix("markdown.extensions.")
        if name == SNIPPETS:
            if (settings or {}).get("url_download"):
                return f"Markdown extension {name} downloads text (url_download)"
            if any(SNIPPET in text for text in appended):
                return f"Markdown extension {name} appends a file that takes other files' text"
        elif name not in READS_NO_FILES:
            return f"Markdown extension {name} may read other files while a page renders"
        for code in _code_in(settings):
            if code.split(".")[0] not in CODE_READING_NO_FILES:
                return f"Markdown extension {name}'s settings name {code}, which may read files"
    for name in plugins:
        if name not in PLUGINS_READING_NO_FILES:
            return f"MkDocs plugin or hook {name} may read other files while a page renders"
    return None


def _code_in(value: Any) -> Iterable[str]:
    """The module-qualified names of the functions and objects in settings (a path, as
    MkDocs' ``!relative`` gives, is data)."""
    if value is None or isinstance(value, str | int | float | bool | os.PathLike):
        return
    if isinstance(value, Mapping):
        value = list(value.values())
    if isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from _code_in(item)
        return
    owner = value if hasattr(value, "__qualname__") else type(value)  # a function or class
    yield f"{getattr(owner, '__module__', '')}.{getattr(owner, '__qualname__', '')}"


def folder_fingerprint(folder: Path | None) -> list[tuple[str, str]]:
    """(path, content hash) of every file under ``folder``: hand-written pages, theme
    overrides."""
    if folder is None or not folder.is_dir():
        return []
    return [
        (path.relative_to(folder).as_posix(), hashlib.sha256(path.read_bytes()).hexdigest())
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    ]


@dataclass
class PageRecord:
    """What the last build knows about one page it wrote."""

    key: str
    output: str  # the file in the site, relative to it
    links: dict[str, list[Any]] = field(default_factory=dict)  # article URL → target
    files: dict[str, str | None] = field(default_factory=dict)  # src_uri → its URL
    anchors: list[str] = field(default_factory=list)
    #: src_uri → {anchor: link as written} of its links to other pages' anchors, which
    #: MkDocs checks after every page is rendered, reused or not
    to_anchors: dict[str, dict[str, str]] = field(default_factory=dict)
    search: str | None = None  # the article's search document
    stat: list[int] = field(default_factory=list)  # size, mtime_ns of ``output``
    #: (level, logger, message) of each warning rendering it logged: said again on reuse
    warnings: list[list[Any]] = field(default_factory=list)


@dataclass
class SectionsRecord:
    """The content API's rendered sections of one article (kcs/channels/api.py)."""

    key: str
    links: dict[str, list[Any]]
    parts: list[dict[str, Any]]


@dataclass
class Manifest:
    fingerprint: str
    nav: str = ""
    pages: dict[str, PageRecord] = field(default_factory=dict)
    sections: dict[str, SectionsRecord] = field(default_factory=dict)
    #: the render checks' results (kcs/render.py): text and extensions hash → reason
    checks: dict[str, str | None] = field(default_factory=dict)
    #: language → hash of the search documents (and their URLs) Pagefind read, in order
    search: dict[str, str] = field(default_factory=dict)
    #: :func:`code_fingerprint` of the build that wrote it: ``checks`` hold for that code only
    code: str = ""

    @classmethod
    def read(cls, path: Path) -> Manifest | None:
        """The manifest at ``path``, or None (and a full build) when there is none or it
        is not one this version wrote."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") != FORMAT:
                raise ValueError(f"format {data.get('format')!r}, not {FORMAT}")
            pages = {
                str(uri): PageRecord(**_fields(record, PageRecord))
                for uri, record in data["pages"].items()
            }
            sections = {
                str(ident): SectionsRecord(**_fields(record, SectionsRecord))
                for ident, record in data["sections"].items()
            }
            manifest = cls(
                str(data["fingerprint"]),
                str(data["nav"]),
                pages,
                sections,
                _text_mapping(data, "checks", str | None),
                _text_mapping(data, "search", str),
                str(data.get("code", "")),
            )
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
            log.info("%s: not used (%s); every page is rendered", path, exc)
            return None
        return manifest

    def write(self, path: Path) -> None:
        data = {
            "format": FORMAT,
            "fingerprint": self.fingerprint,
            "nav": self.nav,
            "pages": {uri: vars(record) for uri, record in self.pages.items()},
            "sections": {ident: vars(record) for ident, record in self.sections.items()},
            "checks": self.checks,
            "search": self.search,
            "code": self.code,
        }
        atomic_write(path, json.dumps(data, ensure_ascii=False, separators=(",", ":")))


_TYPES: dict[type, dict[str, type]] = {
    PageRecord: {
        "key": str,
        "output": str,
        "links": dict,
        "files": dict,
        "anchors": list,
        "to_anchors": dict,
        "search": (str, type(None)),  # type: ignore[dict-item]
        "stat": list,
        "warnings": list,
    },
    SectionsRecord: {"key": str, "links": dict, "parts": list},
}

#: the type of every item of a record's lists
_ITEMS: dict[type, dict[str, type]] = {PageRecord: {"anchors": str, "stat": int}}


def _fields(record: Any, kind: type) -> dict[str, Any]:
    """The fields of one record, each of the type the dataclass names."""
    if not isinstance(record, dict):
        raise TypeError(f"a record is {type(record).__name__}, not an object")
    types = _TYPES[kind]
    if set(record) != set(types):
        raise ValueError(f"record fields {sorted(record)}")
    for name, expected in types.items():
        if not isinstance(record[name], expected):
            raise TypeError(f"{name} is {type(record[name]).__name__}")
    for name, item in _ITEMS.get(kind, {}).items():
        if not all(
            isinstance(value, item) and not isinstance(value, bool) for value in record[name]
        ):
            raise TypeError(f"{name} holds other values than {item.__name__}")
    if kind is PageRecord and not all(
        isinstance(links, dict) and all(isinstance(x, str) for pair in links.items() for x in pair)
        for links in record["to_anchors"].values()
    ):
        raise TypeError("to_anchors is not a mapping of mappings of text")
    for warning in record.get("warnings", ()):
        if not (
            isinstance(warning, list)
            and len(warning) == 3
            and type(warning[0]) is int
            and logging.WARNING <= warning[0] <= logging.CRITICAL
            and isinstance(warning[1], str)
            and warning[1].split(".")[0] == "mkdocs"
            and isinstance(warning[2], str)
        ):
            raise TypeError("a warning is not [level, mkdocs logger, message]")
    return record


def _text_mapping(data: Mapping[str, Any], name: str, values: Any) -> dict[str, Any]:
    """``data[name]``, checked to map text to ``values``."""
    found = data[name]
    if not isinstance(found, dict) or not all(
        isinstance(key, str) and isinstance(value, values) for key, value in found.items()
    ):
        raise TypeError(f"{name} is not a mapping of text to {values}")
    return found


def search_digest(fed: Iterable[tuple[str, str | None]]) -> str:
    """A hash of the (URL, search document) pairs one language's index was made of."""
    sha = hashlib.sha256()
    for url, document in fed:
        sha.update(digest(url, document).encode())
    return sha.hexdigest()


def inside_site(site: Path, relative: str) -> Path | None:
    """``site/relative`` when ``relative`` is a plain relative path inside the site."""
    parts = relative.split("/")
    if not relative or relative.startswith("/") or any(p in ("", ".", "..") for p in parts):
        return None
    return site.joinpath(*parts)


class Reuse:
    """The earlier build of one site, for the build that replaces it.

    ``previous`` is the earlier site folder and ``manifest`` what it recorded (None: a
    full build that still records, for the build after it).
    """

    def __init__(self, previous: Path | None, manifest: Manifest | None, fingerprint: str) -> None:
        self.previous = previous
        self._previous_real = previous.resolve() if previous is not None else None
        usable = manifest is not None and manifest.fingerprint == fingerprint
        if manifest is not None and not usable:
            log.info("the site's code, settings or shared data changed: every page is rendered")
        self.old = manifest if usable else None
        self.new = Manifest(fingerprint, code=code_fingerprint())
        self.reused: dict[str, PageRecord] = {}
        self.kept_languages: set[str] = set()  # whose search index is the earlier one

    def page(
        self,
        src_uri: str,
        key: str,
        *,
        output: str,
        links_agree: Callable[[Mapping[str, list[Any]]], bool],
        files_agree: Callable[[Mapping[str, str | None]], bool],
    ) -> PageRecord | None:
        """The earlier page of ``src_uri`` when it can stand for the one to build now
        (``output``: the file the page is written to)."""
        if self.old is None or self.previous is None or self._previous_real is None:
            return None
        record = self.old.pages.get(src_uri)
        if record is None or record.key != key or record.output != output:
            return None  # a record naming another file than the page's: not this page's
        path = inside_site(self.previous, record.output)
        if path is None or len(record.stat) != 2:
            return None
        try:
            stat = path.lstat()
            # a link (of the file or a folder on its way) may lead anywhere: none is followed
            direct = path.resolve() == self._previous_real.joinpath(*record.output.split("/"))
        except OSError:
            return None
        if (
            not direct
            or not S_ISREG(stat.st_mode)
            or [stat.st_size, stat.st_mtime_ns] != record.stat
        ):
            return None  # not the file the manifest describes: render it
        if not links_agree(record.links) or not files_agree(record.files):
            return None
        return record

    def nav_changed(self, nav: str) -> None:
        """The navigation every page shows: when it changed, nothing is reused."""
        self.new.nav = nav
        if self.old is not None and self.old.nav != nav:
            log.info("the navigation changed: every page is rendered")
            self.reused.clear()
            self.kept_languages.clear()
            self.old = None

    def keep_languages(self, articles: Mapping[str, list[tuple[str, str]]]) -> None:
        """``articles``: language → (src_uri, URL) of its article pages in build order.
        A language whose pages are all reused, in the same order, keeps its index."""
        if self.old is None:
            return
        for lang, pages in articles.items():
            records = [self.reused.get(uri) for uri, _ in pages]
            if all(r is not None and r.search is not None for r in records):
                fed = [(url, r.search) for (_, url), r in zip(pages, records, strict=True) if r]
                if search_digest(fed) == self.old.search.get(lang):
                    self.kept_languages.add(lang)

    def sections(
        self,
        ident: str,
        key: str,
        links_agree: Callable[[Mapping[str, list[Any]]], bool],
        render: Callable[[], tuple[list[dict[str, Any]], dict[str, list[Any]]]],
    ) -> list[dict[str, Any]]:
        """An article's content API sections: the earlier ones when still valid."""
        old = self.old.sections.get(ident) if self.old is not None else None
        if old is not None and old.key == key and links_agree(old.links):
            self.new.sections[ident] = old
            return old.parts
        parts, links = render()
        self.new.sections[ident] = SectionsRecord(key, links, parts)
        return parts

    def link_into(self, site: Path, records: Iterable[PageRecord]) -> None:
        """Put the reused pages' files into the new ``site``."""
        for record in records:
            assert self.previous is not None  # nothing is reused without an earlier site
            source = inside_site(self.previous, record.output)
            target = inside_site(site, record.output)
            assert source is not None and target is not None
            link_or_copy(source, target)
