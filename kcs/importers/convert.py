"""Body conversion: foreign Markdown dialects into the portal's Markdown.

* Docs alerts (``> [!NOTE]``) become admonitions (``!!! note``);
* ``[!INCLUDE [..](path)]`` is replaced by the included file (or an HTML comment
  and a warning when it is missing);
* ``:::image ... :::`` becomes ``![alt text](source)``; ``:::no-loc text="x":::`` x;
* relative links between imported articles point to the new article files;
  links to files that are not there are reported and kept as plain text;
  images are copied beside the article (``_media/<id>/``) or, when missing,
  replaced by their alt text;
* Symptoms / Cause / Resolution / Workaround headings become the KCS sections in
  the article's language;
* nested list items, and the blocks that continue an item after a blank line, sit 4 spaces
  under their item (kcs/nesting.py), as the site's renderer needs; everything else is kept.
"""

from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from .. import nesting
from ..article import SECTION_HEADINGS, split_front_matter
from .mapping import ImportMapping

_FENCE = re.compile(r"^\s*(```|~~~)(?!.*```)")  # ```x``` on one line is inline code
_ONE_LINE_CODE = re.compile(r"^(\s*)```([^`]+)```\s*$")
_LINT_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_ANCHOR = re.compile(r"<a\s+(?:name|id)=\"[^\"]*\"\s*>\s*</a>", re.I)
_ALERT = re.compile(r"^(\s*)>\s*\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]\s*(.*)$", re.I)
_DIV = re.compile(r"^(\s*)>\s*\[!div\b[^\]]*\]\s*$", re.I)
_VIDEO = re.compile(r"\[!VIDEO\s+([^\]\s]+)\]", re.I)
#: ``[!INCLUDE [title](path)]``. Title and path stop at the next ``[``, so that each try from
#: an ``[!INCLUDE`` ends where the next one starts: a hostile file of thousands of unclosed
#: ones is read once, not once per marker.
_INCLUDE = re.compile(r"\[!INCLUDE\s*\[([^\[\]]*)\]\(\s*<?([^)>\s\[]+)>?\s*\)\s*\]", re.I)
_TRIPLE = re.compile(r":::(image|no-loc)\s+(.*?):::", re.S)
_ATTR = re.compile(r"([\w-]+)\s*=\s*\"([^\"]*)\"")
#: An inline link or image. As in kcs.article, its text (one level of nested brackets) and
#: an <angle-bracketed> target never run over a ``[`` that opens another link, and the other
#: targets stop at the next ``(``: each try from a ``[`` ends where the next link starts.
_LINK = re.compile(
    r"(!?)\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\(\s*(<[^>\[]*>"
    # image paths with spaces, which Python-Markdown accepts and Docs sources have
    r"|[^()\s\"]+(?: [^()\s\"]+)+\.(?:png|jpe?g|gif|svg|webp|bmp)"
    r"|(?:[^()\s]|\([^()\s]*\))+)"
    r"(\s+\"[^\"]*\")?\s*\)"
)
_REFDEF = re.compile(r"^(\s{0,3}\[[^\]]+\]:\s*)(\S+)(.*)$")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
_PLACEHOLDER = re.compile(r"\b(TODO|FIXME|TBD|XXX)\b|[Ll]orem ipsum")
_IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".bmp")

ADMONITIONS: dict[str, tuple[str, dict[str, str]]] = {
    "note": ("note", {}),
    "tip": ("tip", {}),
    "warning": ("warning", {}),
    "important": (
        "info",
        {"en": "Important", "sv": "Viktigt", "fi": "Tärkeää", "nl": "Belangrijk"},
    ),
    "caution": ("danger", {"en": "Caution", "sv": "Se upp", "fi": "Huomio", "nl": "Let op"}),
}

#: Source headings (lower case) → KCS section; "workaround" becomes the
#: resolution only when the article has no resolution of its own.
HEADINGS: dict[str, str] = {
    **dict.fromkeys(
        [
            "symptoms",
            "symptom",
            "problem",
            "issue",
            "symtom",
            "oireet",
            "ongelma",
            "symptomen",
            "probleem",
            "question",
        ],
        "issue",
    ),
    **dict.fromkeys(["cause", "causes", "orsak", "syy", "oorzaak"], "cause"),
    **dict.fromkeys(
        [
            "resolution",
            "solution",
            "resolutions",
            "solutions",
            "solution/workaround",
            "resolution/workaround",
            "lösning",
            "ratkaisu",
            "oplossing",
        ],
        "resolution",
    ),
    **dict.fromkeys(
        ["workaround", "workarounds", "tillfällig lösning", "kiertotapa", "tijdelijke oplossing"],
        "workaround",
    ),
    **dict.fromkeys(["environment", "applies to", "miljö", "ympäristö", "omgeving"], "environment"),
}


