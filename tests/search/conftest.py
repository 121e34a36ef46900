"""A small multilingual knowledge repository for the search tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from gitrepo import write

CONFIG = "languages: [sv, fi, nl, en]\ndefault_language: sv\n"

HEADINGS = {
    "sv": ("Problem", "Lösning"),
    "fi": ("Ongelma", "Ratkaisu"),
    "nl": ("Probleem", "Oplossing"),
    "en": ("Issue", "Resolution"),
}

#: path → (id, lang, title, issue text, resolution text, extra front matter)
ARTICLES: dict[str, tuple[str, str, str, str, str, str]] = {
    "articles/printing/add-printer.md": (
        "printing-add-printer",
        "sv",
        "Hur lägger jag till en skrivare?",
        "Datorn hittar ingen skrivare på kontoret.",
        "Öppna Inställningar och välj Lägg till enhet.",
        "tags: [utskrift]\n",
    ),
    "articles/accounts/reset-password.md": (
        "accounts-reset-password",
        "sv",
        "Jag har glömt mitt lösenord",
        "Inloggningen misslyckas efter semestern.",
        "Byt lösenordet på självserviceportalen.",
        "tickets: [INC0012345]\n",
    ),
    "articles/accounts/mfa.md": (
        "accounts-mfa",
        "sv",
        "Inloggningen stoppas efter kodfrågan",
        "Felet AADSTS50076 visas i webbläsaren.",
        "Registrera en andra metod i Authenticator-appen.",
        "",
    ),
    "articles/network/vpn.md": (
        "network-vpn",
        "sv",
        "VPN fungerar inte hemifrån",
        "Anslutningen bryts efter en minut.",
        "Starta om VPN-klienten.",
        "",
    ),
    "articles/printing/tulostin.fi.md": (
        "printing-tulostin-fi",
        "fi",
        "Tulostin ei tulosta",
        "Paperia on, mutta mitään ei tule ulos.",
        "Käynnistä laite uudelleen.",
        "",
    ),
    "articles/printing/ajuri.fi.md": (
        "printing-ajuri-fi",
        "fi",
        "Tulostimen ajurin asentaminen",
        "Uusi kannettava ei löydä laitetta.",
        "Asenna ajuri Ohjelmistokeskuksesta.",
        "",
    ),
    "articles/accounts/vergeten.nl.md": (
        "accounts-vergeten-nl",
        "nl",
        "Wachtwoord vergeten",
        "Je kunt niet meer inloggen.",
        "Gebruik de selfservicepagina.",
        "",
    ),
    "articles/accounts/regels.nl.md": (
        "accounts-regels-nl",
        "nl",
        "Regels voor sterke wachtwoorden",
        "Welke tekens zijn toegestaan?",
        "Minstens veertien tekens.",
        "",
    ),
    "articles/devices/windows-update.en.md": (
        "devices-windows-update-en",
        "en",
        "Windows Update fails to install",
        "Installation stops with error 0x80070643: fatal error during installation.",
        "Repair the .NET Framework, then retry.",
        "tags: [windows]\n",
    ),
    "articles/devices/printer-offline.en.md": (
        "devices-printer-offline-en",
        "en",
        "Printer shows as offline",
        "Jobs wait in the queue.",
        "Remove and add the device again.",
        "",
    ),
    "articles/devices/docking.en.md": (
        "devices-docking-en",
        "en",
        "Docking station does not charge the laptop",
        "The screens stay black; the printer on the desk works.",
        "Update the dock firmware.",
        "",
    ),
    "articles/network/vpn.en.md": (
        "network-vpn-en",
        "en",
        "VPN does not connect from home",
        "The connection drops after a minute.",
        "Restart the VPN client.",
        "",
    ),
}


def article_text(ident: str, lang: str, title: str, issue: str, resolution: str, extra: str) -> str:
    problem, solution = HEADINGS[lang]
    return (
        f"---\ntitle: {title}\nid: {ident}\nlang: {lang}\n{extra}---\n\n"
        f"## {problem}\n\n{issue}\n\n## {solution}\n\n{resolution}\n"
    )


def make_repo(root: Path) -> Path:
    write(root / "kcs.yml", CONFIG)
    for path, spec in ARTICLES.items():
        write(root / path, article_text(*spec))
    return root


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A fresh repository per test (tests that write to it or to its cache)."""
    return make_repo(tmp_path / "kb")


@pytest.fixture(scope="session")
def shared_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One repository for the tests that only read it."""
    return make_repo(tmp_path_factory.mktemp("shared") / "kb")
