"""Browser search on a small site made for it: whole words above prefixes, synonyms from
kcs.yml, the topic filter and related articles, in Chromium against nginx."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from gitrepo import commit_all, init_repo, write
from nginx import Nginx
from sitekit import build

CONFIG = """\
site: {name: Search test}
languages: [en, sv]
default_language: en
domains:
  printing: {en: Printing, sv: Utskrifter}
  network: {en: Network, sv: Nätverk}
search:
  synonyms:
    en: ["wifi, wlan, wireless lan"]
    sv: ["wifi, trådlöst nätverk"]
"""

#: (domain, id, lang, audience, title, body)
ARTICLES = [
    # "cart" is the whole word of this article's body only...
    ("printing", "shopping-cart", "en", "public", "Ordering hardware", "Put it in the cart."),
    # ...and this one is full of "cartridge", in its title too: a prefix of it, no more.
    (
        "printing",
        "toner-cartridge",
        "en",
        "public",
        "Toner cartridge replacement",
        "Replace the cartridge. A cartridge lasts a year. Cartridge cartridge cartridge.",
    ),
    ("network", "wlan-drops", "en", "public", "WLAN drops every hour", "The WLAN drops."),
    ("network", "hardware-vpn", "en", "public", "VPN hardware token", "Hardware token setup."),
    ("printing", "hardware-printer", "en", "public", "Printer hardware fault", "Hardware fault."),
    (
        "network",
        "natverk-sv",
        "sv",
        "public",
        "Det trådlösa nätverket är långsamt",
        "Trådlöst nätverk på kontoret.",
    ),
    # related articles: two public VPN token articles and an internal one about the same
    (
        "network",
        "vpn-token-lost",
        "en",
        "public",
        "VPN hardware token lost",
        "A lost VPN token is replaced.",
    ),
    (
        "network",
        "vpn-token-internal",
        "en",
        "internal",
        "VPN hardware token reset procedure",
        "Reset the VPN token in the admin console.",
    ),
]


@pytest.fixture(scope="module")
def crafted(tmp_path_factory: pytest.TempPathFactory, browser: Any) -> Iterator[Nginx]:
    root = tmp_path_factory.mktemp("crafted") / "kb"
    write(root / "kcs.yml", CONFIG)
    for domain, ident, lang, audience, title, body in ARTICLES:
        write(
            root / "articles" / domain / f"{ident}.md",
            f"---\nid: {ident}\ntitle: {title}\nlang: {lang}\nstate: validated\n"
            f"audience: {audience}\ntype: howto\nreviewed: 2026-11-01\n---\n\n"
            f"## Issue\n\n{body}\n\n## Resolution\n\nAsk the service desk.\n",
        )
    init_repo(root)
    commit_all(root, "Articles", date="2026-11-01T10:00:00+01:00")
    build(root, root / "site")
    server = Nginx.start(
        tmp_path_factory.mktemp("crafted-nginx"),
        root / "site" / "public",
        root / "site" / "internal",
    )
    yield server
    server.stop()


@pytest.fixture
def page(browser: Any, crafted: Nginx) -> Iterator[Any]:
    context = browser.new_context()
    yield context.new_page()
    context.close()


def results(page: Any, url: str) -> list[str]:
    page.goto(url)
    page.locator(".kcs-result, .kcs-noresult").first.wait_for(timeout=5000)
    hrefs = page.locator(".kcs-result__link").evaluate_all("els => els.map(e => e.href)")
    return [re.search(r"/a/([^/]+)/", h).group(1) for h in hrefs]


def test_a_whole_word_outranks_a_longer_word_starting_with_it(page, crafted):
    found = results(page, crafted.url + "en/?q=cart")
    assert found[0] == "shopping-cart"
    assert "toner-cartridge" not in found[:1]
    # and raw Pagefind alone would have put the cartridge article first
    raw = page.evaluate(
        """async () => {
          const pf = await window.kcsSearch.pagefind();
          await pf.options({ranking: {termSimilarity: 1.0}});
          const found = await pf.search("cart");
          const data = await Promise.all(found.results.map((r) => r.data()));
          return data.map((d) => d.url);
        }"""
    )
    assert raw and "toner-cartridge" in raw[0]


@pytest.mark.parametrize(
    ("lang", "query", "expected"),
    [
        ("en", "wifi", "wlan-drops"),
        ("en", "wireless lan keeps dropping", "wlan-drops"),
        ("sv", "wifi", "natverk-sv"),
    ],
)
def test_synonyms_from_kcs_yml_find_each_other(page, crafted, lang, query, expected):
    assert results(page, f"{crafted.url}{lang}/?q={query}")[0] == expected


def test_the_topic_filter_narrows_to_one_domain(page, crafted):
    everything = results(page, crafted.url + "en/?q=hardware")
    assert {"hardware-vpn", "hardware-printer"} <= set(everything)
    select = page.locator(".kcs-search__filter select")
    assert select.locator("option").all_inner_texts()[1:] == ["Network", "Printing"]
    select.select_option("Printing")
    page.wait_for_url(re.compile(r"d=Printing"), timeout=5000)
    page.wait_for_function(
        "() => ![...document.querySelectorAll('.kcs-result__link')]"
        ".some((a) => a.href.includes('hardware-vpn'))"
    )
    narrowed = results(page, page.url)  # and the filter survives a reload
    assert "hardware-printer" in narrowed and "hardware-vpn" not in narrowed
    assert page.locator(".kcs-search__filter select").input_value() == "Printing"


def test_related_articles_come_from_the_index_within_one_audience(page, crafted):
    page.goto(crafted.url + "a/vpn-token-lost/")
    public = page.locator(".kcs-related a").evaluate_all("els => els.map(e => e.href)")
    assert any("/a/hardware-vpn/" in h for h in public)
    assert not any("vpn-token-internal" in h for h in public)
    page.goto(crafted.internal_url + "a/vpn-token-internal/")
    internal = page.locator(".kcs-related a").evaluate_all("els => els.map(e => e.href)")
    assert not any("/a/vpn-token-lost/" in h or "/a/hardware-vpn/" in h for h in internal)
