"""The reports through the CLI on a small, fully known log: exact figures, exit codes,
escaping, ticket exports, the site pages and the API other areas read."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from usagekit import LOGGED_AT, e, line, make_kb

from kcs.cli import cli
from kcs.usage import most_used, usage_by_article

LOG = [
    # A: finds nothing for "skrivare", then writes to the desk
    line("192.0.2.1", 0, e("t=search&q=skrivare&n=0&l=sv"), 204),
    line("192.0.2.1", 1, e("t=contact&q=skrivare&l=sv"), 204),
    # B: searches, clicks the 2nd result, says it helped
    line("192.0.2.2", 0, e("t=search&q=VPN&n=3&l=sv"), 204),
    line("192.0.2.2", 1, e("t=click&q=VPN&p=2&a=vpn-connect&l=sv"), 204),
    line("192.0.2.2", 1, "/a/vpn-connect/"),
    line("192.0.2.2", 3, e("t=feedback&a=vpn-connect&h=yes&l=sv"), 204),
    # C: script in the query
    line("192.0.2.3", 0, e("t=search&q=%3Cscript%3Ealert(1)%3C%2Fscript%3E&n=0&l=en"), 204),
    # D: the contact form suggests an article, D clicks it and leaves
    line("192.0.2.4", 0, e("t=suggest&q=printer&n=2&l=en"), 204),
    line("192.0.2.4", 1, e("t=suggest-click&q=printer&p=1&a=printing-add-printer&l=en"), 204),
    line("192.0.2.4", 1, "/a/printing-add-printer/"),
    # E: says yes, then contacts the desk anyway
    line("192.0.2.5", 0, "/a/vpn-connect/"),
    line("192.0.2.5", 2, e("t=feedback&a=vpn-connect&h=yes&l=sv"), 204),
    line("192.0.2.5", 5, e("t=contact&q=&l=sv"), 204),
    # F1-F3: "skrivaren" finds nothing either
    *(line(f"192.0.2.{n}", 0, e("t=search&q=Skrivaren&n=0&l=sv"), 204) for n in (6, 7, 8)),
    line("192.0.2.9", 0, "/a/vpn-connect/"),
    line("192.0.2.9", 1, e("t=feedback&a=vpn-connect&h=no&r=outdated&l=sv"), 204),
]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = make_kb(tmp_path / "kb")
    log = tmp_path / "access.log"
    log.write_text("".join(LOG))
    result = CliRunner().invoke(cli, ["usage", "ingest", "--root", str(root), str(log)])
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"{len(LOG)} new lines from 1 files: {len(LOG)} kept, 0 bots, 0 probes, "
        "0 other methods, 0 malformed, 0 older than the retention\n"
    )
    return root


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def figures(output: str) -> dict[str, str]:
    found = {}
    for text in output.splitlines()[2:]:
        if not text.startswith("  ") or "  " not in text.strip():
            if found:
                break
            continue
        key, value = text.strip().split("  ", 1)
        found[key] = value.strip()
    return found


def test_value_report(repo: Path) -> None:
    code, out = run("report", "value", "--root", str(repo), "--since", "7d")
    assert code == 0
    got = figures(out)
    assert got["Search visits"] == "6"
    assert got["Self-service success"] == "16.7 %"
    assert got["Contacts submitted"] == "2"
    assert got["Contacts avoided"] == "2"
    assert got["Value of one avoided contact"] == "72.50 EUR"
    assert got["Money saved (estimate)"] == "145.00 EUR"
    assert got["User hours saved (estimate)"] == "1.0"
    assert "contacts avoided × (per contact 50 EUR + 30 lost minutes / 60 × 45 EUR an hour" in out
    data = json.loads(run("report", "value", "--root", str(repo), "--format", "json")[1])
    assert {(r["article"], r["avoided"]) for r in data["tables"]["by_article"]} == {
        ("vpn-connect", 1),
        ("printing-add-printer", 1),
    }


def test_usage_report(repo: Path) -> None:
    code, out = run("report", "usage", "--root", str(repo), "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["figures"]["Article views"] == 4
    assert data["figures"]["Unique visitors"] == 9
    rows = {r["article"]: r for r in data["tables"]["by_article"]}
    assert rows["vpn-connect"]["views"] == 3
    assert rows["vpn-connect"]["helped"] == 2
    assert rows["vpn-connect"]["reasons"] == "outdated 1"
    assert rows["vpn-connect"]["domain"] == "network"
    csv_out = run(
        "report", "usage", "--root", str(repo), "--format", "csv", "--table", "by_domain"
    )[1]
    assert csv_out.splitlines()[0] == "domain,views,visitors"
    assert "network,3,3" in csv_out.splitlines()


def test_search_report_escapes_html(repo: Path) -> None:
    code, out = run("report", "search", "--root", str(repo), "--format", "html")
    assert code == 0
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "<script>alert" not in out
    text = run("report", "search", "--root", str(repo))[1]
    assert figures(text)["Searches"] == "6"
    assert figures(text)["Click-through"] == "16.7 %"
    assert figures(text)["Mean click position"] == "2.0"


def test_gaps_exit_3_with_an_article_request(repo: Path) -> None:
    code, out = run("report", "gaps", "--root", str(repo), "--since", "7d", "--min-count", "3")
    assert code == 3
    assert out.startswith("People searched for these 1 topics at least 3 times")
    assert "| Skrivaren | sv | 4 | 4 | 0 | 1 |" in out
    code, out = run("report", "gaps", "--root", str(repo), "--since", "7d", "--min-count", "5")
    assert code == 0
    assert figures(out)["New gaps with ≥ 5"] == "0"
    assert figures(out)["Contacts after a search"] == "1"


def test_bad_period_is_a_usage_error(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from kcs.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(["report", "usage", "--root", str(repo), "--since", "yesterday"])
    assert exit_.value.code == 2
    assert capsys.readouterr().err == (
        "Error: --since 'yesterday' is neither a date (YYYY-MM-DD) nor a duration such as 7d\n"
    )


def test_api_for_other_areas(repo: Path) -> None:
    assert most_used(repo) == ["vpn-connect", "printing-add-printer"]
    assert most_used(repo / ".kcs" / "usage.sqlite", limit=1) == ["vpn-connect"]
    stats = usage_by_article(repo / ".kcs" / "usage.sqlite", LOGGED_AT.date())
    assert stats["vpn-connect"].views_90d == 3
    assert (stats["vpn-connect"].helped, stats["vpn-connect"].not_helped) == (2, 1)
    assert stats["vpn-connect"].reasons == {"outdated": 1}
    assert most_used(repo.parent / "nowhere.sqlite") == []


def test_site_pages(repo: Path) -> None:
    from kcs.knowledge import load
    from kcs.site.model import SiteContext
    from kcs.site.usage import pages

    kb = load(repo)
    now = dt.datetime.now(dt.UTC)
    assert pages(SiteContext(kb, "public", kb.articles, now)) == []
    made = {p.src_uri: p for p in pages(SiteContext(kb, "internal", kb.articles, now))}
    assert set(made) == {
        "reports/usage.md",
        "reports/search.md",
        "reports/gaps.md",
        "reports/value.md",
    }
    assert "<svg" in made["reports/usage.md"].markdown
    assert "<script>" not in made["reports/search.md"].markdown
    assert "&lt;script&gt;" in made["reports/search.md"].markdown


#: What the usage reports write themselves, in English, with this repository's numbers
#: and cost model: none of it may show on a Finnish report page.
ENGLISH_LEFT = (
    "Most-read first; visitors are summed per day",
    "kept = a person",
    "<td>kept</td>",
    "<td>malformed</td>",
    "New gaps with ≥ 3",
    "<td>new</td>",
    "How the estimates are computed",
    "The cost model: per contact 50 EUR",
    "Contacts avoided × 72.50 EUR (see above)",
    "Contacts avoided × 30 working minutes",
    "<th>money (EUR)</th>",
    "(7 days)",
)


def test_usage_pages_in_finnish_keep_no_english_words(repo: Path) -> None:
    """Sentences with configured numbers (the cost model, --min-count) and the cells the
    reports write themselves are translated on the site; JSON and CSV stay English."""
    from kcs.knowledge import load
    from kcs.reports import module
    from kcs.reports.period import cost_model, open_inputs
    from kcs.reports.render import html_body, render
    from kcs.site.report_text import labels, localise
    from kcs.usage.store import metas

    kb = load(repo)
    inputs = open_inputs(
        repo / kb.config.usage.database,
        LOGGED_AT.date() - dt.timedelta(days=6),
        LOGGED_AT.date(),
        metas(kb.articles),
        cost_model(kb.config),
    )
    try:
        reports = [
            module(name).report(inputs, min_count=3)
            if name == "gaps"
            else module(name).report(inputs)
            for name in ("usage", "search", "gaps", "value")
        ]
    finally:
        inputs.conn.close()
    english = "".join(html_body(r) for r in reports)
    finnish = "".join(html_body(localise(r, "fi"), labels=labels("fi")) for r in reports)
    assert [t for t in ENGLISH_LEFT if t not in english] == []
    assert [t for t in ENGLISH_LEFT if t in finnish] == []
    assert "Kustannusmalli: yhteydenottoa kohden 50 EUR + 30 menetettyä minuuttia" in finnish
    assert "<th>raha (EUR)</th>" in finnish and "(7 päivää)" in finnish
    assert "<td>VPN does not connect</td>" in finnish  # a title is data
    value = json.loads(render(reports[3], "json"))
    assert value["notes"][1].startswith("How the estimates are computed: contacts avoided × (per")
    assert render(reports[3], "csv", table="by_domain").splitlines()[0] == (
        "domain,avoided,money (EUR),user hours"
    )
    gaps = json.loads(render(reports[2], "json"))
    assert gaps["figures"]["New gaps with ≥ 3"] == 1
    assert {r["trend"] for r in gaps["tables"]["gaps"]} == {"new"}


TICKETS = (
    "Number;Opened;Closed;Category;Channel;Notes\n"
    "T1;2026-11-01 08:00;2026-11-01 09:00;VPN;phone;Solved with /a/vpn-connect/ - anna@x.se\n"
    "T2;2026-11-02 08:00;2026-11-02 09:00;VPN;e-mail;Reused vpn-connect again\n"
    "T3;2026-11-03 08:00;2026-11-03 10:00;Printing;portal;Toner replaced\n"
    "T4;2026-11-03 08:00;;Printing;portal;open\n"
    + "".join(
        f"T{n};2026-11-04;2026-11-05;Licences;phone;asked for a licence\n" for n in range(5, 10)
    )
)


def test_ticket_export(repo: Path, tmp_path: Path) -> None:
    export = tmp_path / "tickets.csv"
    export.write_text(TICKETS, encoding="cp1252")
    code, out = run("usage", "tickets", "--root", str(repo), str(export))
    assert code == 0, out
    got = figures(out)
    assert got["Tickets"] == "9"
    assert got["Closed"] == "8"
    assert got["Link rate"] == "25.0 %"
    assert got["Known / new"] == "1 / 1"
    assert "Licences" in out.split("Categories with many tickets and no article")[1]
    code, again = run("usage", "tickets", "--root", str(repo), str(export))
    assert figures(again)["Tickets"] == "9"  # re-import replaces, never doubles
    blob = (repo / ".kcs" / "usage.sqlite").read_bytes()
    assert b"anna@x.se" not in blob and b"Toner" not in blob
