"""The article: one Markdown file with YAML front matter, parsed once into a value object.

Everything else (lint, search, the site, reports, gating) reads :class:`Article`
objects and never re-parses the file. What Git knows (created, last changed,
authors) is not here: it comes from :mod:`kcs.history`.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import html
import itertools
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from .config import AUDIENCES, SEVERITIES, STATES, TYPES, Config, parse_duration
from .findings import ERROR, WARNING, Finding
from .yamlio import YamlProblem, load_mapping

#: Canonical KCS section keys, in template order.
SECTION_KEYS: tuple[str, ...] = ("issue", "environment", "resolution", "cause")

#: The heading written by templates, per language.
SECTION_HEADINGS: dict[str, dict[str, str]] = {
    "en": {
        "issue": "Issue",
        "environment": "Environment",
        "resolution": "Resolution",
        "cause": "Cause",
    },
    "sv": {"issue": "Problem", "environment": "Miljö", "resolution": "Lösning", "cause": "Orsak"},
    "fi": {
        "issue": "Ongelma",
        "environment": "Ympäristö",
        "resolution": "Ratkaisu",
        "cause": "Syy",
    },
    "nl": {
        "issue": "Probleem",
        "environment": "Omgeving",
        "resolution": "Oplossing",
        "cause": "Oorzaak",
    },
}

#: Every heading recognised as a KCS section, in any language (lower case).
_HEADING_ALIASES: dict[str, str] = {
    alias: key
    for key, aliases in {
        "issue": [
            "issue",
            "problem",
            "symptom",
            "symptoms",
            "question",
            "fråga",
            "symtom",
            "ongelma",
            "oireet",
            "kysymys",
            "probleem",
            "vraag",
            "symptomen",
        ],
        "environment": [
            "environment",
            "applies to",
            "miljö",
            "gäller",
            "ympäristö",
            "koskee",
            "omgeving",
            "van toepassing op",
        ],
        "resolution": [
            "resolution",
            "solution",
            "answer",
            "lösning",
            "åtgärd",
            "svar",
            "ratkaisu",
            "vastaus",
            "oplossing",
            "antwoord",
        ],
        "cause": ["cause", "orsak", "syy", "oorzaak"],
    }.items()
    for alias in aliases
}

#: Front-matter fields: name → one-line documentation (docs/reference/front-matter.md).
FIELDS: dict[str, str] = {
    "title": "The problem or question in the requester's words. The only required field.",
    "id": "Stable, unique id; the article's URL is /a/<id>/ and survives renames and moves.",
    "state": "KCS confidence: wip, not-validated, validated or archived.",
    "audience": "Who may read it: internal, partner, customer or public (each wider one "
    "is also read by all narrower ones' readers).",
    "lang": "Language code (sv, fi, nl, en, ...); defaults from the file name or kcs.yml.",
    "domain": "Knowledge domain; defaults to the folder under articles/.",
    "type": "howto, problem, known-error, faq, announcement or reference.",
    "tags": "List of words for browsing and search.",
    "summary": "One or two sentences shown in search results and listings.",
    "reviewed": "Date the article was last validated (YYYY-MM-DD).",
    "review_every": "Review interval overriding kcs.yml, e.g. 3 months.",
    "translation_of": "Id of the article this one translates.",
    "tickets": "Ticket ids this article was created from or linked to.",
    "related": "Ids of related articles shown at the end.",
    "starts": "Announcements: when the announcement becomes active (date or date-time).",
    "ends": "Announcements: when it stops being shown.",
    "severity": "Announcements: info, warning or critical.",
    "source": "Provenance of imported articles: system, path, url, id, created, updated.",
}

_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")
_HTML_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
#: An inline link or image. Its text and target never run over a ``[`` that opens another
#: (nested brackets are one level deep), so that each try from a ``[`` stops at the next
#: one: a hostile paragraph of thousands of ``[a](`` is read once, not once per bracket.
_LINK = re.compile(
    r"(!?)\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\(\s*<?([^)\s>\[]+)>?(?:\s+\"[^\"]*\")?\s*\)"
)
#: An article's site URL as an author writes it: /a/<id>/, a/<id>/, ../a/<id>/.
SITE_URL = re.compile(r"^(?:\.{1,2}/)*/?a/(?P<id>[a-z0-9][a-z0-9._-]*)/?(?:index\.html)?$")
_DEFINITION = re.compile(r"(?m)^ {0,3}\[([^\]\n]+)\]:[ \t]*<?([^\s>]+)>?")
#: A URL in a raw HTML tag; the tag ends at the next ``<`` too, for the same reason.
_HTML_URL = re.compile(
    r"""<[a-zA-Z][^<>]*?\s(?:href|src|data|poster|action)\s*=\s*"""
    r"""(?:"([^"]*)"|'([^']*)'|([^\s>"']+))"""
)
_AUTOLINK = re.compile(r"<([a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>]+)>")
_LANG_SUFFIX = re.compile(r"\.([a-z]{2,3})$")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
#: Front-matter values read as text, and as items of a list (tuples: a ``str | int``
#: union would be built anew on every check).
_TEXT_LIKE = (str, int, float)
_LISTED = (str, int)


