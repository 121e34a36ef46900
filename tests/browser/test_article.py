"""The article page: review date, translations, related, reporting a problem, print layout."""

from __future__ import annotations


def test_article_page_parts(visit):
    page = visit.goto("/a/accounts-reset-password/")
    meta = page.locator(".kcs-article__meta")
    assert "Senast granskad" in meta.inner_text()
    # No state badge on the public site.
    assert page.locator(".kcs-badge--validated").count() == 0
    assert page.locator(".kcs-related li a").count() >= 1


def test_no_internal_signals_on_the_public_site(visit):
    """Review state is for agents; readers get no forge links that ask them to sign in."""
    for path in ("/a/accounts-reset-password/", "/a/accounts-reset-password-en/"):
        page = visit.goto(path)
        assert page.locator(".kcs-review").count() == 0, path
        hrefs = [a.get_attribute("href") or "" for a in page.locator("a").all()]
        assert not [h for h in hrefs if "github.com" in h], path
    # The internal site keeps them.
    page = visit.goto("/a/accounts-reset-password/", internal=True)
    assert page.locator(".kcs-review").count() == 1
    edit = page.get_by_role("link", name="Förbättra artikeln")
    assert edit.get_attribute("href") == (
        "https://github.com/example-servicedesk/knowledge/edit/main/"
        "articles/accounts/reset-password.md"
    )
    flag = page.get_by_role("link", name="Rapportera ett problem").get_attribute("href")
    assert "issues/new" in flag and "accounts-reset-password" in flag


def test_report_a_problem_without_an_account(visit, server):
    """The public "Report a problem" asks what is wrong and counts it as feedback."""
    page = visit.goto("/a/accounts-reset-password-en/")
    report = page.get_by_role("link", name="Report a problem")
    assert "/en/contact/" in report.evaluate("a => a.href")  # without JavaScript
    report.click()
    assert page.url.endswith("/a/accounts-reset-password-en/")
    reasons = page.locator("[data-kcs-reason]")
    assert reasons.first.is_visible()
    assert page.evaluate("document.activeElement.dataset.kcsReason") == "outdated"
    page.locator("[data-kcs-reason='outdated']").click()
    server.wait_for_line("t=feedback&a=accounts-reset-password-en&h=no&r=outdated&l=en")
    assert page.locator("[data-kcs-step=contact] a").is_visible()


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


def test_switching_to_a_missing_translation_says_so(visit):
    page = visit.goto("/a/printing-follow-me/")
    notice = page.locator("#kcs-untranslated-en")
    assert not notice.is_visible()
    page.locator(".kcs-langs summary").click()
    page.locator(".kcs-langs a[data-kcs-lang='en']").click()
    assert notice.is_visible()
    assert notice.get_attribute("lang") == "en"
    assert "not available in English" in notice.inner_text()
    offered = {a.get_attribute("hreflang") for a in notice.locator("a[hreflang]").all()}
    assert "sv" in offered
    home = notice.get_by_role("link", name="To the English home page")
    assert home.evaluate("a => a.href") == visit.server.url + "en/"


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
