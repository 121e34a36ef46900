"""Each language's announcement feed carries what that language's pages show."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path

from kcs.channels import feeds
from kcs.knowledge import load
from kcs.site import announcements, context

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
NAMES = {"sv": "Servicedesk", "fi": "Palvelupiste", "en": "Service desk"}


def announcement(ident: str, title: str, lang: str, of: str = "") -> str:
    extra = f"translation_of: {of}\n" if of else ""
    return (
        f"---\nid: {ident}\ntitle: {title}\nlang: {lang}\naudience: public\nstate: validated\n"
        f"type: announcement\nseverity: warning\nstarts: 2026-01-01\n{extra}---\n\n"
        "## Problem\n\nText.\n"
    )


def test_every_languages_feed_carries_what_its_pages_show(tmp_path: Path) -> None:
    (tmp_path / "articles/general").mkdir(parents=True)
    names = ", ".join(f"{k}: {v}" for k, v in NAMES.items())
    (tmp_path / "kcs.yml").write_text(
        f"site:\n  name: {{{names}}}\nlanguages: [sv, fi, en]\ndefault_language: sv\n", "utf-8"
    )
    files = {
        "sms.md": announcement("sms", "SMS-koder upphör", "sv"),
        "vpn.md": announcement("vpn", "VPN byts ut", "sv"),
        "vpn-en.md": announcement("vpn-en", "The VPN is being replaced", "en", of="vpn"),
        "teams.md": announcement("teams", "Teams update tonight", "en"),
    }
    for name, text in files.items():
        (tmp_path / "articles/general" / name).write_text(text, encoding="utf-8")
    written_in = {"The VPN is being replaced": "en", "Teams update tonight": "en"}
    written_in.update({"SMS-koder upphör": "sv", "VPN byts ut": "sv"})
    ctx = context(load(tmp_path), "public", now=dt.datetime(2026, 6, 1, tzinfo=dt.UTC))
    expected = {
        # untranslated: the default language's, else as written
        "sv": {"SMS-koder upphör", "VPN byts ut", "Teams update tonight"},
        "fi": {"SMS-koder upphör", "VPN byts ut", "Teams update tonight"},
        "en": {"SMS-koder upphör", "The VPN is being replaced", "Teams update tonight"},
    }
    for lang, titles in expected.items():
        feed = ET.fromstring(feeds.atom(ctx, lang).encode())
        entries = feed.findall(f"{ATOM}entry")
        assert {e.findtext(f"{ATOM}title") for e in entries} == titles, lang
        banner = announcements.for_language(ctx.articles, ctx.now, lang, "sv")
        assert [e.findtext(f"{ATOM}title") for e in entries] == [b["title"] for b in banner]
        assert feed.findtext(f"{ATOM}title").startswith(NAMES[lang] + ": "), lang
        for entry in entries:
            assert entry.findtext(f"{ATOM}author/{ATOM}name") == NAMES[lang]
            # an entry in another language than its feed says which
            written = written_in[entry.findtext(f"{ATOM}title")]
            assert entry.get(XML_LANG, feed.get(XML_LANG)) == written