@dataclass(frozen=True)
class Section:
    """A level-2 heading and the text under it; ``key`` is the KCS section or None."""

    key: str | None
    heading: str
    line: int
    text: str

    @property
    def has_content(self) -> bool:
        """True when the section says something: a template's HTML comment alone
        (the hint left in an untouched section) is no content."""
        return bool(_HTML_COMMENT.sub("", self.text).strip())


@dataclass(frozen=True)
class Link:
    """A Markdown link or image in the body; ``line`` is the line in the file."""

    line: int
    target: str
    text: str
    image: bool


@dataclass(frozen=True)
class Article:
    """One article, as read from its file."""

    path: str  # relative to the repository root, forward slashes
    id: str
    title: str
    state: str
    audience: str
    lang: str
    domain: str
    type: str
    tags: tuple[str, ...]
    summary: str
    reviewed: dt.date | None
    review_every: int | None  # days
    translation_of: str | None
    tickets: tuple[str, ...]
    related: tuple[str, ...]
    starts: dt.datetime | None
    ends: dt.datetime | None
    severity: str | None
    source: Mapping[str, Any] | None
    body: str
    body_line: int  # 1-based line of the file where the body starts
    sections: tuple[Section, ...]
    links: tuple[Link, ...]
    field_lines: Mapping[str, int] = field(default_factory=dict)
    explicit: frozenset[str] = frozenset()

    @property
    def url(self) -> str:
        """Site-relative URL, stable across renames: ``a/<id>/``."""
        return f"a/{self.id}/"

    def section(self, key: str) -> Section | None:
        for section in self.sections:
            if section.key == key:
                return section
        return None

    @property
    def words(self) -> int:
        return len(self.body.split())

    @property
    def is_announcement(self) -> bool:
        return self.type == "announcement"

    def line_of(self, name: str) -> int:
        """The file line of front-matter field ``name`` (1 when not written)."""
        return self.field_lines.get(name, 1)

    def readable_by(self, audience: str) -> bool:
        """Whether readers of ``audience`` may read this article (audiences nest)."""
        return may_read(audience, self.audience)


#: The domain of an article directly under ``articles/`` (no domain folder).
DEFAULT_DOMAIN = "general"


def domain_of(path: str) -> str | None:
    """The domain a repository path belongs to by where it is, or None outside articles/.

    ``articles/<domain>/...`` belongs to ``<domain>``; a file directly under
    ``articles/`` to :data:`DEFAULT_DOMAIN`. Front matter may name another domain;
    this is the folder's answer, the one every module asks.
    """
    parts = path.split("/")
    if len(parts) < 2 or parts[0] != "articles":
        return None
    return parts[1] if len(parts) > 2 else DEFAULT_DOMAIN


def may_read(reader: str, article_audience: str) -> bool:
    """Internal readers read everything; public readers read only public articles."""
    return AUDIENCES.index(reader) <= AUDIENCES.index(article_audience)


