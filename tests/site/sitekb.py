"""A small knowledge repository for the site tests (import as ``sitekb``)."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

from gitrepo import commit_all, git_identity, init_repo, write

KCS_YML = """\
site:
  name: Testdesk
  url: https://help.example.test/
  internal_url: https://kb.example.test/
languages: [sv, en]
default_language: sv
domains:
  accounts: {sv: Konton, en: Accounts}
  network: {sv: Nätverk, en: Network}
forge:
  edit_url: https://forge.example.test/kb/edit/main/{path}
  flag_url: https://forge.example.test/kb/issues/new?title={title}&article={id}&url={url}
"""

SECRET_SENTENCE = "The break-glass console lives on the third floor behind the blue door"
SECRET_TITLE = "Break-glass admin procedure for locked tenants"

ARTICLES = {
    "articles/accounts/reset.md": """\
---
id: reset
title: Jag har glömt mitt lösenord
lang: sv
state: validated
audience: public
type: howto
tags: [lösenord, Konto]
summary: Återställ lösenordet själv.
reviewed: 2026-01-10
related: [vpn, secret]
---

## Problem

Jag kommer inte in.

## Lösning

1. Öppna sidan för återställning.
2. Se [VPN-guiden](../network/vpn.md#losning) om du är hemma.
3. Agenter följer [den interna rutinen](secret.md).
4. Se också [utkastet](draft.md) och [arkivet](/a/old/).

![Skärmbild av sidan](img/shot.png)
""",
    "articles/accounts/reset.en.md": """\
---
id: reset-en
title: I forgot my password
lang: en
state: validated
audience: public
translation_of: reset
reviewed: 2026-01-10
---

## Issue

I cannot sign in.

## Resolution

Open the reset page.
""",
    "articles/network/vpn.md": """\
---
id: vpn
title: VPN ansluter inte hemifrån
lang: sv
state: validated
audience: public
tags: [vpn]
reviewed: 2020-01-01
---

## Problem

VPN fungerar inte.

## Lösning

Starta om klienten.
""",
    "articles/accounts/secret.md": f"""\
---
id: secret
title: {SECRET_TITLE}
lang: en
state: validated
audience: internal
reviewed: 2026-01-10
---

## Issue

A tenant is locked.

## Resolution

{SECRET_SENTENCE}. Ask the duty manager for the key.
""",
    "articles/accounts/draft.md": """\
---
id: draft
title: Utkast om kontolåsning hos partnern
lang: sv
state: wip
audience: public
---

## Problem

Kontot låses hos partnern varje morgon när synkroniseringen körs igen.
""",
    "articles/accounts/notval.md": """\
---
id: notval
title: Inte validerad artikel om tvåstegsverifiering
lang: sv
state: not-validated
audience: public
---

## Problem

Koden kommer inte fram.

## Lösning

Byt till appen i stället för sms när koden inte kommer fram i tid.
""",
    "articles/accounts/old.md": """\
---
id: old
title: Gammal arkiverad instruktion för Lotus Notes
lang: sv
state: archived
audience: public
---

## Problem

Lotus Notes startar inte längre på de gamla terminalerna i källaren.
""",
}


def png() -> bytes:
    """A valid 1×1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


def make_kb(root: Path, *, git: bool = True, extra: dict[str, str] | None = None) -> Path:
    write(root / "kcs.yml", KCS_YML)
    for rel, text in {**ARTICLES, **(extra or {})}.items():
        write(root / rel, text)
    (root / "articles/accounts/img").mkdir(parents=True, exist_ok=True)
    (root / "articles/accounts/img/shot.png").write_bytes(png())
    if git:
        with git_identity():
            init_repo(root)
            commit_all(root, "Articles", date="2026-01-15T10:00:00+01:00")
    return root
