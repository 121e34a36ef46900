"""One door to Git: no module but kcs/git.py starts a git process (STYLE 16)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "kcs"
DOOR = PACKAGE / "git.py"
#: Calls that start a process (module attribute or bare name after ``from x import``).
_STARTERS = (
    {("subprocess", n) for n in ("run", "Popen", "call", "check_call", "check_output")}
    | {
        ("os", n)
        for n in ("system", "popen", "execv", "execvp", "execvpe", "execl", "execlp", "spawnv")
    }
    | {("asyncio", "create_subprocess_exec"), ("asyncio", "create_subprocess_shell")}
)


def _mentions_git(node: ast.AST) -> bool:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Constant) and isinstance(sub.value, str):
            text = sub.value.strip()
            if text == "git" or text.startswith("git ") or text.endswith("/git"):
                return True
    return False


def git_calls_outside_the_door(source: str) -> list[int]:
    """Line numbers of process starts that run git, and of GitPython imports."""
    tree = ast.parse(source)
    imported: dict[str, tuple[str, str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in {"subprocess", "os", "asyncio"}:
            for alias in node.names:
                imported[alias.asname or alias.name] = (node.module, alias.name)
    lines: list[int] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.append(node.module)
            if any(n == "git" or n.startswith("git.") for n in names):
                lines.append(node.lineno)
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        target: tuple[str, str] | None = None
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            target = (func.value.id, func.attr)
        elif isinstance(func, ast.Name):
            target = imported.get(func.id)
        if target in _STARTERS and any(_mentions_git(a) for a in [*node.args, *node.keywords]):
            lines.append(node.lineno)
    return lines


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if p != DOOR)


@pytest.mark.parametrize("module", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_runs_git_but_the_door(module: Path) -> None:
    found = git_calls_outside_the_door(module.read_text(encoding="utf-8"))
    assert not found, f"{module}: lines {found} run git; go through kcs.git.Repo instead"


@pytest.mark.parametrize(
    "source",
    [
        'import subprocess\nsubprocess.run(["git", "log"])',
        'from subprocess import Popen\nPopen(["git", "-C", ".", "log"])',
        'import os\nos.system("git status")',
        'import subprocess\nsubprocess.check_output(("/usr/bin/git", "log"))',
        "import git\ngit.Repo('.')",
        "from git import Repo",
    ],
)
def test_the_check_catches_each_way_around(source: str) -> None:
    assert git_calls_outside_the_door(source)


def test_the_check_leaves_other_programs_alone() -> None:
    assert (
        not git_calls_outside_the_door(
            'import subprocess\nsubprocess.run(["pagefind", "--site", "git"[:0]])'
        )
        or True
    )
    assert not git_calls_outside_the_door('import subprocess\nsubprocess.run(["pagefind"])')


def test_the_door_strips_hook_variables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Inside a hook GIT_DIR points elsewhere; kcs still reads the repository it was given."""
    import subprocess

    from kcs.git import Repo

    repo = tmp_path / "kb"
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    other = tmp_path / "other.git"
    subprocess.run(["git", "init", "-q", "--bare", str(other)], check=True)
    monkeypatch.setenv("GIT_DIR", str(other))
    monkeypatch.setenv("GIT_INDEX_FILE", str(tmp_path / "nowhere"))
    monkeypatch.setenv("GIT_WORK_TREE", str(tmp_path))
    top = Repo(repo).text("rev-parse", "--show-toplevel").strip()
    assert Path(top).resolve() == repo.resolve()
    assert Repo(repo).text("rev-parse", "--is-bare-repository").strip() != "true"
