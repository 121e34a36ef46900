"""Wayfinding: breadcrumbs, a skip link on every page, a 404 page that helps."""

from __future__ import annotations

import pytest


def test_breadcrumbs_language_domain_article(visit):
    page = visit.goto("/a/accounts-reset-password-en/")
    crumbs = page.get_by_role("navigation", name="You are here")
    links = crumbs.locator("a")
    assert links.all_inner_texts() == ["Home", "Accounts and passwords", "I forgot my password"]
    hrefs = links.evaluate_all("els => els.map(e => e.href)")
    assert hrefs[0] == visit.server.url + "en/"
    assert hrefs[1] == visit.server.url + "en/d/accounts/"
    assert links.last.get_attribute("aria-current") == "page"
    page = visit.goto("/fi/d/accounts/")
    labels = page.get_by_role("navigation", name="Olet tässä").locator("a").all_inner_texts()
    assert labels == ["Etusivu", "Aiheet", "Tilit ja salasanat"]


@pytest.mark.parametrize("path", ["/sv/", "/sv/contact/", "/a/accounts-reset-password/"])
def test_the_first_tab_stop_skips_to_the_content(visit, path):
    page = visit.goto(path)
    page.keyboard.press("Tab")
    focused = page.evaluate("[document.activeElement.className, document.activeElement.innerText]")
    assert "md-skip" in focused[0] and focused[1].strip() == "Hoppa till innehållet", focused
    assert page.evaluate("document.activeElement.getBoundingClientRect().height") > 0  # visible
    page.keyboard.press("Enter")
    target = page.evaluate("location.hash")
    assert target
    # What the link leads to is the page's content, past the header and the banner.
    inside = page.evaluate("h => !!document.querySelector(h).closest('.md-content')", target)
    assert inside


@pytest.mark.parametrize(
    ("path", "lang", "title", "chrome"),
    [
        (
            "/fi/no-such-page/",
            "fi",
            "Sivua ei löytynyt",
            ("Palvelupiste", "Hae ohjeista", "Yhteystiedot"),
        ),
        (
            "/a/no-such-article/",
            "sv",
            "Sidan finns inte",
            ("Servicedesk – själv", "Sök bland", "Kontakt"),
        ),
        (
            "/en/d/nothing/",
            "en",
            "Page not found",
            ("Service desk – self", "Search the", "Contact"),
        ),
        ("/nl/x/y", "nl", "Pagina niet gevonden", ("Servicedesk – selfs", "Zoek in de", "Contact")),
    ],
)
def test_404_is_localised_and_helps(visit, path, lang, title, chrome):
    response = visit.page.goto(visit.server.url + path.lstrip("/"))
    assert response.status == 404
    page = visit.page
    block = page.locator(f"[data-kcs-notfound='{lang}']")
    assert block.is_visible()
    assert page.locator("[data-kcs-notfound]:visible").count() == 1
    assert block.locator("h1").inner_text() == title
    assert page.locator("html").get_attribute("lang") == lang
    # Under /<lang>/ the whole page speaks that language: site name, header search,
    # language switcher, contact link, title (the root 404 page for /a/... is the default's).
    name, placeholder, contact = chrome
    assert page.title().startswith(title + " - " + name)
    header = page.locator(".md-header")
    assert header.locator(".kcs-header__name").inner_text().startswith(name)
    assert header.locator("input[type=search]").get_attribute("placeholder").startswith(placeholder)
    assert header.locator(".kcs-langs summary span").first.inner_text() == lang.upper()
    assert header.locator(".kcs-header__contact").inner_text() == contact
    marked = page.locator(".md-header[lang], .md-footer[lang]").evaluate_all(
        "els => els.map(e => e.lang)"
    )
    assert set(marked) <= {lang}
    box = block.locator("input[type=search]")
    assert box.is_visible()
    assert block.locator("ul a").count() >= 4  # the most used articles
    box.fill("vpn")
    block.locator(".kcs-result").first.wait_for()


def test_404_in_the_readers_language(browser, server):
    context = browser.new_context(locale="nl-NL")
    page = context.new_page()
    page.goto(server.url + "nowhere")
    assert page.locator("[data-kcs-notfound='nl'] h1").inner_text() == "Pagina niet gevonden"
    context.close()
