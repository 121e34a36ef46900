"""Announcements: a banner on every page of every language and a section on the home
page while active; dismissible per announcement; an announcement's badge follows `ends`."""

from __future__ import annotations

import datetime as dt
import json


def shown(page, ident):
    return page.locator(f"[data-kcs-ann='{ident}']").first.is_visible()


def test_active_shown_expired_not(visit, server):
    page = visit.goto("/sv/")
    assert shown(page, "test-ann-active")
    assert shown(page, "test-ann-ending")
    assert page.locator("[data-kcs-ann='test-ann-expired']").count() == 0  # left out by the build
    assert not shown(page, "test-ann-future")  # starts tomorrow
    server.wait_for_line("t=announcement&a=test-ann-active&l=sv HTTP/1.1")
    # Site-wide: the banner on an article page too.
    page = visit.goto("/a/accounts-reset-password/")
    assert shown(page, "test-ann-active")


def test_every_language_is_told(visit):
    """Untranslated announcements reach every language in the default language; a
    translated one shows in its translation where there is one."""
    others = ("/en/", "/nl/", "/a/accounts-reset-password-en/", "/a/accounts-reset-password-nl/")
    for path in others:
        page = visit.goto(path)
        assert shown(page, "test-ann-active"), path
        assert shown(page, "test-ann-ending"), path
        assert page.locator("[data-kcs-ann='test-ann-active-fi']").count() == 0, path
        original = page.locator("[data-kcs-ann='test-ann-active'] a").first
        assert original.get_attribute("lang") == "sv"  # marked as Swedish text
    for path in ("/fi/", "/a/accounts-reset-password-fi/"):
        page = visit.goto(path)
        assert shown(page, "test-ann-active-fi"), path
        assert page.locator("[data-kcs-ann='test-ann-active']").count() == 0, path
        assert shown(page, "test-ann-ending"), path  # untranslated: in Swedish


def test_a_banner_announcement_can_be_dismissed(visit):
    page = visit.goto("/a/accounts-reset-password/")
    banner = page.locator(".kcs-banner [data-kcs-ann='test-ann-active']")
    button = banner.locator("[data-kcs-dismiss]")
    assert button.is_visible()
    assert "Stäng meddelandet" in button.inner_text() or "Stäng meddelandet" in (
        button.evaluate("b => b.textContent")
    )
    button.click()
    assert not banner.is_visible()
    assert page.evaluate("document.activeElement.id") == "kcs-main"  # focus not lost
    assert shown(page, "test-ann-ending")  # only that one
    stored = json.loads(page.evaluate("localStorage.getItem('kcs.dismissed')"))
    assert stored == {"test-ann-active": "warning"}
    assert page.context.cookies() == []
    # Remembered on the next page and in every language.
    page = visit.goto("/a/accounts-reset-password-en/")
    assert not page.locator(".kcs-banner [data-kcs-ann='test-ann-active']").is_visible()
    assert shown(page, "test-ann-ending")


def test_a_dismissed_announcement_returns_when_more_severe(visit):
    page = visit.goto("/sv/d/")
    # Dismissed while it was only information; it is a planned change now.
    page.evaluate(
        "localStorage.setItem('kcs.dismissed', JSON.stringify({'test-ann-active': 'info'}))"
    )
    page = visit.goto("/sv/d/")
    assert shown(page, "test-ann-active")
    page.evaluate(
        "localStorage.setItem('kcs.dismissed', JSON.stringify({'test-ann-active': 'warning',"
        " 'test-ann-ending': 'critical'}))"
    )
    page = visit.goto("/sv/d/")
    assert not page.locator(".kcs-banner [data-kcs-ann='test-ann-active']").is_visible()
    assert not page.locator(".kcs-banner [data-kcs-ann='test-ann-ending']").is_visible()
    # All of them dismissed: the banner itself leaves.
    page.evaluate(
        """() => {
        const all = {};
        document.querySelectorAll('.kcs-banner [data-kcs-ann]').forEach(
            (n) => { all[n.dataset.kcsAnn] = 'critical'; });
        localStorage.setItem('kcs.dismissed', JSON.stringify(all));
    }"""
    )
    page = visit.goto("/sv/d/")
    assert page.locator(".kcs-banner [data-kcs-ann]").count() >= 3
    assert not page.locator(".kcs-banner").is_visible()


def test_an_ended_announcement_is_badged_ended(visit):
    page = visit.goto("/a/test-ann-expired/")
    assert page.locator(".kcs-badge--ended").inner_text() == "Avslutad"
    assert not page.locator("[data-kcs-ann-badge]").is_visible()
    page = visit.goto("/a/test-ann-active/")
    assert page.locator("[data-kcs-ann-badge]").inner_text() == "Planerat arbete"
    assert not page.locator(".kcs-badge--ended").is_visible()


def test_browser_hides_an_announcement_after_its_end(browser, server):
    context = browser.new_context()
    page = context.new_page()
    # The page was built (and cached) before the end; the reader opens it 3 days later.
    page.clock.install(time=dt.datetime.now(dt.UTC) + dt.timedelta(days=3))
    page.goto(server.url + "a/accounts-reset-password/")
    page.locator("[data-kcs-ann='test-ann-active']").wait_for()
    assert shown(page, "test-ann-active")
    assert not shown(page, "test-ann-ending")
    assert shown(page, "test-ann-future")  # started in the meantime
    page.goto(server.url + "sv/")
    assert shown(page, "test-ann-active")
    assert not shown(page, "test-ann-ending")
    assert shown(page, "test-ann-future")
    # The ended announcement's own page now says it ended.
    page.goto(server.url + "a/test-ann-ending/")
    assert page.locator(".kcs-badge--ended").is_visible()
    assert not page.locator("[data-kcs-ann-badge]").is_visible()
    context.close()
