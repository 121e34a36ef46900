"""Log formats: combined by default, any nginx log_format compiled to a parser."""

from __future__ import annotations

import pytest

from kcs.errors import ConfigError
from kcs.usage.events import BEACON, KEEP, METHOD, PAGE, PROBE, VIEW, Classifier, beacon
from kcs.usage.normalize import normalize_query
from kcs.usage.parse import compile_format

LINE = (
    '198.51.100.7 - - [23/Nov/2026:09:08:49 +0100] "GET /a/vpn-connect/ HTTP/1.1" 200 512 '
    '"https://help.example.org/sv/" "Mozilla/5.0 (X11) Firefox/120.0"'
)


def test_combined() -> None:
    fields = compile_format("combined").parse(LINE)
    assert fields is not None
    assert fields.ip == "198.51.100.7"
    assert fields.day == "2026-11-23"
    assert fields.ts == 1795421329  # 08:08:49 UTC
    assert (fields.method, fields.uri, fields.status) == ("GET", "/a/vpn-connect/", 200)
    assert fields.user_agent == "Mozilla/5.0 (X11) Firefox/120.0"


def test_custom_log_format() -> None:
    fmt = compile_format(
        "$remote_addr [$time_iso8601] $request_method $request_uri $status "
        '"$http_user_agent" $request_time'
    )
    fields = fmt.parse('2001:db8::1 [2026-11-23T09:08:49+01:00] GET /sv/ 200 "UA x" 0.002')
    assert fields is not None
    assert (fields.ip, fields.day, fields.uri, fields.user_agent) == (
        "2001:db8::1",
        "2026-11-23",
        "/sv/",
        "UA x",
    )
    records = fmt.records(
        '2001:db8::1 [2026-11-23T09:08:49+01:00] GET /sv/ 200 "UA x" 0.002\ngarbage\n'
    )
    assert records == [
        ("2001:db8::1", "23/Nov/2026:08:08:49 +0000", "GET /sv/ HTTP/1.1", "200", "UA x")
    ]


@pytest.mark.parametrize(
    "line",
    [
        LINE[:60],  # truncated
        LINE.replace("[23/Nov/2026:09:08:49 +0100]", "[yesterday]"),
        "",
        "\x00\x01 binary",
    ],
)
def test_malformed_lines_give_none(line: str) -> None:
    assert compile_format("combined").parse(line) is None


def test_format_without_a_time_is_refused() -> None:
    with pytest.raises(ConfigError, match="no time"):
        compile_format('$remote_addr "$request" $status')


def test_requests_are_classified() -> None:
    classify = Classifier(("sv", "en")).request
    assert classify("GET /a/vpn-connect/ HTTP/1.1") == (VIEW, "vpn-connect")
    assert classify("GET /internal/a/vpn-connect/index.html HTTP/1.1") == (VIEW, "vpn-connect")
    assert classify("GET /sv/d/network/ HTTP/1.1") == (PAGE, "sv")
    assert classify("GET /de/ HTTP/1.1") == (KEEP, None)
    assert classify("POST /sv/contact/ HTTP/1.1") == (METHOD, None)
    assert classify("HEAD /a/vpn-connect/ HTTP/1.1") == (KEEP, None)
    assert classify("GET /healthz HTTP/1.1") == (PROBE, None)
    code, event = classify("GET /_kcs/e?v=1&t=search&q=vpn&n=3&l=sv HTTP/1.1")
    assert code == BEACON and event.q == "vpn" and event.n == 3
    assert classify("GET /_kcs/e?v=2&t=search HTTP/1.1") == (KEEP, None)


def test_agents() -> None:
    kind = Classifier().agent_kind
    assert kind("Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0") == "human"
    assert kind("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)") == "bot"
    assert kind("kube-probe/1.29") == "probe"
    assert kind("Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)") == "probe"
    assert kind("curl/8.5.0") == "bot"
    assert kind("-") == "bot"


def test_beacons_follow_the_contract() -> None:
    fb = beacon("v=1&t=feedback&a=vpn-connect&h=no&r=unclear&l=fi")
    assert fb is not None
    assert (fb.article, fb.h, fb.r, fb.lang) == ("vpn-connect", 0, "unclear", "fi")
    assert beacon("v=1&t=feedback&a=vpn-connect&h=maybe") is None
    assert beacon("v=1&t=click&q=x&p=2") is None  # a click needs the article
    q = beacon("v=1&t=search&q=%3Cscript%3Ealert(1)%3C%2Fscript%3E+anna%40example.org&n=0")
    assert q is not None and q.q == "<script>alert(1)</script> [email]"
    long = beacon("v=1&t=search&q=" + "a" * 500)
    assert long is not None and len(long.q) == 200


def test_queries_group_by_stem_case_and_spacing() -> None:
    assert normalize_query("Skrivaren  skriver INTE", "sv") == normalize_query(
        "skrivarna inte skriv", "sv"
    )
    assert normalize_query("Error 0x80070643", "en") == "0x80070643 error"
    assert normalize_query("printers", "en") == normalize_query("Printer", "en")
    # the same stems as the search index: Dutch plurals and Finnish cases group too
    assert normalize_query("wachtwoorden vergeten", "nl") == normalize_query(
        "Wachtwoord vergeten", "nl"
    )
    assert normalize_query("tulostimen", "fi") == normalize_query("tulostimen", "fi-FI")
