"""Pagefind search in the browser: inflected forms, pasted error codes, no-result path."""

from __future__ import annotations

import re
from typing import Any

import pytest


def search(page: Any, query: str, selector: str = "#kcs-q-home") -> list[str]:
    """Type ``query`` into a search box; return the article ids of the results, in order."""
    box = page.locator(selector)
    box.fill(query)
    form = page.locator("form[data-kcs-search]", has=box)
    form.locator(".kcs-result, .kcs-noresult").first.wait_for(timeout=5000)
    hrefs = form.locator(".kcs-result__link").evaluate_all("els => els.map(e => e.href)")
    return [re.search(r"/a/([^/]+)/", h).group(1) for h in hrefs]


@pytest.mark.parametrize(
    ("lang", "query", "expected"),
    [
        ("sv", "skrivaren", "printing-add-printer"),
        ("sv", "skrivare", "printing-add-printer"),
        ("fi", "tulostimen", "printing-add-printer-fi"),
        ("fi", "tulostin", "printing-add-printer-fi"),
        ("nl", "wachtwoorden", "accounts-reset-password-nl"),
        ("nl", "wachtwoord", "accounts-reset-password-nl"),
    ],
)
def test_inflected_forms_find_the_article(visit, lang, query, expected):
    page = visit.goto(f"/{lang}/")
    assert page.locator("html").get_attribute("lang") == lang
    found = search(page, query)
    assert expected in found[:3], found


@pytest.mark.parametrize(
    ("lang", "query", "expected"),
    [
        ("en", "0x80070643", "devices-windows-update-0x80070643"),
        ("sv", "0x80070643", "devices-windows-update-0x80070643-sv"),
        ("sv", "AADSTS50076", "accounts-mfa-aadsts50076"),
        ("en", "Error AADSTS50076: Due to a configuration change", "accounts-mfa-aadsts50076-en"),
    ],
)
def test_pasted_error_code_finds_its_article(visit, lang, query, expected):
    page = visit.goto(f"/{lang}/")
    assert search(page, query)[0] == expected


def test_results_highlight_the_terms(visit):
    page = visit.goto("/sv/")
    search(page, "skrivare")
    marks = page.locator(".kcs-result__excerpt mark").all_inner_texts()
    assert marks and any(m.lower().startswith("skriv") for m in marks)


def test_header_search_on_an_article_page(visit):
    page = visit.goto("/a/accounts-reset-password/")
    assert "printing-add-printer" in search(page, "skrivare", "#kcs-q-header")


def test_no_result_offers_contact_and_logs_n0(visit, server):
    page = visit.goto("/sv/")
    assert search(page, "qqxyzzy blorf") == []
    link = page.locator(".kcs-noresult__contact")
    assert link.is_visible()
    assert link.get_attribute("href").endswith("/sv/contact/#q=qqxyzzy%20blorf")
    line = server.wait_for_line("t=search&q=qqxyzzy%20blorf&n=0&l=sv ", timeout=4)
    assert '" 204 0 "' in line
    link.click()
    page.wait_for_url(re.compile(r"/sv/contact/"))
    # The contact form starts from what was searched.
    assert page.locator("#kcs-subject").input_value() == "qqxyzzy blorf"


def test_result_click_logs_search_and_position(visit, server):
    page = visit.goto("/sv/")
    found = search(page, "passerkort")
    assert found
    page.locator(".kcs-result__link").first.click()
    page.wait_for_url(re.compile(r"/a/"))
    server.wait_for_line(f"t=click&q=passerkort&p=1&a={found[0]}&l=sv ")
    server.wait_for_line("t=search&q=passerkort&n=")


def test_long_queries_are_capped_at_200_characters(visit, server):
    page = visit.goto("/sv/")
    query = "lösenord " + "x" * 300
    page.evaluate("q => window.kcs.beacon('search', [['q', q], ['n', 0]])", query)
    line = server.wait_for_line("t=search&q=l%C3%B6senord%20xxx")
    sent = re.search(r"q=([^& ]*)", line).group(1)
    from urllib.parse import unquote

    assert unquote(sent) == ("lösenord " + "x" * 300)[:200]
