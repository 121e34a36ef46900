"""Pagefind search in the browser: inflected forms, pasted error codes, no-result path."""

from __future__ import annotations

import os
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


# --- natural queries, typos, unknown words, other languages (the sample site) ----------


def rows(page: Any) -> list[str]:
    hrefs = page.locator(".kcs-result__link").evaluate_all("els => els.map(e => e.href)")
    return [re.search(r"/a/([^/]+)/", h).group(1) for h in hrefs]


@pytest.mark.parametrize(
    ("lang", "query", "expected"),
    [
        ("sv", "wifi fungerar inte", "network-wifi-staff"),
        ("sv", "hur gör jag när skrivaren inte fungerar", "printing-add-printer"),
        ("nl", "ik ben mijn wachtwoord vergeten wat nu", "accounts-reset-password-nl"),
        ("en", "how do I add a printer to my laptop please", "printing-add-printer-en"),
    ],
)
def test_a_sentence_finds_what_its_content_words_find(visit, lang, query, expected):
    page = visit.goto(f"/{lang}/")
    assert search(page, query)[0] == expected


def test_a_sentence_on_the_contact_page_suggests_articles(visit):
    page = visit.goto("/nl/contact/")
    page.locator("#kcs-subject").fill("mijn wachtwoord werkt niet meer")
    box = page.locator("[data-kcs-suggest]")
    box.locator("a").first.wait_for(timeout=5000)
    titles = box.locator("a").all_inner_texts()
    assert any("wachtwoord" in t.lower() for t in titles), titles


@pytest.mark.parametrize(
    ("lang", "query", "expected"),
    [
        ("en", "pasword", "accounts-reset-password-en"),  # a letter dropped
        ("en", "printr offline", "printing-add-printer-en"),
        ("en", "passwrod forgotten", "accounts-reset-password-en"),  # two letters swapped
        ("nl", "wachtwoordt vergeten", "accounts-reset-password-nl"),  # a letter added
    ],
)
def test_a_misspelling_still_finds_the_article(visit, lang, query, expected):
    page = visit.goto(f"/{lang}/")
    assert expected in search(page, query)[:3]


@pytest.mark.parametrize(
    ("lang", "query"),
    [("sv", "parkeringstillstånd"), ("en", "zebrafinch hovercraft"), ("sv", "och att det")],
)
def test_unknown_words_or_stop_words_only_answer_no_articles(visit, lang, query):
    page = visit.goto(f"/{lang}/")
    page.locator("#kcs-q-home").fill(query)
    page.locator("#kcs-q-home").press("Enter")  # typing stop words alone does not search
    page.locator(".kcs-noresult").wait_for(timeout=5000)
    assert rows(page) == []


@pytest.mark.parametrize(("lang", "label"), [("fi", "englanti"), ("nl", "Engels")])
def test_an_error_code_is_found_in_other_languages_with_their_name(visit, lang, label):
    page = visit.goto(f"/{lang}/")
    found = search(page, "0x80070643")
    assert "devices-windows-update-0x80070643" in found
    first = page.locator(".kcs-result").first
    assert first.locator(".kcs-result__lang").inner_text().lower() in (
        label.lower(),
        "ruotsi",
        "zweeds",
    )
    assert first.locator(".kcs-result__link").get_attribute("hreflang") in ("en", "sv")


def test_the_page_language_wins_when_it_has_the_code(visit):
    page = visit.goto("/sv/")
    assert search(page, "0x80070643")[0] == "devices-windows-update-0x80070643-sv"
    assert page.locator(".kcs-result__lang").count() == 0


def test_the_query_lives_in_the_address(visit):
    page = visit.goto("/sv/?q=skrivare")
    page.locator(".kcs-result").first.wait_for(timeout=5000)
    assert page.locator("#kcs-q-home").input_value() == "skrivare"
    assert "printing-add-printer" in rows(page)
    page.locator("#kcs-q-home").fill("passerkort")
    page.wait_for_url(re.compile(r"\?q=passerkort$"), timeout=5000)
    page.reload()
    page.locator(".kcs-result").first.wait_for(timeout=5000)
    assert rows(page)[0] == "printing-follow-me"


def test_every_hit_is_reachable_ten_at_a_time(visit):
    page = visit.goto("/sv/?q=skrivare")
    page.locator(".kcs-result").first.wait_for(timeout=5000)
    status = page.locator("#kcs-q-home-status").inner_text()
    total = int(re.search(r"\d+", status).group(0))
    assert total > 10
    first = rows(page)
    assert len(first) == 10
    page.locator(".kcs-pager__next").click()
    page.wait_for_url(re.compile(r"&p=2"), timeout=5000)
    page.wait_for_function(
        "() => document.querySelector('.kcs-results').getAttribute('start') === '11'"
    )
    second = rows(page)
    assert len(second) == total - 10 and not set(first) & set(second)
    page.reload()  # the page number is in the address too
    page.locator(".kcs-results[start='11']").wait_for(timeout=5000)
    assert rows(page) == second


def test_results_end_with_the_way_to_the_contact_page(visit):
    page = visit.goto("/sv/?q=passerkort")
    page.locator(".kcs-result").first.wait_for(timeout=5000)
    last = page.locator("[data-kcs-results] > *").last
    link = last.locator("a")
    assert link.get_attribute("href").endswith("/sv/contact/#q=passerkort")


def test_the_header_box_sends_enter_to_the_results_page(visit):
    page = visit.goto("/a/accounts-reset-password/")
    page.locator("#kcs-q-header").fill("skrivare")
    page.locator("#kcs-q-header").press("Enter")
    page.wait_for_url(re.compile(r"/sv/\?q=skrivare"), timeout=5000)
    page.locator("#kcs-q-home").wait_for()
    page.locator(".kcs-result").first.wait_for(timeout=5000)
    assert "printing-add-printer" in rows(page)


