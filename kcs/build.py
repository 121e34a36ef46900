"""``kcs build``: one static site per audience, built with MkDocs, checked for leaks.

Each site is built into a temporary folder beside its target and swapped in only when
the build (and, for sites wider than internal, the leak check) succeeded: a failed
build leaves the previous site in place. The knowledge base and the Git history are
read once for all sites.

Every build records its pages in ``<out>/.kcs-cache/`` (kcs/incremental.py); a build given
``previous`` (an earlier ``out``, possibly the same folder) takes the pages whose inputs
did not change from there instead of rendering them, and still checks the whole site for
leaks.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from .config import AUDIENCES
from .errors import BuildError, UsageError
from .findings import Finding
from .incremental import Manifest, manifest_path
from .knowledge import KnowledgeBase, load
from .render import CODE
from .unbuildable import CODES as UNBUILDABLE_CODES

if TYPE_CHECKING:
    from .plugin import Prepared

log = logging.getLogger(__name__)

DEFAULT_AUDIENCES = ("public", "internal")
#: Findings of articles a site leaves out: under --strict the first one is the message.
LEFT_OUT_CODES = (CODE, *UNBUILDABLE_CODES)
MKDOCS_FILE = "mkdocs.yml"


@dataclass(frozen=True)
class SiteResult:
    audience: str
    path: Path
    pages: int  # generated pages (articles, listings, home, contact, ...)
    articles: int
    seconds: float
    warnings: tuple[str, ...] = ()
    search: dict[str, int] = field(default_factory=dict)  # Pagefind pages per language
    reused: int = 0  # pages taken from the earlier build


@dataclass(frozen=True)
class BuildResult:
    sites: tuple[SiteResult, ...]

    @property
    def warnings(self) -> tuple[str, ...]:
        return tuple(w for s in self.sites for w in s.warnings)


def build_sites(
    root: Path,
    audiences: Sequence[str] = DEFAULT_AUDIENCES,
    out: Path | None = None,
    strict: bool = False,
    *,
    kb: KnowledgeBase | None = None,
    previous: Path | None = None,
    now: dt.datetime | None = None,
) -> BuildResult:
    """Build ``out/<audience>/`` for each audience; raise BuildError on any failure.

    ``previous``: the ``out`` folder of an earlier build, whose unchanged pages are reused;
    ``now``: the clock the pages are built with (default: the current time).
    """
    root = Path(root).resolve()
    out = Path(out).resolve() if out else root / "site"
    now = now or dt.datetime.now(dt.UTC)
    for audience in audiences:
        if audience not in AUDIENCES:
            raise UsageError(f"audience {audience!r} is not one of {', '.join(AUDIENCES)}")
    from .plugin import Prepared, load_history  # the history as the plugin reads it

    started = time.monotonic()
    kb = kb or load(root)
    read = time.monotonic()
    history = load_history(root)
    log.info(
        "read %d articles in %.1f s, Git history in %.1f s",
        len(kb.articles),
        read - started,
        time.monotonic() - read,
    )
    results = []
    broken: dict[str, Finding] = {}  # articles that cannot be rendered, found by any site
    earlier = Path(previous).resolve() if previous else None
    for audience in dict.fromkeys(audiences):
        prepared = Prepared(
            audience,
            kb,
            history,
            now=now,
            previous=earlier / audience if earlier else None,
            manifest=Manifest.read(manifest_path(earlier, audience)) if earlier else None,
        )
        result, late = _build_one(root, prepared, out, strict, broken)
        broken.update(late)
        if late and audience != "internal":
            # The site lists articles that turned out not to render: build it without them.
            result, _ = _build_one(root, replace(prepared, manifest=None), out, strict, broken)
        results.append(result)
    return BuildResult(tuple(results))


def _build_one(
    root: Path,
    prepared: Prepared,
    out: Path,
    strict: bool,
    broken: dict[str, Finding],
) -> tuple[SiteResult, dict[str, Finding]]:
    """One site; also the articles found not to render only while rendering it."""
    from mkdocs.commands.build import build
    from mkdocs.exceptions import Abort, ConfigurationError, PluginError

    from .plugin import KcsPlugin
    from .site import leaks

    start = time.monotonic()
    audience, kb = prepared.audience, prepared.kb
    target = out / audience
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(prefix=f".{target.name}.building-", dir=target.parent))
    temp.chmod(0o755)  # mkdtemp makes it private; a web server must be able to read the site
    try:
        with _collect_logs() as logged, _mkdocs_config(root, temp, strict, logged) as config:
            plugin = config.plugins.get("kcs")
            if not isinstance(plugin, KcsPlugin):
                raise BuildError(
                    f"{root / MKDOCS_FILE}: add 'kcs' to plugins (and remove "
                    "'search'); kcs build needs its plugin"
                )
            plugin.prepare(replace(prepared, broken=dict(broken)))
            try:
                build(config)
            except (Abort, ConfigurationError, PluginError) as exc:
                errors = [m for level, m in logged if level >= logging.ERROR]
                if errors:
                    raise BuildError(f"{audience} site: {errors[-1]}") from None
                warned = [m for level, m in logged if level == logging.WARNING]
                unrenderable = [
                    m for m in warned if any(f": {code}: " in m for code in LEFT_OUT_CODES)
                ]
                if unrenderable:  # strict: the article that cannot be rendered is the news
                    raise BuildError(f"{audience} site: {unrenderable[0]}") from None
                first = f" ({warned[0]})" if warned else ""
                raise BuildError(f"{audience} site: {exc}{first}") from None
        checking = time.monotonic()
        found = leaks.check(temp, kb, audience)
        log.info("%s site: leak check in %.1f s", audience, time.monotonic() - checking)
        if found:
            raise BuildError(
                f"{audience} site: leak check failed, the output holds text of articles "
                f"its readers may not see: {leaks.describe(found)}; remove the reference "
                "or widen the article's audience"
            )
        _swap(temp, target)
    finally:
        if temp.exists():
            shutil.rmtree(temp, ignore_errors=True)
    built = plugin.built()
    if built.manifest is not None:
        # After the swap: a manifest names files by size and time, so one left from an
        # interrupted build never stands for files it did not describe.
        built.manifest.write(manifest_path(out, audience))
    result = SiteResult(
        audience=audience,
        path=target,
        pages=built.pages,
        articles=built.articles,
        seconds=time.monotonic() - start,
        warnings=tuple(m for level, m in logged if level == logging.WARNING),
        search=dict(built.search),
        reused=built.reused,
    )
    return result, dict(built.late)


@contextmanager
def _mkdocs_config(
    root: Path, site_dir: Path, strict: bool, logged: list[tuple[int, str]]
) -> Iterator[Any]:
    """mkdocs.yml of the repository, or a default one when it has none."""
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    path = root / MKDOCS_FILE
    with tempfile.TemporaryDirectory(prefix="kcs-mkdocs-") as scratch:
        if not path.is_file():
            docs = Path(scratch) / "docs"
            docs.mkdir()
            path = Path(scratch) / MKDOCS_FILE
            path.write_text(yaml.safe_dump(default_mkdocs_config(root, docs)), encoding="utf-8")
        try:
            config = load_config(config_file=str(path), site_dir=str(site_dir), strict=strict)
        except (Abort, ConfigurationError) as exc:
            raise BuildError(f"{path}: {logged[-1][1] if logged else exc}") from None
        yield config


def default_mkdocs_config(root: Path, docs_dir: Path) -> dict[str, Any]:
    """The MkDocs configuration used for a knowledge repository without mkdocs.yml."""
    return {
        "site_name": "Service desk",
        "docs_dir": str(docs_dir),
        "use_directory_urls": True,
        "theme": {"name": "material"},
        "plugins": [{"kcs": {"root": str(root)}}],
        "markdown_extensions": [
            "admonition",
            "attr_list",
            "md_in_html",
            {"toc": {"permalink": True}},
        ],
    }


@contextmanager
def _collect_logs() -> Iterator[list[tuple[int, str]]]:
    """(level, message) of the warnings and errors MkDocs and the kcs plugin log."""
    collected: list[tuple[int, str]] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            collected.append((record.levelno, record.getMessage()))

    handler = Collect(logging.WARNING)
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    try:
        yield collected
    finally:
        logger.removeHandler(handler)


def _swap(built: Path, target: Path) -> None:
    """Replace ``target`` by ``built`` with two renames; the old site is removed after."""
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
        os.rmdir(old)
        os.replace(target, old)
    os.replace(built, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
