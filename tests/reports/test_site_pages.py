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
