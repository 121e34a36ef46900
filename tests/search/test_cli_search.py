"""``kcs search``: exact output and exit statuses."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from kcs.cli import cli


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_hits_one_line_each_best_first(repo: Path) -> None:
    result = invoke("search", "tulostimen", "--root", str(repo))
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "1.06  printing-ajuri-fi  Tulostimen ajurin asentaminen  (articles/printing/ajuri.fi.md)\n"
        "0.12  printing-tulostin-fi  Tulostin ei tulosta  (articles/printing/tulostin.fi.md)\n"
    )
    assert result.stderr == ""


def test_words_of_several_arguments_form_one_query(repo: Path) -> None:
    result = invoke("search", "vpn", "hemifrån", "--lang", "sv", "--root", str(repo))
    assert result.exit_code == 0
    assert result.stdout == (
        "3.97  network-vpn  VPN fungerar inte hemifrån  (articles/network/vpn.md)\n"
    )


def test_error_code_as_typed_with_limit(repo: Path) -> None:
    result = invoke("search", "error 0x80070643:", "--limit", "1", "--root", str(repo))
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "3.12  devices-windows-update-en  Windows Update fails to install  "
        "(articles/devices/windows-update.en.md)",
    ]


def test_json(repo: Path) -> None:
    result = invoke("search", "AADSTS50076", "--json", "--root", str(repo))
    assert result.exit_code == 0
    assert json.loads(result.stdout) == [
        {
            "id": "accounts-mfa",
            "path": "articles/accounts/mfa.md",
            "title": "Inloggningen stoppas efter kodfrågan",
            "lang": "sv",
            "score": 1.778,
        },
    ]


def test_no_hits_exit_1_with_a_message_on_stderr(repo: Path) -> None:
    result = invoke("search", "kaffemaskin", "--root", str(repo))
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        "",
        "No articles match 'kaffemaskin'.\n",
    )
    result = invoke("search", "kaffemaskin", "--json", "--root", str(repo))
    assert (result.exit_code, json.loads(result.stdout)) == (1, [])


def test_usage_errors_exit_2(repo: Path) -> None:
    result = invoke("search", "  ", "--root", str(repo))
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: empty search query; give one or more words, e.g. kcs search vpn\n",
    )
    result = invoke("search", "vpn", "--lang", "de", "--root", str(repo))
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: --lang 'de' is not one of the languages in kcs.yml: sv, fi, nl, en\n",
    )
    result = invoke("search", "~^*", "--root", str(repo))
    assert result.exit_code == 2
    assert result.stderr == "Error: search query '~^*' has no letters or digits to search for\n"
    assert invoke("search", "--root", str(repo)).exit_code == 2  # no query at all
    assert invoke("search", "vpn", "--limit", "0", "--root", str(repo)).exit_code == 2


def test_lunr_syntax_is_plain_text(repo: Path) -> None:
    result = invoke("search", "--root", str(repo), "--", "title:vpn~2", "+hemifrån", "-printer^3")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0].split("  ")[1] == "network-vpn"
    # without "--" click reads a word starting with "-" as an option
    result = invoke("search", "vpn", "-printer", "--root", str(repo))
    assert result.exit_code == 2
    assert result.stderr.endswith("Error: No such option '-p'.\n")


def test_second_run_reads_the_cache(repo: Path) -> None:
    invoke("search", "vpn", "--root", str(repo))
    cache = repo / ".kcs" / "cache" / "search-index.json"
    stamp = cache.stat().st_mtime_ns
    result = CliRunner().invoke(cli, ["-vv", "search", "vpn", "--root", str(repo)])
    assert result.exit_code == 0
    assert cache.stat().st_mtime_ns == stamp


def test_help_documents_exit_statuses() -> None:
    result = invoke("search", "--help")
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    assert "Exit status: 0 with hits, 1 when nothing matches, 2 on a usage error." in text
    assert "kcs search -- -word" in text


def test_hostile_queries_get_one_line_answers(repo: Path) -> None:
    long = invoke("search", "x" * 10_000, "--root", str(repo))
    assert long.exit_code == 1 and long.stdout == ""
    assert long.stderr == f"No articles match '{'x' * 57}...'.\n"
    stop = invoke("search", "och", "att", "det", "--root", str(repo))
    assert (stop.exit_code, stop.stderr) == (1, "No articles match 'och att det'.\n")
    lang = invoke("search", "vpn", "--lang", "xx", "--root", str(repo))
    assert lang.exit_code == 2 and lang.stderr.count("\n") == 1 and "Traceback" not in lang.output