@dataclass
class Context:
    """What converting one article needs to know, and what it found."""

    source_root: Path
    source_path: str  # the record's path under the source root
    target_path: str  # repository-relative path of the new article file
    article_id: str
    lang: str
    mapping: ImportMapping
    targets: dict[str, str]  # source path (normalised) → repository path of its article
    summary: str = ""
    warnings: list[tuple[str, str]] = field(default_factory=list)
    assets: list[tuple[Path, str]] = field(default_factory=list)  # (source file, repo path)

    def warn(self, code: str, message: str) -> None:
        self.warnings.append((code, message))


@dataclass(frozen=True)
class Converted:
    body: str
    has_issue: bool
    has_resolution: bool
    placeholder: bool


def convert(body: str, ctx: Context) -> Converted:
    """The converted body and what its structure holds."""
    body = expand_includes(body, ctx.source_path, ctx, depth=0)
    lines = _blocks(_normalise_fences(body.split("\n")), ctx)
    lines = [_inline(line, ctx) if not code else line for line, code in _code_flags(lines)]
    lines, has_issue, has_resolution = _sections(lines, ctx)
    text = nesting.reindent("\n".join(lines).strip("\n"))
    text = re.sub(r"\n{3,}", "\n\n", text) + "\n"
    placeholder = has_placeholder(text)
    return Converted(text, has_issue, has_resolution, placeholder)


def title_has_placeholder(title: str) -> bool:
    """Whether lint would call the title a placeholder (it ignores case there)."""
    return bool(re.search(r"\b(TODO|FIXME|TBD|XXX)\b|lorem ipsum", title, re.I))


def has_placeholder(text: str) -> bool:
    """Whether lint would see placeholder text (same fence rule as kcs.lint)."""
    in_fence = False
    for line in text.split("\n"):
        if _LINT_FENCE.match(line):
            in_fence = not in_fence
        elif not in_fence and _PLACEHOLDER.search(line):
            return True
    return False


def _normalise_fences(lines: list[str]) -> list[str]:
    """Close each fenced block with the indentation it was opened with.

    Sources open a fence indented four spaces and close it with three; readers
    that count indentation then disagree about where the code ends.
    """
    out: list[str] = []
    fence: tuple[str, str] | None = None  # (indent, marker)
    for line in lines:
        if fence is None and "```" in line:
            # CommonMark reads ```x``` as inline code; say it so that no reader
            # mistakes it for the start of a fenced block
            line = _ONE_LINE_CODE.sub(r"\1`\2`", line)
        stripped = line.strip()
        if fence is None:
            match = _FENCE.match(line)
            if match:
                fence = (line[: len(line) - len(line.lstrip())], match.group(1))
        elif stripped.startswith(fence[1]) and not stripped.lstrip(fence[1][0]).strip():
            line = fence[0] + stripped
            fence = None
        out.append(line)
    return out


# ------------------------------------------------------------------ includes


def resolve(base: str, target: str) -> str | None:
    """``target`` relative to the folder of source path ``base``; None if it leaves the root."""
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(base), target))
    if joined.startswith("../") or joined == ".." or joined.startswith("/"):
        return None
    return joined


def expand_includes(
    body: str, base: str, ctx: Context, *, depth: int, base_file: Path | None = None
) -> str:
    """Replace each ``[!INCLUDE [..](path)]`` by the file's text (recursively).

    Included files must lie inside the source folder or one of the mapping's
    ``include_dirs``: a hostile source cannot pull in other files of the machine.
    """
    if "[!INCLUDE" not in body.upper():
        return body
    here = (base_file or (ctx.source_root / base)).parent
    allowed = [ctx.source_root.resolve(), *(Path(d).resolve() for d in ctx.mapping.include_dirs)]

    def replace(match: re.Match[str]) -> str:
        target = unquote(match.group(2))
        file = (here / target).resolve()
        if depth > 3:
            ctx.warn("missing-include", f"include '{target}' nested too deep; left out")
            return f"<!-- include {target} left out: nested too deep -->"
        if not any(file == root or root in file.parents for root in allowed):
            ctx.warn(
                "missing-include",
                f"include '{target}' lies outside the source folder "
                "(add its folder to include_dirs in the mapping); left as a comment",
            )
            return f"<!-- include {target} not imported: outside the source -->"
        if not file.is_file():
            ctx.warn("missing-include", f"include '{target}' not found; left as a comment")
            return f"<!-- include {target} not found at import -->"
        try:
            text = file.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
        except (OSError, UnicodeDecodeError) as exc:
            ctx.warn("missing-include", f"include '{target}' unreadable ({exc}); left out")
            return f"<!-- include {target} unreadable at import -->"
        _front, inner, _line = split_front_matter(text)
        return expand_includes(inner.strip("\n"), base, ctx, depth=depth + 1, base_file=file)

    return _INCLUDE.sub(replace, body)


