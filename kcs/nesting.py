"""Nested Markdown lists as writers mean them and as the site renders them.

Writers nest a list item by indenting it under the one above, often by 2 or 3 spaces (the
width of ``- `` or ``1. ``, as GitHub accepts). Python-Markdown, which renders the site, nests
only at 4 spaces: an item indented 1-3 spaces under its parent becomes the parent's sibling
and the page shows a flat list. :func:`flat_items` finds those items; :func:`reindent` moves
them, the items under them and their text 4 spaces under their parent.

The scan follows the blocks Python-Markdown sees: a list starts at a marker indented 0-3
spaces at the start, after a blank line or after a heading (not inside a paragraph), and
ends at a heading, a rule, or a line indented under 4 spaces after a blank line. Fenced code
(``` and ~~~, at any indent), indented code and raw HTML blocks are never read as lists.
An item's intended parent is the nearest item above it in the same list with less
indentation; Python-Markdown puts an item at level ``indent // 4`` of its list, so the
item renders nested exactly when that level is one more than its parent's.

Writers also indent the blocks that continue an item after a blank line (a second paragraph,
an image, fenced code, a note) by the width of its marker, 1-3 spaces: Python-Markdown ends
the list there, shows the block after it and starts the next items as a new list (a numbered
one at 1 again). :func:`stray_blocks` finds those blocks and :func:`reindent` moves them,
with all their lines and the blocks after them up to the next item, 4 spaces under the item
(where the site renders a block: at least 4 spaces, as for nested items). A block counts as
the item's when

* it follows a blank line inside a list and its first line is indented 1-3 spaces, more than
  the item's marker, and is not a list item, a heading, a rule or a raw HTML block (the
  item is the open one whose text starts at the block's column, else the innermost open
  one indented less); and
* the list goes on after it: past this block and any further indented blocks, a list item
  (after a blank line or a fenced block) comes before a block indented 0 spaces, a heading,
  a rule, raw HTML or the end of the text; or the block is indented exactly to the item's
  text (``1. a`` then ``   more``; ``- a`` then ``  more``), as writers line up what
  belongs to an item even after its last one.

A block after the list's last item indented otherwise, or not indented at all, stays after
the list, as written.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

TAB = 4  # Python-Markdown's tab_length: the indentation of one nesting level

_ITEM = re.compile(r"( *)(?:\d+\.|[*+-]) +")
_RULE = re.compile(r" {0,3}([-*_])(?: *\1){2,} *$")
_HEADING = re.compile(r" {0,3}#{1,6}(?: |$)")
_FENCE = re.compile(r"( *)(`{3,}|~{3,})")
_HTML = re.compile(r" {0,3}<(!--|/?([A-Za-z][A-Za-z0-9-]*))")
#: a line whose indentation (tabs to the next 4 columns) is off the 4-space grid: a flat
#: item sits 1-3 columns past its parent's level and a stray block 1-3 columns in, so a text
#: without such a line has neither and is not scanned
_OFF_GRID = re.compile(r"^(?:[ \t]*\t)?(?:    )* {1,3}\S", re.M)


@dataclass(frozen=True)
class Item:
    """A list item: its 0-based line, the columns of its marker and its text, and the item
    it is indented under (its intended parent)."""

    line: int
    indent: int
    content: int
    parent: Item | None

    @property
    def flat(self) -> bool:
        """Meant to be nested under its parent, but rendered as the parent's sibling."""
        return self.parent is not None and self.indent // TAB == self.parent.indent // TAB


@dataclass(frozen=True)
class Block:
    """A block meant to continue ``item`` that the site shows after the list: its first
    0-based line and its indentation."""

    line: int
    indent: int
    item: Item


class _Line(NamedTuple):
    item: Item | None  # the item the line starts
    owner: Item | None  # else the open item whose content the line is
    code: bool  # a line of fenced code after the fence's first line
    stray: Block | None = None  # a line of the owner's that renders outside its list


def misplaced(text: str) -> tuple[list[Item], list[Block]]:
    """The list items of ``text`` that are meant to be nested but render flat, and the
    blocks meant to continue a list item that end the list instead (each by its first
    line), in one pass over the text."""
    return _misplaced(text) if _OFF_GRID.search(text) else ([], [])


def _misplaced(text: str) -> tuple[list[Item], list[Block]]:
    items: list[Item] = []
    blocks: dict[int, Block] = {}
    for scanned in _scan(text.split("\n")):
        if scanned.item is not None and scanned.item.flat:
            items.append(scanned.item)
        if scanned.stray is not None and scanned.stray.indent < TAB:
            blocks.setdefault(scanned.stray.line, scanned.stray)
    return items, list(blocks.values())