def slugify(text: str, *, max_length: int = 80) -> str:
    """Lower-case ASCII slug: ``Återställ lösenord`` → ``aterstall-losenord``."""
    if text.isascii():  # nothing to fold: ASCII is its own NFKD form
        folded = text
    else:
        folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = _NOT_SLUG.sub("-", folded.lower()).strip("-")
    return slug[:max_length].rstrip("-") or "article"


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """Split ``text`` into (front matter or None, body, body's first line number)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return None, text, 1
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :]), index + 2
    return "\n".join(lines[1:]), "", len(lines) + 1


def front_matter_head(text: str) -> str:
    """``text`` up to and including the line that closes its front matter.

    :func:`split_front_matter` gives the same front matter and body line for the head
    as for the whole text, without splitting the whole body into lines. Text without
    front matter, or with old Mac line ends, is returned whole.
    """
    if "\r" in text:
        return text
    pos = 1 if text.startswith("\ufeff") else 0
    first = True
    while True:
        end = text.find("\n", pos)
        line = text[pos:] if end < 0 else text[pos:end]
        if first:
            if line.strip() != "---":
                return text
            first = False
        elif line.strip() in ("---", "..."):
            return text if end < 0 else text[: end + 1]
        if end < 0:
            return text
        pos = end + 1


def parse_article(
    path: str, text: str, config: Config, *, bodies: bool = True
) -> tuple[Article | None, list[Finding]]:
    """Parse one article. Returns the article (None when it cannot be read) and findings.

    ``path`` is relative to the repository root (``articles/vpn/reset.md``).

    ``bodies=False`` is for callers that need front matter only (the staleness
    report): the body is not scanned and the article's ``body``, ``sections`` and
    ``links`` are empty. Where the front matter sets no ``state``, its default
    depends on the body's Resolution section, so that body is read as usual.
    Every other field and every finding are the same either way.
    """
    findings: list[Finding] = []

    def problem(line: int, code: str, message: str, severity: str = ERROR) -> None:
        findings.append(Finding(path, line, code, message, severity))

    front, body, body_line = split_front_matter(text if bodies else front_matter_head(text))
    if front is None:
        problem(
            1,
            "front-matter",
            "no front matter; start the file with '---', a 'title:' line and '---'",
        )
        return None, findings
    try:
        loaded = load_mapping(front)
    except YamlProblem as exc:
        problem((exc.line or 0) + 1, "yaml", exc.message)
        return None, findings
    meta, lines = loaded.data, {k: v + 1 for k, v in loaded.lines.items()}

    def line(name: str) -> int:
        return lines.get(name, 1)

    for name in meta:
        if name not in FIELDS:
            guess = _suggestion(name)
            hint = f"; did you mean '{guess}'?" if guess else ""
            problem(
                line(name),
                "unknown-field",
                f"unknown field '{name}'{hint} (allowed: {', '.join(FIELDS)})",
            )

    title = meta.get("title")
    if not isinstance(title, str) or not title.strip():
        problem(
            line("title"),
            "missing-title",
            "'title' is required: the problem in the requester's words",
        )
        return None, findings

    stem = _stem(path)
    suffix = _LANG_SUFFIX.search(stem)
    file_lang = suffix.group(1) if suffix and suffix.group(1) in config.languages else None

    def text_field(name: str, default: str) -> str:
        value = meta.get(name, default)
        if type(value) is str:  # the usual case, first
            return value.strip()
        if value is None:
            return default
        if not isinstance(value, _TEXT_LIKE) or isinstance(value, bool):
            problem(line(name), "bad-value", f"'{name}' must be text")
            return default
        return str(value).strip()

    def choice(name: str, allowed: tuple[str, ...], default: str) -> str:
        value = text_field(name, default)
        if value not in allowed:
            problem(line(name), "bad-value", f"{name} '{value}' is not one of {', '.join(allowed)}")
            return default
        return value

    def str_list(name: str) -> tuple[str, ...]:
        value = meta.get(name)
        if value is None:
            return ()
        if isinstance(value, _LISTED):
            value = [value]
        if not isinstance(value, list) or not all(
            isinstance(v, _LISTED) and not isinstance(v, bool) for v in value
        ):
            problem(line(name), "bad-value", f"'{name}' must be a list of text values")
            return ()
        return tuple(str(v).strip() for v in value)

    ident = text_field("id", "") or slugify(stem)
    if not _ID.match(ident):
        problem(
            line("id"),
            "bad-value",
            f"id '{ident}' may hold only lowercase letters, digits, '.', '_' and '-' (at most 100)",
        )
        ident = slugify(ident)

    if bodies or meta.get("state") is None:
        if not bodies:
            body = split_front_matter(text)[1]
        sections, links = _scan_body(body, body_line)
    else:
        body, sections, links = "", [], []
    has_resolution = any(s.key == "resolution" and s.has_content for s in sections)
    state = choice("state", STATES, "not-validated" if has_resolution else "wip")
    audience = choice("audience", AUDIENCES, "internal")
    lang = text_field("lang", file_lang or config.default_language)
    if lang not in config.languages:
        problem(
            line("lang"),
            "bad-value",
            f"lang '{lang}' is not one of the languages in kcs.yml: {', '.join(config.languages)}",
        )
    domain = text_field("domain", domain_of(path) or DEFAULT_DOMAIN)
    if not _ID.match(domain):
        problem(
            line("domain"),
            "bad-value",
            f"domain '{domain}' may hold only lowercase letters, digits, '.', '_' and '-'",
        )
    kind = choice("type", TYPES, "howto")

    reviewed = _date(meta.get("reviewed"), "reviewed", line("reviewed"), problem)
    if reviewed and reviewed > dt.date.today():
        problem(
            line("reviewed"),
            "future-date",
            f"reviewed {reviewed.isoformat()} lies in the future; use the date it was validated",
            WARNING,
        )
    review_every = None
    if meta.get("review_every") is not None:
        try:
            review_every = parse_duration(meta["review_every"])
        except ValueError as exc:
            problem(line("review_every"), "bad-value", f"review_every: {exc}")

    starts = _datetime(meta.get("starts"), "starts", line("starts"), problem, end=False)
    ends = _datetime(meta.get("ends"), "ends", line("ends"), problem, end=True)
    severity = None
    if "severity" in meta or kind == "announcement":
        severity = choice("severity", SEVERITIES, "info")
    if starts and ends and ends < starts:
        problem(line("ends"), "bad-value", "ends lies before starts; swap them")

    source = meta.get("source")
    if source is not None and not isinstance(source, Mapping):
        problem(line("source"), "bad-value", "'source' must be a mapping (system, path, ...)")
        source = None

    translation_of = text_field("translation_of", "") or None
    article = Article(
        path=path,
        id=ident,
        title=title.strip(),
        state=state,
        audience=audience,
        lang=lang,
        domain=domain,
        type=kind,
        tags=str_list("tags"),
        summary=text_field("summary", ""),
        reviewed=reviewed,
        review_every=review_every,
        translation_of=translation_of,
        tickets=str_list("tickets"),
        related=str_list("related"),
        starts=starts,
        ends=ends,
        severity=severity,
        source=dict(source) if source else None,
        body=body,
        body_line=body_line,
        sections=tuple(sections),
        links=tuple(links),
        field_lines=lines,
        explicit=frozenset(meta),
    )
    return article, findings


def _stem(path: str) -> str:
    """``PurePosixPath(path).stem``, without making a path object for each article."""
    name = path.rpartition("/")[2]
    if name in ("", "."):  # a path ending in "/" or "/.": let pathlib normalise it
        name = PurePosixPath(path).name
    dot = name.rfind(".")
    return name[:dot] if 0 < dot < len(name) - 1 else name


@functools.lru_cache(maxsize=1024)
def _suggestion(name: str) -> str | None:
    """The known field an unknown one was probably meant to be (cached: imports repeat
    the same foreign fields thousands of times)."""
    import difflib  # only for a front matter with an unknown field

    close = difflib.get_close_matches(name, FIELDS, n=1, cutoff=0.75)
    return close[0] if close else None


def _date(value: Any, name: str, line: int, problem: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        problem(line, "bad-value", f"{name} '{value}' is not a date; write YYYY-MM-DD")
        return None


def _datetime(value: Any, name: str, line: int, problem: Any, *, end: bool) -> dt.datetime | None:
    """Dates mean the whole day (an end date runs to its last second); naive times are UTC."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, dt.date):
        parsed = dt.datetime.combine(value, dt.time.max if end else dt.time.min)
    else:
        try:
            parsed = dt.datetime.fromisoformat(str(value).strip())
        except ValueError:
            problem(
                line,
                "bad-value",
                f"{name} '{value}' is not a date or date-time; write YYYY-MM-DD "
                "or YYYY-MM-DDTHH:MM",
            )
            return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _scan_body(body: str, first_line: int) -> tuple[list[Section], list[Link]]:
    """One pass over the body: level-2 sections and links, skipping fenced code.

    Links of every form are found: inline (their text may run over lines, so paragraphs
    are searched whole), reference definitions and URLs in raw HTML. The site resolves
    links on the parsed document; these feed lint and the copying of linked files.
    """
    sections: list[Section] = []
    links: list[Link] = []
    current: tuple[str | None, str, int] | None = None
    buffer: list[str] = []
    paragraph: list[str] = []
    paragraph_line = first_line
    in_fence = False
    for offset, raw in enumerate(body.split("\n")):
        number = first_line + offset
        # cheap string tests first: most lines are plain text and need no regex at all
        stripped = raw.lstrip(" ")
        if stripped[:3] in ("```", "~~~") and _FENCE.match(raw):
            _paragraph_links(paragraph, paragraph_line, links)
            paragraph = []
            in_fence = not in_fence
        elif not in_fence:
            heading = _HEADING.match(raw) if raw.startswith("#") else None
            if heading or not stripped:
                _paragraph_links(paragraph, paragraph_line, links)
                paragraph = []
            if heading and len(heading.group(1)) == 2:
                if current is not None:
                    sections.append(
                        Section(current[0], current[1], current[2], "\n".join(buffer).strip())
                    )
                name = heading.group(2)
                current = (_HEADING_ALIASES.get(name.strip().rstrip(":").lower()), name, number)
                buffer = []
                if "](" in raw:
                    _paragraph_links([raw], number, links)
                continue
            if heading:
                _paragraph_links([raw], number, links)
            elif stripped:
                if not paragraph:
                    paragraph_line = number
                paragraph.append(raw)
        if current is not None:
            buffer.append(raw)
    _paragraph_links(paragraph, paragraph_line, links)
    if current is not None:
        sections.append(Section(current[0], current[1], current[2], "\n".join(buffer).strip()))
    links.sort(key=lambda link: link.line)
    return sections, links


