"""The content standard on the way to main: ``kcs lint --strict`` for the changed articles.

On GitHub the pull-request workflow runs ``kcs lint --strict`` as its own required
check. A plain Git server has no such check, so ``kcs merge`` and the pre-receive
hook run the same lint on the articles a change adds or alters, read from the
commit (never from a work tree) and checked against the kcs.yml in force: personal
data in an article wider than internal, missing sections, broken links.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..article import parse_article
from ..config import Config
from ..findings import ERROR, WARNING, Finding
from ..git import Repo
from ..knowledge import KnowledgeBase
from ..lint import lint
from .diff import Change, is_article_path


def changed_articles(changes: Iterable[Change]) -> list[str]:
    """Article paths the change adds or alters (its new side)."""
    return [c.new_path for c in changes if c.new_path and is_article_path(c.new_path)]


def content_problems(repo: Repo, commit: str, config: Config, paths: Iterable[str]) -> list[str]:
    """One line per ``kcs lint --strict`` finding in ``paths`` as ``commit`` has them.

    Every article of the commit is read, so links into the rest of the base resolve.
    """
    wanted = set(paths)
    if not wanted:
        return []
    listing = repo.run("ls-tree", "-r", "-z", "--full-tree", commit, "--", "articles").stdout
    blobs: dict[str, str] = {}
    for entry in listing.split(b"\0"):
        if not entry:
            continue
        meta, _, name = entry.partition(b"\t")
        mode, kind, oid = meta.decode().split()
        path = name.decode("utf-8", "surrogateescape")
        if kind == "blob" and mode in ("100644", "100755") and is_article_path(path):
            blobs[path] = oid
    data = repo.read_blobs(blobs.values())
    articles = []
    findings: list[Finding] = []
    for path, oid in blobs.items():
        raw = data.get(oid, b"")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            findings.append(Finding(path, 1, "encoding", "not UTF-8; save the file as UTF-8"))
            continue
        article, problems = parse_article(path, text, config)
        findings.extend(problems)
        if article is not None:
            articles.append(article)
    kb = KnowledgeBase(repo.root, config, tuple(articles), tuple(findings))
    return [
        f"{finding} (the content standard, kcs lint --strict)"
        for finding in lint(kb, paths=wanted)
        if finding.severity in (ERROR, WARNING)
    ]