def flat_items(text: str) -> list[Item]:
    """The list items of ``text`` that are meant to be nested but render flat."""
    return misplaced(text)[0]


def stray_blocks(text: str) -> list[Block]:
    """The blocks of ``text`` meant to continue a list item that end the list instead."""
    return misplaced(text)[1]


def reindent(text: str) -> str:
    """``text`` with each list item that renders flat, and the items under it, 4 spaces
    deeper than its parent, and the lines that belong to a moved item with it: the site
    then renders the lists as they are indented. Everything else stays as it is."""
    if not _OFF_GRID.search(text):
        return text
    lines = text.split("\n")
    new: dict[int, int] = {}  # id(item) → its indentation after the fix
    out: list[str] = []
    shift = 0
    for scanned, line in zip(_scan(lines), lines, strict=True):
        indent = _indent(line)
        item, owner = scanned.item, scanned.owner
        if item is not None:
            parent = item.parent
            if parent is not None and (item.flat or new[id(parent)] != parent.indent):
                new[id(item)] = new[id(parent)] + TAB
            else:
                new[id(item)] = item.indent
            shift = new[id(item)] - item.indent
        elif scanned.code:
            pass  # fenced code moves as a whole, with its opening line
        elif owner is not None and (scanned.stray or new[id(owner)] != owner.indent):
            # the item's text starts 4 spaces in from its marker after the fix
            shift = new[id(owner)] + TAB + max(0, indent - owner.content) - indent
        else:
            shift = 0
        if shift and line.strip():
            line = " " * max(0, indent + shift) + line.lstrip(" \t")
        out.append(line)
    return "\n".join(out)


def _scan(lines: list[str]) -> Iterator[_Line]:
    stack: list[Item] = []  # the open items of the current list, innermost last
    after_blank = can_start = True
    paragraph = False  # a block of the list that starts with text: markers in it are text
    run: Item | None = None  # the item whose blocks up to line run_end render outside it
    run_end = 0
    block: Block | None = None  # the block being read, when it is one of those
    unclosed: set[str] = set()  # raw HTML closing tags no later line has
    index = 0
    while index < len(lines):
        line = lines[index].expandtabs(TAB)
        indent = _lead(line)
        if not line.strip():
            after_blank = can_start = True
            paragraph = False
            yield _Line(None, _owner(stack, None), False)
            index += 1
            continue
        marker = _ITEM.match(line)
        if marker and _RULE.match(line):
            marker = None
        if index >= run_end or not stack:
            run = None
        if stack and after_blank and indent < TAB and not marker and run is None:
            run, run_end = _stray_run(lines, index, indent, stack)
            if run is None:
                stack = []  # a paragraph, fence or HTML out of the list: the list is over
            else:
                del stack[stack.index(run) + 1 :]
        elif stack and after_blank and not marker:
            # a block of an outer item closes the items nested in it before the block
            del stack[_owner_index(stack, indent) + 1 :]
        if after_blank:
            block = Block(index, indent, run) if run is not None else None
        stray = block if block is not None and _owner(stack, indent) is block.item else None
        fence = _FENCE.match(line)
        if fence:
            end = _fence_end(lines, index, fence.group(2))
            yield _Line(None, _owner(stack, indent), False, stray)
            for _ in range(index + 1, end):
                yield _Line(None, None, True)
            index, after_blank, can_start = end, False, False
            continue
        if not stack:
            skip = _code_or_html_end(lines, index, indent, after_blank, unclosed)
            if skip > index:
                for _ in range(index, skip):
                    yield _Line(None, None, False)
                index, after_blank, can_start = skip, False, False
                continue
        if marker and ((stack and not paragraph) or (can_start and indent < TAB)):
            while stack and stack[-1].indent >= indent:
                stack.pop()
            parent = stack[-1] if stack else None
            # deeper than one level below the parent: text (or code) of the parent item
            if parent is None or indent // TAB <= parent.indent // TAB + 1:
                item = Item(index, indent, marker.end(), parent)
                stack.append(item)
                block = run = None
                yield _Line(item, None, False)
                index, after_blank = index + 1, False
                continue
        if _HEADING.match(line) or (_RULE.match(line) and indent < TAB):
            stack, run = [], None
            yield _Line(None, None, False)
            index, after_blank, can_start = index + 1, False, True
            continue
        paragraph = paragraph or after_blank
        yield _Line(None, _owner(stack, indent), False, stray)
        index, after_blank, can_start = index + 1, False, False


