"""deploy/nginx.conf: beacons answered with 204, security headers, no cookies, no leaks."""

from __future__ import annotations

import gzip
import re
import urllib.request
from pathlib import Path

from kcs.knowledge import load


def fetch(url: str):
    with urllib.request.urlopen(url) as response:
        return response.status, dict(response.headers), response.read()


def test_beacon_is_204_and_logged_in_combined_format(server):
    status, headers, body = fetch(server.url + "_kcs/e?v=1&t=search&q=vpn&n=3&l=sv")
    assert status == 204 and body == b""
    line = server.wait_for_line("GET /_kcs/e?v=1&t=search&q=vpn&n=3&l=sv HTTP/1.1")
    # combined: addr - user [time] "request" status bytes "referer" "user agent"
    assert line.startswith("127.0.0.1 - - [")
    assert '" 204 0 "-" "Python-urllib/' in line
    assert "Set-Cookie" not in headers


def test_security_headers(server):
    for url in (server.url + "sv/", server.internal_url + "sv/", server.url + "_kcs/e?v=1&t=x"):
        _, headers, _ = fetch(url)
        csp = headers["Content-Security-Policy"]
        assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
        assert "script-src 'self' 'wasm-unsafe-eval'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert "Set-Cookie" not in headers


def test_gzip_and_internal_site(server):
    request = urllib.request.Request(server.url + "sv/", headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request) as response:
        assert response.headers["Content-Encoding"] == "gzip"
        assert b"<html" in gzip.decompress(response.read())
    status, headers, body = fetch(server.internal_url + "a/printing-print-server/")
    assert status == 200 and b"kcs-badge--validated" in body
    assert headers["X-Robots-Tag"] == "noindex, nofollow"


def test_no_request_leaves_localhost(visit):
    """Every page type, a search and the contact suggestions: only 127.0.0.1 is asked."""
    page = visit.goto("/sv/")
    page.locator("#kcs-q-home").fill("vpn")
    page.locator(".kcs-result").first.wait_for()
    visit.goto("/a/network-vpn-connect/")
    visit.goto("/sv/contact/")
    page.locator("#kcs-subject").fill("vpn hemifrån")
    page.locator(".kcs-suggest__list a").first.wait_for()
    visit.goto("/sv/d/network/")
    assert len(visit.requests) > 20
    assert visit.foreign_requests() == []
    assert [m for m in visit.console if m.startswith(("error", "pageerror"))] == []


def _texts(path: Path) -> str:
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":  # Pagefind's index files are gzip
        data = gzip.decompress(data)
    return data.decode("utf-8", errors="replace")


def _needles(article, public_text: str) -> set[str]:
    """Runs of plain words from the title and body: they survive Markdown rendering,
    HTML escaping and Pagefind's JSON as they are."""
    runs = set()
    for line in [article.title, *article.body.splitlines()]:
        for run in re.findall(r"[^\W\d_][\w ,]{24,}\w", line):
            # Text a public article also has (a shared sentence) is not a leak.
            if run not in public_text:
                runs.add(run[:60])
    return runs


def test_public_site_holds_no_text_of_internal_articles(built_sites, public_root):
    kb = load(built_sites)
    public = kb.for_audience("public")
    public_text = "\n".join(a.title + "\n" + a.body for a in public)
    hidden = [a for a in kb.articles if a not in public]
    assert hidden, "the sample KB should have articles the public may not see"
    needles = {a.id: _needles(a, public_text) | {f"/a/{a.id}/"} for a in hidden}

    def scan(root: Path) -> dict[str, set[str]]:
        files = [p for p in root.rglob("*") if p.is_file()]
        assert any(p.suffix == ".pf_fragment" for p in files)
        texts = [_texts(p) for p in files]
        return {
            ident: {n for n in runs if any(n in text for text in texts)}
            for ident, runs in needles.items()
        }

    # The needles are real: the internal site shows the non-archived hidden articles.
    internal = scan(public_root.parent / "internal")
    for article in hidden:
        if article.state != "archived":
            assert internal[article.id], f"{article.id}: no needle found on the internal site"
    leaked = {ident: found for ident, found in scan(public_root).items() if found}
    assert leaked == {}


def test_csp_blocks_inline_script(visit):
    """The policy is live: an injected inline script does not run (and is reported)."""
    page = visit.goto("/sv/")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.__inline = 1'; document.head.appendChild(s); }"
    )
    assert page.evaluate("window.__inline") is None
    page.wait_for_timeout(100)
    assert any("Content Security Policy" in m for m in visit.console)
    visit.console.clear()  # expected here; the fixture fails on any other violation
