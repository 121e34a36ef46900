"""Announcements pushed out: chat webhooks (Teams, Slack, Mattermost) and e-mail over SMTP.

Run on publish (``kcs announce push``, or :func:`push` from the publish step): each
announcement that has started and not ended is sent once to every channel whose audience
may read it; it is sent again only when its severity rose to a level not sent before.
What was sent is recorded in a state file (kcs.yml ``announce.state``) written through a
temporary file and a rename after each delivery, so a failing receiver never loses the
record of the deliveries before it and nothing is sent twice.

A channel's ``audience`` (default ``public``) decides what it may carry, with the same rule
as the sites: a public channel gets only validated public announcements, never an internal
one.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import smtplib
import ssl
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..article import Article
from ..config import AUDIENCES, Config
from ..errors import ConfigError, KcsError
from ..fsutil import atomic_write, inside, read_state
from ..knowledge import KnowledgeBase
from ..site import announcements
from ..site.articles import site_url_for

log = logging.getLogger(__name__)

SEVERITY_RANK = {"info": 0, "warning": 1, "critical": 2}
TIMEOUT = 10.0
STATE_VERSION = 1


# ------------------------------------------------------------------ message formats


@dataclass(frozen=True)
class Notice:
    """One announcement as a channel shows it."""

    id: str
    title: str
    summary: str
    severity: str
    lang: str
    url: str  # absolute, or empty when kcs.yml names no address for the channel's site
    starts: str
    ends: str


_SEVERITY_LABEL = {"critical": "Critical", "warning": "Warning", "info": "Info"}
_TEAMS_COLOUR = {"critical": "Attention", "warning": "Warning"}


def _md_escape(text: str) -> str:
    return "".join("\\" + c if c in "\\`*_[]<>#|~" else c for c in text)


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack(notice: Notice) -> dict[str, Any]:
    """Slack incoming-webhook payload (mrkdwn)."""
    title = _slack_escape(notice.title)
    head = f"<{notice.url}|{title}>" if notice.url else title
    text = f"*{_SEVERITY_LABEL[notice.severity]}:* {head}"
    if notice.summary:
        text += f"\n{_slack_escape(notice.summary)}"
    return {"text": text, "unfurl_links": False}


def mattermost(notice: Notice) -> dict[str, Any]:
    """Mattermost incoming-webhook payload (Markdown)."""
    title = _md_escape(notice.title)
    head = f"[{title}]({notice.url})" if notice.url else title
    text = f"**{_SEVERITY_LABEL[notice.severity]}:** {head}"
    if notice.summary:
        text += f"\n{_md_escape(notice.summary)}"
    return {"text": text}


def _plain(text: str, **style: str) -> dict[str, Any]:
    """Text as Teams shows it verbatim: a TextBlock would read Markdown in it (a title's
    ``[text](url)`` would become a link), a RichTextBlock's TextRun does not."""
    return {"type": "RichTextBlock", "inlines": [{"type": "TextRun", "text": text, **style}]}


def teams(notice: Notice) -> dict[str, Any]:
    """Microsoft Teams (Workflows incoming webhook) payload: one Adaptive Card."""
    body: list[dict[str, Any]] = [
        {
            "type": "TextBlock",
            "text": _SEVERITY_LABEL[notice.severity],
            "weight": "Bolder",
            "color": _TEAMS_COLOUR.get(notice.severity, "Default"),
        },
        _plain(notice.title, size="Large"),
    ]
    if notice.summary:
        body.append(_plain(notice.summary))
    card: dict[str, Any] = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "lang": notice.lang,
        "body": body,
    }
    if notice.url:
        card["actions"] = [{"type": "Action.OpenUrl", "title": notice.title, "url": notice.url}]
    return {
        "type": "message",
        "attachments": [
            {"contentType": "application/vnd.microsoft.card.adaptive", "content": card}
        ],
    }


#: Webhook format → payload builder.
FORMATS: dict[str, Callable[[Notice], dict[str, Any]]] = {
    "mattermost": mattermost,
    "slack": slack,
    "teams": teams,
}