def _stray_run(
    lines: list[str], start: int, indent: int, stack: list[Item]
) -> tuple[Item | None, int]:
    """For a block indented 1-3 spaces after a blank line in a list: the item it is meant to
    continue and the line where that item's blocks end (its next item or the list's end), or
    None when the block is not the item's and ends the list."""
    # the item whose text the block lines up with, else the innermost one indented less
    # (the same choice after reindent() moved the items under it: none lines up then either)
    under = stack[: bisect_left(stack, indent, key=_item_indent)][::-1]
    owner = next((item for item in under if item.content == indent), under[0] if under else None)
    line = lines[start]
    if owner is None or _HEADING.match(line) or _RULE.match(line) or _html_block(line):
        return None, start
    end, goes_on = _run_end(lines, start)
    if goes_on or indent == owner.content:
        return owner, end
    return None, start


def _run_end(lines: list[str], start: int) -> tuple[int, bool]:
    """The line after the indented blocks that start at ``start``, and whether a list item
    follows them (rather than a block indented 0 spaces, a heading, a rule, raw HTML or the
    end of the text)."""
    index, after_blank, after_fence = start, False, False
    while index < len(lines):
        line = lines[index].expandtabs(TAB)
        if not line.strip():
            index, after_blank = index + 1, True
            continue
        if _HEADING.match(line):
            return index, False
        if (after_blank or after_fence) and _ITEM.match(line) and not _RULE.match(line):
            return index, True  # the next item, or one nested in the item
        if after_blank and (not _lead(line) or _RULE.match(line) or _html_block(line)):
            return index, False
        fence = _FENCE.match(line)
        index = _fence_end(lines, index, fence.group(2)) if fence else index + 1
        after_blank, after_fence = False, bool(fence)
    return index, False


def _html_block(line: str) -> bool:
    html = _HTML.match(line)
    if html is None:
        return False
    return html.group(1) == "!--" or (html.group(2) or "").lower() in _block_tags()


def _indent(line: str) -> int:
    """The columns ``line`` is indented by, tabs to the next multiple of 4."""
    return _lead(line.expandtabs(TAB))


def _lead(expanded: str) -> int:
    """The spaces a line whose tabs are already expanded starts with."""
    return len(expanded) - len(expanded.lstrip(" "))


def _owner(stack: list[Item], indent: int | None) -> Item | None:
    """The open item a line indented ``indent`` belongs to (None: the innermost)."""
    index = _owner_index(stack, indent)
    return stack[index] if index >= 0 else None


def _owner_index(stack: list[Item], indent: int | None) -> int:
    """Where in ``stack`` the item a line indented ``indent`` belongs to is: the innermost
    item indented less, else the innermost (-1: none is open). The open items' indents
    rise from the outermost in, so a hostile article's thousand levels cost a bisection
    per line, not a walk."""
    if indent is not None:
        below = bisect_left(stack, indent, key=_item_indent)
        if below:
            return below - 1
    return len(stack) - 1


def _item_indent(item: Item) -> int:
    return item.indent


def _fence_end(lines: list[str], start: int, opening: str) -> int:
    """The index after the line that closes the fence opened at ``start`` (or the end)."""
    for index in range(start + 1, len(lines)):
        stripped = lines[index].strip()
        if stripped.startswith(opening) and not stripped.strip(opening[0]):
            return index + 1
    return len(lines)


def _code_or_html_end(
    lines: list[str], start: int, indent: int, after_blank: bool, unclosed: set[str]
) -> int:
    """The index after the indented code or raw HTML block that starts at ``start``, or
    ``start`` when none starts there. ``unclosed`` holds the closing tags known to be on
    no line from ``start`` on; a tag searched for and not found is added, so that a text
    of many unclosed blocks is searched through once per tag, not once per block."""
    end = start
    if indent >= TAB and after_blank:
        while end < len(lines) and (not lines[end].strip() or _indent(lines[end]) >= TAB):
            end += 1
        return end
    html = _HTML.match(lines[start])
    if not html or not after_blank:
        return start
    name = (html.group(2) or "").lower()
    if html.group(1) == "!--":
        closing = "-->"
    elif name in _block_tags() and not re.search(r"\bmarkdown\s*=", lines[start]):
        closing = f"</{name}"
    else:
        return start  # inline HTML, or a block whose content is Markdown (md_in_html)
    if closing not in unclosed:
        for index in range(start, len(lines)):
            if closing in lines[index].lower():
                return index + 1
        unclosed.add(closing)
    # no closing tag (<hr>, <br>…): the block ends at a blank line
    while end < len(lines) and lines[end].strip():
        end += 1
    return end


@functools.cache
def _block_tags() -> frozenset[str]:
    """The tags that start a raw HTML block for Python-Markdown (imported only when a line
    looks like HTML: commands that never render keep their start-up light)."""
    from markdown.util import BLOCK_LEVEL_ELEMENTS

    return frozenset(BLOCK_LEVEL_ELEMENTS)
