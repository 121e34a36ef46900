"""The contact form's hand-off: where the ticket goes when the form is sent.

``contact.form_target`` in kcs.yml is either ``mailto:<address>`` (the mail program opens
with subject and body filled in) or a ticket system's own new-ticket address with
placeholders the browser fills in, URL-encoded, from the form:

- ``{text}`` the subject, an empty line and the description (required: without it the
  ticket would arrive empty);
- ``{subject}`` the subject alone, ``{body}`` the description alone, ``{lang}`` the page's
  language.

Documented templates for TOPdesk, Zammad and ServiceNow are in
docs/guides/administrator.md ("Contact form hand-off"). The browser records the hand-off as
the ``contact`` beacon (docs/reference/beacons.md) before it leaves the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..errors import ConfigError

KEY = "contact.form_target"
PLACEHOLDERS = ("text", "subject", "body", "lang")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_ADDRESS = re.compile(r"^[^@\s?&]+@[^@\s?&]+$")


@dataclass(frozen=True)
class Handoff:
    kind: str  # "", "mailto" or "ticket"
    template: str  # what the browser fills in ("" without a target)
    action: str  # the form's action without script: the address without placeholders

    @property
    def method(self) -> str:
        return "get"


def parse(target: str) -> Handoff:
    """Check ``contact.form_target``; a bad value is a ConfigError naming the key."""
    target = target.strip()
    if not target:
        return Handoff("", "", "")
    if target.lower().startswith("mailto:"):
        address = target[len("mailto:") :].partition("?")[0]
        if not _ADDRESS.match(address):
            raise _fail(f"{target!r} is not mailto:<one e-mail address>")
        return Handoff(
            "mailto", f"mailto:{address}?subject={{subject}}&body={{body}}", f"mailto:{address}"
        )
    parts = urlsplit(target)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise _fail(f"{target!r} is neither mailto:<address> nor a ticket system's http(s) address")
    names = _PLACEHOLDER.findall(target)
    unknown = [n for n in names if n not in PLACEHOLDERS]
    if unknown:
        allowed = ", ".join("{" + p + "}" for p in PLACEHOLDERS)
        raise _fail(f"unknown placeholder {{{unknown[0]}}}; use {allowed}")
    if "text" not in names:
        raise _fail(
            "the ticket address has no {text} placeholder, so the ticket would arrive empty; "
            "put {text} where the system takes the description, e.g. ...&description={text}"
        )
    action = _PLACEHOLDER.sub("", target.split("?", 1)[0])
    return Handoff("ticket", target, action)


def _fail(problem: str) -> ConfigError:
    return ConfigError(f"kcs.yml: {KEY}: {problem}")
