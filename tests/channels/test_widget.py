"""The suggestion widget in a stand-in ticket form on a second origin, and the contact
form's hand-off to a ticket system: real Chromium, the portal served by the shipped nginx
configuration, the ticket system a second HTTP server on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parents[1] / "browser"))

sys.path.insert(0, str(Path(__file__).parents[1] / "gate"))

from kbrepo import branch  # noqa: E402
from nginx import Nginx, nginx_binary  # noqa: E402
from sitekit import CHROMIUM, build, make_kb  # noqa: E402

from kcs.cli import cli  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.nginx, pytest.mark.slow]

UA = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0 Safari/537.36 visitor-{n}"
)
FORM = """<!doctype html>
<html lang="sv"><head><meta charset="utf-8"><title>Nytt ärende</title></head>
<body><main><h1>Nytt ärende</h1>
<form action="/submit" method="get">
<label for="description">Beskriv problemet</label>
<textarea id="description" name="description" rows="5"></textarea>
<button type="submit">Skicka ärende</button>
</form></main>
<script src="{portal}_kcs/suggest.js" data-kcs-for="#description" async></script>
</body></html>
"""


@dataclass
class TicketSystem:
    """The stand-in ticket system: its form embeds the widget; it records every request."""

    url: str = ""
    portal: str = ""
    requests: list[str] = field(default_factory=list)

    def csp(self) -> str:
        # Strict: nothing inline, only this origin and the portal's.
        origin = self.portal.rstrip("/")
        return (
            f"default-src 'self'; script-src 'self' {origin} 'wasm-unsafe-eval'; "
            f"connect-src 'self' {origin}; style-src 'self'; img-src 'self'; "
            "form-action 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'"
        )


@pytest.fixture(scope="module")
def ticket() -> Iterator[TicketSystem]:
    system = TicketSystem()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            system.requests.append(self.path)
            body = b"ok"
            kind = "text/plain"
            if self.path == "/form.html":
                body = FORM.format(portal=system.portal).encode()
                kind = "text/html; charset=utf-8"
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Security-Policy", system.csp())
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    system.url = f"http://127.0.0.1:{server.server_address[1]}/"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield system
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def portal(
    ticket: TicketSystem, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Path, Nginx]]:
    if not Path(CHROMIUM).exists() or nginx_binary() is None:
        pytest.skip("chromium and nginx are needed")
    kb = make_kb(tmp_path_factory.mktemp("widget") / "kb", usage=False)
    # An open proposal, for the internal article facts and the proposal page.
    path = "articles/accounts/reset-password.md"
    saved = {k: os.environ.get(k) for k in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL")}
    os.environ.update(GIT_AUTHOR_NAME="Lotta Niemi", GIT_AUTHOR_EMAIL="lotta.niemi@example.org")
    try:
        branch(
            kb,
            "proposal/lotta/reset-password",
            {
                path: (kb / path)
                .read_text(encoding="utf-8")
                .replace("på din mobil eller på en annan dator", "på mobilen")
            },
            date=(dt.datetime.now(dt.UTC) - dt.timedelta(days=2)).isoformat(timespec="seconds"),
        )
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    # After the branch: its commit would take the changed kcs.yml along.
    config = kb / "kcs.yml"
    text = config.read_text(encoding="utf-8").replace(
        "form_target: mailto:servicedesk@example.org",
        f"form_target: {ticket.url}new?subject={{subject}}&description={{text}}&l={{lang}}",
    )
    config.write_text(text, encoding="utf-8")
    build(kb, kb / "site")
    server = Nginx.start(tmp_path_factory.mktemp("nginx"), kb / "site/public", kb / "site/internal")
    ticket.portal = server.url
    yield kb, server
    server.stop()


@pytest.fixture(scope="module")
def chromium(portal: tuple[Path, Nginx], shared_chromium: Any) -> Any:
    return shared_chromium


AXE = Path(__file__).parents[1] / "browser" / "node_modules" / "axe-core" / "axe.min.js"
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}


def axe(page: Any, include: str) -> list[str]:
    """Serious and critical axe-core findings inside ``include`` (skipped without axe-core:
    ``npm ci --prefix tests/browser`` installs it)."""
    if not AXE.is_file():
        pytest.skip("axe-core is not installed: npm ci --prefix tests/browser")
    page.evaluate(AXE.read_text(encoding="utf-8") + ";0")
    result = page.evaluate("([c, o]) => axe.run(c, o)", [{"include": [[include]]}, AXE_OPTIONS])
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


#: KCS_SCREENSHOTS=1 writes what a person sees into docs/screenshots while the tests run.
SHOTS = (
    Path(__file__).parents[2] / "docs" / "screenshots"
    if os.environ.get("KCS_SCREENSHOTS")
    else None
)


def shot(page: Any, name: str) -> None:
    if SHOTS is not None:
        page.screenshot(path=str(SHOTS / name), full_page=False)


class Visitor:
    def __init__(self, browser: Any, n: int, **options: Any) -> None:
        self.context = browser.new_context(user_agent=UA.format(n=n), locale="sv-SE", **options)
        self.console: list[str] = []
        self.requests: list[str] = []
        self.context.on("request", lambda r: self.requests.append(r.url))
        self.page = self.context.new_page()
        self.page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.console.append(f"pageerror: {e}"))

    def close(self) -> None:
        self.context.close()
        hosts = {
            urlsplit(u).hostname for u in self.requests if urlsplit(u).scheme in ("http", "https")
        }
        assert hosts <= {"127.0.0.1"}, hosts
        assert [m for m in self.console if "Content Security Policy" in m] == [], self.console


def test_widget_suggests_opens_and_reports(chromium, portal, ticket) -> None:
    kb, server = portal
    # Visitor 1 types, sees suggestions, opens one in a new tab, then sends the ticket.
    one = Visitor(chromium, 1)
    page = one.page
    page.goto(ticket.url + "form.html")
    page.locator("#description").press_sequentially("glömt lösenord", delay=30)
    links = page.locator(".kcs-suggest-widget__list a")
    links.first.wait_for(timeout=8000)
    assert 1 <= links.count() <= 5
    hrefs = links.evaluate_all("els => els.map(e => e.href)")
    assert all(h.startswith(server.url + "a/") for h in hrefs), hrefs
    assert any("/a/accounts-reset-password/" in h for h in hrefs), hrefs
    assert links.first.get_attribute("target") == "_blank"
    assert page.locator(".kcs-suggest-widget__status").inner_text().endswith("kan hjälpa")
    assert axe(page, ".kcs-suggest-widget") == []
    shot(page, "widget-ticket-form.png")
    line = server.wait_for_line("t=suggest&q=gl%C3%B6mt%20l%C3%B6senord&n=", timeout=5)
    assert f'"{ticket.url}"' in line  # the referer is the host's origin only
    with one.context.expect_page() as opened:
        links.first.click()
    article = opened.value
    article.wait_for_load_state()
    assert article.url == hrefs[0]
    server.wait_for_line("t=suggest-click&q=gl%C3%B6mt%20l%C3%B6senord&p=1&a=")
    page.get_by_role("button", name="Skicka ärende").click()
    page.wait_for_url(ticket.url + "submit?*")
    server.wait_for_line("t=contact&q=gl%C3%B6mt%20l%C3%B6senord&l=sv")
    one.close()

    # Visitor 2 opens a suggestion and never sends the ticket: a contact avoided.
    two = Visitor(chromium, 2)
    two.page.goto(ticket.url + "form.html")
    two.page.locator("#description").press_sequentially("vpn hemifrån", delay=30)
    two.page.locator(".kcs-suggest-widget__list a").first.wait_for(timeout=8000)
    with two.context.expect_page():
        two.page.locator(".kcs-suggest-widget__list a").first.click()
    server.wait_for_line("t=suggest-click&q=vpn%20hemifr%C3%A5n&p=1&a=")
    two.close()

    # The deflection report counts the widget's events like the contact page's.
    runner = CliRunner()
    ingested = runner.invoke(cli, ["usage", "ingest", str(server.access_log), "--root", str(kb)])
    assert ingested.exit_code == 0, ingested.output
    result = runner.invoke(cli, ["report", "value", "--format", "json", "--root", str(kb)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    figures = report["figures"]
    assert (figures["Contacts submitted"], figures["Contacts avoided"]) == (1, 1), figures
    assert [row["article"] for row in report["tables"]["by_article"]] == ["network-vpn-connect"]


def test_contact_form_hands_off_to_the_ticket_system(chromium, portal, ticket) -> None:
    _, server = portal
    visitor = Visitor(chromium, 3)
    page = visitor.page
    page.goto(server.url + "sv/contact/")
    page.locator("#kcs-subject").fill("Skrivaren på plan 3")
    page.locator("#kcs-body").fill("Den skriver ut tomma sidor & blinkar.")
    page.get_by_role("button", name="Skicka").click()
    page.wait_for_url(ticket.url + "new?*")
    query = parse_qs(urlsplit(page.url).query)
    assert query == {
        "subject": ["Skrivaren på plan 3"],
        "description": ["Skrivaren på plan 3\n\nDen skriver ut tomma sidor & blinkar."],
        "l": ["sv"],
    }
    server.wait_for_line("t=contact&q=&l=sv")
    visitor.close()


def test_no_beacon_under_global_privacy_control(chromium, portal, ticket) -> None:
    _, server = portal
    visitor = Visitor(chromium, 4)
    visitor.context.add_init_script(
        "Object.defineProperty(navigator, 'globalPrivacyControl', {get: () => true})"
    )
    page = visitor.page
    page.goto(ticket.url + "form.html")
    page.locator("#description").press_sequentially("skrivare", delay=30)
    page.locator(".kcs-suggest-widget__list a").first.wait_for(timeout=8000)
    page.wait_for_timeout(1500)  # past the settle time of the suggest beacon
    page.get_by_role("button", name="Skicka ärende").click()
    page.wait_for_url(ticket.url + "submit?*")
    page.wait_for_timeout(300)
    assert [line for line in server.log_lines() if "visitor-4" in line and "/_kcs/e" in line] == []
    assert any("visitor-4" in line for line in server.log_lines())  # its index reads, yes
    visitor.close()


def test_internal_facts_and_proposal_page_pass_axe(chromium, portal) -> None:
    _, server = portal
    visitor = Visitor(chromium, 5)
    page = visitor.page
    page.goto(server.internal_url + "a/accounts-reset-password/")
    facts = page.locator(".kcs-facts")
    assert facts.is_visible()
    assert "proposal/lotta/reset-password" in facts.inner_text()
    assert axe(page, ".kcs-facts") == []
    facts.scroll_into_view_if_needed()
    shot(page, "article-facts.png")
    facts.get_by_role("link", name="proposal/lotta/reset-password").click()
    page.wait_for_url(server.internal_url + "proposals/accounts-reset-password/")
    assert page.locator(".kcs-diff del").first.inner_text() == "din mobil eller på en annan dator"
    assert page.locator(".kcs-diff ins").first.inner_text() == "mobilen"
    assert axe(page, ".kcs-proposal") == []
    page.locator(".kcs-diff").scroll_into_view_if_needed()
    shot(page, "proposal-diff.png")
    visitor.close()
