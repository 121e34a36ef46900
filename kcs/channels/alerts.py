"""Content-gap alerts delivered: a GitHub issue, else an e-mail, else a Markdown file.

``kcs report gaps --min-count N --alert`` finds the gaps that reached N in the period
and not in the one before (:func:`kcs.reports.gaps.new_gaps`), leaves out those already
alerted (a state file, ``alerts.state``), and delivers one alert for the rest:

* ``alerts.github`` with a token in its environment variable: the one open issue that
  carries the alert marker is updated (its body replaced, a comment naming the new gaps),
  or opened when there is none, so alerts never pile up as duplicates;
* else ``alerts.email``: one message over SMTP;
* else the Markdown file ``alerts.file``, written through a rename.

The state is written only after the delivery succeeded: a failed delivery is retried on
the next run and a delivered one is never repeated.
"""

from __future__ import annotations

import json
import logging
import os
import re
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from ..config import Config
from ..errors import ConfigError, KcsError
from ..fsutil import atomic_write, read_state
from ..reports.gaps import Gap, article_request, find_gaps
from ..reports.period import PeriodInputs
from ..usage.period import usage_today

log = logging.getLogger(__name__)

MARKER = "<!-- kcs:content-gaps -->"
TITLE = "Content gaps: searches that found no answer"
TIMEOUT = 15.0
_REPO = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
_LOOPBACK = {"127.0.0.1", "::1", "localhost"}


@dataclass(frozen=True)
class Delivered:
    """One alert sent: ``how`` is github, email or file; ``where`` says where it went."""

    how: str
    where: str
    gaps: tuple[str, ...]


def new_gap_list(inputs: PeriodInputs, min_count: int) -> list[Gap]:
    """The gaps that reached ``min_count`` in the period and not in the one before."""
    return [g for g in find_gaps(inputs) if g.count >= min_count and g.previous < min_count]


def deliver(
    inputs: PeriodInputs,
    config: Config,
    min_count: int,
    *,
    state_path: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> Delivered | None:
    """Deliver one alert for the new gaps not alerted before; None when there are none.

    With ``state_path`` given, the fallback Markdown file is written beside it: on a
    server the root is the live release, which the next publish replaces, so a file
    there would be lost while the state says its gaps were alerted.
    """
    env = os.environ if env is None else env
    if state_path is not None:
        fallback = state_path.parent / Path(config.alerts.file).name
    else:
        fallback = config.root / config.alerts.file
    state_path = state_path or config.root / config.alerts.state
    done = _load_state(state_path)
    fresh = [g for g in new_gap_list(inputs, min_count) if _ident(g) not in done]
    if not fresh:
        return None
    body = article_request(inputs, min_count)
    names = tuple(g.query for g in fresh)
    github = config.alerts.github
    token_env = str(github.get("token_env", "GITHUB_TOKEN")) if github else ""
    if github and env.get(token_env):
        where = _github(github, env[token_env], body, names)
        delivered = Delivered("github", where, names)
    elif config.alerts.email:
        from .push import email_settings, smtp_send

        mail = email_settings(config.alerts.email, "alerts.email")
        smtp_send(mail, _message(mail.sender, mail.to, body, names), env, "alerts.email")
        delivered = Delivered("email", ", ".join(mail.to), names)
    else:
        target = fallback
        atomic_write(target, f"# {TITLE}\n\n{body}")
        delivered = Delivered("file", str(target), names)
    _save_state(state_path, done | {_ident(g) for g in fresh})
    return delivered


def _ident(gap: Gap) -> str:
    return f"{gap.lang}:{gap.key}"


def _load_state(path: Path) -> set[str]:
    alerted = read_state(path, "alerted", list, "gap-alert", "current gaps are alerted again")
    return {str(item) for item in alerted or ()}


def _save_state(path: Path, alerted: set[str]) -> None:
    data = {"version": 1, "alerted": sorted(alerted)}
    atomic_write(path, json.dumps(data, indent=1, ensure_ascii=False) + "\n")


def _message(sender: str, to: Sequence[str], body: str, names: Sequence[str]) -> EmailMessage:
    from .push import new_message

    message = new_message(sender, to, f"{TITLE} ({len(names)} new)")
    message.set_content(body)
    return message


def _github(settings: Mapping[str, Any], token: str, body: str, names: Sequence[str]) -> str:
    """Update the open alert issue, or open one; return its URL."""
    repo = str(settings.get("repo", ""))
    if not _REPO.match(repo):
        raise ConfigError(f"kcs.yml: alerts.github.repo: {repo!r} is not owner/name")
    label = str(settings.get("label", "content-gap"))
    api = str(settings.get("api_url", "https://api.github.com")).rstrip("/")
    parts = urlsplit(api)
    # The token goes wherever api_url points: only over TLS, or to this machine.
    if parts.scheme != "https" and not (parts.scheme == "http" and parts.hostname in _LOOPBACK):
        raise ConfigError(f"kcs.yml: alerts.github.api_url: {api!r} must be an https:// address")
    base = f"{api}/repos/{repo}"
    full = f"{MARKER}\n{body}"
    listed = _call("GET", f"{base}/issues?state=open&labels={quote(label)}&per_page=100", token)
    existing = [
        issue
        for issue in (listed if isinstance(listed, list) else [])
        if isinstance(issue, dict)
        and "pull_request" not in issue
        and MARKER in str(issue.get("body") or "")
    ]
    if existing:
        issue = min(existing, key=lambda i: int(i.get("number", 0)))
        number = int(issue["number"])
        _call("PATCH", f"{base}/issues/{number}", token, {"body": full})
        today = usage_today().isoformat()
        comment = f"New gaps on {today}: " + ", ".join(f"`{n}`" for n in names)
        _call("POST", f"{base}/issues/{number}/comments", token, {"body": comment})
        return str(issue.get("html_url") or f"{repo}#{number}")
    created = _call(
        "POST", f"{base}/issues", token, {"title": TITLE, "body": full, "labels": [label]}
    )
    return str(created.get("html_url") if isinstance(created, dict) else repo)


def _call(method: str, url: str, token: str, payload: Any = None) -> Any:
    data = json.dumps(payload).encode() if payload is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Authorization", f"Bearer {token}")
    request.add_header("Accept", "application/vnd.github+json")
    request.add_header("X-GitHub-Api-Version", "2022-11-28")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    where = urlsplit(url)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            text = response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        raise KcsError(
            f"alerts.github: {method} {where.path} answered {exc.code} {exc.reason}; check the "
            "token (issues: write) and alerts.github.repo"
        ) from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise KcsError(f"alerts.github: cannot reach {where.hostname} ({reason})") from None
    return json.loads(text) if text.strip() else None
