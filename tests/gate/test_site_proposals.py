"""Proposed edits on the internal site, sanitised."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import markdown
from kbrepo import article, branch

from kcs.knowledge import load
from kcs.site.model import SiteContext
from kcs.site.proposals import pages, render_untrusted

EVIL = (
    "## Issue\n\nSafe words here.\n\n<script>alert(1)</script>\n\n"
    '<img src="x.png" onerror="alert(2)">\n\n[click me](javascript:alert(3))\n\n'
    '<a href="JaVaScRiPt:alert(4)" onclick="alert(5)">x</a>\n\n'
    '<iframe src="https://evil.example"></iframe>\n\n<style>body{display:none}</style>\n'
)


def ctx_for(root: Path, audience: str = "internal") -> SiteContext:
    kb = load(root)
    return SiteContext(
        kb=kb,
        audience=audience,
        articles=kb.for_audience(audience),
        now=dt.datetime(2026, 1, 20, tzinfo=dt.UTC),
    )


def test_render_untrusted_strips_everything_active() -> None:
    html = render_untrusted(EVIL)
    lowered = html.lower()
    for bad in ("<script", "onerror", "onclick", "javascript:", "<iframe", "<style"):
        assert bad not in lowered, bad
    assert "<p>Safe words here.</p>" in html
    assert '<img src="x.png">' in html


def test_internal_site_shows_proposals_beside_official(kb: Path) -> None:
    branch(
        kb,
        "proposal/lotta/reset",
        {
            "articles/accounts/reset.md": article(
                'I forgot [it](javascript:alert(9)) <b onmouseover="x()">',
                audience="public",
                body=EVIL,
            )
        },
        date="2026-01-12T09:00:00+00:00",
    )
    got = {p.src_uri: p for p in pages(ctx_for(kb))}
    assert set(got) == {"proposals/index.md", "proposals/reset.md"}
    page = got["proposals/reset.md"].markdown
    assert (
        "Proposed by <strong>Test Author</strong> since "
        '<time datetime="2026-01-12T09:00:00+00:00">2026-01-12</time> (7 day(s)); '
        "waits for: contributor of accounts, publisher of accounts." in page
    )
    assert "<li>audience: internal &rarr; public</li>" in page
    assert '<section class="kcs-official"><h3>Official</h3><h2>Issue</h2>' in page
    assert "<p>Restart it.</p>" in page  # the official resolution
    assert "<p>Safe words here.</p>" in page  # the proposed text
    # what MkDocs will do with the page: Markdown with raw HTML passed through
    html = markdown.markdown(page, extensions=["md_in_html", "tables"]).lower()
    assert "<script" not in html and "<iframe" not in html and "<style" not in html
    assert not re.search(r"<[^>]*\son\w+\s*=", html)  # no event handler on any element
    assert not re.search(r"(href|src)\s*=\s*[\"']?\s*javascript:", html)
    assert "&lt;b onmouseover=&quot;x()&quot;&gt;" in page  # the title, shown as text
    index = got["proposals/index.md"].markdown
    assert '<a href="reset/">I forgot my password</a></td><td>1</td>' in index
    assert got["proposals/reset.md"].meta["kcs"]["proposals"][0]["branch"] == "proposal/lotta/reset"


def test_public_site_has_no_proposal_pages(kb: Path) -> None:
    branch(kb, "proposal/lotta/reset", {"articles/accounts/reset.md": article("x")})
    assert pages(ctx_for(kb, "public")) == []
