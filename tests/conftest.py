"""Fixtures shared by every test: real Git repositories with a fixed identity.

Each area of the suite (core, site, browser, gate, reports, usage, importer,
search) has its own folder and may add a conftest.py of its own.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from gitrepo import GIT_ENV, REPO_ROOT, commit_all, init_repo


@pytest.fixture(autouse=True)
def _git_identity(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Pin Git's identity and keep the user's ~/.gitconfig and hook variables out."""
    home = tmp_path_factory.getbasetemp() / "home"
    home.mkdir(exist_ok=True)
    monkeypatch.setenv("HOME", str(home))
    for name, value in GIT_ENV.items():
        monkeypatch.setenv(name, value)
    for name in ("GIT_DIR", "GIT_INDEX_FILE", "GIT_WORK_TREE", "GIT_OBJECT_DIRECTORY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def sample_repo(tmp_path: Path) -> Iterator[Path]:
    """A copy of this repository's sample knowledge base as a fresh Git repository."""
    dest = tmp_path / "kb"
    dest.mkdir()
    shutil.copy(REPO_ROOT / "kcs.yml", dest / "kcs.yml")
    shutil.copytree(REPO_ROOT / "articles", dest / "articles")
    if (REPO_ROOT / "mkdocs.yml").exists():
        shutil.copy(REPO_ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    if (REPO_ROOT / "docs").exists():
        shutil.copytree(REPO_ROOT / "docs", dest / "docs")
    init_repo(dest)
    commit_all(dest, "Sample knowledge base", date="2026-01-15T10:00:00+01:00")
    yield dest


@pytest.fixture(scope="session")
def shared_chromium() -> Iterator[Any]:
    """One Chromium for the whole test process.

    Playwright's sync API runs one event loop a process: a second ``sync_playwright()`` in
    the same pytest worker fails with "using Playwright Sync API inside the asyncio loop",
    so every area that drives a browser takes this one.
    """
    import sys

    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(Path(__file__).parent / "browser"))
    from sitekit import launch

    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()
