"""Ingest against a real nginx: rotation, exactly-once, hostile lines, privacy."""

from __future__ import annotations

import datetime as dt
import gzip
import shutil
import sqlite3
from collections import Counter
from pathlib import Path

import polars as pl
import pytest
from usagekit import BROWSER, Server, views

from kcs.usage.store import KINDS, ArticleMeta, connect, ingest, read_segments

pytestmark = pytest.mark.nginx

#: The day the hand-written lines below are dated; the ingest is told it is that day, or
#: the 90-day retention would drop them once the calendar passes February 2027.
LOG_DAY = dt.date(2026, 11, 23)

META = {
    "vpn-connect": ArticleMeta("sv", "network", "public", "VPN"),
    "printing-add-printer": ArticleMeta("en", "printing", "public", "Printer"),
    "accounts-reset-password": ArticleMeta("sv", "accounts", "internal", "Password"),
}


def metric(db: Path, name: str) -> int:
    with sqlite3.connect(db) as conn:
        return int(
            conn.execute(
                "SELECT coalesce(sum(value), 0) FROM daily WHERE metric = ?", (name,)
            ).fetchone()[0]
        )


def traffic(server: Server, round_: int, expected: Counter[str]) -> int:
    """One round of mixed requests; returns how many lines nginx logs for it."""
    lines = 0
    for i, article in enumerate(META):
        for visitor in range(i + 1):
            server.get(f"/a/{article}/", ip=f"198.51.100.{10 * round_ + visitor}")
            expected[article] += 1
            lines += 1
    requests = [
        ("/sv/", {}),
        ("/en/", {}),
        ("/assets/main.css", {}),
        ("/_kcs/e?v=1&t=search&q=vpn%20fungerar%20inte&n=2&l=sv", {}),
        ("/_kcs/e?v=1&t=click&q=vpn%20fungerar%20inte&p=1&a=vpn-connect&l=sv", {}),
        ("/_kcs/e?v=1&t=feedback&a=vpn-connect&h=yes&l=sv", {}),
        ("/_kcs/e?v=1&t=search&q=%3Cscript%3Ealert(1)%3C%2Fscript%3E&n=0&l=en", {}),
        ("/healthz", {"agent": "kube-probe/1.29"}),
        ("/healthz", {"agent": "curl/8.5.0"}),
        (
            "/a/vpn-connect/",
            {"agent": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"},
        ),
        ("/a/vpn-connect/", {"method": "POST"}),
        ("/a/vpn-connect/", {"method": "HEAD"}),
        ("/a/no-such-article/", {}),
    ]
    for path, options in requests:
        server.get(path, **options)  # type: ignore[arg-type]
        lines += 1
    return lines


def test_rotation_counts_each_line_once(nginx: Server, tmp_path: Path) -> None:
    db = tmp_path / "usage.sqlite"
    expected: Counter[str] = Counter()
    total = traffic(nginx, 1, expected)
    nginx.wait_lines(total)
    first = ingest(db, [nginx.log], articles=META, batch_lines=7)
    assert first.lines == total
    assert views(db) == dict(expected)
    assert (first.bot, first.probe, first.method) == (1, 2, 1)

    # more lines, then logrotate: access.log → access.log.1, nginx reopens
    total += traffic(nginx, 2, expected)
    nginx.wait_lines(total)
    rotated = nginx.log.with_suffix(".log.1")
    nginx.log.rename(rotated)
    nginx.reopen()
    fresh = traffic(nginx, 3, expected)
    nginx.wait_lines(fresh)
    second = ingest(db, [rotated, nginx.log], articles=META, batch_lines=5)
    assert second.lines == total + fresh - first.lines
    assert views(db) == dict(expected)

    # the next rotation compresses: access.log.1 → access.log.2.gz, access.log → .1
    older = nginx.log.with_suffix(".log.2.gz")
    with rotated.open("rb") as src, gzip.open(older, "wb") as dst:
        shutil.copyfileobj(src, dst)
    rotated.unlink()
    nginx.log.rename(rotated)
    nginx.reopen()
    newest = traffic(nginx, 4, expected)
    nginx.wait_lines(newest)
    third = ingest(db, [older, rotated, nginx.log], articles=META)
    assert third.lines == newest
    assert views(db) == dict(expected)

    again = ingest(db, [older, rotated, nginx.log], articles=META)
    assert again.lines == 0
    assert views(db) == dict(expected)
    assert metric(db, "helped") == 4
    # all beacons came from one visitor in one visit: each query counts once per visit
    assert metric(db, "search") == 2
    assert metric(db, "search_zero") == 1


def test_no_raw_address_in_the_database(nginx: Server, tmp_path: Path) -> None:
    db = tmp_path / "usage.sqlite"
    expected: Counter[str] = Counter()
    total = traffic(nginx, 1, expected)
    nginx.get(
        "/_kcs/e?v=1&t=search&q=mail%20anna%40example.org%20070-123%2045%2067&n=0&l=sv",
        ip="203.0.113.77",
    )
    nginx.wait_lines(total + 1)
    with nginx.log.open("ab") as log:  # a malformed line carrying an address
        log.write(b"203.0.113.78 this is not a log line\n")
    result = ingest(db, [nginx.log], articles=META)
    assert result.malformed == 1
    blob = b"".join(p.read_bytes() for p in tmp_path.glob("usage.sqlite*"))
    for address in [f"198.51.100.{n}" for n in range(10, 14)] + [
        "203.0.113.77",
        "203.0.113.78",
        "127.0.0.1",
    ]:
        assert address.encode() not in blob
    assert b"anna@example.org" not in blob and b"070-123" not in blob
    conn = connect(db)
    try:
        events = read_segments(conn, "events")
        stored = [read_segments(conn, kind) for kind in KINDS]
    finally:
        conn.close()
    queries = set(events.filter(pl.col("t") == "search")["q"].to_list())
    assert "mail [email] [phone]" in queries
    # the segments are compressed: look inside them too
    for frame in stored:
        assert not {"ip", "agent", "remote_addr"} & set(frame.columns)
        text = " ".join(
            str(value) for column in frame.columns for value in frame[column].unique().to_list()
        )
        assert "203.0.113.7" not in text and "198.51.100." not in text and "anna@" not in text


def test_hostile_lines_are_counted_not_fatal(tmp_path: Path) -> None:
    good = (
        '192.0.2.{n} - - [23/Nov/2026:10:{m:02d}:00 +0000] "GET /a/vpn-connect/ HTTP/1.1" '
        '200 10 "-" "' + BROWSER + '"\n'
    )
    lines = [
        good.format(n=1, m=30).encode(),
        good.format(n=2, m=5).encode(),  # out of order
        b'192.0.2.3 - - [23/Nov/2026:10:06:00 +0000] "GET /a/vpn-connect/ HTTP/1.1" 200 10 '
        b'"-" "Mozilla/5.0 \xff\xfe broken utf-8"\n',
        b'192.0.2.4 - - [23/Nov/2026:10:07:00 +0000] "GET /a/' + b"x" * 100_000 + b"\n",
        good.format(n=5, m=8).encode()[:50] + b"\n",  # truncated
        (
            '192.0.2.6 - - [23/Nov/2026:10:09:00 +0000] "GET /_kcs/e?v=1&t=search&q=%3Cimg%20src'
            '%3Dx%20onerror%3Dalert(1)%3E&n=0&l=sv HTTP/1.1" 204 0 "-" "' + BROWSER + '"\n'
        ).encode(),
        good.format(n=7, m=1).encode(),  # out of order again
    ]
    log = tmp_path / "access.log"
    log.write_bytes(b"".join(lines))
    db = tmp_path / "usage.sqlite"
    result = ingest(db, [log], languages=("sv",), today=LOG_DAY)
    assert result.lines == 7
    assert result.malformed == 2
    assert result.kept == 5
    assert views(db) == {"vpn-connect": 4}
    assert len(result.samples) == 2
    assert all("192.0.2" not in s for s in result.samples)
    assert metric(db, "search_zero") == 1


def test_lines_the_csv_reader_splits_are_judged_like_the_regex_does(tmp_path: Path) -> None:
    """Balanced quotes keep a block on the fast path: lines with fields missing or a
    malformed time must still count as malformed, not as something else."""
    good = (
        '192.0.2.{n} - - [23/Nov/2026:10:{n:02d}:00 +0000] "GET /a/vpn-connect/ HTTP/1.1" '
        '200 10 "-" "' + BROWSER + '"\n'
    )
    lines = [
        good.format(n=1),
        # the common format: no referer, no user agent
        '192.0.2.2 - - [23/Nov/2026:10:02:00 +0000] "GET /a/vpn-connect/ HTTP/1.1" 200 10\n',
        # a referer but no user agent
        '192.0.2.3 - - [23/Nov/2026:10:03:00 +0000] "GET /a/vpn-connect/ HTTP/1.1" 200 10 "-"\n',
        # no zone in the time
        '192.0.2.4 - - [23/Nov/2026:10:04:00] "GET /a/vpn-connect/ HTTP/1.1" 200 10 "-" "x"\n',
        # a status that is not a number
        '192.0.2.5 - - [23/Nov/2026:10:05:00 +0000] "GET /a/vpn-connect/ HTTP/1.1" 2x0 10 '
        '"-" "x"\n',
        good.format(n=6),
    ]
    log = tmp_path / "access.log"
    log.write_text("".join(lines))
    result = ingest(tmp_path / "usage.sqlite", [log], languages=("sv",), today=LOG_DAY)
    assert (result.lines, result.malformed, result.kept, result.bot) == (6, 4, 2, 0)
    assert views(tmp_path / "usage.sqlite") == {"vpn-connect": 2}


def test_an_unfinished_last_line_waits(tmp_path: Path) -> None:
    line = (
        '192.0.2.1 - - [23/Nov/2026:10:00:00 +0000] "GET /a/vpn-connect/ HTTP/1.1" 200 1 '
        '"-" "' + BROWSER + '"\n'
    )
    log = tmp_path / "access.log"
    log.write_text(line + line[:40])
    db = tmp_path / "usage.sqlite"
    assert ingest(db, [log], today=LOG_DAY).lines == 1
    with log.open("a") as out:
        out.write(line[40:])
    assert ingest(db, [log], today=LOG_DAY).lines == 1
    assert views(db) == {"vpn-connect": 2}


def test_two_servers_whose_logs_begin_alike(tmp_path: Path) -> None:
    probe = (
        '10.9.9.9 - - [23/Nov/2026:00:00:00 +0000] "GET /healthz HTTP/1.1" 200 2 "-" '
        '"kube-probe/1.29"\n'
    )
    view = (
        '192.0.2.{n} - - [23/Nov/2026:10:00:00 +0000] "GET /a/vpn-connect/ HTTP/1.1" 200 1 '
        '"-" "' + BROWSER + '"\n'
    )
    one, two = tmp_path / "web1.log", tmp_path / "web2.log"
    one.write_text(probe + view.format(n=1) + view.format(n=2))
    two.write_text(probe + view.format(n=3))
    db = tmp_path / "usage.sqlite"
    assert ingest(db, [one, two], today=LOG_DAY).lines == 5
    with two.open("a") as out:  # the second server's log grows by one short line
        out.write(view.format(n=4))
    assert ingest(db, [one, two], today=LOG_DAY).lines == 1
    assert ingest(db, [one, two], today=LOG_DAY).lines == 0
    assert views(db) == {"vpn-connect": 4}
