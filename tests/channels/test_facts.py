"""Article facts on the internal site and the proposal page's word diff, in real builds."""

from __future__ import annotations

import datetime as dt
import re
import sys
from html import unescape
from pathlib import Path

import pytest
from chankb import make_channel_kb
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parents[1] / "gate"))

from kbrepo import branch  # noqa: E402

from kcs.build import build_sites  # noqa: E402
from kcs.cli import cli  # noqa: E402
from kcs.site.worddiff import rows  # noqa: E402

UA = '"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36"'


def log_line(when: dt.datetime, path: str, status: int = 200, ip: str = "10.0.0.1") -> str:
    stamp = when.strftime("%d/%b/%Y:%H:%M:%S +0000")
    return f'{ip} - - [{stamp}] "GET {path} HTTP/1.1" {status} 512 "-" {UA}'


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_channel_kb(tmp_path_factory.mktemp("facts") / "kb")
    text = (root / "articles/accounts/reset.md").read_text(encoding="utf-8")
    branch(
        root,
        "proposal/lotta/reset",
        {
            "articles/accounts/reset.md": text.replace(
                "1. Öppna sidan för återställning.",
                "1. Öppna sidan för lösenordsåterställning i webbläsaren.",
            )
        },
    )
    # After the branch: its commit takes every file (the database too) along.
    now = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(hours=1)
    lines = []
    for n in range(7):
        lines.append(log_line(now, "/a/reset/", ip=f"10.0.1.{n}"))
    for n, answer in enumerate(["h=yes", "h=yes", "h=yes", "h=no&r=outdated"]):
        lines.append(
            log_line(now, f"/_kcs/e?v=1&t=feedback&a=reset&{answer}&l=sv", 204, ip=f"10.0.1.{n}")
        )
    log = root.parent / "access.log"
    log.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["usage", "ingest", str(log), "--root", str(root)])
    assert result.exit_code == 0, result.output
    build_sites(root, ("public", "internal"))
    return root / "site"


def page(site: Path, rel: str) -> str:
    return (site / rel / "index.html").read_text(encoding="utf-8")


def facts_of(html: str) -> dict[str, str]:
    block = re.search(r'<aside class="kcs-facts".*?</aside>', html, re.S)
    assert block, "no facts on the page"
    pairs = re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", block.group(0), re.S)
    return {
        unescape(k): re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", v))).strip()
        for k, v in pairs
    }


def test_internal_article_shows_its_facts(built: Path) -> None:
    html = page(built / "internal", "a/reset")
    facts = facts_of(html)
    assert facts["Visningar (90 dagar)"] == "7"
    assert facts["Hjälpte (90 dagar)"] == "75 % av 4 svar"
    assert facts["Angivna skäl"] == "Informationen är inaktuell: 1"
    assert facts["Öppna flaggningar (inaktuell)"] == "1"
    assert facts["Öppna förslag"].startswith("proposal/lotta/reset")
    assert facts["Översättningar"] == "English: aktuell"
    assert facts["Granskas senast"] == "2027-01-05"  # reviewed 2026-01-10 + 12 months of 30 days
    assert '<a href="../../proposals/reset/">proposal/lotta/reset</a>' in html
    # an article without usage or proposals says so
    vpn = facts_of(page(built / "internal", "a/vpn"))
    assert (vpn["Visningar (90 dagar)"], vpn["Öppna förslag"]) == ("0", "inga")


def test_english_article_has_english_facts(built: Path) -> None:
    facts = facts_of(page(built / "internal", "a/reset-en"))
    assert facts["Helpful (90 days)"] == "no answers yet"
    assert facts["Translations"].startswith("up to date")


def test_wider_sites_show_no_facts(built: Path) -> None:
    assert "kcs-facts" not in page(built / "public", "a/reset")
    assert not (built / "public/proposals").exists()


def test_proposal_page_marks_changed_words_in_the_article_language(built: Path) -> None:
    html = page(built / "internal", "proposals/reset")
    assert "<h1>Föreslagna ändringar: Jag har glömt mitt lösenord</h1>" in html
    assert "<caption>Ändringar i texten</caption>" in html
    assert "<del>återställning</del>" in html
    assert "<ins>lösenordsåterställning i webbläsaren</ins>" in html
    assert '<section class="kcs-official"><h3>Officiell</h3>' in html
    assert 'style="' not in html.split('<div class="kcs-proposal">', 1)[1].split("</div>")[0]
    assert '<a href="../../a/reset/">Den officiella artikeln</a>' in html


def test_word_diff_escapes_and_marks() -> None:
    out = "".join(rows("keep\n<b>old</b> text", "keep\n<b>new</b> text"))
    assert "<del>old</del>" in out and "<ins>new</ins>" in out
    assert "&lt;b&gt;" in out and "<b>" not in out
    assert rows("same\ntext", "same\ntext") == []
