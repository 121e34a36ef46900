"""Real builds of a small repository: audiences, links, images, search index, sitemap."""

from __future__ import annotations

import gzip
import json
import re
from html import unescape
from pathlib import Path

from sitekb import SECRET_SENTENCE, SECRET_TITLE

from kcs.build import BuildResult
from kcs.site.leaks import _read_all


def html(site: Path, rel: str) -> str:
    return (site / rel).read_text(encoding="utf-8")


def pagefind_text(site: Path) -> str:
    return "\n".join(text for rel, text in _read_all(site) if rel.startswith("pagefind/"))


def test_result_counts(built: tuple[Path, BuildResult]) -> None:
    out, result = built
    public, internal = result.sites
    assert (public.audience, public.articles, public.path) == ("public", 3, out / "public")
    # internal: reset, reset-en, vpn, secret, draft, notval (archived left out)
    assert (internal.audience, internal.articles) == ("internal", 6)
    assert public.warnings == () and internal.warnings == ()
    assert public.search == {"en": 1, "sv": 2}
    assert internal.search == {"en": 2, "sv": 4}


def test_public_site_has_only_validated_public_articles(built: tuple[Path, BuildResult]) -> None:
    site = built[0] / "public"
    assert sorted(p.name for p in (site / "a").iterdir()) == ["reset", "reset-en", "vpn"]
    everything = "\n".join(text for _, text in _read_all(site))
    for forbidden in (
        "a/secret/",
        "a/draft/",
        "a/notval/",
        "a/old/",
        SECRET_TITLE,
        SECRET_SENTENCE,
        "Lotus Notes",
    ):
        assert forbidden not in everything


def test_internal_site_banners_and_no_archived(built: tuple[Path, BuildResult]) -> None:
    site = built[0] / "internal"
    assert sorted(p.name for p in (site / "a").iterdir()) == [
        "draft",
        "notval",
        "reset",
        "reset-en",
        "secret",
        "vpn",
    ]
    draft = html(site, "a/draft/index.html")
    assert 'class="admonition warning"' in draft and "Utkast" in draft
    notval = html(site, "a/notval/index.html")
    assert 'class="admonition note"' in notval and "Inte validerad" in notval
    assert "admonition" not in html(site, "a/reset/index.html").split("md-content")[1]
    listing = html(site, "sv/d/accounts/index.html")
    assert 'href="../../../a/draft/"' in listing and "Lotus" not in listing
    assert "Lotus" not in pagefind_text(site)


def test_links_are_rewritten_and_hidden_targets_become_text(
    built: tuple[Path, BuildResult],
) -> None:
    public = html(built[0] / "public", "a/reset/index.html")
    assert 'href="../vpn/#losning"' in public
    assert "den interna rutinen" in public and "utkastet" in public and "arkivet" in public
    assert "secret" not in public and "draft/" not in public and "/old/" not in public
    internal = html(built[0] / "internal", "a/reset/index.html")
    assert 'href="../secret/"' in internal and 'href="../draft/"' in internal
    assert "/old/" not in internal


def test_images_are_copied(built: tuple[Path, BuildResult]) -> None:
    site = built[0] / "public"
    page = html(site, "a/reset/index.html")
    assert re.search(
        r'<img alt="Skärmbild av sidan" src="\.\./\.\./_kcs/files/accounts/img/'
        r'shot\.png"',
        page,
    )
    assert (site / "_kcs/files/accounts/img/shot.png").read_bytes().startswith(b"\x89PNG")


def test_pagefind_indexes_articles_per_language(built: tuple[Path, BuildResult]) -> None:
    site = built[0] / "public"
    entry = json.loads((site / "pagefind/pagefind-entry.json").read_text())
    assert sorted(entry["languages"]) == ["en", "sv"]
    assert re.search(r'<html lang="en"', html(site, "a/reset-en/index.html"))
    text = pagefind_text(site)
    assert "/a/reset/" in text and "/a/vpn/" in text
    # Listings and home pages stay out of the index (only data-pagefind-body pages).
    assert "/sv/d/" not in text and '"/sv/"' not in text


def test_sitemap_lists_allowed_pages_only(built: tuple[Path, BuildResult]) -> None:
    site = built[0] / "public"
    sitemap = (site / "sitemap.xml").read_text()
    assert "<loc>https://help.example.test/a/reset/</loc>" in sitemap
    assert "secret" not in sitemap and "draft" not in sitemap
    assert gzip.decompress((site / "sitemap.xml.gz").read_bytes()).decode() == sitemap
    internal = (built[0] / "internal/sitemap.xml").read_text()
    assert "<loc>https://kb.example.test/a/secret/</loc>" in internal
    assert "/a/old/" not in internal


def test_reports_only_on_the_internal_site(built: tuple[Path, BuildResult]) -> None:
    out = built[0]
    assert (out / "internal/reports/index.html").is_file()
    assert (out / "internal/reports/staleness/index.html").is_file()
    assert not (out / "public/reports").exists()
    assert not (out / "public/proposals").exists()
    index = (out / "internal/reports/index.html").read_text(encoding="utf-8")
    for target in (
        "staleness/",
        "health/",
        "contributors/",
        "usage/",
        "search/",
        "gaps/",
        "value/",
        "../proposals/",
    ):
        assert f'href="{target}"' in index, target


def test_listings_and_root(built: tuple[Path, BuildResult]) -> None:
    site = built[0] / "public"
    domains = html(site, "sv/d/index.html")
    assert 'href="accounts/"' in domains and "Konton" in domains
    tag = html(site, "sv/t/losenord/index.html")
    assert 'href="../../../a/reset/"' in tag
    root = html(site, "index.html")
    assert 'http-equiv="refresh" content="0; url=sv/"' in root
    assert (site / "404.html").is_file()


def test_article_meta_reaches_the_page(built: tuple[Path, BuildResult]) -> None:
    # The forge links are for agents: the internal site only.
    assert "forge.example.test" not in html(built[0] / "public", "a/reset/index.html")
    page = html(built[0] / "internal", "a/reset/index.html")
    assert "https://forge.example.test/kb/edit/main/articles/accounts/reset.md" in page
    # flag_url: title and url URL-encoded (the internal site's address).
    hrefs = [unescape(h) for h in re.findall(r'href="([^"]*)"', page)]
    assert (
        "https://forge.example.test/kb/issues/new?title=Jag%20har%20gl%C3%B6mt%20mitt"
        "%20l%C3%B6senord&article=reset&url=https%3A%2F%2Fkb.example.test%2Fa%2Freset%2F"
    ) in hrefs


def test_sites_are_readable_by_a_web_server_and_load_no_fonts_from_elsewhere(
    built: tuple[Path, BuildResult],
) -> None:
    out, _ = built
    for audience in ("public", "internal"):
        site = out / audience
        assert site.stat().st_mode & 0o777 == 0o755
        for page in site.rglob("*.html"):
            text = page.read_text(encoding="utf-8")
            assert "fonts.googleapis.com" not in text and "fonts.gstatic.com" not in text, page
