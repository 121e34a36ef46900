"""Static SVG charts drawn with matplotlib (Agg backend): no JavaScript, no web fonts.

Text stays text (``svg.fonttype: none``) in the reader's system sans-serif font, so
the SVG is small and refers to nothing outside itself; ids are salted with a fixed
value and the date is left out, so the same data gives byte-identical SVG.
"""

from __future__ import annotations

import io
import re

from .model import Bar, Report

PALETTE = ("#1f6f8b", "#e07a5f", "#81b29a", "#f2cc8f", "#3d405b", "#9c6644")


def bar_svg(chart: Bar) -> str:
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    labels = list(chart.labels) or ["(none)"]
    height = max(2.2, 0.32 * len(labels) + 1.2) if chart.horizontal else 3.2
    with matplotlib.rc_context(
        {
            "svg.fonttype": "none",
            "svg.hashsalt": "kcs-report",
            "font.family": "sans-serif",
            "font.size": 9,
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    ):
        fig, ax = plt.subplots(figsize=(7, height))
        try:
            base = [0.0] * len(labels)
            positions = range(len(labels))
            for i, (series, values) in enumerate(chart.series.items()):
                data = list(values) or [0.0]
                color = PALETTE[i % len(PALETTE)]
                if chart.horizontal:
                    ax.barh(positions, data, left=base, label=series, color=color)
                else:
                    ax.bar(positions, data, bottom=base, label=series, color=color)
                base = [b + v for b, v in zip(base, data, strict=False)]
            from matplotlib.ticker import MaxNLocator

            top = max(base, default=0.0) or 1.0  # an all-zero chart keeps a 0..1 axis
            axis = ax.xaxis if chart.horizontal else ax.yaxis
            axis.set_major_locator(MaxNLocator(integer=True))
            if chart.horizontal:
                ax.set_xlim(0, top * 1.05)
            else:
                ax.set_ylim(0, top * 1.05)
            if chart.horizontal:
                ax.set_yticks(list(positions), labels)
                ax.invert_yaxis()
                if chart.xlabel:
                    ax.set_xlabel(chart.xlabel)
            else:
                ax.set_xticks(list(positions), labels, rotation=30, ha="right")
                if chart.xlabel:
                    ax.set_ylabel(chart.xlabel)
            if len(chart.series) > 1:  # beside the plot, never over the bars
                ax.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
            ax.set_title(chart.title, fontsize=10, loc="left")
            fig.tight_layout()
            buffer = io.StringIO()
            fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
        finally:
            plt.close(fig)
    return clean_svg(buffer.getvalue())


#: CSS properties matplotlib writes that SVG also takes as presentation attributes.
_PRESENTATION = frozenset(
    {
        "fill",
        "fill-opacity",
        "stroke",
        "stroke-width",
        "stroke-opacity",
        "stroke-linejoin",
        "stroke-linecap",
        "stroke-dasharray",
        "stroke-dashoffset",
        "stroke-miterlimit",
        "opacity",
        "font-size",
        "font-family",
        "font-style",
        "font-weight",
        "text-anchor",
        "dominant-baseline",
    }
)
_STYLE_ATTR = re.compile(r'\sstyle="([^"]*)"')
_STYLE_ELEMENT = re.compile(r"<style[^>]*>.*?</style>\s*", re.S)


def _attributes(match: re.Match[str]) -> str:
    out = []
    for declaration in match.group(1).split(";"):
        name, _, value = declaration.partition(":")
        name, value = name.strip(), value.strip()
        if name in _PRESENTATION and value:
            out.append(f' {name}="{value}"')
    return "".join(out)


def presentational(svg: str) -> str:
    """The SVG with its styles as presentation attributes: a Content-Security-Policy
    without 'unsafe-inline' (the portal's) blocks style attributes and <style>
    elements, and a chart drawn without them is a black box."""
    svg = _STYLE_ELEMENT.sub("", svg)
    svg = re.sub(r"<defs>\s*</defs>\s*", "", svg)
    # What matplotlib's <style> set for every element; attributes on <svg> inherit.
    svg = re.sub(r"<svg\b", '<svg stroke-linejoin="round" stroke-linecap="butt"', svg, count=1)
    return _STYLE_ATTR.sub(_attributes, svg)


def clean_svg(svg: str) -> str:
    """Inline-ready SVG: no XML prolog or doctype, no blank lines (Markdown would split),
    no inline styles."""
    svg = re.sub(r"^<\?xml[^>]*>\s*", "", svg)
    svg = re.sub(r"<!DOCTYPE[^>]*>\s*", "", svg)
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    svg = presentational(svg)
    return "\n".join(line for line in svg.splitlines() if line.strip())


def render_all(report: Report) -> dict[str, str]:
    """Chart name → SVG text, for every chart of the report."""
    return {chart.name: bar_svg(chart) for chart in report.charts}
