"""Announcements: a banner on every page and a section on the home page while active."""

from __future__ import annotations

import datetime as dt


def shown(page, ident):
    return page.locator(f"[data-kcs-ann='{ident}']").first.is_visible()


def test_active_shown_expired_not(visit, server):
    page = visit.goto("/sv/")
    assert shown(page, "test-ann-active")
    assert shown(page, "test-ann-ending")
    assert page.locator("[data-kcs-ann='test-ann-expired']").count() == 0  # left out by the build
    assert not shown(page, "test-ann-future")  # starts tomorrow
    server.wait_for_line("t=announcement&a=test-ann-active&l=sv HTTP/1.1")
    # Site-wide: the banner on an article page too, in the page's language only.
    page = visit.goto("/a/accounts-reset-password/")
    assert shown(page, "test-ann-active")
    page = visit.goto("/a/accounts-reset-password-en/")
    assert page.locator("[data-kcs-ann='test-ann-active']").count() == 0


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
    context.close()
