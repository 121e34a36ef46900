"""Announcements pushed to a real HTTP receiver and a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Iterator
from email.header import decode_header, make_header
from pathlib import Path

import pytest
from chankb import INTERNAL_NOTICE, make_channel_kb
from click.testing import CliRunner
from receivers import HttpReceiver, SmtpReceiver, free_port, http_receiver, smtp_receiver

from kcs.channels.push import decide, push
from kcs.cli import cli
from kcs.config import AUDIENCES
from kcs.errors import ConfigError, KcsError
from kcs.knowledge import load

NOW = dt.datetime(2026, 12, 4, 12, 0, tzinfo=dt.UTC)
KCS_YML_ANNOUNCE = """
announce:
  webhooks:
    chat:
      url: {http}/slack/T000/B000/secret
      format: slack
    agents:
      url_env: KCS_TEST_TEAMS_URL
      format: teams
      audience: internal
    mm:
      url: {http}/hooks/mm
      format: mattermost
  email:
    host: 127.0.0.1
    port: {smtp}
    sender: portal@example.test
    to: [all-staff@example.test, desk@example.test]
"""


@pytest.fixture
def receivers() -> Iterator[tuple[HttpReceiver, SmtpReceiver]]:
    with http_receiver() as http, smtp_receiver() as smtp:
        yield http, smtp


@pytest.fixture
def kb_root(
    tmp_path: Path,
    receivers: tuple[HttpReceiver, SmtpReceiver],
    monkeypatch: pytest.MonkeyPatch,
) -> Path:
    http, smtp = receivers
    root = make_channel_kb(tmp_path / "kb")
    with (root / "kcs.yml").open("a", encoding="utf-8") as handle:
        handle.write(KCS_YML_ANNOUNCE.format(http=http.url, smtp=smtp.port))
    monkeypatch.setenv("KCS_TEST_TEAMS_URL", f"{http.url}/teams/workflow")
    return root


def by_path(http: HttpReceiver) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for path, body in http.posts:
        out.setdefault(path, []).append(body)
    return out


def subject(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def test_first_push_sends_each_started_announcement_once(
    kb_root: Path, receivers: tuple[HttpReceiver, SmtpReceiver]
) -> None:
    http, smtp = receivers
    result = push(load(kb_root), now=NOW)
    assert result.failed == ()
    assert sorted((d.channel, d.announcement, d.severity) for d in result.sent) == [
        ("announce.email", "outage", "critical"),
        ("announce.email", "outage-en", "critical"),
        ("announce.webhooks.agents", "outage", "critical"),
        ("announce.webhooks.agents", "outage-en", "critical"),
        ("announce.webhooks.agents", "patching", "warning"),
        ("announce.webhooks.chat", "outage", "critical"),
        ("announce.webhooks.chat", "outage-en", "critical"),
        ("announce.webhooks.mm", "outage", "critical"),
        ("announce.webhooks.mm", "outage-en", "critical"),
    ]
    posts = by_path(http)
    assert posts["/slack/T000/B000/secret"][0] == {
        "text": "*Critical:* <https://help.example.test/a/outage/|E-posten fungerar inte just nu>"
        "\nVi arbetar på att lösa felet.",
        "unfurl_links": False,
    }
    assert posts["/hooks/mm"][1]["text"] == (
        "**Critical:** [E-mail is down right now](https://help.example.test/a/outage-en/)"
        "\nWe are working on it."
    )
    teams = posts["/teams/workflow"]
    cards = [t["attachments"][0]["content"] for t in teams]
    assert all(t["type"] == "message" for t in teams)
    assert [c["body"][1]["inlines"][0]["text"] for c in cards] == [
        "E-posten fungerar inte just nu",
        "E-mail is down right now",
        INTERNAL_NOTICE,
    ]
    # The internal channel links the internal site.
    assert cards[2]["actions"][0]["url"] == "https://kb.example.test/a/patching/"
    # Nothing internal in any public channel (chat, mm, e-mail).
    public_text = json.dumps(posts["/slack/T000/B000/secret"] + posts["/hooks/mm"])
    public_text += "".join(m.get_content() + subject(m) for _, _, m in smtp.messages)
    assert INTERNAL_NOTICE not in public_text and "patching" not in public_text
    assert [subject(m) for _, _, m in smtp.messages] == [
        "[Critical] E-posten fungerar inte just nu",
        "[Critical] E-mail is down right now",
    ]
    sender, rcpt, message = smtp.messages[0]
    assert (sender, rcpt) == (
        "portal@example.test",
        ["all-staff@example.test", "desk@example.test"],
    )
    assert "https://help.example.test/a/outage/" in message.get_content()
    # The ended announcement is never sent.
    assert "Skrivarna" not in json.dumps(http.posts)


def test_second_push_sends_nothing(kb_root: Path, receivers) -> None:
    http, smtp = receivers
    push(load(kb_root), now=NOW)
    before = (len(http.posts), len(smtp.messages))
    state = json.loads((kb_root / ".kcs/announce-sent.json").read_text(encoding="utf-8"))
    assert state["sent"]["webhooks.agents"]["patching"]["sent"] == ["warning"]
    again = push(load(kb_root), now=NOW + dt.timedelta(hours=1))
    assert again.sent == () and again.failed == ()
    assert (len(http.posts), len(smtp.messages)) == before
    result = CliRunner().invoke(cli, ["announce", "push", "--root", str(kb_root)])
    assert (result.exit_code, result.output) == (0, "nothing to send\n")


def set_severity(root: Path, severity: str) -> None:
    path = root / "articles/network/patching.md"
    text = path.read_text(encoding="utf-8")
    for old in ("info", "warning", "critical"):
        text = text.replace(f"severity: {old}\n", f"severity: {severity}\n")
    path.write_text(text, encoding="utf-8")


def test_severity_rise_is_sent_once(kb_root: Path, receivers) -> None:
    http, _ = receivers
    push(load(kb_root), now=NOW)
    set_severity(kb_root, "critical")
    risen = push(load(kb_root), now=NOW)
    assert [(d.channel, d.announcement, d.severity) for d in risen.sent] == [
        ("announce.webhooks.agents", "patching", "critical")
    ]
    assert http.posts[-1][1]["attachments"][0]["content"]["body"][0]["text"] == "Critical"
    # Down to warning and up again: both states were sent already.
    set_severity(kb_root, "warning")
    assert push(load(kb_root), now=NOW).sent == ()
    set_severity(kb_root, "critical")
    assert push(load(kb_root), now=NOW).sent == ()


def test_not_yet_started_is_not_sent(kb_root: Path, receivers) -> None:
    result = push(load(kb_root), now=dt.datetime(2025, 6, 1, tzinfo=dt.UTC))
    assert result.sent == ()
    assert not (kb_root / ".kcs/announce-sent.json").exists()


def test_unreachable_receiver_is_one_line_and_others_are_kept(
    kb_root: Path, receivers, monkeypatch: pytest.MonkeyPatch
) -> None:
    http, smtp = receivers
    dead = f"http://127.0.0.1:{free_port()}/teams/secret-token"
    monkeypatch.setenv("KCS_TEST_TEAMS_URL", dead)
    result = CliRunner().invoke(cli, ["announce", "push", "--root", str(kb_root)])
    assert result.exit_code == 1
    error = result.output.strip().splitlines()[-1]
    assert error.startswith("Error: announce.webhooks.agents: cannot reach http://127.0.0.1:")
    assert "(and 2 more)" in error and "secret-token" not in result.output
    state = json.loads((kb_root / ".kcs/announce-sent.json").read_text(encoding="utf-8"))
    assert sorted(state["sent"]) == ["email", "webhooks.chat", "webhooks.mm"]
    assert len(smtp.messages) == 2
    # Receiver back: only the missing deliveries go out.
    monkeypatch.setenv("KCS_TEST_TEAMS_URL", f"{http.url}/teams/workflow")
    posted = len(http.posts)
    retry = push(load(kb_root), now=NOW)
    assert {d.channel for d in retry.sent} == {"announce.webhooks.agents"}
    assert len(http.posts) == posted + 3 and len(smtp.messages) == 2


def test_receiver_error_status_is_a_failure(kb_root: Path, receivers) -> None:
    http, _ = receivers
    http.status = 500
    result = push(load(kb_root), now=NOW)
    assert result.failed and all("answered 500" in line for line in result.failed)
    state = json.loads((kb_root / ".kcs/announce-sent.json").read_text(encoding="utf-8"))
    assert sorted(state["sent"]) == ["email"]


@pytest.mark.parametrize(
    ("snippet", "message"),
    [
        (
            "announce:\n  webhooks:\n    x: {url: 'http://127.0.0.1:1/', format: discord}\n",
            "kcs.yml: announce.webhooks.x.format: 'discord' is not one of mattermost, slack, teams",
        ),
        (
            "announce:\n  webhooks:\n    x: {url: 'file:///etc/passwd', format: slack}\n",
            "kcs.yml: announce.webhooks.x.url: give the webhook's http(s) address (or url_env)",
        ),
        (
            "announce:\n  webhooks:\n    x: {url: 'http://127.0.0.1:1/', format: slack, "
            "audience: everyone}\n",
            "kcs.yml: announce.webhooks.x.audience: 'everyone' is not one of",
        ),
        (
            "announce:\n  email: {host: 127.0.0.1, sender: a@b.test, to: [c@d.test], "
            "username: bot}\n",
            "kcs.yml: announce.email.password_env: name the environment variable",
        ),
        (
            "announce:\n  webhooks:\n    x: {url_env: KCS_TEST_UNSET_URL, format: slack}\n",
            "kcs.yml: announce.webhooks.x.url_env: environment variable 'KCS_TEST_UNSET_URL'",
        ),
    ],
)
def test_bad_configuration_is_one_line_and_sends_nothing(
    tmp_path: Path, snippet: str, message: str
) -> None:
    root = make_channel_kb(tmp_path / "kb")
    with (root / "kcs.yml").open("a", encoding="utf-8") as handle:
        handle.write(snippet)
    with pytest.raises(ConfigError) as caught:
        push(load(root), now=NOW, env={})
    assert str(caught.value).startswith(message) and "\n" not in str(caught.value)
    assert not (root / ".kcs").exists()
    result = CliRunner().invoke(cli, ["announce", "push", "--root", str(root)], env={})
    assert result.exit_code == 1 and result.output.startswith(f"Error: {message}")


def test_corrupt_state_file_stops_before_sending(kb_root: Path, receivers) -> None:
    http, smtp = receivers
    (kb_root / ".kcs").mkdir()
    (kb_root / ".kcs/announce-sent.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(KcsError, match=r"announce-sent.json: not a push state file"):
        push(load(kb_root), now=NOW)
    assert http.posts == [] and smtp.messages == []


def test_dry_run_sends_and_records_nothing(kb_root: Path, receivers) -> None:
    http, smtp = receivers
    result = CliRunner().invoke(
        cli,
        ["announce", "push", "--dry-run", "--now", "2026-12-04T12:00:00", "--root", str(kb_root)],
    )
    assert result.exit_code == 0, result.output
    assert "would send patching (warning) to announce.webhooks.agents\n" in result.output
    assert http.posts == [] and smtp.messages == []
    assert not (kb_root / ".kcs/announce-sent.json").exists()


@pytest.mark.parametrize(
    ("channel", "article", "state"),
    list(itertools.product(AUDIENCES, AUDIENCES, ("wip", "not-validated", "validated"))),
)
def test_a_channel_carries_only_what_its_audience_may_read(
    tmp_path: Path, channel: str, article: str, state: str
) -> None:
    """Every pair of channel and announcement audience: sent exactly when the site for the
    channel's audience would show the announcement."""
    with http_receiver() as http:
        root = tmp_path / "kb"
        (root / "articles/x").mkdir(parents=True)
        (root / "kcs.yml").write_text(
            f"languages: [en]\nannounce:\n  webhooks:\n    c: {{url: '{http.url}/c', "
            f"format: mattermost, audience: {channel}}}\n",
            encoding="utf-8",
        )
        (root / "articles/x/n.md").write_text(
            f"---\nid: n\ntitle: Notice for {article}\naudience: {article}\nstate: {state}\n"
            "type: announcement\nseverity: info\nstarts: 2026-01-01\n---\n\nText.\n",
            encoding="utf-8",
        )
        kb = load(root)
        sent = bool(push(kb, now=NOW).sent)
        expected = any(a.id == "n" for a in kb.for_audience(channel))
        assert sent == expected == bool(http.posts)
        if channel != "internal":
            assert sent == (
                state == "validated" and AUDIENCES.index(article) >= AUDIENCES.index(channel)
            )


def test_decide() -> None:
    assert decide(None, "info") == "send"
    assert decide({"severity": "info", "sent": ["info"]}, "warning") == "send"
    assert decide({"severity": "warning", "sent": ["info", "warning"]}, "info") == "lower"
    assert decide({"severity": "info", "sent": ["info", "warning"]}, "warning") == "skip"
    assert decide({"severity": "warning", "sent": ["warning"]}, "warning") == "skip"


def test_state_outside_the_checkout(kb_root: Path, receivers, tmp_path: Path) -> None:
    """A server replaces the checkout on every publish: --state keeps the record apart."""
    http, _ = receivers
    state = tmp_path / "kept" / "announce-sent.json"
    args = ["announce", "push", "--state", str(state), "--root", str(kb_root)]
    first = CliRunner().invoke(cli, args)
    assert first.exit_code == 0 and first.output.count("sent ") == 9, first.output
    assert state.is_file() and not (kb_root / ".kcs/announce-sent.json").exists()
    posted = len(http.posts)
    again = CliRunner().invoke(cli, args)
    assert (again.exit_code, again.output, len(http.posts)) == (0, "nothing to send\n", posted)