def new_message(sender: str, to: Sequence[str], subject: str) -> EmailMessage:
    """A message with the headers every mail kcs sends carries (body not yet set)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join(to)
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    return message


def email_message(notice: Notice, sender: str, to: tuple[str, ...]) -> EmailMessage:
    # A header value may not hold a line break; a title with one would break the message.
    subject = " ".join(notice.title.split())
    message = new_message(sender, to, f"[{_SEVERITY_LABEL[notice.severity]}] {subject}")
    message["Content-Language"] = notice.lang
    lines = [notice.title, ""]
    if notice.summary:
        lines += [notice.summary, ""]
    if notice.url:
        lines += [notice.url, ""]
    message.set_content("\n".join(lines))
    return message


# ------------------------------------------------------------------ channels


@dataclass(frozen=True)
class Email:
    host: str
    port: int
    sender: str
    to: tuple[str, ...]
    starttls: bool = False
    username: str = ""
    password_env: str = ""


@dataclass(frozen=True)
class Channel:
    """One place announcements go: ``name`` is its key under ``announce`` in kcs.yml."""

    name: str  # "webhooks.<name>" or "email"
    kind: str  # a key of FORMATS, or "email"
    audience: str
    url: str = ""
    email: Email | None = None

    @property
    def key(self) -> str:
        return f"announce.{self.name}"


def _fail(key: str, problem: str) -> ConfigError:
    return ConfigError(f"kcs.yml: {key}: {problem}")


def _audience(entry: Mapping[str, Any], key: str) -> str:
    value = entry.get("audience", "public")
    if value not in AUDIENCES:
        raise _fail(f"{key}.audience", f"{value!r} is not one of {', '.join(AUDIENCES)}")
    return str(value)


def _known(entry: Mapping[str, Any], key: str, allowed: set[str]) -> None:
    unknown = sorted(set(entry) - allowed)
    if unknown:
        raise _fail(f"{key}.{unknown[0]}", f"unknown key; allowed: {', '.join(sorted(allowed))}")


def channels(config: Config, env: Mapping[str, str] | None = None) -> list[Channel]:
    """The configured channels, checked; a bad entry is a ConfigError naming its key."""
    env = os.environ if env is None else env
    out: list[Channel] = []
    hooks = config.announce.webhooks
    for name in sorted(hooks):
        entry = hooks[name]
        key = f"announce.webhooks.{name}"
        if not isinstance(entry, Mapping):
            raise _fail(key, "give a mapping with url (or url_env) and format")
        _known(entry, key, {"url", "url_env", "format", "audience"})
        kind = entry.get("format")
        if kind not in FORMATS:
            raise _fail(f"{key}.format", f"{kind!r} is not one of {', '.join(FORMATS)}")
        url = entry.get("url")
        if entry.get("url_env"):
            url = env.get(str(entry["url_env"]))
            if not url:
                raise _fail(
                    f"{key}.url_env",
                    f"environment variable {entry['url_env']!r} is not set; set it to the "
                    "webhook's address",
                )
        if not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https"):
            raise _fail(f"{key}.url", "give the webhook's http(s) address (or url_env)")
        if not urlsplit(url).hostname:
            raise _fail(f"{key}.url", "the address has no host name")
        out.append(Channel(f"webhooks.{name}", str(kind), _audience(entry, key), url=url))
    mail = config.announce.email
    if mail:
        key = "announce.email"
        settings = email_settings(mail, key, extra={"audience"})
        out.append(Channel("email", "email", _audience(mail, key), email=settings))
    return out


def email_settings(
    mail: Mapping[str, Any], key: str, *, extra: frozenset[str] | set[str] = frozenset()
) -> Email:
    """SMTP settings of a kcs.yml entry (``announce.email``, ``alerts.email``), checked."""
    allowed = {"host", "port", "sender", "to", "starttls", "username", "password_env"}
    _known(mail, key, allowed | set(extra))
    for required in ("host", "sender", "to"):
        if not mail.get(required):
            raise _fail(f"{key}.{required}", "missing; e-mail needs host, sender and to")
    to = mail["to"]
    to = (to,) if isinstance(to, str) else tuple(str(t) for t in to)
    if not all("@" in t for t in (*to, str(mail["sender"]))):
        raise _fail(f"{key}.to", "give e-mail addresses (name@example.org)")
    port = mail.get("port", 25)
    if not isinstance(port, int) or isinstance(port, bool) or not 0 < port < 65536:
        raise _fail(f"{key}.port", f"{port!r} is not a port number (1-65535)")
    if mail.get("username") and not mail.get("password_env"):
        raise _fail(
            f"{key}.password_env",
            "name the environment variable that holds the SMTP password "
            "(never write the password into kcs.yml)",
        )
    return Email(
        host=str(mail["host"]),
        port=port,
        sender=str(mail["sender"]),
        to=to,
        starttls=bool(mail.get("starttls", False)),
        username=str(mail.get("username") or ""),
        password_env=str(mail.get("password_env") or ""),
    )


# ------------------------------------------------------------------ state


@dataclass
class State:
    """What was sent: channel name → announcement id → {severity, sent: [severities]}."""

    path: Path
    sent: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> State:
        sent = read_state(path, "sent", dict, "push", "current announcements are sent again")
        return cls(path) if sent is None else cls(path, sent)

    def record(self, channel: str, article: Article, now: dt.datetime) -> None:
        entry = self.sent.setdefault(channel, {}).setdefault(article.id, {"sent": []})
        severity = article.severity or "info"
        entry["severity"] = severity
        if severity not in entry["sent"]:
            entry["sent"].append(severity)
        entry["at"] = now.isoformat(timespec="seconds")
        self.save()

    def lowered(self, channel: str, article: Article) -> None:
        self.sent[channel][article.id]["severity"] = article.severity or "info"
        self.save()

    def save(self) -> None:
        data = {"version": STATE_VERSION, "sent": self.sent}
        atomic_write(self.path, json.dumps(data, indent=1, sort_keys=True) + "\n")


def decide(entry: Mapping[str, Any] | None, severity: str) -> str:
    """``send`` (new, or severity rose to a level not sent before), ``lower`` (record a
    lower severity, send nothing) or ``skip``."""
    if entry is None:
        return "send"
    last = SEVERITY_RANK.get(str(entry.get("severity")), 0)
    if SEVERITY_RANK[severity] > last:
        return "skip" if severity in entry.get("sent", ()) else "send"
    return "lower" if SEVERITY_RANK[severity] < last else "skip"


# ------------------------------------------------------------------ the push


@dataclass(frozen=True)
class Delivery:
    channel: str  # announce.<name>
    announcement: str
    severity: str


@dataclass(frozen=True)
class PushResult:
    sent: tuple[Delivery, ...]
    failed: tuple[str, ...] = ()  # one line per failed delivery


def _notice(article: Article, config: Config, audience: str, now: dt.datetime) -> Notice:
    meta = announcements.as_meta(article, now)
    base = site_url_for(config, audience)
    return Notice(
        id=article.id,
        title=article.title,
        summary=article.summary,
        severity=meta["severity"],
        lang=article.lang,
        url=(base.rstrip("/") + "/" + article.url) if base else "",
        starts=meta["starts"],
        ends=meta["ends"],
    )


def _where(url: str) -> str:
    """Scheme, host and port of a webhook: its path often is the secret."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"