def _paragraph_links(lines: list[str], first: int, links: list[Link]) -> None:
    """The links of one paragraph (consecutive non-blank lines outside fences)."""
    if not lines:
        return
    text = "\n".join(lines)
    if "](" not in text and "]:" not in text and "<" not in text:
        return
    text = _strip_inline_code(text)
    # where each line starts: a link's line by bisection, not by counting the breaks
    # before it (thousands of links in one paragraph would count over it thousands of times)
    starts = list(itertools.accumulate((len(line) + 1 for line in lines[:-1]), initial=0))

    def line(position: int) -> int:
        return first + bisect.bisect_right(starts, position) - 1

    if "](" in text:
        for match in _LINK.finditer(text):
            links.append(
                Link(line(match.start()), match.group(3), match.group(2), match.group(1) == "!")
            )
    if "]:" in text:
        for match in _DEFINITION.finditer(text):
            links.append(Link(line(match.start()), match.group(2), match.group(1), False))
    if "<" in text:
        for match in _HTML_URL.finditer(text):
            url = next(g for g in match.group(1, 2, 3) if g is not None)
            links.append(Link(line(match.start()), html.unescape(url), "", False))
        for match in _AUTOLINK.finditer(text):
            links.append(Link(line(match.start()), match.group(1), match.group(1), False))


def _strip_inline_code(text: str) -> str:
    """Code spans blanked out (same length, same line breaks): links in them are text."""
    if "`" not in text:
        return text
    return re.sub(r"`[^`]*`", lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
