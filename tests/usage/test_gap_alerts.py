"""kcs report gaps --alert: one alert per new gap, by GitHub issue (the API mocked on
127.0.0.1: the only part that cannot run here), else by e-mail to a real SMTP server
(aiosmtpd), else as a Markdown file."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from receivers import SmtpReceiver, smtp_receiver
from usagekit import BROWSER, LOGGED_AT, make_kb

from kcs.cli import cli


def searches(query: str, visitors: int, first: int = 1) -> str:
    stamp = LOGGED_AT.strftime("%d/%b/%Y:%H:%M:%S +0000")
    return "".join(
        f'192.0.2.{n} - - [{stamp}] "GET /_kcs/e?v=1&t=search&q={query}&n=0&l=sv HTTP/1.1" '
        f'204 0 "-" "{BROWSER}"\n'
        for n in range(first, first + visitors)
    )


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env=env)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def ingest(root: Path, log: Path, text: str) -> None:
    with log.open("a", encoding="utf-8") as handle:
        handle.write(text)
    assert run("usage", "ingest", "--root", str(root), str(log))[0] == 0


def alert(root: Path, env: dict[str, str] | None = None) -> tuple[int, str]:
    return run(
        "report",
        "gaps",
        "--root",
        str(root),
        "--since",
        "7d",
        "--min-count",
        "3",
        "--alert",
        env=env,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = make_kb(tmp_path / "kb")
    ingest(root, tmp_path / "access.log", searches("skrivare", 4) + searches("vpn", 1, 50))
    return root


def configure(root: Path, text: str) -> None:
    with (root / "kcs.yml").open("a", encoding="utf-8") as handle:
        handle.write(text)


def test_markdown_file_without_forge_or_mail(repo: Path) -> None:
    assert alert(repo) == (0, f"alerted 1 new gaps by file: {repo / '.kcs/gap-alert.md'}\n")
    text = (repo / ".kcs/gap-alert.md").read_text()
    assert "| skrivare | sv | 4 | 4 | 0 | 0 |" in text and "vpn" not in text
    assert alert(repo) == (0, "no new gaps to alert\n")


def test_with_a_state_file_the_markdown_alert_lands_beside_it(repo: Path, tmp_path: Path) -> None:
    """On a server the root is the live release, replaced by the next publish: the
    fallback file goes to the stable folder of --state, or its gaps would be lost."""
    stable = tmp_path / "srv"
    stable.mkdir()
    state = stable / "gap-alerts.json"
    done = run(
        "report",
        "gaps",
        "--root",
        str(repo),
        "--since",
        "7d",
        "--min-count",
        "3",
        "--alert",
        "--state",
        str(state),
    )
    assert done == (0, f"alerted 1 new gaps by file: {stable / 'gap-alert.md'}\n")
    assert "| skrivare | sv |" in (stable / "gap-alert.md").read_text()
    assert state.is_file() and not (repo / ".kcs/gap-alert.md").exists()


@pytest.fixture
def smtp() -> Iterator[SmtpReceiver]:
    with smtp_receiver() as receiver:
        yield receiver


def test_email_once_per_gap(repo: Path, tmp_path: Path, smtp: SmtpReceiver) -> None:
    configure(
        repo,
        f"alerts:\n  email: {{host: 127.0.0.1, port: {smtp.port}, "
        "sender: kb@example.org, to: [desk-lead@example.org]}\n",
    )
    assert alert(repo) == (0, "alerted 1 new gaps by email: desk-lead@example.org\n")
    assert alert(repo) == (0, "no new gaps to alert\n")
    ((_, rcpt_tos, message),) = smtp.messages
    assert rcpt_tos == ["desk-lead@example.org"]
    assert message["Subject"] == "Content gaps: searches that found no answer (1 new)"
    assert "| skrivare | sv | 4 |" in message.get_content()
    # a second gap later: one more message, naming it
    ingest(repo, tmp_path / "access.log", searches("toner", 3, 60))
    assert alert(repo) == (0, "alerted 1 new gaps by email: desk-lead@example.org\n")
    assert len(smtp.messages) == 2 and "toner" in smtp.messages[1][2].get_content()


def test_unreachable_smtp_is_one_line_and_retried(repo: Path, smtp: SmtpReceiver) -> None:
    configure(
        repo,
        "alerts:\n  email: {host: 127.0.0.1, port: 9, sender: a@example.org, to: b@example.org}\n",
    )
    code, out = alert(repo)
    assert code == 1 and out.startswith("Error: alerts.email: cannot send through 127.0.0.1:9 (")
    assert out.count("\n") == 1 and not (repo / ".kcs/gap-alerts.json").exists()
    text = (repo / "kcs.yml").read_text().replace("port: 9", f"port: {smtp.port}")
    (repo / "kcs.yml").write_text(text)
    assert alert(repo)[0] == 0 and len(smtp.messages) == 1


class FakeGitHub:
    """GitHub's issues API, in memory: list, create, update, comment."""

    def __init__(self, status: int = 200) -> None:
        self.issues: list[dict[str, Any]] = []
        self.comments: list[tuple[int, str]] = []
        self.auth: list[str] = []
        self.status = status
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _reply(self, code: int, data: Any) -> None:
                body = json.dumps(data).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _body(self) -> Any:
                return json.loads(self.rfile.read(int(self.headers["Content-Length"])))

            def _route(self) -> None:
                fake.auth.append(self.headers.get("Authorization", ""))
                if fake.status != 200:
                    return self._reply(fake.status, {"message": "Bad credentials"})
                path = self.path.split("?")[0]
                if path == "/repos/org/kb/issues" and self.command == "GET":
                    return self._reply(200, [i for i in fake.issues if i["state"] == "open"])
                if path == "/repos/org/kb/issues" and self.command == "POST":
                    data = self._body()
                    issue = {
                        "number": len(fake.issues) + 1,
                        "state": "open",
                        "html_url": f"https://github.example/org/kb/issues/{len(fake.issues) + 1}",
                        **data,
                    }
                    fake.issues.append(issue)
                    return self._reply(201, issue)
                parts = path.split("/")
                if len(parts) >= 6 and parts[4] == "issues":
                    issue = fake.issues[int(parts[5]) - 1]
                    if self.command == "PATCH":
                        issue.update(self._body())
                        return self._reply(200, issue)
                    if self.command == "POST" and parts[-1] == "comments":
                        fake.comments.append((issue["number"], self._body()["body"]))
                        return self._reply(201, {})
                return self._reply(404, {"message": "Not Found"})

            do_GET = do_POST = do_PATCH = _route  # noqa: N815

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    fake = FakeGitHub()
    yield fake
    fake.stop()


