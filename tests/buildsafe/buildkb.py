"""Knowledge repositories for the build-safety tests (import as ``buildkb``)."""

from __future__ import annotations

import gzip
import html
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from urllib.parse import unquote

from gitrepo import commit_all, git_identity, init_repo, write

KCS_YML = """\
site:
  name: Safedesk
  url: https://help.example.test/
  internal_url: https://kb.example.test/
languages: [en, sv]
default_language: en
domains:
  accounts: {en: Accounts, sv: Konton}
  internal-ops: {en: Operations, sv: Drift}
"""


def article(
    ident: str,
    title: str,
    body: str,
    *,
    state: str = "validated",
    audience: str = "public",
    lang: str = "en",
    extra: str = "",
) -> str:
    return (
        f"---\nid: {ident}\ntitle: {title}\nlang: {lang}\nstate: {state}\n"
        f"audience: {audience}\ntype: howto\nreviewed: 2026-11-01\n{extra}---\n\n{body}"
    )


def make_repo(
    root: Path,
    articles: Mapping[str, str | bytes],
    *,
    kcs_yml: str = KCS_YML,
    files: Mapping[str, bytes] | None = None,
) -> Path:
    """A Git repository holding ``articles`` (path → text) and ``files``, committed."""
    write(root / "kcs.yml", kcs_yml)
    for rel, text in articles.items():
        if isinstance(text, bytes):
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_bytes(text)
        else:
            write(root / rel, text)
    for rel, data in (files or {}).items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    with git_identity():
        init_repo(root)
        commit_all(root, "Articles", date="2026-11-20T10:00:00+01:00")
    return root


def site_texts(site: Path) -> Iterator[tuple[str, str]]:
    """(relative path, text) of every file of a built site, gzip unpacked, with HTML
    entities, JSON escapes and URL encoding undone (read apart from the build's own
    leak check, so that a gap in it cannot hide a leak here)."""
    for path in sorted(site.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        text = data.decode("utf-8", "replace")
        text = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)
        text = html.unescape(text.replace("\\/", "/"))
        yield path.relative_to(site).as_posix(), f"{text}\n{unquote(text)}"


def find_anywhere(site: Path, needles: list[str]) -> list[str]:
    """``file: needle`` for each needle found (case-insensitively) in any output file."""
    found = []
    for rel, text in site_texts(site):
        low = text.casefold()
        for needle in needles:
            if needle.casefold() in low:
                found.append(f"{rel}: {needle}")
    return found


def hrefs(page: str) -> list[str]:
    return re.findall(r'(?:href|src)="([^"]*)"', page)
