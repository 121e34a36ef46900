"""Build step only: the wheel carries the repository's own workflows, hooks and deploy files
as the template of ``kcs init`` (kcs/data/init/), copied when the wheel is built, so the
template never drifts from what this repository itself runs. Everything else is in
pyproject.toml."""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).parent
#: Folders copied into the template as they are (.github/CODEOWNERS is generated instead).
TEMPLATE_DIRS = (".github", "hooks", "deploy")
SKIP = {".github/CODEOWNERS"}


class BuildWithTemplate(build_py):
    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "kcs" / "data" / "init"
        if target.exists():
            shutil.rmtree(target)
        for folder in TEMPLATE_DIRS:
            for path in sorted((HERE / folder).rglob("*")):
                rel = path.relative_to(HERE).as_posix()
                if path.is_file() and rel not in SKIP:
                    (target / rel).parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(path, target / rel)


setup(cmdclass={"build_py": BuildWithTemplate})
