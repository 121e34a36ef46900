"""The contact page: the channel ladder and article suggestions while typing the subject."""

from __future__ import annotations

import re


def test_ladder_shows_the_three_channels(visit):
    page = visit.goto("/sv/contact/")
    steps = page.locator(".kcs-ladder__step h2").all_inner_texts()
    assert steps == ["Sök själv", "Skriv till oss", "Ring eller mejla"]
    channels = page.locator(".kcs-channels").inner_text()
    assert "+46 8 123 456 00" in channels
    assert "servicedesk@example.org" in channels
    assert "Vardagar 07.30–17.00" in channels  # contact.hours.sv from kcs.yml
    form = page.locator("form[data-kcs-contact]")
    assert form.get_attribute("action") == "mailto:servicedesk@example.org"
    assert page.locator("#kcs-q-contact").is_visible()


def test_typing_a_subject_suggests_articles(visit, server):
    page = visit.goto("/sv/contact/")
    page.locator("#kcs-subject").press_sequentially("glömt lösenord", delay=20)
    items = page.locator(".kcs-suggest__list a")
    items.first.wait_for(timeout=5000)
    assert 1 <= items.count() <= 5
    hrefs = items.evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert any("/a/accounts-reset-password/" in h for h in hrefs), hrefs
    line = server.wait_for_line("t=suggest&q=gl%C3%B6mt%20l%C3%B6senord&n=", timeout=4)
    assert re.search(r"&n=[1-5]&l=sv ", line)
    items.first.click()
    page.wait_for_url(re.compile(r"/a/"))
    server.wait_for_line("t=suggest-click&q=gl%C3%B6mt%20l%C3%B6senord&p=1&a=")


def test_submitting_logs_the_last_search(visit, server):
    page = visit.goto("/sv/")
    page.locator("#kcs-q-home").fill("skrivare kontor")
    page.locator(".kcs-result").first.wait_for()
    page.locator("#kcs-q-home").press("Enter")  # counts the search at once
    server.wait_for_line("t=search&q=skrivare%20kontor&n=")
    visit.goto("/sv/contact/")
    page.locator("#kcs-subject").fill("Skrivaren fungerar inte")
    page.locator("#kcs-body").fill("Den skriver inte ut.")
    # A mailto: target opens the mail program; keep the test inside the browser.
    page.evaluate(
        "document.querySelector('form[data-kcs-contact]').addEventListener("
        "'submit', e => e.preventDefault())"
    )
    page.get_by_role("button", name="Skicka").click()
    server.wait_for_line("t=contact&q=skrivare%20kontor&l=sv HTTP/1.1")
