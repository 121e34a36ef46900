"""WCAG 2.2 AA fixes that a person notices: links that are not colour alone, a footer
that can be read, a page that fits 320 px, and the accessibility statement and privacy
note in every language. (tests/browser/test_axe.py runs axe-core on every page type.)"""

from __future__ import annotations

import pytest

LANGS = {
    "sv": ("Tillgänglighet", "Integritet"),
    "fi": ("Saavutettavuus", "Tietosuoja"),
    "nl": ("Toegankelijkheid", "Privacy"),
    "en": ("Accessibility", "Privacy"),
}


@pytest.mark.parametrize("lang", list(LANGS))
def test_statement_and_privacy_note_from_the_footer(visit, lang):
    accessibility, privacy = LANGS[lang]
    page = visit.goto(f"/{lang}/contact/")
    footer = page.locator("footer")
    footer.get_by_role("link", name=accessibility).click()
    page.wait_for_url(f"**/{lang}/accessibility/")
    assert page.locator("h1").inner_text().startswith(accessibility)
    assert "WCAG 2.2" in page.locator("#kcs-main").inner_text()
    page.locator("footer").get_by_role("link", name=privacy).click()
    page.wait_for_url(f"**/{lang}/privacy/")
    body = page.locator("#kcs-main").inner_text()
    assert "Do Not Track" in body  # what the beacons do and do not record
    assert page.locator("html").get_attribute("lang") == lang


def contrast(page, selector):
    return page.evaluate(
        """sel => {
        const el = document.querySelector(sel);
        const lum = (c) => {
            const [r, g, b] = c.match(/[\\d.]+/g).slice(0, 3).map(Number).map((v) => {
                v /= 255;
                return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
            });
            return 0.2126 * r + 0.7152 * g + 0.0722 * b;
        };
        let bg = el, colour = 'rgba(0, 0, 0, 0)';
        while (bg && (colour = getComputedStyle(bg).backgroundColor) === 'rgba(0, 0, 0, 0)') {
            bg = bg.parentElement;
        }
        const a = lum(getComputedStyle(el).color), b = lum(colour);
        return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    }""",
        selector,
    )


def test_footer_text_has_contrast(visit):
    page = visit.goto("/sv/")
    assert contrast(page, "footer a") >= 4.5
    assert contrast(page, ".kcs-footer__name") >= 4.5


def test_links_in_article_text_are_underlined(visit):
    page = visit.goto("/a/accounts-reset-password-en/")
    link = page.locator(".kcs-article p a, .kcs-article li a").first
    assert "underline" in link.evaluate("a => getComputedStyle(a).textDecorationLine")


def test_contact_page_landmarks_have_unique_names(visit):
    page = visit.goto("/sv/contact/")
    names = page.locator("[role=search]").evaluate_all(
        "els => els.map(e => document.getElementById(e.getAttribute('aria-labelledby')).innerText)"
    )
    assert len(names) == 2 and len(set(names)) == 2, names


@pytest.mark.parametrize("path", ["/sv/", "/en/", "/a/accounts-reset-password/", "/fi/contact/"])
def test_reflows_at_320_px(browser, server, path):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(server.url + path.lstrip("/"))
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    wide = page.evaluate(
        """() => [...document.querySelectorAll('.kcs-card, .kcs-search, .kcs-ann')]
        .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
        .map((e) => e.className)"""
    )
    context.close()
    assert overflow <= 0, f"{overflow}px sideways scrolling"
    assert wide == []


def test_a_wide_article_table_scrolls_with_the_keyboard(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(server.url + "a/test-wide-table/")
    box = page.get_by_role("region", name="Tabell, rulla i sidled")
    assert box.evaluate("b => b.scrollWidth > b.clientWidth")
    page.keyboard.press("Tab")  # the skip link
    for _ in range(40):  # Tab until the table's box has the focus
        page.keyboard.press("Tab")
        if box.evaluate("b => b === document.activeElement"):
            break
    assert box.evaluate("b => b === document.activeElement")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("b => b.scrollLeft > 0", arg=box.element_handle())
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    context.close()
    assert overflow <= 0
