"""The package's import graph, read from the source: no cycles, and the library never
imports the command line (kcs.cli) or click.

Every import counts, the ones inside functions too (they are cycles waiting for the
first caller); only imports under ``if TYPE_CHECKING:`` are left out, as they never run.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from gitrepo import REPO_ROOT

PACKAGE = REPO_ROOT / "kcs"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_only(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _type_checking_only(node):
            for other in node.orelse:
                yield from _imports(other)
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        yield from _imports(node)


def imported(path: Path, modules: set[str]) -> set[str]:
    """The names ``path`` imports: modules of the package resolved, others as written."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in _imports(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
            continue
        if node.level:
            base = package.split(".")
            base = base[: len(base) - node.level + 1]
            target = ".".join(base + ([node.module] if node.module else []))
        else:
            target = node.module or ""
        # ``from package import submodule`` imports the submodule
        subs = {f"{target}.{alias.name}" for alias in node.names} & modules
        found.update(subs or {target})
    return found


def graph() -> dict[str, set[str]]:
    files = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}
    modules = set(files)
    return {name: imported(path, modules) for name, path in files.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module, or a self-import
    (Tarjan's algorithm, iterative so that a deep package cannot hit the recursion limit)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start] & edges.keys())))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child] & edges.keys()))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1 or node in edges[node]:
                        found.append(sorted(component))
    return found


def test_the_cycle_finder_finds_a_cycle() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}}
    assert sorted(cycles(edges)) == [["a", "b", "c"], ["e"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_graph_sees_relative_and_function_level_imports() -> None:
    edges = graph()
    # kcs/cli/report_staleness.py: ``from .report_common import ...`` at module level
    assert "kcs.cli.report_common" in edges["kcs.cli.report_staleness"]
    # kcs/reports/__init__.py: ``from .period import inputs_for`` inside build()
    assert "kcs.reports.period" in edges["kcs.reports"]


def by_area(edges: dict[str, set[str]]) -> dict[str, set[str]]:
    """The graph between the package's areas: its subpackages and top-level modules
    (kcs.reports.staleness counts as kcs.reports)."""

    def area(name: str) -> str:
        return ".".join(name.split(".")[:2])

    areas: dict[str, set[str]] = {}
    for name, targets in edges.items():
        areas.setdefault(area(name), set()).update(
            area(t) for t in targets if t.startswith("kcs.") and area(t) != area(name)
        )
    return areas


def test_no_import_cycle_in_the_package() -> None:
    assert cycles(graph()) == []


def test_no_import_cycle_between_the_areas_of_the_package() -> None:
    """Say, kcs.reports reads kcs.usage, so nothing in kcs.usage may import kcs.reports."""
    assert cycles(by_area(graph())) == []


def test_the_usage_data_never_imports_the_reports_on_it() -> None:
    edges = graph()
    wrong = {
        name: sorted(t for t in targets if t == "kcs.reports" or t.startswith("kcs.reports."))
        for name, targets in edges.items()
        if name.startswith("kcs.usage")
    }
    assert {k: v for k, v in wrong.items() if v} == {}


#: Entry points that are command lines themselves: ``python -m kcs``, and the deprecated
#: entry points that hooks and publish jobs installed before kcs/review/ still call.
ENTRY_POINTS = {"kcs.__main__", "kcs.proposals", "kcs.publish_times"}


def test_the_library_never_imports_the_command_line_or_click() -> None:
    wrong = {
        name: sorted(
            t for t in targets if t in ("kcs.cli", "click") or t.startswith(("kcs.cli.", "click."))
        )
        for name, targets in graph().items()
        # ``python -m kcs`` and the deprecated entry points are command lines themselves
        if not (name == "kcs.cli" or name.startswith("kcs.cli.") or name in ENTRY_POINTS)
    }
    assert {k: v for k, v in wrong.items() if v} == {}


def test_kcs_build_uses_the_plugin_through_its_interface_alone() -> None:
    """kcs/build.py calls KcsPlugin.prepare() and .built(), and reads or writes no other
    attribute of the plugin object (its internals may change with MkDocs)."""
    tree = ast.parse((PACKAGE / "build.py").read_text(encoding="utf-8"))
    used = {
        node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "plugin"
    }
    assert used == {"prepare", "built"}
