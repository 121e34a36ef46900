"""The content API and the announcement feeds in real builds of a small repository."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from chankb import INTERNAL_NOTICE, INTERNAL_NOTICE_TEXT
from sitekb import SECRET_SENTENCE, SECRET_TITLE

from kcs.build import BuildResult
from kcs.site.leaks import _read_all

ATOM = "{http://www.w3.org/2005/Atom}"


def load(site: Path, rel: str) -> dict:
    return json.loads((site / rel).read_text(encoding="utf-8"))


def test_listing_holds_what_each_site_shows(channel_built: tuple[Path, BuildResult]) -> None:
    out, _ = channel_built
    public = load(out / "public", "api/v1/articles.json")
    internal = load(out / "internal", "api/v1/articles.json")
    assert (public["version"], public["schema"], public["audience"]) == (
        1,
        "kcs-content-api/1",
        "public",
    )
    assert [a["id"] for a in public["articles"]] == [
        "ended",
        "outage",
        "outage-en",
        "reset",
        "reset-en",
        "vpn",
    ]
    assert [a["id"] for a in internal["articles"]] == [
        "draft",
        "ended",
        "notval",
        "outage",
        "outage-en",
        "patching",
        "reset",
        "reset-en",
        "secret",
        "vpn",
    ]
    reset = next(a for a in public["articles"] if a["id"] == "reset")
    assert reset == {
        "id": "reset",
        "title": "Jag har glömt mitt lösenord",
        "summary": "Återställ lösenordet själv.",
        "url": "https://help.example.test/a/reset/",
        "language": "sv",
        "domain": "accounts",
        "tags": ["lösenord", "Konto"],
        "type": "howto",
        "updated": "2026-01-15T09:00:00+00:00",
    }
    internal_reset = next(a for a in internal["articles"] if a["id"] == "reset")
    assert internal_reset["url"] == "https://kb.example.test/a/reset/"


def test_article_file_sections_links_and_translations(
    channel_built: tuple[Path, BuildResult],
) -> None:
    site = channel_built[0] / "public"
    doc = load(site, "api/v1/a/reset.json")
    article = doc["article"]
    assert article["id"] == "reset" and doc["audience"] == "public"
    assert [(s["key"], s["heading"]) for s in article["sections"]] == [
        ("issue", "Problem"),
        ("resolution", "Lösning"),
    ]
    issue, resolution = article["sections"]
    assert issue["markdown"] == "Jag kommer inte in."
    assert issue["html"] == "<p>Jag kommer inte in.</p>"
    # A link to a visible article becomes its absolute URL, in Markdown and in HTML;
    # links to articles the public may not read are plain text.
    assert "[VPN-guiden](https://help.example.test/a/vpn/#losning)" in resolution["markdown"]
    assert '<a href="https://help.example.test/a/vpn/#losning"' in resolution["html"]
    assert "Agenter följer den interna rutinen." in resolution["markdown"]
    assert "secret" not in json.dumps(doc) and "a/draft/" not in json.dumps(doc)
    assert resolution["html"].startswith("<ol>")
    assert "https://help.example.test/_kcs/files/accounts/img/shot.png" in resolution["markdown"]
    assert article["translations"] == [
        {
            "language": "en",
            "id": "reset-en",
            "url": "https://help.example.test/a/reset-en/",
            "title": "I forgot my password",
        }
    ]
    # The same article on the internal site links the internal article.
    internal = load(channel_built[0] / "internal", "api/v1/a/reset.json")["article"]
    assert "(https://kb.example.test/a/secret/)" in internal["sections"][1]["markdown"]


def test_no_forbidden_article_in_the_public_api(channel_built: tuple[Path, BuildResult]) -> None:
    site = channel_built[0] / "public"
    files = sorted(p.name for p in (site / "api/v1/a").iterdir())
    shown = ("ended", "outage", "outage-en", "reset", "reset-en", "vpn")
    assert files == sorted(f"{i}.json" for i in shown)
    api = "\n".join(text for rel, text in _read_all(site) if rel.startswith("api/"))
    for forbidden in (SECRET_TITLE, SECRET_SENTENCE, INTERNAL_NOTICE, INTERNAL_NOTICE_TEXT):
        assert forbidden not in api
    assert (channel_built[0] / "internal/api/v1/a/secret.json").is_file()


def test_sections_escape_raw_html(tmp_path: Path) -> None:
    from chankb import make_channel_kb

    from kcs.build import build_sites

    extra = tmp_path / "kb"
    make_channel_kb(extra)
    (extra / "articles/network/xss.md").write_text(
        "---\nid: xss\ntitle: Skrivaren visar ett skript\nlang: sv\nstate: validated\n"
        "audience: public\n---\n\n## Problem\n\n<script>alert(1)</script>"
        '<img src="x" onerror="alert(2)"> [klick](javascript:alert(3))\n',
        encoding="utf-8",
    )
    build_sites(extra, ("public",))
    html = load(extra / "site/public", "api/v1/a/xss.json")["article"]["sections"][0]["html"]
    assert "<script" not in html and "onerror" not in html and "javascript:" not in html


def test_atom_feed_per_language(channel_built: tuple[Path, BuildResult]) -> None:
    out = channel_built[0]
    feed = ET.parse(out / "public/sv/announcements.atom").getroot()
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["E-posten fungerar inte just nu"]
    entry = entries[0]
    assert entry.findtext(f"{ATOM}id") == "https://help.example.test/a/outage/"
    assert entry.find(f"{ATOM}category").get("term") == "critical"
    assert entry.findtext(f"{ATOM}published") == "2026-01-01T07:00:00Z"
    english = ET.parse(out / "public/en/announcements.atom").getroot()
    assert [e.findtext(f"{ATOM}title") for e in english.findall(f"{ATOM}entry")] == [
        "E-mail is down right now"
    ]
    internal = ET.parse(out / "internal/en/announcements.atom").getroot()
    assert [e.findtext(f"{ATOM}title") for e in internal.findall(f"{ATOM}entry")] == [
        "E-mail is down right now",
        INTERNAL_NOTICE,
    ]


def test_announcements_json(channel_built: tuple[Path, BuildResult]) -> None:
    out = channel_built[0]
    public = load(out / "public", "api/v1/announcements.json")["announcements"]
    assert [(a["id"], a["severity"], a["active"]) for a in public] == [
        ("outage", "critical", True),
        ("outage-en", "critical", True),
    ]
    assert public[0]["starts"] == "2026-01-01T07:00:00+00:00"
    internal = load(out / "internal", "api/v1/announcements.json")["announcements"]
    assert [a["id"] for a in internal] == ["outage", "outage-en", "patching"]


def test_leak_check_reads_the_api(tmp_path: Path, monkeypatch) -> None:
    """Were the API ever to list an internal article, the public build would fail."""
    import pytest
    from chankb import make_channel_kb

    from kcs.build import build_sites
    from kcs.channels import api
    from kcs.errors import BuildError

    kb = make_channel_kb(tmp_path / "kb")
    real = api.files

    def leaky(ctx, reuse=None):  # the whole knowledge base instead of the site's articles
        from dataclasses import replace

        return real(replace(ctx, articles=ctx.kb.articles), reuse)

    monkeypatch.setattr(api, "files", leaky)
    with pytest.raises(BuildError, match=r"leak check failed.*api/v1/"):
        build_sites(kb, ("public",))
    assert not (kb / "site/public").exists()
