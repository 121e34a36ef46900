"""The site tests' repository with announcements added (import as ``chankb``)."""

from __future__ import annotations

from pathlib import Path

from sitekb import make_kb

INTERNAL_NOTICE = "Domain controller patching window for agents only"
INTERNAL_NOTICE_TEXT = "The break-glass accounts stay usable during the whole patching window"

ANNOUNCEMENTS = {
    "articles/network/outage.md": """\
---
id: outage
title: E-posten fungerar inte just nu
lang: sv
state: validated
audience: public
type: announcement
severity: critical
starts: 2026-01-01T08:00:00+01:00
ends: 2099-01-01T08:00:00+01:00
summary: Vi arbetar på att lösa felet.
---

## Problem

E-posten går inte att öppna.
""",
    "articles/network/outage.en.md": """\
---
id: outage-en
title: E-mail is down right now
lang: en
state: validated
audience: public
type: announcement
severity: critical
translation_of: outage
starts: 2026-01-01T08:00:00+01:00
ends: 2099-01-01T08:00:00+01:00
summary: We are working on it.
---

## Issue

E-mail cannot be opened.
""",
    "articles/network/patching.md": f"""\
---
id: patching
title: {INTERNAL_NOTICE}
lang: en
state: validated
audience: internal
type: announcement
severity: warning
starts: 2026-01-01T08:00:00+01:00
ends: 2099-01-01T08:00:00+01:00
---

## Issue

{INTERNAL_NOTICE_TEXT}.
""",
    "articles/network/ended.md": """\
---
id: ended
title: Skrivarna på plan 3 var trasiga
lang: sv
state: validated
audience: public
type: announcement
severity: warning
starts: 2025-01-01T08:00:00+01:00
ends: 2025-01-02T08:00:00+01:00
---

## Problem

Det är åtgärdat.
""",
}


def make_channel_kb(root: Path) -> Path:
    return make_kb(root, extra=ANNOUNCEMENTS)
