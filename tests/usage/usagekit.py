"""Helpers of the usage tests: a real nginx on a free 127.0.0.1 port serving tiny article
pages and logging combined, a small knowledge repository, and request helpers.

``set_real_ip_from`` lets a test give each request its own client address through
X-Forwarded-For, so one machine can play many visitors in the access log.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import sqlite3
import subprocess
import time
import urllib.request
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36"
)
#: When the hand-written access logs start: noon yesterday (UTC). The reports' "last 7 days"
#: end on UTC's today (kcs.usage.period.usage_today) and the test may run just before or
#: after midnight: noon yesterday lies inside the last 7 days and in the past at any hour.
_MIDNIGHT = dt.datetime.now(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
LOGGED_AT = _MIDNIGHT - dt.timedelta(hours=12)
ARTICLES = ("vpn-connect", "printing-add-printer", "accounts-reset-password")

CONF = """
worker_processes 1;
{user}
pid {prefix}/nginx.pid;
error_log {prefix}/error.log;
events {{ worker_connections 64; }}
http {{
  access_log {prefix}/access.log combined;
  client_body_temp_path {prefix}/tmp/body;
  proxy_temp_path {prefix}/tmp/proxy;
  fastcgi_temp_path {prefix}/tmp/fastcgi;
  uwsgi_temp_path {prefix}/tmp/uwsgi;
  scgi_temp_path {prefix}/tmp/scgi;
  set_real_ip_from 127.0.0.1;
  real_ip_header X-Forwarded-For;
  server {{
    listen 127.0.0.1:{port};
    root {root};
    location = /_kcs/e {{ return 204; }}
    location = /healthz {{ return 200 "ok"; }}
  }}
}}
"""


def line(ip: str, minute: int, path: str, status: int = 200) -> str:
    """One access-log line (nginx combined format) ``minute`` minutes after LOGGED_AT."""
    stamp = (LOGGED_AT + dt.timedelta(minutes=minute)).strftime("%d/%b/%Y:%H:%M:%S +0000")
    return f'{ip} - - [{stamp}] "GET {path} HTTP/1.1" {status} 10 "-" "{BROWSER}"\n'


def e(query: str) -> str:
    """The beacon path with ``query``."""
    return f"/_kcs/e?v=1&{query}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    prefix: Path
    port: int
    process: subprocess.Popen[bytes]

    @property
    def log(self) -> Path:
        return self.prefix / "access.log"

    def get(
        self, path: str, *, ip: str = "192.0.2.1", agent: str = BROWSER, method: str = "GET"
    ) -> int:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}",
            method=method,
            headers={"User-Agent": agent, "X-Forwarded-For": ip},
        )
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return int(response.status)
        except urllib.error.HTTPError as exc:
            return int(exc.code)

    def reopen(self) -> None:
        """What logrotate's postrotate does: make nginx reopen its log files."""
        os.kill(self.process.pid, signal.SIGUSR1)
        deadline = time.monotonic() + 5
        while not self.log.exists() and time.monotonic() < deadline:
            time.sleep(0.02)

    def lines(self) -> int:
        return sum(1 for _ in self.log.open("rb")) if self.log.exists() else 0

    def wait_lines(self, count: int) -> None:
        deadline = time.monotonic() + 5
        while self.lines() < count and time.monotonic() < deadline:
            time.sleep(0.02)
        assert self.lines() >= count


def site_folder(root: Path) -> Path:
    for article in ARTICLES:
        page = root / "a" / article
        page.mkdir(parents=True)
        (page / "index.html").write_text(f"<!doctype html><title>{article}</title>ok")
    for lang in ("sv", "en"):
        (root / lang).mkdir()
        (root / lang / "index.html").write_text("<!doctype html><title>home</title>")
    (root / "assets").mkdir()
    (root / "assets" / "main.css").write_text("body{}")
    return root


def make_kb(root: Path) -> Path:
    """A minimal knowledge repository: kcs.yml and three articles (ids as in ARTICLES)."""
    (root / "articles" / "network").mkdir(parents=True)
    (root / "articles" / "printing").mkdir(parents=True)
    (root / "articles" / "accounts").mkdir(parents=True)
    (root / "kcs.yml").write_text(
        "languages: [sv, en]\ndefault_language: sv\n"
        "cost: {per_contact: 50, user_minutes_lost: 30, hourly_cost: 45, currency: EUR}\n"
        "usage: {database: .kcs/usage.sqlite, retention: 90 days,"
        " tickets: {id: Number, opened: Opened, closed: Closed, category: Category,"
        " channel: Channel, text: Notes}}\n",
        encoding="utf-8",
    )
    for domain, article, title in (
        ("network", "vpn-connect", "VPN does not connect"),
        ("printing", "printing-add-printer", "Add a printer"),
        ("accounts", "accounts-reset-password", "Reset your password"),
    ):
        (root / "articles" / domain / f"{article}.md").write_text(
            f"---\nid: {article}\ntitle: {title}\nstate: validated\naudience: public\n"
            "reviewed: 2026-01-10\n---\n\n## Issue\n\nIt fails.\n\n## Environment\n\nWindows 11\n"
            "\n## Resolution\n\n1. Do this.\n",
            encoding="utf-8",
        )
    return root


def views(db: Path) -> dict[str, int]:
    """Article id → page views, summed over every day of the usage database."""
    with closing(sqlite3.connect(db)) as conn:
        return {
            a: int(n)
            for a, n in conn.execute(
                "SELECT article, sum(value) FROM daily WHERE metric = 'views' GROUP BY article"
            )
        }
