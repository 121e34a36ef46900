"""Proposed edits on the internal site: who proposes what, since when, beside the official text.

Agents may read proposals and judge them ("reuse is review"); end users never see
them, so only the internal site gets these pages. A proposal is untrusted
content: it is rendered to HTML and then sanitised with nh3 (an allow-list HTML
sanitiser built on html5ever; no script or style elements, no event handler
attributes, only http(s)/mailto links). Titles and names are escaped and written
as raw HTML so that Markdown cannot turn them into links either.
"""

from __future__ import annotations

import logging
from html import escape
from typing import Any

from .. import i18n
from ..article import split_front_matter
from ..errors import KcsError
from ..review.diff import Change
from ..review.listing import Proposal, list_proposals
from . import worddiff
from .model import Page, SiteContext

log = logging.getLogger(__name__)


def render_untrusted(markdown_text: str) -> str:
    """Markdown → HTML → sanitised HTML (safe to put into a page as is)."""
    import markdown

    from ..safe_html import clean

    html = markdown.markdown(
        markdown_text, extensions=["tables", "fenced_code"], output_format="html"
    )
    return clean(html, link_rel="noopener noreferrer nofollow")


def _body(text: str | None) -> str:
    return split_front_matter(text)[1] if text else ""


def _article_id(change: Change) -> str | None:
    art = change.new_article or change.old_article
    return art.id if art else None


def _fields(change: Change) -> list[tuple[str, str, str]]:
    old, new = change.old_article, change.new_article
    out = []
    for name in ("title", "state", "audience", "domain"):
        before = str(getattr(old, name)) if old else ""
        after = str(getattr(new, name)) if new else ""
        if before != after:
            out.append((name, before or "-", after or "-"))
    return out


def _t(lang: str, key: str) -> str:
    return escape(i18n.text(lang, key))


def _proposal_block(proposal: Proposal, change: Change, ctx: SiteContext, lang: str) -> str:
    who = proposal.author or proposal.author_name
    days = proposal.age_days(ctx.now)
    waits = ", ".join(proposal.waiting_for) or i18n.text(lang, "proposal.nobody")
    meta = escape(i18n.text(lang, "proposal.meta")).format(
        who=f"<strong>{escape(who)}</strong>",
        since=f'<time datetime="{escape(proposal.started.isoformat())}">'
        f"{escape(proposal.started.date().isoformat())}</time>",
        days=days,
        waits=escape(waits),
    )
    parts = [
        '<div class="kcs-proposal">',
        f"<h2>{escape(proposal.branch)}</h2>",
        f'<p class="kcs-proposal-meta">{meta}</p>',
    ]
    fields = _fields(change)
    if fields:
        parts.append(
            "<ul>"
            + "".join(f"<li>{escape(n)}: {escape(a)} &rarr; {escape(b)}</li>" for n, a, b in fields)
            + "</ul>"
        )
    if change.new_path is None:
        proposed = f"<p><em>{_t(lang, 'proposal.deletes')}</em></p>"
    else:
        proposed = render_untrusted(_body(change.new_text))
    official = (
        render_untrusted(_body(change.old_text))
        if change.old_text
        else f"<p><em>{_t(lang, 'proposal.new')}</em></p>"
    )
    # The changed lines first, words marked (escaped source text, never rendered).
    diff = worddiff.table(
        _body(change.old_text),
        _body(change.new_text) if change.new_path is not None else "",
        caption=i18n.text(lang, "proposal.changes"),
        headers=(
            i18n.text(lang, "proposal.line_old"),
            i18n.text(lang, "proposal.line_new"),
            i18n.text(lang, "proposal.text"),
        ),
    )
    parts.append(diff or f"<p>{_t(lang, 'proposal.unchanged')}</p>")
    parts += [
        '<div class="kcs-compare">',
        f'<section class="kcs-official"><h3>{_t(lang, "proposal.official")}</h3>{official}'
        "</section>",
        f'<section class="kcs-proposed"><h3>{_t(lang, "proposal.proposed")}</h3>{proposed}'
        "</section>",
        "</div>",
        "</div>",
    ]
    return "\n".join(parts)


def pages(ctx: SiteContext) -> list[Page]:
    """``proposals/`` (the list) and ``proposals/<id>/`` per article with proposals."""
    if not ctx.internal:
        return []
    try:
        found = list_proposals(ctx.kb.root)
    except KcsError as exc:
        log.warning("proposals are not shown: %s", exc)
        return []
    by_article: dict[str, list[tuple[Proposal, Change]]] = {}
    for proposal in found:
        for change in proposal.changes:
            ident = _article_id(change)
            if ident:
                by_article.setdefault(ident, []).append((proposal, change))
    titles = {a.id: a.title for a in ctx.kb.articles}
    out: list[Page] = []
    rows: list[str] = []
    for ident in sorted(by_article):
        items = by_article[ident]
        first = items[0][1]
        art = first.old_article or first.new_article
        title = titles.get(ident) or (art.title if art else ident)
        who = sorted({p.author or p.author_name for p, _ in items})
        since = min(p.started for p, _ in items).date().isoformat()
        rows.append(
            f'<tr><td><a href="{escape(ident)}/">{escape(title)}</a></td>'
            f"<td>{len(items)}</td><td>{escape(', '.join(who))}</td>"
            f"<td>{since}</td></tr>"
        )
        lang = art.lang if art else ctx.kb.config.default_language
        heading = i18n.text(lang, "proposal.heading", title=title)
        body = [
            f"<h1>{escape(heading)}</h1>",
            f'<p><a href="../../a/{escape(ident)}/">{_t(lang, "proposal.official_link")}</a></p>',
        ]
        body += [_proposal_block(p, c, ctx, lang) for p, c in items]
        meta: dict[str, Any] = {
            "title": heading,
            "kcs": {
                "kind": "proposals",
                "lang": lang,
                "article": ident,
                "proposals": [
                    {
                        "branch": p.branch,
                        "author": p.author or p.author_name,
                        "since": p.started.isoformat(),
                    }
                    for p, _ in items
                ],
            },
        }
        out.append(Page(f"proposals/{ident}.md", "\n\n".join(body) + "\n", meta))
    home = ctx.kb.config.default_language
    columns = "".join(
        f'<th scope="col">{_t(home, "proposal.col." + name)}</th>'
        for name in ("article", "count", "by", "since")
    )
    table = (
        f"<p>{_t(home, 'proposal.none')}</p>"
        if not rows
        else f"<table><thead><tr>{columns}</tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
    )
    out.append(
        Page(
            "proposals/index.md",
            f"<h1>{_t(home, 'proposal.index')}</h1>\n\n{table}\n",
            {
                "title": i18n.text(home, "proposal.index"),
                "kcs": {"kind": "proposals", "lang": home, "articles": sorted(by_article)},
            },
        )
    )
    return out
