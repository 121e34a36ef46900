"""Nested lists indented too little (kcs/nesting.py), judged against the site's own renderer:
Python-Markdown with the extensions of the repository's mkdocs.yml."""

from __future__ import annotations

import functools
import re
from html.parser import HTMLParser
from typing import Any, NamedTuple

import pytest
from gitrepo import REPO_ROOT
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kcs import nesting, render
from kcs.nesting import flat_items, reindent, stray_blocks


@functools.cache
def _site_markdown() -> Any:
    import markdown

    setup = render.setup_for(REPO_ROOT)
    return markdown.Markdown(
        extensions=list(setup.extensions), extension_configs=dict(setup.configs)
    )


class _Parents(HTMLParser):
    """Each list item's first word → the first word of the item it is rendered inside, and
    the list it is in; each block label (``c`` and digits, in text, code or an image's alt
    text) → the item it is rendered inside."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str | None] = []  # one entry per open <li>: its label once seen
        self.parents: dict[str, str | None] = {}
        self.lists: list[int] = []  # the open <ol> and <ul>, numbered in order of start
        self.list_of: dict[str, int] = {}
        self.blocks: dict[str, str | None] = {}
        self.count = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "li":
            self.open.append(None)
        elif tag in ("ol", "ul"):
            self.count += 1
            self.lists.append(self.count)
        elif tag == "img":
            self._blocks(dict(attrs).get("alt") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "li":
            self.open.pop()
        elif tag in ("ol", "ul"):
            self.lists.pop()

    def handle_data(self, data: str) -> None:
        if self.open and self.open[-1] is None and data.split():
            self.open[-1] = label = data.split()[0]
            self.parents[label] = next((p for p in reversed(self.open[:-1]) if p), None)
            self.list_of[label] = self.lists[-1]
        self._blocks(data)

    def _blocks(self, data: str) -> None:
        for word in re.findall(r"\bc\d+\b", data):
            self.blocks[word] = next((p for p in reversed(self.open) if p), None)


def _rendered(text: str) -> _Parents:
    md = _site_markdown()
    md.reset()
    parser = _Parents()
    parser.feed(md.convert(text))
    return parser


def rendered_parents(text: str) -> dict[str, str | None]:
    return _rendered(text).parents


def _one_list_per_parent(
    parsed: _Parents, meant: dict[str, str | None], blocks: dict[str, str | None]
) -> bool:
    """Whether the items meant to be beside each other are in one list (a numbered list
    goes on counting rather than starting at 1 again), but for the items a block of their
    parent stands between."""
    lists: dict[str | None, set[int]] = {}
    for label, parent in meant.items():
        if label in parsed.list_of and parent not in blocks.values():
            lists.setdefault(parent, set()).add(parsed.list_of[label])
    return all(len(ids) == 1 for ids in lists.values())


CASES = {
    # text, labels of the items meant to be nested under the item before them
    "two spaces under a bullet": ("- a\n  - b\n  - c\n- d\n", {"b": "a", "c": "a"}),
    "three spaces under a step": ("1. a\n   - b\n2. c\n   1. d\n", {"b": "a", "d": "c"}),
    "one space": ("- a\n - b\n", {"b": "a"}),
    "second level of a 4-space list": ("- a\n    - b\n      - c\n", {"b": "a", "c": "b"}),
    "after a blank line": ("- a\n\n  - b\n", {"b": "a"}),
    "back under the first item": ("- a\n    - b\n\n  - c\n", {"b": "a", "c": "a"}),
    "tab": ("- a\n\t- b\n  - c\n", {"b": "a", "c": "a"}),
}
CLEAN = {
    "four spaces": "- a\n    - b\n        - c\n1. d\n    - e\n",
    "ten. needs four anyway": "10. a\n    - b\n",
    "fenced code": "```\n- a\n  - b\n```\n\n~~~~\n1. a\n   - b\n~~~~\n",
    "fenced code in an item": "- a\n\n    ```\n    - x\n      - y\n    ```\n",
    "indented code": "Text.\n\n    - a\n      - b\n",
    "html block": '<div class="x">\n\n- a\n  - b\n\n</div>\n',
    "html comment": "<!--\n- a\n  - b\n-->\n",
    "list inside a paragraph": "Text\n- a\n  - b\n",
    "list ended by a paragraph": "- a\n\nText.\n  - b\n",
    "rule, not an item": "- a\n  - - -\n",
    "siblings": "- a\n- b\n    * c\n* d\n",
}


@pytest.mark.parametrize("name", CASES)
def test_finds_what_renders_flat(name: str) -> None:
    text, meant = CASES[name]
    lines = text.expandtabs(4).split("\n")
    found = {lines[item.line].split()[1]: item for item in flat_items(text)}
    parents = rendered_parents(text)
    flat = {label for label, parent in meant.items() if parents[label] != parent}
    assert set(found) == flat
    assert flat  # each case holds at least one item the site shows flat
    fixed = reindent(text)
    assert rendered_parents(fixed) == {**parents, **meant}
    assert flat_items(fixed) == []


@pytest.mark.parametrize("name", CLEAN)
def test_leaves_alone_what_is_no_list_or_nests(name: str) -> None:
    assert flat_items(CLEAN[name]) == []
    assert reindent(CLEAN[name]) == CLEAN[name]


def test_the_finding_names_the_parent_line() -> None:
    [item] = flat_items("Steps:\n\n1. a\n   - b\n")
    assert (item.line, item.indent) == (3, 3)
    assert item.parent is not None and (item.parent.line, item.parent.indent) == (2, 0)


def test_text_and_code_of_a_moved_item_move_with_it() -> None:
    text = "1. a\n   - b\n\n     More about b.\n\n     ```\n     code\n       indented\n     ```\n"
    fixed = reindent(text)
    assert fixed == (
        "1. a\n    - b\n\n        More about b.\n\n        ```\n        code\n"
        "          indented\n        ```\n"
    )
    html = _site_markdown().reset().convert(fixed)
    assert "<li>\n<p>b</p>\n<p>More about b.</p>" in html
    assert "<code>code\n  indented\n</code>" in html


STRAY = {
    # text, the label of each block (c1, c2) and each item → the item it is meant to be in
    "paragraph under a step": (
        "1. a\n\n   c1 Select File.\n\n2. b\n",
        {"c1": "a", "a": None, "b": None},
    ),
    "image under a step": (
        "1. a\n\n   ![c1](shot.png)\n\n2. b\n",
        {"c1": "a", "a": None, "b": None},
    ),
    "fenced code under a step": (
        "1. a\n\n   ```\n   c1\n     indented\n\n   - not an item\n   ```\n\n2. b\n",
        {"c1": "a", "a": None, "b": None},
    ),
    "note under a step": (
        "1. a\n\n   !!! note\n       c1 Careful.\n\n2. b\n",
        {"c1": "a", "a": None, "b": None},
    ),
    "note with a blank line in it": (
        "1. a\n\n   !!! note\n\n       c1 Careful.\n\n2. b\n",
        {"c1": "a", "a": None, "b": None},
    ),
    "paragraph under a bullet": ("- a\n\n  c1 more\n\n- b\n", {"c1": "a", "a": None, "b": None}),
    "two blocks, one space, then code": (
        "1. a\n\n c1 first\n\n   ```\n   c2\n   ```\n\n2. b\n",
        {"c1": "a", "c2": "a", "a": None, "b": None},
    ),
    "at the item's text after the last item": ("1. a\n\n   c1 Done.\n", {"c1": "a", "a": None}),
    "under a nested list": (
        "1. a\n    - x\n\n   c1 more a\n\n2. b\n",
        {"c1": "a", "a": None, "x": "a", "b": None},
    ),
    "under a flat item": (
        "- a\n - b\n\n   c1 more b\n\n- c\n",
        {"c1": "b", "a": None, "b": "a", "c": None},
    ),
}
NOT_STRAY = {
    "not indented": "1. a\n\nc1 Text.\n\n2. b\n",
    "after the last item, not at its text": "1. a\n\n  c1 Text.\n",
    "indented 4 spaces": "1. a\n\n    c1 Text.\n\n2. b\n",
    "no blank line before it": "1. a\n   c1 Text.\n2. b\n",
    "heading": "1. a\n\n   ## c1\n\n2. b\n",
    "html block": "1. a\n\n   <div>c1</div>\n\n2. b\n",
    "the list ends before the next item": "1. a\n\n  c1 Text.\n\nc2 Then.\n\n2. b\n",
    "indented at the marker": "  - a\n\n  c1 Text.\n\n  - b\n",
}


@pytest.mark.parametrize("name", STRAY)
def test_finds_blocks_that_end_the_list(name: str) -> None:
    text, meant = STRAY[name]
    blocks = {label: item for label, item in meant.items() if re.fullmatch(r"c\d+", label)}
    lines = text.split("\n")
    before = _rendered(text)
    found = {re.findall(r"c\d+", "\n".join(lines[b.line :]))[0] for b in stray_blocks(text)}
    assert found == {label for label in blocks if before.blocks[label] != blocks[label]}
    assert found  # each case holds a block the site shows outside its item
    fixed = reindent(text)
    after = _rendered(fixed)
    assert {**after.blocks, **after.parents} == meant
    assert _one_list_per_parent(after, meant, blocks)
    assert stray_blocks(fixed) == [] and flat_items(fixed) == []


@pytest.mark.parametrize("name", NOT_STRAY)
def test_leaves_alone_blocks_not_meant_for_the_item(name: str) -> None:
    text = NOT_STRAY[name]
    assert stray_blocks(text) == []
    assert reindent(text) == text


def test_the_finding_names_the_block_and_its_item() -> None:
    [block] = stray_blocks("Steps:\n\n1. a\n    - b\n\n   More.\n\n2. c\n")
    assert (block.line, block.indent, block.item.line) == (5, 3, 2)


MARKERS = ("-", "*", "+", "1.", "10.")
BLOCKS = (  # blocks that continue an item, by label
    lambda label: [f"{label} text"],
    lambda label: [f"![{label}](shot.png)"],
    lambda label: ["```", label, "```"],
    lambda label: ["!!! note", f"    {label}"],
)


class Tree(NamedTuple):
    text: str
    plain: str  # the text without its continuation blocks
    items: dict[str, str | None]  # each item → the item it is meant to be nested in
    blocks: dict[str, str | None]  # each block → the item it is meant to continue, if any


@st.composite
def list_trees(draw: st.DrawFn) -> Tree:
    """A list of random shape, each level indented by 1-7 spaces under its parent (never
    two levels of 4 at once: that is text, not an item), with or without blank lines, and
    some items continued by a block indented 1-3 spaces after a blank line: meant for the
    innermost item indented less when the list goes on after it or it is indented to
    that item's text."""
    count = draw(st.integers(1, 8))
    loose = draw(st.booleans())
    lines: list[str] = []
    plain: list[str] = []
    meant: dict[str, str | None] = {}
    blocks: dict[str, str | None] = {}
    stack: list[tuple[str, int, int]] = []  # (label, indent, text column) of the open items
    child_indent: dict[str | None, int] = {}  # the indent of each item's children
    for n in range(count):
        depth = draw(st.integers(0, len(stack)))
        del stack[depth:]
        parent, parent_indent, _ = stack[-1] if stack else (None, -1, 0)
        if parent not in child_indent:
            if parent is None:
                child_indent[parent] = draw(st.integers(0, 3))
            else:
                top = 4 * (parent_indent // 4 + 2) - 1
                child_indent[parent] = draw(st.integers(parent_indent + 1, top))
        indent, label, marker = child_indent[parent], f"i{n}", draw(st.sampled_from(MARKERS))
        line = " " * indent + f"{marker} {label}"
        lines.append(line)
        plain.append(line)
        if loose:
            lines.append("")
            plain.append("")
        meant[label] = parent
        stack.append((label, indent, indent + len(marker) + 1))
        block = draw(st.one_of(st.none(), st.sampled_from(BLOCKS)))
        at = draw(st.integers(1, 3))
        under = [i for i, entry in enumerate(stack) if entry[1] < at]
        lined_up = [i for i in under if stack[i][2] == at]
        if loose and block is not None and under:
            # (only in loose lists: Python-Markdown reads a nested item after a blank line
            # and the next item after it without one as one block of the nested list)
            owner = (lined_up or under)[-1]
            name = f"c{n}"
            blocks[name] = stack[owner][0] if n < count - 1 or lined_up else None
            del stack[owner + 1 :]
            lines += [" " * at + b for b in block(name)] + [""]
    return Tree("\n".join(lines) + "\n", "\n".join(plain) + "\n", meant, blocks)


@settings(max_examples=400, deadline=None)
@given(list_trees())
def test_finding_fires_exactly_where_the_site_renders_flatter(tree: Tree) -> None:
    text, meant = tree.text, tree.items
    parents = rendered_parents(tree.plain)
    lines = text.split("\n")
    flagged = {lines[item.line].split()[1] for item in flat_items(text)}
    assert flagged == {label for label in meant if parents.get(label) != meant[label]}
    before = _rendered(text).blocks
    stray = {re.findall(r"c\d+", "\n".join(lines[b.line :]))[0] for b in stray_blocks(text)}
    assert stray == {label for label, item in tree.blocks.items() if item is not None}
    assert all(before[label] != tree.blocks[label] for label in stray)
    fixed = reindent(text)
    after = _rendered(fixed)
    assert after.parents == meant
    assert after.blocks == tree.blocks
    assert _one_list_per_parent(after, meant, tree.blocks)
    assert flat_items(fixed) == [] and stray_blocks(fixed) == []


#: lines of Markdown with any indentation of spaces and tabs
_LINES = st.lists(
    st.tuples(
        st.text(" \t", max_size=9),
        st.sampled_from(["- a", "1. b", "* c", "text", "```", "!!! note", "# h", "<div>", ""]),
    ).map("".join),
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(_LINES.map("\n".join), list_trees().map(lambda tree: tree.text)))
@example("- a\n   - b\n")  # 3 columns off the grid
@example("- a\n    - b\n\t - c\n")  # a tab and a space: 5
@example("1. a\n\n   text\n\n2. b\n")
def test_texts_skipped_unscanned_have_nothing_to_find(text: str) -> None:
    """The quick test that spares most articles the scan skips no text the scan faults."""
    assert nesting.misplaced(text) == nesting._misplaced(text)
    if not nesting._OFF_GRID.search(text):
        assert reindent(text) == text


@settings(max_examples=300, deadline=None)
@given(st.one_of(_LINES.map("\n".join), list_trees().map(lambda tree: tree.text)))
def test_reindent_moves_lines_and_changes_nothing_else(text: str) -> None:
    """An import loses nothing: the fix only changes how far lines are indented, and a
    second fix changes nothing more."""
    fixed = reindent(text)
    assert [line.lstrip(" \t") for line in fixed.split("\n")] == [
        line.lstrip(" \t") for line in text.split("\n")
    ]
    assert reindent(fixed) == fixed


class _CountedLines(list[str]):
    """The lines of a text, counting how often the scan reads one."""

    reads = 0

    def __getitem__(self, index: Any) -> Any:
        self.reads += 1
        return super().__getitem__(index)


@pytest.mark.parametrize(
    "text",
    [
        " x\n\n" + "<div>\n\n" * 2000,  # raw HTML blocks never closed
        " x\n\n" + "<!-- a\n\n" * 2000,
        " x\n\n" + "<div>\n\n<p>\n\n<table>\n\n" * 700,
        ("- a\n\n  b\n\n" + "<div>\n\n" * 3) * 700,  # blocks of items, and HTML after them
        ("1. a\n\n   b\n\n   ```\n   c\n   ```\n\n" + "text\n\n") * 700,
        " x\n" + "````\n" + "```\n- a\n\n  b\n" * 2000,  # a fence never closed
    ],
    ids=["html", "comments", "three-tags", "items-and-html", "steps", "open-fence"],
)
def test_a_hostile_text_is_read_in_one_pass(text: str) -> None:
    """An article is scanned by lint, by `kcs import` and on every push: each of its lines
    is read a bounded number of times, however many blocks it opens and never closes (many
    unclosed raw HTML blocks once meant reading to the end of the text for each of them)."""
    lines = _CountedLines(text.split("\n"))
    assert sum(1 for _ in nesting._scan(lines)) == len(lines)
    assert lines.reads <= 8 * len(lines), lines.reads / len(lines)