def test_github_issue_opened_then_updated_never_duplicated(
    repo: Path, tmp_path: Path, github: FakeGitHub, smtp: SmtpReceiver
) -> None:
    configure(
        repo,
        f"alerts:\n  github: {{repo: org/kb, token_env: KB_TOKEN, api_url: '{github.url}'}}\n"
        f"  email: {{host: 127.0.0.1, port: {smtp.port}, sender: a@example.org, "
        "to: b@example.org}\n",
    )
    env = {"KB_TOKEN": "t0ken"}
    assert alert(repo, env) == (
        0,
        "alerted 1 new gaps by github: https://github.example/org/kb/issues/1\n",
    )
    assert alert(repo, env) == (0, "no new gaps to alert\n")
    ingest(repo, tmp_path / "access.log", searches("toner", 3, 60))
    before = dt.date.today()
    assert alert(repo, env) == (
        0,
        "alerted 1 new gaps by github: https://github.example/org/kb/issues/1\n",
    )
    after = dt.date.today()  # the alert may straddle midnight
    (issue,) = github.issues
    assert issue["labels"] == ["content-gap"] and issue["title"].startswith("Content gaps")
    assert "toner" in issue["body"] and "skrivare" in issue["body"]
    assert github.comments in (
        [(1, f"New gaps on {day.isoformat()}: `toner`")] for day in (before, after)
    )
    assert set(github.auth) == {"Bearer t0ken"}
    assert smtp.messages == []  # the issue, not also a mail
    # without the token the e-mail is the channel
    ingest(repo, tmp_path / "access.log", searches("skanner", 3, 70))
    assert alert(repo, {"KB_TOKEN": ""})[1] == "alerted 1 new gaps by email: b@example.org\n"


def test_github_refusal_is_one_line_and_nothing_recorded(repo: Path) -> None:
    fake = FakeGitHub(status=401)
    try:
        configure(repo, f"alerts:\n  github: {{repo: org/kb, api_url: '{fake.url}'}}\n")
        code, out = alert(repo, {"GITHUB_TOKEN": "expired"})
    finally:
        fake.stop()
    assert (code, out) == (
        1,
        "Error: alerts.github: GET /repos/org/kb/issues answered 401 Unauthorized; check the "
        "token (issues: write) and alerts.github.repo\n",
    )
    assert not (repo / ".kcs/gap-alerts.json").exists()


def test_token_never_sent_in_clear_to_another_host(repo: Path) -> None:
    configure(
        repo, "alerts:\n  github: {repo: org/kb, api_url: 'http://github.attacker.example'}\n"
    )
    code, out = alert(repo, {"GITHUB_TOKEN": "secret"})
    assert (code, out) == (
        1,
        "Error: kcs.yml: alerts.github.api_url: 'http://github.attacker.example' must be an "
        "https:// address\n",
    )


def test_damaged_state_file_is_one_line_and_kept(repo: Path) -> None:
    state = repo / ".kcs/gap-alerts.json"
    state.parent.mkdir(exist_ok=True)
    state.write_text('{"alerted": "skrivare"}')
    code, out = alert(repo)
    assert code == 1 and out.count("\n") == 1
    assert out.startswith(f"Error: {state}: not a gap-alert state file (TypeError); move it away")
    assert state.read_text() == '{"alerted": "skrivare"}'
