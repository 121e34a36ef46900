"""kcs.site.reports: report pages of the internal site, charts as inline SVG."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import markdown

from kcs.history import read_history
from kcs.knowledge import load
from kcs.reports.charts import bar_svg
from kcs.reports.model import Bar
from kcs.site import context
from kcs.site.reports import pages

NOW = dt.datetime(2025, 6, 30, 12, tzinfo=dt.UTC)


def test_internal_site_gets_one_page_per_report_and_an_index(kb_repo: Path) -> None:
    kb = load(kb_repo)
    got = pages(context(kb, "internal", now=NOW, history=read_history(kb_repo)))
    assert [p.src_uri for p in got] == [
        "reports/staleness.md",
        "reports/health.md",
        "reports/contributors.md",
        "reports/index.md",
    ]
    staleness = got[0]
    assert staleness.meta["kcs"]["report"] == "staleness"
    assert staleness.meta["kcs"]["figures"]["overdue"] == 2
    html = markdown.markdown(staleness.markdown)
    # The SVG passes through Markdown as raw HTML, not as escaped text or a paragraph.
    assert html.count("<svg") == 1 and "<p><svg" not in html and "&lt;svg" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html


def test_public_site_gets_no_report_pages(kb_repo: Path) -> None:
    assert pages(context(load(kb_repo), "public", now=NOW)) == []


def test_svg_is_self_contained_and_reproducible() -> None:
    chart = Bar(
        "x",
        "Status <per> domain",
        ("vpn", "mail & more"),
        {"overdue": (2.0, 1.0), "fresh": (3.0, 0.0)},
        horizontal=True,
    )
    svg = bar_svg(chart)
    assert svg.startswith("<svg") and "<?xml" not in svg
    assert "\n\n" not in svg
    assert "Status &lt;per&gt; domain" in svg and "mail &amp; more" in svg
    assert not re.search(r"(href|src)=\"https?:", svg) and "<script" not in svg
    assert "@font-face" not in svg
    assert bar_svg(chart) == svg


#: What the repository reports write themselves, in English, with this repository's
#: numbers: none of it may show on a Finnish report page.
ENGLISH_LEFT = (
    "Articles due for review within the next 30 days.",
    "Drafts (work in progress) older than 30 days.",
    "Lint findings (kcs lint); too long means over 40 words.",
    "Articles longer than the length guideline (40 words).",
    "Thank you: contributions per quarter (last 12 months)",
    "in the last 12 months.",
    "Review backlog left out",
    "No usage data",
    "<td>never-validated</td>",
    "<td>overdue</td>",
    "<td>review first (feedback)</td>",
    "<td>archive candidate</td>",
    "<td>wip</td>",
    "<td>not-validated</td>",
    "<td>validated</td>",
)


def test_report_pages_in_finnish_keep_no_english_words(kb_repo: Path) -> None:
    """Sentences with numbers and the cells the reports write themselves (statuses,
    advice labels, states) are translated; titles, names and paths stay as they are."""
    from kcs.reports import compute, names
    from kcs.reports.model import UsageStats
    from kcs.reports.render import html_body
    from kcs.site.report_text import labels, localise

    kb, history = load(kb_repo), read_history(kb_repo)
    usage = {
        "vpn-old-client": UsageStats(views_90d=500, views_12m=2000),
        "mail-quota-sv": UsageStats(views_90d=0, views_12m=0),
        "vpn-token": UsageStats(views_90d=3, helped=1, not_helped=5),
    }
    english = {
        name: html_body(compute(name)(kb, history, NOW.date(), usage=usage))
        for name in names("repository")
    }
    english["without usage data"] = "".join(
        html_body(compute(name)(kb, history, NOW.date())) for name in names("repository")
    )
    finnish = {
        (name, bool(use)): html_body(
            localise(compute(name)(kb, history, NOW.date(), usage=use), "fi"), labels=labels("fi")
        )
        for name in names("repository")
        for use in (usage, None)
    }
    for text in ENGLISH_LEFT:
        assert any(text in page for page in english.values()), f"not in the report: {text}"
    left = {(key, text) for key, page in finnish.items() for text in ENGLISH_LEFT if text in page}
    assert left == set()
    staleness = finnish["staleness", True]
    assert "Artikkelit, jotka on tarkistettava seuraavien 30 päivän aikana." in staleness
    assert "<td>tarkista ensin (palaute)</td>" in staleness
    assert "<td>Token expired</td>" in staleness  # a title is data
    assert "<td>articles/vpn/token.md</td>" in staleness
    assert "yli 40 sanaa" in finnish["health", True]
