"""Merge → live → measured, on real parts: a bare repository with the shipped post-receive
hook, kcs publish, nginx with deploy/nginx.conf and a stand-in sign-in, the usage ingest of
both logs, the reports, and gap alerts to a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from authstub import COOKIE, TOKEN
from gitrepo import REPO_ROOT, commit_all, git, init_repo, write
from nginx import serving_release
from pubkb import ARTICLES, INTERNAL_SENTENCE, KCS_YML, article
from receivers import SmtpReceiver, smtp_receiver

PUBLIC, INTERNAL = "help.example.test", "kb.example.test"
BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Safari/537.36"
)
KCS = str(Path(sys.executable).parent / "kcs")


@pytest.fixture
def smtp() -> Iterator[SmtpReceiver]:
    with smtp_receiver() as receiver:
        yield receiver


def wait_for(what: str, check: Callable[[], bool], timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def get(
    port: int, path: str, host: str, headers: dict[str, str] | None = None
) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers={"Host": host, "User-Agent": BROWSER, **(headers or {})})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def kcs(*args: str) -> str:
    done = subprocess.run([KCS, *args], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_merge_to_live_to_measured(tmp_path: Path, smtp: SmtpReceiver) -> None:
    # --- the plain-Git server: bare repository with the shipped post-receive hook
    bare, dest = tmp_path / "kb.git", tmp_path / "srv"
    dest.mkdir()
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(bare))
    hook = bare / "hooks" / "post-receive"
    shutil.copy(REPO_ROOT / "hooks" / "post-receive", hook)
    hook.chmod(0o755)
    git(bare, "config", "kcs.python", sys.executable)
    git(bare, "config", "kcs.publishDir", str(dest))
    work = init_repo(tmp_path / "work")
    write(
        work / "kcs.yml",
        KCS_YML
        + f"alerts:\n  email: {{host: 127.0.0.1, port: {smtp.port}, sender: kb@example.test, "
        "to: [kb-owners@example.test]}\n",
    )
    for rel, text in ARTICLES.items():
        write(work / rel, text)
    commit_all(work, "Articles")
    git(work, "remote", "add", "origin", str(bare))
    git(work, "push", "-q", "origin", "main")
    wait_for("the first release", lambda: (dest / "live").exists())

    # --- nginx from deploy/nginx.conf, both hosts on one port, sign-in stand-in
    with serving_release(tmp_path / "nginx", dest / "live", (PUBLIC, INTERNAL)) as server:
        port = server.port
        assert get(port, "/a/vpn/", PUBLIC)[0] == 200

        # --- a proposal is merged and pushed: it appears on the public site
        git(work, "checkout", "-q", "-b", "proposal/printer")
        write(
            work / "articles/network/printer.md",
            article(
                "printer", "The printer jams on every page", "Open tray 2 and remove the paper."
            ),
        )
        commit_all(work, "Printer jams")
        git(work, "checkout", "-q", "main")
        git(work, "merge", "-q", "--no-ff", "-m", "Merge proposal/printer", "proposal/printer")
        merged = git(work, "rev-parse", "HEAD").strip()
        git(work, "push", "-q", "origin", "main")
        wait_for(
            "the merged article on the public site",
            lambda: get(port, "/a/printer/", PUBLIC)[0] == 200,
        )
        assert b"Open tray 2" in get(port, "/a/printer/", PUBLIC)[1]
        log = [json.loads(x) for x in (dest / "publish-log.jsonl").read_text().splitlines()]
        assert log[-1]["commit"] == merged and log[-1]["action"] == "publish"

        # --- a visit, a helpful answer, and searches that find nothing
        assert get(port, "/a/printer/", PUBLIC)[0] == 200
        assert get(port, "/_kcs/e?v=1&t=feedback&a=printer&h=yes&l=en", PUBLIC)[0] == 204
        for n in range(3):
            status, _ = get(
                port,
                "/_kcs/e?v=1&t=search&q=toner%20cartridge&n=0&l=en",
                PUBLIC,
                {"User-Agent": f"{BROWSER} visitor/{n}"},
            )
            assert status == 204

        # --- the internal page: never without sign-in; an agent's reading is agent use
        status, body = get(port, "/a/breakglass/", INTERNAL)
        assert status == 403 and INTERNAL_SENTENCE.encode() not in body
        status, body = get(port, "/a/breakglass/", INTERNAL, {"Cookie": f"{COOKIE}={TOKEN}"})
        assert status == 200 and INTERNAL_SENTENCE.encode() in body

        # --- the hourly ingest of both logs, then the reports
        source = str(dest / "live" / "source")
        kcs(
            "usage",
            "ingest",
            "--root",
            source,
            "--db",
            str(dest / "usage.sqlite"),
            str(server.access_log),
        )
        kcs(
            "usage",
            "ingest",
            "--root",
            source,
            "--db",
            str(dest / "usage-agents.sqlite"),
            "--site",
            "internal",
            str(server.internal_access_log),
        )
        usage = json.loads(
            kcs(
                "report",
                "usage",
                "--root",
                source,
                "--db",
                str(dest / "usage.sqlite"),
                "--format",
                "json",
            )
        )
        views = {r["article"]: r["views"] for r in usage["tables"]["by_article"]}
        served = server.access_log.read_text().count('"GET /a/printer/ HTTP/1.1" 200 ')
        assert served >= 2 and views["printer"] == served
        assert "breakglass" not in views
        assert {r["article"]: r["views"] for r in usage["tables"]["agent_use"]} == {"breakglass": 1}
        assert usage["figures"]["Confirmed deflection"] == 1

        # --- searches that found nothing: ONE alert at the SMTP server, however often it runs
        gaps = [
            "report",
            "gaps",
            "--root",
            source,
            "--db",
            str(dest / "usage.sqlite"),
            "--since",
            "7d",
            "--min-count",
            "3",
            "--alert",
            "--state",
            str(dest / "gap-alerts.json"),
        ]
        assert kcs(*gaps) == "alerted 1 new gaps by email: kb-owners@example.test\n"
        assert kcs(*gaps) == "no new gaps to alert\n"
        ((_, _, message),) = smtp.messages
        assert "toner cartridge" in message.get_content()

        # --- a merge that does not build: the previous site keeps serving
        live_before = os.readlink(dest / "live")
        write(work / "kcs.yml", "languages: [en\n")
        broken = commit_all(work, "Break the configuration")
        git(work, "push", "-q", "origin", "main")
        wait_for(
            "the failed publish",
            lambda: f"Error: commit {broken[:12]}" in (dest / "publish.out").read_text(),
        )
        assert os.readlink(dest / "live") == live_before
        assert get(port, "/a/printer/", PUBLIC)[0] == 200
        assert get(port, "/a/breakglass/", INTERNAL)[0] == 403
