"""Read the knowledge repository once: kcs.yml and every article under articles/."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path

from .article import Article, parse_article
from .config import Config, load_config
from .errors import KcsError
from .findings import Finding

ARTICLES_DIR = "articles"


@dataclass(frozen=True)
class KnowledgeBase:
    """The parsed repository. ``findings`` holds what parsing found wrong."""

    root: Path
    config: Config
    articles: tuple[Article, ...]
    findings: tuple[Finding, ...]

    def by_id(self) -> dict[str, Article]:
        """Articles by id (the first one wins where ids clash; lint reports the clash)."""
        out: dict[str, Article] = {}
        for article in self.articles:
            out.setdefault(article.id, article)
        return out

    def by_path(self) -> dict[str, Article]:
        return {article.path: article for article in self.articles}

    def for_audience(self, audience: str) -> tuple[Article, ...]:
        """What a site for ``audience`` may publish.

        Internal readers see every article except archived ones. Wider audiences see
        only validated articles whose audience they may read.
        """
        if audience == "internal":
            return tuple(a for a in self.articles if a.state != "archived")
        return tuple(a for a in self.articles if a.state == "validated" and a.readable_by(audience))


def find_root(start: Path | None = None) -> Path:
    """The nearest folder at or above ``start`` holding kcs.yml or articles/."""
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / "kcs.yml").is_file() or (candidate / ARTICLES_DIR).is_dir():
            return candidate
    raise KcsError(
        f"{here}: not inside a knowledge repository (no kcs.yml or articles/ found above it); "
        "run kcs in the repository or pass --root"
    )


def iter_article_files(root: Path, paths: Iterable[Path] | None = None) -> Iterator[Path]:
    """Markdown files under articles/ (or the given files and folders), sorted."""
    names = None if paths else _article_names(root)
    if names is not None:
        yield from map(Path, names)
        return
    base = root / ARTICLES_DIR
    targets = list(paths) if paths else [base]
    found: list[Path] = []
    for target in targets:
        target = target if target.is_absolute() else (Path.cwd() / target)
        if target.is_dir():
            for folder, dirs, files in os.walk(target):
                dirs[:] = sorted(d for d in dirs if not d.startswith((".", "_")))
                here = Path(folder)
                found.extend(here / f for f in files if f.endswith(".md"))
        elif target.is_file():
            found.append(target)
        else:
            raise KcsError(f"{target}: no such file or folder")
    yield from sorted(set(found), key=_SORT_KEY)


#: Paths compare part by part; on POSIX (case-sensitive) that is the order of their
#: ``parts`` tuples, which sorts thousands of paths faster than Path.__lt__ does.
_SORT_KEY = None if os.name == "nt" else attrgetter("parts")


def _article_names(root: Path) -> list[str] | None:
    """:func:`iter_article_files` of the whole articles/ folder on POSIX, as text: the
    walk's own paths, sorted part by part (what ``parts`` gives a clean absolute path),
    with no path object made for each of thousands of files. None where that function
    must answer itself (not POSIX, or articles/ is not a folder)."""
    base = root / ARTICLES_DIR
    base = base if base.is_absolute() else Path.cwd() / base
    if _SORT_KEY is None or not base.is_dir():
        return None
    found: list[str] = []
    for folder, dirs, files in os.walk(base):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "_")))
        found.extend(os.path.join(folder, f) for f in files if f.endswith(".md"))
    found.sort(key=lambda name: name.split("/"))
    return found


def _read_text(name: str) -> str:
    """The file as ``Path.read_text(encoding="utf-8")`` gives it (universal newlines),
    read in one call and decoded whole instead of through a text stream."""
    with open(name, "rb", buffering=0) as handle:
        text = handle.readall().decode("utf-8")
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def load(root: Path, paths: Iterable[Path] | None = None, *, bodies: bool = True) -> KnowledgeBase:
    """Parse kcs.yml and the articles. Bad articles become findings, never exceptions.

    ``bodies=False`` parses front matter only, for callers that need no body (the
    staleness and contributors reports): see :func:`kcs.article.parse_article`.
    """
    root = root.resolve()
    config = load_config(root)
    articles: list[Article] = []
    findings: list[Finding] = []
    prefix = os.path.join(root, "")  # "<root>/": most files lie below it, as plain text
    entries: Iterable[tuple[str, Path | None]]
    names = None if paths else _article_names(root)
    if names is not None:
        entries = ((name, None) for name in names)
    else:
        entries = ((str(file), file) for file in iter_article_files(root, paths))
    for name, given in entries:
        try:
            if name.startswith(prefix):  # what relative_to gives, without its Path objects
                rel = name[len(prefix) :].replace(os.sep, "/")
            else:
                rel = (given or Path(name)).relative_to(root).as_posix()
        except ValueError:
            try:  # a path given through a symlink or relative to another folder
                rel = (given or Path(name)).resolve().relative_to(root).as_posix()
            except ValueError:
                raise KcsError(f"{name}: lies outside the repository {root}") from None
        if os.path.islink(name) and root not in (given or Path(name)).resolve().parents:
            findings.append(
                Finding(
                    rel,
                    1,
                    "symlink",
                    "a link to a file outside the repository; copy the article in instead",
                )
            )
            continue
        try:
            text = _read_text(name)
        except UnicodeDecodeError as exc:
            findings.append(
                Finding(
                    rel,
                    1,
                    "encoding",
                    f"not UTF-8 ({exc.reason} at byte {exc.start}); save the file as UTF-8",
                )
            )
            continue
        article, problems = parse_article(rel, text, config, bodies=bodies)
        findings.extend(problems)
        if article is not None:
            articles.append(article)
    return KnowledgeBase(root, config, tuple(articles), tuple(findings))
