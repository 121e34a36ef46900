"""The internal site's reports as an agent meets them: reachable from the home page,
charts that render under the shipped Content-Security-Policy (pixels, not markup),
in the site's language and worded for a service-desk manager."""

from __future__ import annotations

import io

REPORTS = ("staleness", "health", "contributors", "usage", "search", "gaps", "value")


def test_the_internal_home_links_the_reports_and_proposals(visit):
    page = visit.goto("/sv/", internal=True)
    page.get_by_role("link", name="Rapporter").click()
    page.wait_for_url("**/reports/")
    assert page.locator("h1").inner_text().startswith("Rapporter")
    page = visit.goto("/en/", internal=True)
    page.get_by_role("link", name="Proposals to review").click()
    page.wait_for_url("**/proposals/")
    # Agents' links only: the public home has neither.
    page = visit.goto("/sv/")
    assert page.locator("a[href*='reports/'], a[href*='proposals/']").count() == 0


def colours(png: bytes) -> tuple[float, float]:
    """(share of near-black pixels, share of pixels in the charts' first colour)."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    pixels = list(image.getdata())
    black = sum(1 for r, g, b in pixels if r < 40 and g < 40 and b < 40)
    first = sum(
        1 for r, g, b in pixels if abs(r - 0x1F) < 25 and abs(g - 0x6F) < 25 and abs(b - 0x8B) < 25
    )
    return black / len(pixels), first / len(pixels)


def test_charts_render_under_the_csp(visit):
    page = visit.goto("/reports/health/", internal=True)
    charts = page.locator(".kcs-chart svg")
    assert charts.count() >= 3
    styled = page.evaluate(
        "document.querySelectorAll('.kcs-chart [style], .kcs-chart style').length"
    )
    assert styled == 0
    black, bars = colours(charts.first.screenshot())
    assert black < 0.05, f"{black:.0%} of the chart is black"  # a CSP-blocked SVG is a black box
    assert bars > 0.02, f"only {bars:.1%} of the chart in the bars' colour"
    # a chart of the usage data too
    page = visit.goto("/reports/usage/", internal=True)
    black, bars = colours(page.locator(".kcs-chart svg").first.screenshot())
    assert black < 0.05 and bars > 0.01


def test_reports_speak_the_sites_language_not_configuration(visit):
    for name in REPORTS:
        page = visit.goto(f"/reports/{name}/", internal=True)
        text = page.locator("#kcs-main").inner_text()
        assert "kcs.yml" not in text, name
        assert "python -m" not in text, name
        assert page.locator("html").get_attribute("lang") == "sv", name
        assert page.locator(".kcs-report-asof").inner_text().startswith("Per "), name
        headers = page.locator("th").all_inner_texts()
        assert not [h for h in headers if "_" in h], (name, headers)  # no machine names
    page = visit.goto("/reports/staleness/", internal=True)
    assert page.locator("h1").inner_text().startswith("Aktualitet och granskning")
    assert "Vad det betyder" in page.locator("table").first.inner_text()
    index = visit.goto("/reports/", internal=True).locator("#kcs-main").inner_text()
    assert "Hur webbplatsen används" in index and "Sökning" in index


def test_no_figure_is_left_blank(visit):
    page = visit.goto("/reports/health/", internal=True)
    rows = page.locator(".kcs-table").first.locator("tbody tr")
    values = {r.locator("th").inner_text(): r.locator("td").first.inner_text() for r in rows.all()}
    assert values["mediantid till publicering (timmar)"] == "inga uppgifter än"
    assert all(v.strip() for v in values.values()), values


def test_the_search_report_has_two_different_tables(visit):
    page = visit.goto("/reports/search/", internal=True)
    tables = page.locator(".kcs-report-table table")
    assert tables.count() == 2
    first, second = (t.inner_text() for t in tables.all())
    assert first != second
    assert (
        tables.nth(0).locator("th").all_inner_texts()
        != tables.nth(1).locator("th").all_inner_texts()
    )


def test_a_wide_table_scrolls_with_the_keyboard(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(server.internal_url + "reports/usage/")
    box = page.locator(".kcs-table-scroll").filter(has=page.locator("td")).nth(1)
    wide = box.evaluate("b => b.scrollWidth > b.clientWidth")
    assert wide
    box.focus()
    assert box.evaluate("b => b === document.activeElement")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("b => b.scrollLeft > 0", arg=box.element_handle())
    context.close()
