"""A word-level diff of two texts as an HTML table: changed lines marked, and within a
changed line the removed words in ``<del>`` and the added words in ``<ins>``.

Used by the internal site's proposal pages. The texts are untrusted (a proposal is anyone's
edit): every piece is escaped, so the table holds no markup but its own.
"""

from __future__ import annotations

import difflib
import re
from html import escape

CONTEXT = 2  # unchanged lines shown around each change
_TOKEN = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


def _words(old: str, new: str) -> tuple[str, str]:
    """(old line with removed words marked, new line with added words marked)."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    left: list[str] = []
    right: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        before, after = escape("".join(a[i1:i2])), escape("".join(b[j1:j2]))
        if op == "equal":
            left.append(before)
            right.append(after)
            continue
        if before:
            left.append(f"<del>{before}</del>")
        if after:
            right.append(f"<ins>{after}</ins>")
    return "".join(left), "".join(right)


def _row(kind: str, old_no: int | None, new_no: int | None, html: str) -> str:
    sign = {"del": "−", "ins": "+", "same": ""}[kind]
    return (
        f'<tr class="kcs-diff__{kind}"><td class="kcs-diff__n">{old_no or ""}</td>'
        f'<td class="kcs-diff__n">{new_no or ""}</td><td class="kcs-diff__sign">{sign}</td>'
        f'<td class="kcs-diff__text">{html}</td></tr>'
    )


def rows(old: str, new: str) -> list[str]:
    """Table rows of the changes, with ``CONTEXT`` unchanged lines around each."""
    a, b = old.split("\n"), new.split("\n")
    out: list[str] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for group in matcher.get_grouped_opcodes(CONTEXT):
        if out:
            out.append('<tr class="kcs-diff__gap"><td colspan="4">…</td></tr>')
        for op, i1, i2, j1, j2 in group:
            if op == "equal":
                for k in range(i2 - i1):
                    out.append(_row("same", i1 + k + 1, j1 + k + 1, escape(a[i1 + k])))
                continue
            olds, news = a[i1:i2], b[j1:j2]
            pairs = min(len(olds), len(news)) if op == "replace" else 0
            for k in range(pairs):
                left, right = _words(olds[k], news[k])
                out.append(_row("del", i1 + k + 1, None, left))
                out.append(_row("ins", None, j1 + k + 1, right))
            for k in range(pairs, len(olds)):
                out.append(_row("del", i1 + k + 1, None, f"<del>{escape(olds[k])}</del>"))
            for k in range(pairs, len(news)):
                out.append(_row("ins", None, j1 + k + 1, f"<ins>{escape(news[k])}</ins>"))
    return out


def table(old: str, new: str, *, caption: str, headers: tuple[str, str, str]) -> str:
    """The whole diff table; ``headers`` name the old and new line-number columns and the
    text column (localised by the caller). Empty when nothing changed."""
    body = rows(old, new)
    if not body:
        return ""
    old_h, new_h, text_h = (escape(h) for h in headers)
    return (
        f'<table class="kcs-diff"><caption>{escape(caption)}</caption><thead><tr>'
        f'<th scope="col">{old_h}</th><th scope="col">{new_h}</th>'
        f'<th scope="col"><span class="kcs-visually-hidden">±</span></th>'
        f'<th scope="col">{text_h}</th></tr></thead><tbody>' + "".join(body) + "</tbody></table>"
    )
