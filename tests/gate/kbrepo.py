"""Build small knowledge repositories for the gate tests (import as ``kbrepo``)."""

from __future__ import annotations

from pathlib import Path

from gitrepo import commit_all, git, init_repo, write

PEOPLE = {
    "anna": {
        "name": "Anna Lindqvist",
        "email": "anna@example.org",
        "github": "anna-l",
        "roles": {"*": "admin", "accounts": "publisher"},
    },
    "mikko": {
        "name": "Mikko Virtanen",
        "email": "mikko@example.org",
        "github": "mvirtanen",
        "roles": {"*": "contributor", "network": "publisher"},
    },
    "sanne": {
        "name": "Sanne de Vries",
        "email": "sanne@example.org",
        "github": "sannedv",
        "roles": {"*": "coach", "email": "publisher"},
    },
    "erik": {
        "name": "Erik Johansson",
        "email": "erik@example.org",
        "github": "erikj",
        "roles": {"printing": "kde", "devices": "contributor"},
    },
    "jan": {
        "name": "Jan Bakker",
        "email": "jan@example.org",
        "github": "janbakker",
        "roles": {"devices": "publisher", "accounts": "contributor"},
    },
    "lotta": {
        "name": "Lotta Niemi",
        "email": "lotta@example.org",
        "github": "lottan",
        "roles": {"*": "candidate"},
    },
}


def kcs_yml(
    people: dict[str, dict] | None = None,
    keys: dict[str, str] | None = None,
    rules: str = "publisher_self_publish: false",
) -> str:
    people = PEOPLE if people is None else people
    lines = [
        "languages: [en, sv]",
        "default_language: en",
        "domains:",
        *(
            f"  {d}: {{en: {d.capitalize()}}}"
            for d in ("accounts", "network", "printing", "email", "devices", "general")
        ),
        "people:",
    ]
    for pid, p in people.items():
        roles = ", ".join(f'"{d}": {r}' for d, r in p["roles"].items())
        key = (keys or {}).get(pid, "")
        extra = f', ssh_key: "{key}"' if key else ""
        lines.append(
            f"  - {{id: {pid}, name: {p['name']}, email: {p['email']}, "
            f"github: {p['github']}{extra}, roles: {{{roles}}}}}"
        )
    lines += ["rules:", *(f"  {line}" for line in rules.splitlines())]
    return "\n".join(lines) + "\n"


def article(
    title: str,
    *,
    audience: str = "internal",
    state: str = "not-validated",
    domain: str | None = None,
    ident: str | None = None,
    body: str = "",
) -> str:
    front = [f"title: {title}", f"state: {state}", f"audience: {audience}"]
    if domain:
        front.append(f"domain: {domain}")
    if ident:
        front.append(f"id: {ident}")
    text = body or (
        "## Issue\n\nIt fails.\n\n## Environment\n\nWindows 11\n\n## Resolution\n\nRestart it.\n"
    )
    return "---\n" + "\n".join(front) + "\n---\n\n" + text


def make_kb(path: Path, *, keys: dict[str, str] | None = None) -> Path:
    """A repository on main with kcs.yml and a few articles, one commit."""
    init_repo(path)
    write(path / "kcs.yml", kcs_yml(keys=keys))
    write(path / "articles/accounts/reset.md", article("I forgot my password"))
    write(
        path / "articles/accounts/public-mfa.md",
        article("Set up MFA", audience="public", state="validated"),
    )
    write(path / "articles/network/vpn.md", article("VPN does not connect"))
    write(
        path / "articles/printing/add.md",
        article("Add a printer", audience="customer", state="validated"),
    )
    write(path / "articles/devices/laptop.md", article("Laptop is slow"))
    write(path / "docs/portal/index.md", "# Help\n")
    commit_all(path, "Knowledge base", date="2026-01-10T10:00:00+00:00")
    return path


def branch(
    path: Path,
    name: str,
    files: dict[str, str | None],
    *,
    base: str = "main",
    message: str = "Change",
    date: str = "2026-01-12T10:00:00+00:00",
) -> str:
    """Commit ``files`` (None deletes) on a new branch from ``base``; back on base after."""
    git(path, "switch", "-q", "-c", name, base)
    for rel, text in files.items():
        target = path / rel
        if text is None:
            git(path, "rm", "-q", rel)
        else:
            write(target, text)
    sha = commit_all(path, message, date=date)
    git(path, "switch", "-q", base)
    return sha


def public_key(private: Path) -> str:
    """The ``type base64`` line of the public key beside ``private``."""
    return " ".join(private.with_suffix(".pub").read_text().split()[:2])
