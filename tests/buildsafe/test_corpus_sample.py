"""A sample of the real corpus (every language) imported and built: every article has its
page. benchmarks/bench_render_corpus.py runs the same over the whole corpus."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from buildkb import make_repo
from gitrepo import CORPUS, REPO_ROOT

from kcs import render
from kcs.build import build_sites
from kcs.importers.pipeline import run_import
from kcs.knowledge import load

SETS = {
    "officedocs": CORPUS / "officedocs-support",
    "m365": CORPUS / "alchemy-insights",
}
PER_SET = 12

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is not here")


def sample(source: Path, into: Path) -> int:
    """Every n-th Markdown file of ``source`` (locale folders kept), copied to ``into``."""
    files = sorted(p for p in source.rglob("*.md") if "includes" not in p.parts)
    step = max(1, len(files) // PER_SET)
    picked = files[::step][:PER_SET] if source.name != "alchemy-insights" else []
    if source.name == "alchemy-insights":  # the same articles in sv, fi and nl
        for locale in ("sv-SE", "fi-FI", "nl-NL"):
            names = sorted((source / locale).glob("*.md"))
            picked += names[:: max(1, len(names) // (PER_SET // 3))][: PER_SET // 3]
    for path in picked:
        target = into / path.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target)
    return len(picked)


def test_a_corpus_sample_renders_and_builds(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "kb", {}, kcs_yml=(REPO_ROOT / "kcs.yml").read_text())
    shutil.copy(REPO_ROOT / "mkdocs.yml", root / "mkdocs.yml")
    (root / "docs/portal").mkdir(parents=True)
    (root / "articles").mkdir()
    total = 0
    for name, source in SETS.items():
        copied = tmp_path / "sources" / name
        total += sample(source, copied)
        result = run_import(root, copied, into=f"articles/{name}", duplicates=False)
        assert not result.failures
    kb = load(root)
    assert len(kb.articles) == total >= 20
    setup = render.setup_for(root)
    problems = [render.problem(a.path, a.body, a.body_line, setup) for a in kb.articles]
    built = build_sites(root, ("internal",))
    site = root / "site/internal"
    for article, problem in zip(kb.articles, problems, strict=True):
        page = (site / f"a/{article.id}/index.html").read_text(encoding="utf-8")
        assert ("This article cannot be shown" in page) is (problem is not None), article.path
    assert built.sites[0].articles == total