# ------------------------------------------------------------------- blocks


def _code_flags(lines: list[str]) -> list[tuple[str, bool]]:
    """Each line with whether it lies inside (or delimits) a fenced code block."""
    out: list[tuple[str, bool]] = []
    fence: str | None = None
    for line in lines:
        match = _FENCE.match(line)
        if fence is None and match:
            fence = match.group(1)
            out.append((line, True))
        elif fence is not None:
            out.append((line, True))
            if line.strip().startswith(fence) and not line.strip()[len(fence) :].strip():
                fence = None
        else:
            out.append((line, False))
    return out


def _blocks(lines: list[str], ctx: Context, *, drop_title: bool = True) -> list[str]:
    """Alerts → admonitions, [!div] markers out, the title heading out, anchors out."""
    out: list[str] = []
    flagged = _code_flags(lines)
    index = 0
    seen_text = not drop_title
    while index < len(flagged):
        line, code = flagged[index]
        index += 1
        if code:
            out.append(line)
            seen_text = True
            continue
        heading = _HEADING.match(line)
        if heading:
            title = _ANCHOR.sub("", heading.group(2)).strip()
            if len(heading.group(1)) == 1 and not seen_text:
                seen_text = True
                continue  # the title heading: the title lives in the front matter
            out.append(f"{heading.group(1)} {title}")
            seen_text = True
            continue
        if _DIV.match(line):
            continue
        alert = _ALERT.match(line)
        if alert:
            indent, kind, rest = alert.group(1), alert.group(2).lower(), alert.group(3)
            content: list[str] = [rest] if rest.strip() else []
            while index < len(flagged) and not flagged[index][1]:
                nxt = flagged[index][0]
                stripped = nxt[len(indent) :] if nxt.startswith(indent) else nxt.lstrip()
                if not stripped.startswith(">"):
                    break
                content.append(re.sub(r"^>\s?", "", stripped))
                index += 1
            name, titles = ADMONITIONS[kind]
            label = titles.get(ctx.lang) or titles.get("en")
            if out and out[-1].strip():
                out.append("")
            out.append(f'{indent}!!! {name} "{label}"' if label else f"{indent}!!! {name}")
            inner = _blocks(content, ctx, drop_title=False)
            out.extend(f"{indent}    {c}" if c.strip() else "" for c in inner)
            out.append("")
            seen_text = True
            continue
        if line.strip():
            seen_text = True
        out.append(_ANCHOR.sub("", line) if "<a" in line else line)
    return out


# ------------------------------------------------------------------ inline


#: A raw <img> without alt text; a tag ends at the next ``<`` too (an unclosed ``<img`` is
#: not read on to the end of the line from every later one).
_IMG_TAG = re.compile(r"<img\b(?![^<>]*\balt=\"[^\"]+\")", re.I)
#: An empty alt attribute, with the blanks before it; tried only at the start of a run of
#: blanks, so that a long run in an unclosed tag is not read once per blank.
_EMPTY_ALT = re.compile(r"(<img\b[^<>]*?)(?<!\s)\s+alt=(\"\"|'[^']*')", re.I)
_IMAGE_WORD = {"en": "Image", "sv": "Bild", "fi": "Kuva", "nl": "Afbeelding"}


def _inline(line: str, ctx: Context) -> str:
    if "<img" in line.lower() and _IMG_TAG.search(line):
        # a raw <img> without alt text: say at least that it is an image
        word = _IMAGE_WORD.get(ctx.lang, "Image")
        line = _EMPTY_ALT.sub(r"\1", line)
        line = _IMG_TAG.sub(f'<img alt="{word}"', line)
        ctx.warn("image-alt", "<img> without alt text; alt text added, describe the image")
    if ":::" in line:
        line = _TRIPLE.sub(lambda m: _triple(m, ctx), line)
    if "[!VIDEO" in line.upper():
        line = _VIDEO.sub(lambda m: f"[Video]({m.group(1)})", line)
    if "](" in line:
        # links inside code spans stay as they are
        spans = [(m.start(), m.end()) for m in _CODE_SPAN.finditer(line)]
        line = _LINK.sub(
            lambda m: m.group(0) if any(s <= m.start() < e for s, e in spans) else _link(m, ctx),
            line,
        )
    if "<" in line and _HTML_TAG.search(line):
        line = _HTML_TAG.sub(lambda m: _html_tag(m, ctx), line)
    ref = _REFDEF.match(line)
    if ref:
        new = _rewrite_target(ref.group(2), ctx, image=False, text="")
        if new is not None:
            line = ref.group(1) + new + ref.group(3)
    return line


