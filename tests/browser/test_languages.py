"""Every language served alike: the reader's language at "/", and all interface text of a
page (site name, table of contents, switcher) in the page's language."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("locale", "header", "home"),
    [
        ("fi-FI", None, "fi/"),  # nginx: Accept-Language
        ("en-GB", None, "en/"),
        ("nl-NL", "de-DE,de;q=0.9", "nl/"),  # nginx cannot tell; the page's navigator.languages
        ("de-DE", None, "sv/"),  # neither: the default language
    ],
)
def test_the_root_opens_the_readers_language(browser, server, locale, header, home):
    headers = {"Accept-Language": header} if header else {}
    context = browser.new_context(locale=locale, extra_http_headers=headers)
    page = context.new_page()
    page.goto(server.url)
    page.wait_for_url(server.url + home)
    assert page.locator("html").get_attribute("lang") == home[:2]
    context.close()


def test_the_redirect_varies_by_language(server):
    import urllib.request

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(server.url, headers={"Accept-Language": "fi"})
    try:
        opener.open(request)
        raise AssertionError("no redirect")
    except urllib.error.HTTPError as exc:
        assert exc.code == 302
        assert exc.headers["Location"].endswith("/fi/")
        assert "Accept-Language" in exc.headers.get_all("Vary")
        assert "default-src 'self'" in exc.headers["Content-Security-Policy"]


LANGS = {
    "sv": ("Servicedesk – självservice", "Innehållsförteckning", "Sök"),
    "fi": ("Palvelupiste – omatoimipalvelu", "Sisällysluettelo", "Hae"),
    "nl": ("Servicedesk – selfservice", "Inhoudsopgave", "Zoeken"),
    "en": ("Service desk – self-service", "Table of contents", "Search"),
}


@pytest.mark.parametrize("lang", list(LANGS))
def test_interface_text_follows_the_page(visit, lang):
    name, toc, search = LANGS[lang]
    suffix = "" if lang == "sv" else f"-{lang}"
    page = visit.goto(f"/a/accounts-reset-password{suffix}/")
    assert page.locator(".kcs-header__name").inner_text() == name
    assert page.title().endswith(f" - {name}")
    assert page.locator(".md-nav--secondary .md-nav__title").inner_text().strip() == toc
    assert page.locator(".md-nav--secondary").get_attribute("aria-label") == toc
    assert page.locator(".kcs-header__search .kcs-search__button").inner_text() == search
    home = visit.goto(f"/{lang}/")
    assert home.locator(".kcs-header__name").inner_text() == name
    assert home.locator("h1").inner_text() == name


def test_the_switcher_is_named_by_what_it_shows(visit):
    page = visit.goto("/en/")
    summary = page.locator(".kcs-langs summary")
    visible = summary.evaluate("s => s.querySelector('[lang]').innerText")
    assert visible == "EN"
    assert summary.get_attribute("aria-label") is None
    snapshot = summary.aria_snapshot()
    # the accessible name starts with the visible label (WCAG 2.5.3 Label in Name)
    assert "EN – Language: English" in snapshot, snapshot