def post_webhook(channel: Channel, notice: Notice) -> None:
    body = json.dumps(FORMATS[channel.kind](notice), ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(
        channel.url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8", "User-Agent": "kcs-portal"},
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            response.read()
    except urllib.error.HTTPError as exc:
        raise KcsError(
            f"{channel.key}: {_where(channel.url)} answered {exc.code} {exc.reason}; "
            "check the webhook address and format"
        ) from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise KcsError(
            f"{channel.key}: cannot reach {_where(channel.url)} ({reason}); check the address "
            "and that the receiver is up"
        ) from None


def send_email(channel: Channel, notice: Notice, env: Mapping[str, str]) -> None:
    mail = channel.email
    assert mail is not None
    smtp_send(mail, email_message(notice, mail.sender, mail.to), env, channel.key)


def smtp_send(mail: Email, message: EmailMessage, env: Mapping[str, str], key: str) -> None:
    """Send ``message`` through the SMTP server of ``mail``; a failure is one KcsError."""
    try:
        with smtplib.SMTP(mail.host, mail.port, timeout=TIMEOUT) as smtp:
            if mail.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if mail.username:
                password = env.get(mail.password_env)
                if password is None:
                    raise KcsError(
                        f"{key}.password_env: environment variable {mail.password_env!r} is not set"
                    )
                smtp.login(mail.username, password)
            smtp.send_message(message)
    except (smtplib.SMTPException, OSError) as exc:  # OSError covers timeouts
        raise KcsError(
            f"{key}: cannot send through {mail.host}:{mail.port} "
            f"({exc.__class__.__name__}: {exc}); check host, port and sender"
        ) from None


def push(
    kb: KnowledgeBase,
    *,
    now: dt.datetime | None = None,
    dry_run: bool = False,
    env: Mapping[str, str] | None = None,
    state_path: Path | None = None,
) -> PushResult:
    """Send each due announcement to each channel once; see the module docstring.

    ``state_path`` overrides kcs.yml ``announce.state``: a server whose repository checkout
    is replaced on every publish keeps the record beside it instead.

    A delivery that fails is reported in ``failed`` and retried on the next push; the
    others go on. Configuration errors raise ConfigError before anything is sent.
    """
    env = os.environ if env is None else env
    now = now or dt.datetime.now(dt.UTC)
    config = kb.config
    targets = channels(config, env)
    if state_path is None:
        state_path = inside(kb.root, config.announce.state, what="announce.state")
    state = State.load(state_path)
    sent: list[Delivery] = []
    failed: list[str] = []
    for channel in targets:
        visible = kb.for_audience(channel.audience)
        due = [a for a in visible if a.is_announcement and announcements.is_active(a, now)]
        for article in sorted(due, key=lambda a: a.id):
            severity = article.severity or "info"
            entry = state.sent.get(channel.name, {}).get(article.id)
            action = decide(entry, severity)
            if action == "skip":
                continue
            if action == "lower":
                if not dry_run:
                    state.lowered(channel.name, article)
                continue
            notice = _notice(article, config, channel.audience, now)
            if not dry_run:
                try:
                    if channel.kind == "email":
                        send_email(channel, notice, env)
                    else:
                        post_webhook(channel, notice)
                except KcsError as exc:
                    log.warning("%s", exc)
                    failed.append(str(exc))
                    continue
                state.record(channel.name, article, now)
                log.info("sent %s (%s) to %s", article.id, severity, channel.key)
            sent.append(Delivery(channel.key, article.id, severity))
    return PushResult(tuple(sent), tuple(failed))
