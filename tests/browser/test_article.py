"""The article page: review date, translations, related, fix-it / flag-it, print layout."""

from __future__ import annotations


def test_article_page_parts(visit):
    page = visit.goto("/a/accounts-reset-password/")
    meta = page.locator(".kcs-article__meta")
    assert "Senast granskad" in meta.inner_text()
    assert page.locator(".kcs-review").count() == 1
    # No state badge on the public site.
    assert page.locator(".kcs-badge--validated").count() == 0
    assert page.locator(".kcs-related li a").count() >= 1
    edit = page.get_by_role("link", name="Förbättra artikeln")
    assert edit.get_attribute("href") == (
        "https://github.com/example-servicedesk/knowledge/edit/main/"
        "articles/accounts/reset-password.md"
    )
    flag = page.get_by_role("link", name="Rapportera ett problem").get_attribute("href")
    assert "issues/new" in flag and "accounts-reset-password" in flag


def test_language_switcher_goes_to_the_translation_or_home(visit):
    page = visit.goto("/a/accounts-reset-password/")
    links = page.locator(".kcs-langs a")
    hrefs = {a.get_attribute("data-kcs-lang"): a.evaluate("e => e.href") for a in links.all()}
    assert hrefs["fi"].endswith("a/accounts-reset-password-fi/")
    assert hrefs["en"].endswith("a/accounts-reset-password-en/")
    page.locator(".kcs-langs summary").click()
    page.locator(".kcs-langs a[data-kcs-lang='nl']").click()
    page.wait_for_url("**/a/accounts-reset-password-nl/")
    assert page.locator("html").get_attribute("lang") == "nl"
    # An article without an English translation leads to the English home page.
    page = visit.goto("/a/printing-follow-me/")
    href = page.locator(".kcs-langs a[data-kcs-lang='en']").evaluate("e => e.href")
    assert href == visit.server.url + "en/"


def test_print_layout_shows_only_the_article(visit):
    page = visit.goto("/a/accounts-reset-password/")
    page.emulate_media(media="print")
    for selector in (".md-header", ".kcs-feedback", ".kcs-actions", ".kcs-banner"):
        hidden = page.locator(selector).first
        assert hidden.count() == 0 or not hidden.is_visible(), selector
    assert page.locator(".kcs-article h1").is_visible()


def test_internal_site_shows_the_state(visit):
    page = visit.goto("/a/network-vpn-disconnects/", internal=True)
    assert page.locator(".kcs-badge--not-validated").inner_text() == "Ej validerad"
    page = visit.goto("/a/accounts-reset-password/", internal=True)
    assert page.locator(".kcs-badge--validated").is_visible()
