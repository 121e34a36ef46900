"""Nested lists indented too little (kcs/nesting.py), judged against the site's own renderer:
Python-Markdown with the extensions of the repository's mkdocs.yml."""

from __future__ import annotations

import functools
from html.parser import HTMLParser
from typing import Any

import pytest
from gitrepo import REPO_ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

from kcs import render
from kcs.nesting import flat_items, reindent


@functools.cache
def _site_markdown() -> Any:
    import markdown

    setup = render.setup_for(REPO_ROOT)
    return markdown.Markdown(
        extensions=list(setup.extensions), extension_configs=dict(setup.configs)
    )


class _Parents(HTMLParser):
    """Each list item's first word → the first word of the item it is rendered inside."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str | None] = []  # one entry per open <li>: its label once seen
        self.parents: dict[str, str | None] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "li":
            self.open.append(None)

    def handle_endtag(self, tag: str) -> None:
        if tag == "li":
            self.open.pop()

    def handle_data(self, data: str) -> None:
        if self.open and self.open[-1] is None and data.split():
            self.open[-1] = label = data.split()[0]
            self.parents[label] = next((p for p in reversed(self.open[:-1]) if p), None)


def rendered_parents(text: str) -> dict[str, str | None]:
    md = _site_markdown()
    md.reset()
    parser = _Parents()
    parser.feed(md.convert(text))
    return parser.parents


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


MARKERS = ("-", "*", "+", "1.", "10.")


@st.composite
def list_trees(draw: st.DrawFn) -> tuple[str, dict[str, str | None]]:
    """A list of random shape, each level indented by 1-7 spaces under its parent (never
    two levels of 4 at once: that is text, not an item), with or without blank lines."""
    count = draw(st.integers(1, 8))
    loose = draw(st.booleans())
    lines: list[str] = []
    meant: dict[str, str | None] = {}
    stack: list[tuple[str, int]] = []  # (label, indent) of the open items
    child_indent: dict[str | None, int] = {}  # the indent of each item's children
    for n in range(count):
        depth = draw(st.integers(0, len(stack)))
        del stack[depth:]
        parent, parent_indent = stack[-1] if stack else (None, -1)
        if parent not in child_indent:
            if parent is None:
                child_indent[parent] = draw(st.integers(0, 3))
            else:
                top = 4 * (parent_indent // 4 + 2) - 1
                child_indent[parent] = draw(st.integers(parent_indent + 1, top))
        indent, label = child_indent[parent], f"i{n}"
        lines.append(" " * indent + f"{draw(st.sampled_from(MARKERS))} {label}")
        if loose:
            lines.append("")
        meant[label] = parent
        stack.append((label, indent))
    return "\n".join(lines) + "\n", meant


@settings(max_examples=300, deadline=None)
@given(list_trees())
def test_finding_fires_exactly_where_the_site_renders_flatter(
    tree: tuple[str, dict[str, str | None]],
) -> None:
    text, meant = tree
    parents = rendered_parents(text)
    lines = text.split("\n")
    flagged = {lines[item.line].split()[1] for item in flat_items(text)}
    assert flagged == {label for label in meant if parents.get(label) != meant[label]}
    fixed = reindent(text)
    assert rendered_parents(fixed) == meant
    assert flat_items(fixed) == []
