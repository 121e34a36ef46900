"""The pure parts of the site build: generators, meta, review status, leak needles, HTML."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from gitrepo import write
from sitekb import SECRET_SENTENCE, SECRET_TITLE, make_kb

from kcs import site
from kcs.article import parse_article
from kcs.config import load_config
from kcs.errors import BuildError
from kcs.history import read_history
from kcs.knowledge import load
from kcs.plugin import finish_html, insert_theme_dir
from kcs.site.articles import review_status
from kcs.site.leaks import needles

NOW = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def kb_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_kb(
        tmp_path_factory.mktemp("kb"),
        extra={
            "articles/network/code.md": """\
---
id: code
title: Kodexempel med länkar
state: validated
audience: public
---

## Lösning

Skriv `[inte en länk](secret.md)` eller:

```
[inte heller](secret.md)
```

Men [den här](secret.md) blir text.
"""
        },
    )


def pages_by_uri(root: Path, audience: str) -> dict[str, site.Page]:
    kb = load(root)
    ctx = site.context(kb, audience, now=NOW, history=read_history(root))
    return {p.src_uri: p for p in site.generate(ctx)}


def test_article_meta_contract(kb_root: Path) -> None:
    pages = pages_by_uri(kb_root, "public")
    meta = pages["a/reset.md"].meta
    assert meta["title"] == "Jag har glömt mitt lösenord"
    kcs = dict(meta["kcs"])
    commit = dt.datetime.fromisoformat("2026-01-15T10:00:00+01:00")
    assert dt.datetime.fromisoformat(kcs.pop("created")) == commit
    assert dt.datetime.fromisoformat(kcs.pop("updated")) == commit
    assert kcs == {
        "kind": "article",
        "id": "reset",
        "url": "a/reset/",
        "lang": "sv",
        "state": "validated",
        "audience": "public",
        "type": "howto",
        "domain": "accounts",
        "domain_label": "Konton",
        "domain_url": "sv/d/accounts/",
        "tags": ["lösenord", "Konto"],
        "summary": "Återställ lösenordet själv.",
        "reviewed": "2026-01-10",
        "review_due": "2027-01-05",
        "review_status": "fresh",
        "translations": [
            {"lang": "en", "id": "reset-en", "url": "a/reset-en/", "title": "I forgot my password"}
        ],
        "related": [{"id": "vpn", "url": "a/vpn/", "title": "VPN ansluter inte hemifrån"}],
        "tickets": [],
        "edit_url": "https://forge.example.test/kb/edit/main/articles/accounts/reset.md",
        "flag_url": "https://forge.example.test/kb/issues/new?title=Jag%20har%20gl%C3%B6mt"
        "%20mitt%20l%C3%B6senord&article=reset&url=https%3A%2F%2Fhelp.example."
        "test%2Fa%2Freset%2F",
    }
    assert pages["a/reset-en.md"].meta["kcs"]["translations"][0]["id"] == "reset"


def test_every_generator_writes_its_pages(kb_root: Path) -> None:
    public = pages_by_uri(kb_root, "public")
    assert sorted(u for u in public if u.startswith("a/")) == [
        "a/code.md",
        "a/reset-en.md",
        "a/reset.md",
        "a/vpn.md",
    ]
    for uri in (
        "index.md",
        "sv/index.md",
        "en/index.md",
        "sv/contact.md",
        "sv/d/index.md",
        "sv/d/accounts.md",
        "sv/t/index.md",
        "sv/t/losenord.md",
        "sv/t/konto.md",
    ):
        assert uri in public, uri
    internal = pages_by_uri(kb_root, "internal")
    assert internal["a/draft.md"].markdown.startswith(
        '# Utkast om kontolåsning hos partnern\n\n!!! warning "Utkast"\n'
    )
    assert "a/old.md" not in internal
    listing = internal["sv/d/accounts.md"]
    assert "- [Utkast om kontolåsning hos partnern](../../a/draft.md) *(Utkast)*" in (
        listing.markdown
    )
    assert [a["id"] for a in listing.meta["kcs"]["articles"]] == ["notval", "reset", "draft"]


def test_article_bodies_go_to_the_renderer_as_written(kb_root: Path) -> None:
    # Links are resolved on the parsed document while MkDocs renders (tests/buildsafe).
    body = pages_by_uri(kb_root, "public")["a/code.md"].markdown
    assert "`[inte en länk](secret.md)`" in body
    assert "```\n[inte heller](secret.md)\n```" in body
    assert "Men [den här](secret.md) blir text." in body


def test_a_page_written_twice_is_refused(kb_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(site.GENERATORS, "again", "kcs.site.articles:pages")
    ctx = site.context(load(kb_root), "public", now=NOW)
    with pytest.raises(BuildError, match="site generators 'articles' and 'again' both write"):
        site.generate(ctx)


@pytest.mark.parametrize(
    ("reviewed", "status", "due"),
    [
        ("2026-01-01", "fresh", "2026-06-30"),
        ("2025-09-15", "due-soon", "2026-03-14"),
        ("2025-06-01", "overdue", "2025-11-28"),
        (None, "never-validated", None),
    ],
)
def test_review_status(tmp_path: Path, reviewed: str | None, status: str, due: str | None) -> None:
    config = load_config(tmp_path, text="review: {every: 6 months, due_soon: 30 days}\n")
    front = f"reviewed: {reviewed}\n" if reviewed else ""
    article, _ = parse_article("articles/x/a.md", f"---\ntitle: T\n{front}---\n", config)
    assert article is not None
    found_due, found = review_status(article, config, NOW.date())
    assert (found, found_due.isoformat() if found_due else None) == (status, due)


def test_leak_needles_skip_text_allowed_articles_share(kb_root: Path) -> None:
    ids, texts = needles(load(kb_root), "public")
    assert set(ids) == {"secret", "draft", "notval", "old"}
    assert texts[SECRET_TITLE] == ("secret", "title")
    assert texts[SECRET_SENTENCE + "."] == ("secret", "sentence")
    assert needles(load(kb_root), "internal")[0] == {
        "old": "Gammal arkiverad instruktion för Lotus Notes"
    }


def test_theme_dir_goes_after_custom_dir(tmp_path: Path) -> None:
    custom, material, mkdocs_dir = (tmp_path / n for n in ("custom", "material", "mkdocs"))
    for d in (custom, material, mkdocs_dir):
        d.mkdir()
    theme = tmp_path / "kcs-theme"
    dirs = [str(custom), str(material), str(mkdocs_dir)]
    insert_theme_dir(dirs, custom_dir=str(custom), theme_dir=theme)
    insert_theme_dir(dirs, custom_dir=str(custom), theme_dir=theme)
    assert dirs == [str(custom), str(theme), str(material), str(mkdocs_dir)]
    plain = [str(material)]
    insert_theme_dir(plain, custom_dir=None, theme_dir=theme)
    assert plain == [str(theme), str(material)]


def test_finish_html_sets_language_and_search_body() -> None:
    page = '<html lang="sv" class="no-js"><article class="md-content__inner md-typeset">x'
    article = {"kind": "article", "id": "a", "lang": "fi"}
    assert finish_html(page, article) == (
        '<html lang="fi" class="no-js">'
        '<article class="md-content__inner md-typeset" data-pagefind-body>x'
    )
    themed = '<html lang="fi"><div data-pagefind-body>x'
    assert finish_html(themed, article) == themed
    assert finish_html(page, {"kind": "listing", "lang": "en"}) == page.replace('"sv"', '"en"')
    assert finish_html(page, None) == page


def test_home_ranks_articles_by_usage(tmp_path: Path) -> None:
    from kcs.usage.store import database_path, ingest

    root = make_kb(tmp_path / "kb", git=False)
    day = dt.date.today().strftime("%d/%b/%Y")
    agent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36"
    lines = [
        f'198.51.100.{n} - - [{day}:10:00:{n:02d} +0000] "GET /a/{ident}/ HTTP/1.1" 200 512 '
        f'"-" "{agent}"'
        for ident, count in (("vpn", 5), ("secret", 9), ("reset", 2))
        for n in range(count)
    ]
    log = write(tmp_path / "access.log", "\n".join(lines) + "\n")
    ingest(database_path(root), [log])
    assert site.most_used(root)[:3] == ("secret", "vpn", "reset")
    ctx = site.context(load(root), "public", most_used=site.most_used(root))
    home = {p.src_uri: p for p in site.generate(ctx)}["sv/index.md"]
    assert [a["id"] for a in home.meta["kcs"]["most_used"]][:2] == ["vpn", "reset"]
