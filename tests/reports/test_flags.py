"""Flags resolved in the contributors report: readers' "outdated" answers, ingested from a
real access log into a real usage database, credited to the author of the next change in
a real Git repository."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import markdown
import pytest
from click.testing import CliRunner
from gitrepo import commit_all, git, init_repo, write
from reportrepo import ANNA, KCS_YML, TODAY, article

from kcs.cli import cli
from kcs.history import read_history
from kcs.i18n import phrase
from kcs.knowledge import load
from kcs.site import context
from kcs.site.reports import pages
from kcs.usage.api import flags_by_day
from kcs.usage.store import article_meta, database_path, ingest

ERIK = "Erik Johansson <erik@example.org>"
AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36"
)


def flag(ip: str, day: int, ident: str, hour: int = 9) -> str:
    """One reader's "this is outdated" beacon on June ``day`` 2025."""
    return (
        f'{ip} - - [{day:02d}/Jun/2025:{hour:02d}:00:00 +0000] "GET /_kcs/e?v=1&t=feedback'
        f'&a={ident}&h=no&r=outdated&l=en HTTP/1.1" 204 0 "-" "{AGENT}"\n'
    )


def make_repo(root: Path) -> Path:
    """Anna writes two articles (June 1) and renames one (June 3); Erik improves the
    renamed one on June 15 at 12:00 UTC; nobody touches the other again."""
    repo = init_repo(root)
    write(repo / "kcs.yml", KCS_YML)
    write(repo / "articles/vpn/connect.md", article("vpn-connect", "VPN fails", "validated"))
    write(repo / "articles/mail/quota.md", article("mail-quota", "Mailbox full", "validated"))
    commit_all(repo, "Two articles", date="2025-06-01T10:00:00+00:00", author=ANNA)
    git(repo, "mv", "articles/vpn/connect.md", "articles/vpn/connect-client.md")
    commit_all(repo, "Rename connect", date="2025-06-03T10:00:00+00:00", author=ANNA)
    write(
        repo / "articles/vpn/connect-client.md",
        article("vpn-connect", "VPN fails", "validated", body="Reinstall the client."),
    )
    commit_all(repo, "VPN: new steps", date="2025-06-15T12:00:00+00:00", author=ERIK)
    return repo


LOG = [
    flag("192.0.2.1", 5, "vpn-connect"),  # two readers before Erik's change: his
    flag("192.0.2.2", 5, "vpn-connect"),
    flag("192.0.2.3", 12, "vpn-connect"),  # one more: his too
    flag("192.0.2.4", 15, "vpn-connect"),  # the day of his change: not resolved by it
    flag("192.0.2.5", 20, "mail-quota"),  # after its last change: unresolved
    flag("192.0.2.6", 21, "gone-article"),  # no such article: not counted at all
]


@pytest.fixture(scope="module")
def flagged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("flags")
    repo = make_repo(tmp / "kb")
    log = tmp / "access.log"
    log.write_text("".join(LOG))
    result = ingest(database_path(repo), [log], articles=article_meta(repo), today=TODAY)
    assert result.files == 1
    return repo


def report_json(repo: Path) -> dict[str, object]:
    result = CliRunner().invoke(
        cli,
        ["report", "contributors", "--root", str(repo), "--as-of", TODAY.isoformat()]
        + ["--format", "json"],
    )
    assert result.exit_code == 0, result.output
    data: dict[str, object] = json.loads(result.stdout)
    return data


def test_flags_by_day_reads_the_ingested_answers(flagged: Path, tmp_path: Path) -> None:
    june = dt.date(2025, 6, 1)
    assert flags_by_day(flagged) == [
        (june.replace(day=5), "vpn-connect", 2),
        (june.replace(day=12), "vpn-connect", 1),
        (june.replace(day=15), "vpn-connect", 1),
        (june.replace(day=20), "mail-quota", 1),
        (june.replace(day=21), "gone-article", 1),
    ]
    assert flags_by_day(
        database_path(flagged), since=june.replace(day=12), until=june.replace(day=15)
    ) == [(june.replace(day=12), "vpn-connect", 1), (june.replace(day=15), "vpn-connect", 1)]
    write(tmp_path / "kcs.yml", KCS_YML)
    assert flags_by_day(tmp_path) == []


def test_flag_before_a_change_credits_its_author(flagged: Path) -> None:
    data = report_json(flagged)
    rows = {r["person"]: r for r in data["tables"]["contributions"]}  # type: ignore[index]
    assert rows["Erik Johansson"]["flags_resolved"] == 3
    assert rows["Erik Johansson"]["period"] == "2025-Q2"
    # Anna's rename on June 3 came before every flag: it resolves none of them.
    assert rows["Anna Lindqvist"]["flags_resolved"] == 0
    assert data["figures"]["flags resolved"] == 3  # type: ignore[index]


def test_flag_after_the_last_change_is_unresolved(flagged: Path) -> None:
    # June 15 (Erik changed it later that day) and June 20 (mail-quota): unresolved;
    # the flag of an article that does not exist is not counted.
    figures = report_json(flagged)["figures"]
    assert figures["flags unresolved"] == 2  # type: ignore[index]
    # As of June 14, Erik's change has not happened: all four flags so far are open.
    result = CliRunner().invoke(
        cli,
        ["report", "contributors", "--root", str(flagged), "--as-of", "2025-06-14"]
        + ["--format", "json"],
    )
    assert result.exit_code == 0, result.output
    early = json.loads(result.stdout)["figures"]
    assert (early["flags resolved"], early["flags unresolved"]) == (0, 3)


@pytest.mark.parametrize("fmt", ["text", "csv", "html"])
def test_every_format_shows_the_column(flagged: Path, fmt: str) -> None:
    result = CliRunner().invoke(
        cli,
        ["report", "contributors", "--root", str(flagged), "--as-of", TODAY.isoformat()]
        + ["--format", fmt],
    )
    assert result.exit_code == 0, result.output
    header = {"text": "  flags_resolved", "csv": ",flags_resolved\n", "html": "<th>flags_resolved"}
    assert header[fmt] in result.stdout
    assert "No usage data: flags resolved" not in result.stdout


def test_internal_site_page_shows_flags_resolved(flagged: Path) -> None:
    now = dt.datetime.combine(TODAY, dt.time(12), tzinfo=dt.UTC)
    got = {
        p.src_uri: p
        for p in pages(context(load(flagged), "internal", now=now, history=read_history(flagged)))
    }
    page = got["reports/contributors.md"]
    assert page.meta["kcs"]["figures"]["flags resolved"] == 3
    html = markdown.markdown(page.markdown)
    # the column in the internal site's language (kcs/data/interface.yml)
    column = phrase(load(flagged).config.default_language, "flags_resolved")
    assert f"<th>{column}</th>" in html and "<td>Erik Johansson</td>" in html


def test_without_usage_database_the_report_works_and_says_why(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "kb")
    assert not database_path(repo).exists()
    data = report_json(repo)
    columns = set(data["tables"]["contributions"][0])  # type: ignore[index]
    assert "flags_resolved" not in columns and "created" in columns
    assert "flags resolved" not in data["figures"]  # type: ignore[operator]
    assert any("No usage data: flags resolved" in n for n in data["notes"])  # type: ignore[attr-defined]
