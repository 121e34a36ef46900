"""Browser tests: the sample sites built once, served by real nginx, driven by Chromium.

The sites are built once per test run: with pytest-xdist the first worker builds them
under a lock in the run's shared temp folder and the others reuse them. Each worker
starts its own nginx (own ports, own access log) and its own Chromium.
"""

from __future__ import annotations

import fcntl
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from nginx import Nginx, nginx_binary  # noqa: E402
from sitekit import CHROMIUM, build, make_kb  # noqa: E402

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that use the served sites drive Chromium and nginx: mark them for -m."""
    for item in items:
        uses_site = "built_sites" in getattr(item, "fixturenames", ())
        if uses_site and HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.nginx)


def _require_tools() -> None:
    # CI must run these tests: a missing browser or server there is a failure, not a skip
    missing = pytest.fail if os.environ.get("CI") else pytest.skip
    if not os.path.exists(CHROMIUM):
        missing("Debian's chromium is not installed (apt-get install -y chromium)")
    if nginx_binary() is None:
        missing("nginx is not installed (apt-get install -y nginx)")
    pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="session")
def built_sites(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """``root/site/{public,internal}`` of the sample KB (root = the KB's Git repo)."""
    _require_tools()
    if worker_id == "master":
        shared = tmp_path_factory.mktemp("browser-sites")
    else:
        shared = tmp_path_factory.getbasetemp().parent / "browser-sites"
        shared.mkdir(exist_ok=True)
    done = shared / "done"
    with open(shared / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not done.exists():
                kb = make_kb(shared / "kb")
                build(kb, shared / "kb" / "site")
                done.write_text("ok")
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return shared / "kb"


@pytest.fixture(scope="session")
def server(built_sites: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Nginx]:
    prefix = tmp_path_factory.mktemp("nginx")
    site = built_sites / "site"
    running = Nginx.start(prefix, site / "public", site / "internal")
    yield running
    running.stop()


@pytest.fixture(scope="session")
def browser(built_sites: Path, shared_chromium: Any) -> Any:
    return shared_chromium


class Visit:
    """One browser context (fresh storage) with every request and console message kept."""

    def __init__(self, context: Any, server: Nginx) -> None:
        self.context = context
        self.server = server
        self.requests: list[str] = []
        self.console: list[str] = []
        self.page = context.new_page()
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("console", lambda msg: self.console.append(f"{msg.type}: {msg.text}"))
        self.page.on("pageerror", lambda exc: self.console.append(f"pageerror: {exc}"))

    def goto(self, path: str, *, internal: bool = False) -> Any:
        base = self.server.internal_url if internal else self.server.url
        self.page.goto(base + path.lstrip("/"))
        return self.page

    def foreign_requests(self) -> list[str]:
        return [
            url
            for url in self.requests
            if urlsplit(url).scheme not in ("data", "blob", "about")
            and urlsplit(url).hostname != "127.0.0.1"
        ]


@pytest.fixture
def visit(browser: Any, server: Nginx) -> Iterator[Visit]:
    """A fresh visitor; fails the test if any request left 127.0.0.1 or CSP complained."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="sv-SE")
    current = Visit(context, server)
    yield current
    context.close()
    assert current.foreign_requests() == [], "requests left 127.0.0.1"
    violations = [m for m in current.console if "Content Security Policy" in m]
    assert violations == [], "CSP violations"


@pytest.fixture(scope="session")
def public_root(built_sites: Path) -> Path:
    return built_sites / "site" / "public"
