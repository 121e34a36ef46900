"""The home, contact and announcement data the templates render (no browser needed)."""

from __future__ import annotations

import datetime as dt

import pytest

from kcs.knowledge import load
from kcs.site import announcements, contact, home
from kcs.site.model import SiteContext

NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)


def write_announcement(root, ident, lang, starts, ends, severity="info"):
    path = root / "articles" / "general" / f"{ident}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"---\nid: {ident}\ntitle: {ident}\nlang: {lang}\nstate: validated\naudience: public\n"
        f"type: announcement\nseverity: {severity}\nstarts: {starts}\nends: {ends}\n---\n\n"
        "## Problem\n\nx\n\n## Lösning\n\ny\n",
        encoding="utf-8",
    )


@pytest.fixture
def ctx(sample_repo):
    write_announcement(sample_repo, "ann-old", "sv", "2026-01-01", "2026-02-01")
    write_announcement(sample_repo, "ann-now", "sv", "2026-11-01", "2026-12-01", "warning")
    write_announcement(sample_repo, "ann-crit", "sv", "2026-11-20T08:00", "2026-11-30", "critical")
    write_announcement(sample_repo, "ann-later", "sv", "2026-12-01", "2026-12-31")
    write_announcement(sample_repo, "ann-fi", "fi", "2026-11-01", "2026-12-01")
    kb = load(sample_repo)
    return SiteContext(kb, "public", kb.for_audience("public"), NOW)


def test_current_announcements_most_severe_first(ctx):
    ids = [a["id"] for a in announcements.banner(ctx.articles, NOW, lang="sv")]
    assert ids[:2] == ["ann-crit", "ann-now"]
    assert "ann-later" in ids  # not started yet: shipped, hidden until its start
    assert "ann-old" not in ids and "ann-fi" not in ids
    crit = announcements.banner(ctx.articles, NOW, lang="sv")[0]
    assert crit["starts"] == "2026-11-20T08:00:00+00:00"
    assert crit["ends"].startswith("2026-11-30T23:59:59")


def test_home_page_per_language(ctx):
    pages = {p.src_uri: p for p in home.pages(ctx)}
    assert set(pages) == {f"{lang}/index.md" for lang in ("sv", "fi", "nl", "en")}
    sv = pages["sv/index.md"].meta
    assert sv["template"] == "kcs-home.html"
    kcs = sv["kcs"]
    assert kcs["kind"] == "home" and kcs["lang"] == "sv"
    assert [a["id"] for a in kcs["announcements"]][:2] == ["ann-crit", "ann-now"]
    # Featured ids (kcs.yml site.featured) come first, in the page's language.
    assert kcs["most_used"][0]["id"] == "accounts-reset-password"
    fi_ids = [c["id"] for c in pages["fi/index.md"].meta["kcs"]["most_used"]]
    assert fi_ids[0] == "accounts-reset-password-fi"
    assert all(d["url"] == f"sv/d/{d['domain']}/" for d in kcs["domains"])
    assert all(not c["id"].startswith("ann-") for c in kcs["most_used"])


def test_most_used_from_usage_wins_over_featured(ctx):
    ctx = SiteContext(ctx.kb, ctx.audience, ctx.articles, NOW, most_used=("printing-add-printer",))
    kcs = home.home_meta(ctx, "fi")
    assert kcs["most_used"][0]["id"] == "printing-add-printer-fi"


def test_contact_page_channels(ctx):
    pages = {p.src_uri: p.meta for p in contact.pages(ctx)}
    sv = pages["sv/contact.md"]["kcs"]
    assert sv == {
        "kind": "contact",
        "lang": "sv",
        "internal": False,
        "form_target": "mailto:servicedesk@example.org",
        "form_method": "get",
        "email": "servicedesk@example.org",
        "phone": "+46 8 123 456 00",
        "hours": "Vardagar 07.30–17.00",
        "suggestions_max": 5,
        "home_url": "sv/",
        "handoff": "",  # a mailto: target hands nothing over to a ticket system
    }
    assert pages["en/contact.md"]["kcs"]["hours"] == "Weekdays 07:30–17:00 CET"