def test_without_javascript_the_form_reaches_a_useful_page(browser, server):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(server.url + "a/accounts-reset-password/")
        page.locator("#kcs-q-header").fill("skrivare")
        with page.expect_navigation():
            page.locator("#kcs-q-header").press("Enter")
        assert re.search(r"/sv/\?q=skrivare$", page.url)
        # the language's home page: browse by topic and the way to the service desk
        assert page.locator(".kcs-domains a").count() >= 3
        contact = page.locator(".kcs-home__contact a").evaluate("a => a.href")
        assert contact.endswith("/sv/contact/")
    finally:
        context.close()


PAGEFIND_TOP = """
async (query) => {
  const pf = await window.kcsSearch.pagefind();
  const found = await pf.search(query);
  const data = await Promise.all(found.results.slice(0, 3).map((r) => r.data()));
  return data.map((d) => d.url);
}
"""


@pytest.mark.parametrize(
    ("lang", "query"), [("sv", "passerkort"), ("en", "bitlocker"), ("fi", "tulostin")]
)
def test_the_search_box_shows_what_the_search_api_ranks(visit, lang, query):
    """For a one-word query the box's rows are Pagefind's own top results, in order."""
    page = visit.goto(f"/{lang}/")
    shown = search(page, query)
    api = [re.search(r"/a/([^/]+)/", u).group(1) for u in page.evaluate(PAGEFIND_TOP, query)]
    assert shown[: len(api)] == api
    engine = page.evaluate("q => window.kcsSearch.search(q, 10)", query)
    assert [re.search(r"/a/([^/]+)/", i["url"]).group(1) for i in engine["items"]] == shown


@pytest.mark.parametrize("query", ["x" * 10_000, "vpn " * 2_500, "!!! ??? ... ---", "   "])
def test_hostile_queries_get_a_plain_answer(visit, query):
    page = visit.goto("/sv/")
    result = page.evaluate(
        """async (q) => {
          const t0 = performance.now();
          const r = await window.kcsSearch.search(q, 10);
          return {total: r.total, reason: r.reason, ms: performance.now() - t0};
        }""",
        query,
    )
    assert result["ms"] < 5000
    if "vpn" in query:
        assert result["total"] >= 1
    else:
        assert result == {**result, "total": 0} and result["reason"] in ("empty", "unknown")
    assert not [m for m in visit.console if m.startswith(("pageerror", "error"))]


@pytest.mark.parametrize(
    ("lang", "query", "expected"),
    [
        ("nl", "paswoord vergeten", "accounts-reset-password-nl"),
        ("sv", "wlan", "network-wifi-staff"),
    ],
)
def test_the_sample_synonyms_are_used(visit, lang, query, expected):
    page = visit.goto(f"/{lang}/")
    assert expected in search(page, query)[:3]


@pytest.mark.parametrize(
    "path",
    ["sv/?q=skrivare", "sv/?q=skrivare&p=2", "fi/?q=0x80070643", "sv/?q=parkeringstillst%C3%A5nd"],
)
def test_the_results_page_passes_axe(visit, path):
    """Results with paging, the topic menu, other-language hits and "no articles"."""
    from test_axe import AXE, axe_violations

    if not AXE.is_file():
        missing = pytest.fail if os.environ.get("CI") else pytest.skip
        missing("axe-core is not installed: npm ci --prefix tests/browser")
    page = visit.goto(path)
    page.locator(".kcs-result, .kcs-noresult").first.wait_for(timeout=5000)
    if "skrivare" in path:
        page.locator(".kcs-search__filter select").wait_for(timeout=5000)
        assert page.locator(".kcs-pager").is_visible()
    assert axe_violations(page, AXE.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(("p", "start"), [("999", "11"), ("0", None), ("-1", None), ("x", None)])
def test_a_page_number_out_of_range_shows_a_page_that_exists(visit, p, start):
    page = visit.goto(f"/sv/?q=skrivare&p={p}")
    page.locator(".kcs-result").first.wait_for(timeout=5000)
    assert page.locator(".kcs-results").get_attribute("start") == start
    assert len(rows(page)) > 0
    at = page.locator(".kcs-pager__at").inner_text()
    assert re.fullmatch(r"\D*(\d+)\D+(\d+)\D*", at).group(1) == ("2" if start else "1")


def test_the_internal_search_loads_its_data_behind_sign_in(visit, server):
    """Signed in on the internal host, the search reads its settings and every language's
    index with the session cookie: a code only the other languages have is found."""
    from authstub import COOKIE, TOKEN

    visit.context.add_cookies([{"name": COOKIE, "value": TOKEN, "url": server.internal_url}])
    server.auth.grant_all = False
    try:
        page = visit.goto("/fi/", internal=True)
        found = search(page, "0x80070643")
    finally:
        server.auth.grant_all = True
    assert "devices-windows-update-0x80070643" in found
    log = server.internal_access_log.read_text(encoding="utf-8").splitlines()
    data = [line for line in log if "/pagefind/kcs-search-fi.json" in line]
    assert data and all(" 200 " in line for line in data)
    assert not [line for line in log if "/pagefind/" in line and " 403 " in line]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("distansarbete", "network-vpn-connect"),
        ("2147944003", "devices-windows-update-0x80070643-sv"),
    ],
)
def test_excerpts_show_article_text_not_the_indexed_tags_and_codes(visit, query, expected):
    """A word only the tags or codes hold finds the article; its excerpt is article text."""
    page = visit.goto("/sv/")
    assert search(page, query)[0] == expected
    shown = page.locator(".kcs-result__excerpt").first.inner_text()
    assert len(shown.split()) >= 5 and query not in shown
