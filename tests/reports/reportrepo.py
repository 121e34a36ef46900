"""A small knowledge repository with a hand-written history on fixed dates (helpers).

Reports are computed as of TODAY, so every figure below is known in advance.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from gitrepo import git, init_repo, write

TODAY = dt.date(2025, 6, 30)

KCS_YML = """\
site:
  name: Test desk
  url: https://help.example.org/
  length_guideline: 40
languages: [en, sv]
default_language: en
domains:
  vpn: {en: VPN}
  mail: {en: Mail}
review:
  every: 12 months
  by_type: {known-error: 3 months}
  due_soon: 30 days
  wip_max: 30 days
people:
  - {id: anna, name: Anna Lindqvist, email: anna@example.org, roles: {"*": publisher}}
  - {id: erik, name: Erik Johansson, email: erik@example.org, roles: {"*": publisher}}
"""


def article(
    ident: str,
    title: str,
    state: str,
    *,
    reviewed: str | None = None,
    extra: str = "",
    body: str = "Restart the client.",
) -> str:
    lines = ["---", f"id: {ident}", f"title: {title}", f"state: {state}"]
    if reviewed:
        lines.append(f"reviewed: {reviewed}")
    if extra:
        lines.append(extra)
    lines += ["---", "", "## Issue", "", "It does not work.", "", "## Resolution", "", body, ""]
    return "\n".join(lines)


def commit(repo: Path, message: str, date: str, author: str) -> None:
    env = {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, "--author", author, env=env)


ANNA = "Anna Lindqvist <anna@example.org>"
MIKKO = "Mikko Virtanen <mikko@example.org>"
SANNE = "Sanne de Vries <sanne@example.org>"


def build_repo(root: Path) -> Path:
    r = init_repo(root)
    write(r / "kcs.yml", KCS_YML)
    a = "articles/"
    write(
        r / f"{a}vpn/connect.md",
        article("vpn-connect", "VPN does not connect", "validated", reviewed="2025-01-15"),
    )
    write(
        r / f"{a}vpn/old-client.md",
        article("vpn-old-client", "Old VPN client fails", "validated", reviewed="2024-03-01"),
    )
    write(
        r / f"{a}vpn/token.md",
        article("vpn-token", "Token expired", "validated", reviewed="2024-07-10"),
    )
    write(
        r / f"{a}mail/quota.md",
        article("mail-quota", "Mailbox is full", "validated", reviewed="2025-05-03"),
    )
    write(
        r / f"{a}mail/quota.sv.md",
        article(
            "mail-quota-sv",
            "Brevlådan är full",
            "validated",
            reviewed="2024-03-01",
            extra="lang: sv\ntranslation_of: mail-quota",
        ),
    )
    write(r / f"{a}mail/retired.md", article("mail-retired", "Old webmail", "archived"))
    commit(r, "First articles", "2024-03-01T10:00:00+01:00", ANNA)
    write(
        r / f"{a}vpn/token.md",
        article(
            "vpn-token",
            "Token expired",
            "validated",
            reviewed="2024-07-10",
            body="Ask for a new token.",
        ),
    )
    commit(r, "Token: new steps", "2024-07-10T10:00:00+02:00", MIKKO)
    write(r / f"{a}mail/draft.md", article("mail-draft", "Calendar sharing", "wip"))
    write(
        r / f"{a}mail/new.md",
        article("mail-new", "Tom & Jerry's <script>alert(1)</script> mail", "not-validated"),
    )
    commit(r, "Two new ones", "2025-01-01T09:00:00+01:00", ANNA)
    git(r, "checkout", "-q", "-b", "proposal/quota")
    write(
        r / f"{a}mail/quota.md",
        article(
            "mail-quota",
            "Mailbox is full",
            "validated",
            reviewed="2025-05-03",
            body="Empty Deleted Items.\n\nArchive old mail.\n\nAsk for a bigger mailbox.",
        ),
    )
    write(
        r / f"{a}mail/approved.md", article("mail-approved", "Shared mailbox missing", "validated")
    )
    commit(r, "Quota: more steps; shared mailbox", "2025-05-01T08:00:00+00:00", SANNE)
    git(r, "checkout", "-q", "main")
    env = {
        "GIT_AUTHOR_DATE": "2025-05-03T08:00:00+00:00",
        "GIT_COMMITTER_DATE": "2025-05-03T08:00:00+00:00",
    }
    git(
        r,
        "merge",
        "-q",
        "--no-ff",
        "proposal/quota",
        "-m",
        "Merge proposal/quota\n\nApproved-by: Erik Johansson <erik@example.org>",
        env=env,
    )
    git(r, "mv", f"{a}vpn/connect.md", f"{a}vpn/connect-client.md")
    commit(r, "Rename connect", "2025-06-01T12:00:00+00:00", ANNA)
    # Bad input: an article never committed, one with a malformed review date.
    write(
        r / f"{a}vpn/untracked.md",
        article("vpn-untracked", "Split tunnel", "validated", reviewed="2025-06-01"),
    )
    write(
        r / f"{a}vpn/baddate.md",
        article("vpn-baddate", "Proxy settings", "validated", reviewed="last tuesday"),
    )
    return r