#: A raw <a> or <img> tag with a URL. The tag ends at the next ``<`` as well as at ``>``,
#: and the attribute is looked for once (a lookahead): a line of thousands of unclosed
#: ``<a `` is read once.
_HTML_TAG = re.compile(r"<(img|a)\b(?=[^<>]*?\s(?:src|href)\s*=)[^<>]*>", re.I)
_HTML_URL = re.compile(r"""(\s(?:src|href)\s*=\s*)("[^"]*"|'[^']*')""", re.I)
_HTML_ALT = re.compile(r"""\salt\s*=\s*("[^"]*"|'[^']*')""", re.I)


def _html_tag(match: re.Match[str], ctx: Context) -> str:
    """Raw HTML links and images get the same target rewriting as Markdown ones: an image
    whose file is not in the source becomes its alt text, a link to nothing loses its
    target."""
    tag = match.group(0)
    image = match.group(1).lower() == "img"
    url = _HTML_URL.search(tag)
    if url is None:
        return tag
    target = html.unescape(url.group(2)[1:-1])
    alt = _HTML_ALT.search(tag)
    text = html.unescape(alt.group(1)[1:-1]) if alt else ""
    new = _rewrite_target(target, ctx, image=image, text=text)
    if new == target:
        return tag
    if new is None:
        if image:
            return f"*{_escape_alt(text or _alt_from(target))}*"
        return tag[: url.start()] + tag[url.end() :]
    quoted = '"' + html.escape(new, quote=True) + '"'
    return tag[: url.start()] + url.group(1) + quoted + tag[url.end() :]


def _triple(match: re.Match[str], ctx: Context) -> str:
    attrs = dict(_ATTR.findall(match.group(2)))
    if match.group(1) == "no-loc":
        return attrs.get("text", "")
    source = attrs.get("source", "")
    alt = attrs.get("alt-text") or _alt_from(source)
    return f"![{_escape_alt(alt)}]({source})" if source else alt


def _alt_from(source: str) -> str:
    stem = PurePosixPath(urlsplit(source).path).stem
    words = re.sub(r"[-_]+", " ", stem).strip()
    return f"Image: {words}" if words else "Image"


def _escape_alt(text: str) -> str:
    return text.replace("[", "(").replace("]", ")").replace("\n", " ").strip()


def _link(match: re.Match[str], ctx: Context) -> str:
    bang, text, target, title = match.group(1), match.group(2), match.group(3), match.group(4)
    if target.startswith("<") and target.endswith(">"):
        target = target[1:-1]
    image = bang == "!"
    if "](" in text:  # an image inside a link: [![icon](media/x.png)](https://...)
        text = _LINK.sub(lambda m: _link(m, ctx), text)
    if image and not text.strip():
        text = _alt_from(target)
    new = _rewrite_target(target, ctx, image=image, text=text)
    if new is None:
        return f"*{_escape_alt(text)}*" if image else text
    return f"{bang}[{text}]({new}{title or ''})"


def _rewrite_target(target: str, ctx: Context, *, image: bool, text: str) -> str | None:
    """The new target, or None to drop the link and keep its text."""
    parts = urlsplit(target)
    scheme = parts.scheme.lower()
    if scheme in ("javascript", "vbscript", "data") and not (scheme == "data" and image):
        ctx.warn("unsafe-link", f"removed a {scheme}: link")
        return None
    if scheme or parts.netloc or target.startswith("#"):
        return target
    if target.startswith("/"):
        return ctx.mapping.link_base + target if ctx.mapping.link_base else target
    path = unquote(parts.path)
    rel = resolve(ctx.source_path, path)
    suffix = f"#{parts.fragment}" if parts.fragment else ""
    if rel is None:
        ctx.warn("broken-link", f"link '{target}' leads outside the imported folder; kept as text")
        return None
    article = ctx.targets.get(rel) or ctx.targets.get(rel + ".md")
    if article is not None:
        here = posixpath.dirname(ctx.target_path)
        return posixpath.relpath(article, here) + suffix
    file = ctx.source_root / rel
    if file.is_file() and not rel.lower().endswith((".md", ".markdown", ".html", ".htm")):
        name = re.sub(r"[^A-Za-z0-9._-]+", "-", PurePosixPath(rel).name)
        dest = posixpath.join(posixpath.dirname(ctx.target_path), "_media", ctx.article_id, name)
        if (file, dest) not in ctx.assets:
            ctx.assets.append((file, dest))
        return posixpath.relpath(dest, posixpath.dirname(ctx.target_path)) + suffix
    if image or rel.lower().endswith(_IMAGE_SUFFIXES):
        ctx.warn(
            "missing-image", f"image '{target}' is not in the source; replaced by its alt text"
        )
    else:
        ctx.warn(
            "broken-link", f"link '{target}' points to no imported article or file; kept as text"
        )
    return None


