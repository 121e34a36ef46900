"""Every declared dependency is used: imported by the package, or used in the one
documented way that needs no import. A dependency nobody uses is weight, and
attack surface, for every installation."""

from __future__ import annotations

import ast
import functools
import importlib.metadata as metadata
import re
import tomllib

from gitrepo import REPO_ROOT

#: distribution → (how it is used without being imported, a check that it really is)
NOT_IMPORTED = {
    # the theme of every site, named in the MkDocs configuration; kcs/theme extends it
    "mkdocs-material": lambda: (
        '"theme": {"name": "material"}' in (REPO_ROOT / "kcs/build.py").read_text(encoding="utf-8")
    ),
    # snowballstemmer runs PyStemmer's C stemmers instead of its own when installed
    "pystemmer": lambda: (
        type(__import__("snowballstemmer").stemmer("english")).__module__ == "Stemmer"
    ),
}


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared() -> list[tuple[str, set[str]]]:
    """(distribution, extras) of each runtime dependency in pyproject.toml."""
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    found = []
    for spec in project["project"]["dependencies"]:
        match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?", spec)
        assert match, spec
        extras = {e.strip() for e in (match.group(2) or "").split(",") if e.strip()}
        found.append((_normal(match.group(1)), extras))
    return found


@functools.cache
def _provided() -> dict[str, set[str]]:
    """Installed distribution → the top-level modules it provides."""
    provided: dict[str, set[str]] = {}
    for module, dists in metadata.packages_distributions().items():
        for dist in dists:
            provided.setdefault(_normal(dist), set()).add(module)
    return provided


def top_level_modules(distribution: str, extras: set[str]) -> set[str]:
    """Import names a distribution provides, and those of the ones its extras pull in."""
    provided = _provided()
    names = set(provided.get(distribution, set()))
    for requirement in metadata.requires(distribution) or []:
        extra = re.search(r"extra\s*==\s*['\"]([^'\"]+)['\"]", requirement)
        if extra and extra.group(1) in extras:
            other = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement)
            assert other
            names |= provided.get(_normal(other.group(0)), set())
    return names


def imported_by_the_package() -> set[str]:
    found: set[str] = set()
    for path in (REPO_ROOT / "kcs").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found


def test_every_declared_dependency_is_used() -> None:
    imported = imported_by_the_package()
    unused = []
    for distribution, extras in declared():
        if distribution in NOT_IMPORTED:
            assert NOT_IMPORTED[distribution](), f"{distribution} is not used as documented"
            continue
        modules = top_level_modules(distribution, extras)
        assert modules, f"{distribution}: not installed, or it provides no module"
        if not modules & imported:
            unused.append(f"{distribution} ({', '.join(sorted(modules))})")
    assert unused == [], "declared but never imported: " + "; ".join(unused)


def test_the_check_sees_a_dependency_that_is_not_imported() -> None:
    imported = imported_by_the_package()
    assert "yaml" in imported and "git" not in imported
    assert "frontmatter" in imported  # kcs/articlefile.py writes articles through it
    assert top_level_modules("pyyaml", set()) >= {"yaml"}
    assert "pagefind_bin" in top_level_modules("pagefind", {"bin"})
