"""The feedback widget: one click, a reason after "no", beacons in nginx's access log."""

from __future__ import annotations

import re
import time
from typing import Any

ARTICLE = "accounts-reset-password"


def test_yes_sends_one_beacon(visit, server):
    page = visit.goto(f"/a/{ARTICLE}/")
    before = len(server.beacons("feedback"))
    page.get_by_role("button", name="Ja", exact=True).click()
    line = server.wait_for_line(f"GET /_kcs/e?v=1&t=feedback&a={ARTICLE}&h=yes&l=sv HTTP/1.1")
    assert re.search(r'" 204 0 "http://127\.0\.0\.1:\d+/a/' + ARTICLE + '/"', line)
    assert page.locator(".kcs-feedback__thanks").is_visible()
    assert len(server.beacons("feedback")) == before + 1


def test_no_then_reason_then_contact_path(visit, server):
    page = visit.goto(f"/a/{ARTICLE}/")
    page.get_by_role("button", name="Nej", exact=True).click()
    reasons = page.locator("[data-kcs-reason]")
    assert reasons.count() == 4
    page.get_by_role("button", name="Svår att följa").click()
    server.wait_for_line(f"t=feedback&a={ARTICLE}&h=no&r=unclear&l=sv HTTP/1.1")
    contact = page.locator(".kcs-feedback__contact a")
    assert contact.is_visible()
    assert contact.get_attribute("href").endswith("/sv/contact/")


def test_no_without_reason_is_sent_when_leaving(visit, server):
    page = visit.goto("/a/network-vpn-connect/")
    page.get_by_role("button", name="Nej", exact=True).click()
    page.goto(server.url + "sv/")
    server.wait_for_line("t=feedback&a=network-vpn-connect&h=no&l=sv HTTP/1.1")


def test_do_not_track_sends_nothing(browser, server):
    context = browser.new_context()
    context.add_init_script(
        "Object.defineProperty(navigator, 'globalPrivacyControl', {get: () => true})"
    )
    page = context.new_page()
    page.goto(server.url + "a/printing-follow-me/")
    page.get_by_role("button", name="Ja", exact=True).click()
    page.wait_for_timeout(500)
    context.close()
    assert not [b for b in server.beacons("feedback") if "a=printing-follow-me&" in b]


def test_keyboard_reaches_feedback_and_search(visit, server):
    page = visit.goto(f"/a/{ARTICLE}/")
    reached = []
    for _ in range(80):
        page.keyboard.press("Tab")
        reached.append(
            page.evaluate("document.activeElement.id || document.activeElement.textContent.trim()")
        )
        if reached[-1] == "Ja":
            break
    assert "kcs-q-header" in reached, reached
    assert reached[-1] == "Ja", reached
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # "Nej"
    assert page.evaluate("document.activeElement.dataset.kcsReason") == "outdated"
    page.keyboard.press("Enter")
    server.wait_for_line(f"t=feedback&a={ARTICLE}&h=no&r=outdated&l=sv HTTP/1.1")


def test_home_search_is_first_after_the_header(visit):
    page = visit.goto("/sv/")
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "kcs-q-home":
            return
    raise AssertionError("the home page's search box is not reachable with Tab")


def test_internal_beacons_carry_the_sign_in_cookie_and_public_ones_none(visit, server):
    """Behind the internal host's sign-in a beacon without the session cookie is refused;
    the stand-in checks the cookie. The public site's beacons carry no cookie at all."""
    from authstub import COOKIE, TOKEN

    for url in (server.internal_url, server.url):
        visit.context.add_cookies([{"name": COOKIE, "value": TOKEN, "url": url}])
    sent: list[dict[str, str]] = []
    # Leaving the internal page may still send its own beacon (with the cookie, rightly)
    # after the public page has opened, so each list keeps only its host's beacons.
    public: list[dict[str, str]] = []

    def record(r: Any) -> None:
        if "/_kcs/e?" in r.url:
            (public if r.url.startswith(server.url) else sent).append(r.all_headers())

    visit.page.on("request", record)
    server.auth.grant_all = False
    try:
        page = visit.goto("/a/printing-follow-me/", internal=True)
        page.get_by_role("button", name="Ja", exact=True).click()
        needle = "GET /_kcs/e?v=1&t=feedback&a=printing-follow-me&h=yes&l=sv HTTP/1.1"
        deadline = time.monotonic() + 10
        lines: list[str] = []
        while time.monotonic() < deadline and not lines:
            log = server.internal_access_log.read_text(encoding="utf-8").splitlines()
            lines = [line for line in log if needle in line]
            time.sleep(0.1)
    finally:
        server.auth.grant_all = True
    assert lines and " 204 " in lines[0], lines
    assert sent and COOKIE in sent[0].get("cookie", "")

    public.clear()
    page = visit.goto("/a/printing-follow-me/")
    page.get_by_role("button", name="Ja", exact=True).click()
    server.wait_for_line("t=feedback&a=printing-follow-me&h=yes&l=sv HTTP/1.1")
    assert public and all("cookie" not in headers for headers in public), public
