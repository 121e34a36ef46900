"""The gaps report: queries people found no answer for, their trend, and the contacts
that followed; with a threshold, an article request for the new ones."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .model import Bar, Phrase, Report, Table
from .period import PeriodInputs, period_label, query_forms, query_stats

#: reads the usage database over a period (see :mod:`kcs.reports`)
SOURCE = "usage"

#: A gap's trend against the period before: new, up, down, same.
TRENDS = (Phrase("new"), Phrase("up"), Phrase("down"), Phrase("same"))
#: The last query of a visit that sent the contact form without searching.
NO_QUERY = Phrase("(no query)")


@dataclass(frozen=True)
class Gap:
    query: str
    lang: str
    no_result: int
    no_click: int
    previous: int
    contacts: int
    key: str

    @property
    def count(self) -> int:
        return self.no_result + self.no_click

    @property
    def trend(self) -> str:
        if not self.previous:
            return TRENDS[0]
        if self.count > self.previous:
            return TRENDS[1]
        return TRENDS[2] if self.count < self.previous else TRENDS[3]


def find_gaps(inputs: PeriodInputs) -> list[Gap]:
    now = query_stats(inputs)
    before = query_stats(inputs, previous=True)
    forms = query_forms(inputs)
    gaps = []
    for (lang, key), s in now.items():
        no_result = int(s.get("search_zero", 0) + s.get("suggest_zero", 0))
        no_click = int(s.get("search_noclick", 0))
        if not no_result and not no_click:
            continue
        b: Mapping[str, float] = before.get((lang, key), {})
        previous = int(
            b.get("search_zero", 0) + b.get("suggest_zero", 0) + b.get("search_noclick", 0)
        )
        gaps.append(
            Gap(
                forms.get((lang, key), key),
                lang,
                no_result,
                no_click,
                previous,
                int(s.get("contact_after_search", 0)),
                key,
            )
        )
    gaps.sort(key=lambda g: (-g.count, -g.contacts, g.query))
    return gaps


def report(inputs: PeriodInputs, *, min_count: int | None = None) -> Report:
    """Queries with no result or no click, grouped, with their trend and the contacts after."""
    gaps = find_gaps(inputs)
    threshold = min_count or 0
    new = [g for g in gaps if min_count and g.count >= threshold and g.previous < threshold]
    contacts = inputs.sums("contact_after_search", "lang", "key")
    forms = query_forms(inputs)
    contact_rows = tuple(
        sorted(
            (
                (forms.get((lang, key), key) or NO_QUERY, lang, int(n))
                for (lang, key), n in contacts.items()
            ),
            key=lambda r: (-r[2], r[0]),
        )
    )
    figures: dict[str, Any] = {
        "Period": period_label(inputs),
        "Gap queries": len(gaps),
        "Searches without an answer": sum(g.count for g in gaps),
        "Contacts after a search": inputs.total("contact_after_search"),
        "Contacts in total": inputs.total("contact"),
    }
    explain = {
        "Period": "The days counted; the trend compares with the equally long period before.",
        "Gap queries": "Normalised queries that found nothing, or found results nobody "
        "clicked, at least once.",
        "Searches without an answer": "Searches (and contact-form suggestions) with no result "
        "plus searches with results but no click in the same visit.",
        "Contacts after a search": "Contact-form submissions in a visit that had searched "
        "first: self-service was tried and failed.",
        "Contacts in total": "All contact-form submissions (the contact beacon).",
    }
    if min_count:
        label = Phrase("New gaps with ≥ {min_count}", min_count=min_count)
        figures[label] = len(new)
        explain[label] = (
            "Gaps that reached the threshold in this period but not in the period before; "
            "with --min-count, kcs report gaps exits 3 when there is at least one."
        )
    rows = tuple(
        (g.query, g.lang, g.count, g.no_result, g.no_click, g.previous, g.trend, g.contacts)
        for g in gaps[:300]
    )
    top = gaps[:15]
    return Report(
        "gaps",
        "Content gaps",
        inputs.last,
        figures,
        (
            Table(
                "gaps",
                "Queries people did not find an answer for",
                (
                    "query",
                    "lang",
                    "unanswered",
                    "no result",
                    "no click",
                    "previous period",
                    "trend",
                    "contacts after",
                ),
                rows,
                "Write or retitle an article for the top rows: KCS asks to alert agents "
                "as soon as people search for something that has no article.",
            ),
            Table(
                "contacts",
                "Contact-form submissions after a search",
                ("last query", "lang", "contacts"),
                contact_rows,
                "The query is the last search of that visit, as the contact beacon sent it.",
            ),
        ),
        (
            Bar(
                "gaps",
                "Unanswered queries",
                tuple(g.query[:40] for g in top),
                {
                    "no result": tuple(float(g.no_result) for g in top),
                    "no click": tuple(float(g.no_click) for g in top),
                },
                horizontal=True,
            ),
        ),
        (),
        explain,
    )


def new_gaps(report: Report) -> int:
    """How many new gaps reached the --min-count threshold (0 without a threshold)."""
    for key, value in report.figures.items():
        if key.startswith("New gaps"):
            return int(value)
    return 0


def article_request(inputs: PeriodInputs, min_count: int) -> str:
    """A Markdown issue body asking for articles for the new gaps ("article request")."""
    gaps = [g for g in find_gaps(inputs) if g.count >= min_count and g.previous < min_count]
    lines = [
        f"People searched for these {len(gaps)} topics at least {min_count} times between "
        f"{inputs.first.isoformat()} and {inputs.last.isoformat()} without finding an answer "
        "(no result, or no result they clicked). Please write or improve an article, then "
        "link it here.",
        "",
        "| Query | Language | Unanswered | No result | No click | Contacts after |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for g in gaps:
        lines.append(
            f"| {_md_cell(g.query)} | {g.lang or '–'} | {g.count} | {g.no_result} | "
            f"{g.no_click} | {g.contacts} |"
        )
    lines += [
        "",
        "Queries are shown in their most common wording after personal data was redacted. "
        "Generated by `kcs report gaps --min-count "
        f"{min_count}`; the figures are explained in docs/guides/usage-analytics.md.",
    ]
    return "\n".join(lines) + "\n"


def _md_cell(text: str) -> str:
    """Text safe inside a Markdown table cell of an issue: no HTML, no pipes, no mentions."""
    import html

    text = html.escape(text, quote=False).replace("|", "\\|").replace("@", "@\u200b")
    return text.replace("`", "\\`").replace("\n", " ")
