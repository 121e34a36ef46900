"""Untrusted HTML made safe: one allow-list for everything that shows or keeps HTML.

Used by the importer (HTML exports become Markdown) and by the internal site's proposal
pages (proposed, unreviewed content). nh3 (bindings to the Rust ``ammonia`` sanitiser)
parses like a browser does, which a regular expression cannot: scripts, styles, event
handlers and ``javascript:`` links go; structure, tables, code, links and images stay.
"""

from __future__ import annotations

TAGS: frozenset[str] = frozenset(
    {
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "caption",
        "code",
        "dd",
        "del",
        "div",
        "dl",
        "dt",
        "em",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "img",
        "ins",
        "kbd",
        "li",
        "ol",
        "p",
        "pre",
        "s",
        "span",
        "strong",
        "sub",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "u",
        "ul",
    }
)
ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align"},
    "code": {"class"},
    "pre": {"class"},
}
#: Link schemes kept; everything else (javascript:, data:, vbscript:) is dropped.
URL_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto", "tel", "ftp"})


def clean(html: str, *, link_rel: str | None = None) -> str:
    """``html`` with only allow-listed tags, attributes and link schemes, no comments."""
    import nh3

    return nh3.clean(
        html,
        tags=set(TAGS),
        attributes=ATTRIBUTES,
        url_schemes=set(URL_SCHEMES),
        link_rel=link_rel,
        strip_comments=True,
    )
