"""axe-core (from npm, tests/browser/package.json) on every page type in every language,
public and internal, at desktop and phone width; any serious or critical violation fails.

axe is evaluated into each page through the DevTools protocol (page.evaluate), so the
page's own Content-Security-Policy stays in force and is what is checked. One browser
context per site and width, reused across its pages, keeps the run short.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

AXE = Path(__file__).with_name("node_modules") / "axe-core" / "axe.min.js"
LANGS = ("sv", "fi", "nl", "en")
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
#: WCAG 2.2 A/AA and axe's best practices; Label in Name (2.5.3) is off by default in axe.
OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "rules": {"label-content-name-mismatch": {"enabled": True}},
    "resultTypes": ["violations"],
}
FAIL_ON = ("serious", "critical")


def article(lang: str) -> str:
    return "a/accounts-reset-password/" if lang == "sv" else f"a/accounts-reset-password-{lang}/"


def public_pages() -> list[str]:
    pages = []
    for lang in LANGS:
        pages += [
            f"{lang}/",
            article(lang),
            f"{lang}/contact/",
            f"{lang}/d/",
            f"{lang}/d/accounts/",
            f"{lang}/t/",
            "tag:" + lang,  # the first tag of the language's tag index
            f"{lang}/accessibility/",
            f"{lang}/privacy/",
            f"{lang}/no-such-page/",  # the 404 page
        ]
    pages.append("a/test-wide-table/")  # an article with a table wider than a phone
    return pages


def internal_pages() -> list[str]:
    pages = []
    for lang in LANGS:
        pages += [f"{lang}/", article(lang), f"{lang}/d/network/"]
    pages += ["a/network-vpn-disconnects/", "reports/", "proposals/"]
    pages += [
        f"reports/{name}/"
        for name in ("staleness", "health", "contributors", "usage", "search", "gaps", "value")
    ]
    return pages


#: Rows after the 20th of a long report table repeat the markup of those before them.
CONTEXT = {"exclude": [[".kcs-table tbody tr:nth-child(n+21)"]]}


def axe_violations(page: Any, source: str) -> list[str]:
    page.evaluate(source + ";0")
    result = page.evaluate("([c, o]) => axe.run(c, o)", [CONTEXT, OPTIONS])
    found = []
    for violation in result["violations"]:
        if violation["impact"] in FAIL_ON:
            targets = [" ".join(map(str, n["target"])) for n in violation["nodes"][:3]]
            found.append(f"{violation['id']} ({violation['impact']}): {targets}")
    return found


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("site", ["public", "internal"])
def test_axe_finds_nothing_serious(browser, server, site, width):
    if not AXE.is_file():
        missing = pytest.fail if os.environ.get("CI") else pytest.skip
        missing("axe-core is not installed: npm ci --prefix tests/browser")
    source = AXE.read_text(encoding="utf-8")
    w, h = WIDTHS[width]
    phone = width == "phone"
    context = browser.new_context(
        viewport={"width": w, "height": h}, is_mobile=phone, has_touch=phone, locale="sv-SE"
    )
    page = context.new_page()
    csp: list[str] = []
    page.on("console", lambda m: csp.append(m.text) if "Content Security" in m.text else None)
    base = server.url if site == "public" else server.internal_url
    problems = []
    checked = 0
    for path in public_pages() if site == "public" else internal_pages():
        if path.startswith("tag:"):
            page.goto(base + path[4:] + "/t/")
            path = page.locator("#kcs-main ul a").first.get_attribute("href") or ""
            page.locator("#kcs-main ul a").first.click()
            page.wait_for_load_state()
        else:
            page.goto(base + path)
        if "/a/" in "/" + path:
            page.locator(".kcs-langs summary").click()  # with the language menu open
        found = axe_violations(page, source)
        checked += 1
        problems += [f"{site} {width} /{path}: {item}" for item in found]
    context.close()
    assert checked >= 17
    assert problems == [], "\n".join(problems)
    assert csp == []