# ------------------------------------------------------------------ sections


def _sections(lines: list[str], ctx: Context) -> tuple[list[str], bool, bool]:
    """Rename the KCS headings into the article's language; add an Issue heading."""
    names = SECTION_HEADINGS.get(ctx.lang, SECTION_HEADINGS["en"])
    table = {**HEADINGS, **ctx.mapping.headings}
    found: dict[str, int] = {}
    flags = _code_flags(lines)
    for number, (line, code) in enumerate(flags):
        if code:
            continue
        heading = _HEADING.match(line)
        if heading and len(heading.group(1)) == 2:
            key = table.get(heading.group(2).strip().rstrip(":").strip().lower())
            if key and key not in found:
                found[key] = number
    if "workaround" in found and "resolution" not in found:
        found["resolution"] = found.pop("workaround")
    found.pop("workaround", None)
    out = list(lines)
    anchors: dict[str, str] = {}
    for key, number in found.items():
        old = _HEADING.match(out[number])
        if old:
            anchors[_anchor(old.group(2))] = _anchor(names[key])
        out[number] = f"## {names[key]}"
    if anchors:  # in-page links to a renamed heading follow the new name
        pattern = re.compile(r"\]\(#(" + "|".join(map(re.escape, anchors)) + r")\)")
        out = [
            pattern.sub(lambda m: f"](#{anchors[m.group(1)]})", line) if "](#" in line else line
            for line in out
        ]
    if "resolution" not in found:
        group = _resolution_group(out)
        if group is not None:  # "## Workaround 1", "## Method 2": one Resolution over them
            start, end = group
            for number, (line, code) in enumerate(_code_flags(out[start:end]), start):
                if not code and _HEADING.match(line) and not line.startswith("######"):
                    out[number] = "#" + line
            out[start:start] = [f"## {names['resolution']}", ""]
            found = {k: (v + 2 if v >= start else v) for k, v in found.items()}
            found["resolution"] = start
    has_resolution = "resolution" in found and _section_text(out, found["resolution"])
    has_issue = "issue" in found and _section_text(out, found["issue"])
    if has_resolution and not has_issue:
        first = next(
            (
                n
                for n, (line, code) in enumerate(_code_flags(out))
                if not code and re.match(r"^##\s", line)
            ),
            len(out),
        )
        preamble = "\n".join(out[:first]).strip()
        if "issue" in found:  # an empty Issue section: fill it from the summary
            number = found["issue"]
            out[number + 1 : number + 1] = ["", ctx.summary or "", ""]
        elif preamble:
            out[0:0] = [f"## {names['issue']}", ""]
        else:
            out[0:0] = [f"## {names['issue']}", "", ctx.summary, ""]
        has_issue = bool(preamble or ctx.summary)
    return out, bool(has_issue), bool(has_resolution)


#: Headings that hold a resolution without being called one (numbered variants, questions).
_RESOLUTION_LIKE = re.compile(
    r"^(resolution|solution|workaround|method|option|fix)\b|how (do i|to|can i) (fix|resolve)"
    r"|^(procedure|troubleshooting steps|steps to (fix|resolve)\b.*)$",
    re.I,
)


def _resolution_group(lines: list[str]) -> tuple[int, int] | None:
    """(first, end) line of the run of resolution-like level-2 sections, if any."""
    start: int | None = None
    for number, (line, code) in enumerate(_code_flags(lines)):
        heading = None if code else _HEADING.match(line)
        if not heading or len(heading.group(1)) != 2:
            continue
        like = bool(_RESOLUTION_LIKE.search(heading.group(2).strip()))
        if start is None and like:
            start = number
        elif start is not None and not like:
            return start, number
    return (start, len(lines)) if start is not None else None


def _anchor(heading: str) -> str:
    from markdown.extensions.toc import slugify

    return str(slugify(heading.strip(), "-"))


def _section_text(lines: list[str], start: int) -> bool:
    for line in lines[start + 1 :]:
        if re.match(r"^##\s", line):
            return False
        if line.strip():
            return True
    return False
