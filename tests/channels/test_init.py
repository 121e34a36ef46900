"""``kcs init``: a new knowledge repository, made and used with the installed wheel."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from click.testing import CliRunner
from gitrepo import REPO_ROOT, commit_all, init_repo

from kcs.build import build_sites
from kcs.cli import cli
from kcs.init import init_repository

BIN = Path(sys.executable).parent


def test_non_empty_folder_is_refused_and_untouched(tmp_path: Path) -> None:
    target = tmp_path / "kb"
    target.mkdir()
    (target / "notes.txt").write_text("mine\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["init", str(target), "--lang", "sv,en"])
    assert result.exit_code == 2
    assert result.output == (
        f"Error: {target}: the folder is not empty; kcs init needs a new or empty folder\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kb"]
    assert [p.name for p in target.iterdir()] == ["notes.txt"]


def test_a_file_in_the_way_is_refused(tmp_path: Path) -> None:
    (tmp_path / "kb").write_text("x", encoding="utf-8")
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "kb")])
    assert result.exit_code == 2 and "exists and is not a folder" in result.output
    assert (tmp_path / "kb").read_text(encoding="utf-8") == "x"


@pytest.mark.parametrize("langs", ["", "sv,Swedish", "sv,,../x"])
def test_bad_languages_are_a_usage_error(tmp_path: Path, langs: str) -> None:
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "kb"), "--lang", langs])
    assert result.exit_code == 2 and result.output.startswith("Error: --lang: ")
    assert not (tmp_path / "kb").exists()


def test_failure_while_writing_leaves_nothing(tmp_path: Path, monkeypatch) -> None:
    import kcs.init

    def broken(root: Path) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(kcs.init, "_codeowners", broken)
    with pytest.raises(OSError):
        init_repository(tmp_path / "kb", languages=("en",))
    assert list(tmp_path.iterdir()) == []


def test_layout_and_pinned_package(tmp_path: Path) -> None:
    result = init_repository(
        tmp_path / "kb", languages=("fi", "sv"), name="Palvelupiste", version="9.8.7"
    )
    root = result.root
    assert (root / "requirements.txt").read_text(encoding="utf-8").endswith("kcs-portal==9.8.7\n")
    workflows = {
        p.name: p.read_text(encoding="utf-8") for p in (root / ".github/workflows").iterdir()
    }
    assert set(workflows) == {p.name for p in (REPO_ROOT / ".github/workflows").iterdir()}
    for text in workflows.values():
        assert "pip install ." not in text.replace("pip install -r requirements.txt", "")
    assert any("pip install -r requirements.txt" in text for text in workflows.values())
    assert os.access(root / "hooks/pre-receive", os.X_OK)
    assert (root / "deploy/nginx.conf").read_bytes() == (
        REPO_ROOT / "deploy/nginx.conf"
    ).read_bytes()
    assert sorted(p.name for p in (root / "articles/general").iterdir()) == [
        "welcome.md",
        "welcome.sv.md",
    ]
    assert "lang: fi" in (root / "articles/general/welcome.md").read_text(encoding="utf-8")
    assert not (root / "kcs").exists() and not (root / "pyproject.toml").exists()
    from kcs.config import load_config
    from kcs.review.roles import rules_from_config

    config = load_config(root)
    assert config.warnings == ()
    assert rules_from_config(config).admin_paths[-1] == "deploy/"


@pytest.mark.slow
def test_wheel_in_a_fresh_virtualenv(tmp_path: Path) -> None:
    """Build the wheel, install it into a new virtualenv, and run a whole day one there:
    init, new, lint, build, gate and a real pre-commit run, all with the installed kcs."""
    source = tmp_path / "src"
    shutil.copytree(
        REPO_ROOT,
        source,
        ignore=_source_only,
    )
    dist = tmp_path / "dist"
    run(
        [
            str(BIN / "pip"),
            "wheel",
            "-q",
            "--no-deps",
            "-w",
            str(dist),
            str(source),
        ]
    )
    wheel = next(dist.glob("kcs_portal-*.whl"))
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    run(
        [
            str(BIN / "pip"),
            "--python",
            str(venv / "bin/python"),
            "install",
            "-q",
            "--no-deps",
            str(wheel),
        ]
    )
    # The dependencies (MkDocs, Material, Pagefind, ...) come from this environment's
    # site-packages, appended after the new one: the kcs that runs is the wheel's.
    new_site = run(
        [
            str(venv / "bin/python"),
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['purelib'])",
        ]
    ).strip()
    (Path(new_site) / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    where = run(
        [str(venv / "bin/python"), "-c", "import kcs; print(kcs.__file__)"], cwd=tmp_path
    ).strip()
    assert where.startswith(str(venv)), where
    env = {
        **os.environ,
        "PATH": f"{venv / 'bin'}:{os.environ['PATH']}",
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
    }
    env.pop("VIRTUAL_ENV", None)
    kcs = str(venv / "bin/kcs")

    work = tmp_path / "work"
    work.mkdir()
    out = run([kcs, "init", "kb", "--lang", "sv,fi,en", "--name", "Testdesk"], cwd=work, env=env)
    assert "on kcs-portal==0.1.0" in out
    kb = work / "kb"
    assert (kb / "requirements.txt").read_text(encoding="utf-8").endswith("kcs-portal==0.1.0\n")
    assert (kb / ".github/workflows/pull-request.yml").is_file()
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "Start"]):
        run(["git", *args], cwd=kb, env=env)
    run(["git", "checkout", "-q", "-b", "printer"], cwd=kb, env=env)
    created = run(
        [kcs, "new", "Skrivaren skriver inte ut", "--lang", "sv", "--no-check"], cwd=kb, env=env
    )
    assert created.startswith("articles/general/skrivaren-skriver-inte-ut.md\n")
    assert "0 error(s)" in run([kcs, "lint"], cwd=kb, env=env)
    run(["git", "add", "-A"], cwd=kb, env=env)
    run(["git", "commit", "-q", "-m", "A new article"], cwd=kb, env=env)
    gate = run(
        [kcs, "gate", "--base", "main", "--head", "printer", "--author", "admin"], cwd=kb, env=env
    )
    assert "Allowed: 1 changed file(s)" in gate
    built = run([kcs, "build", "--strict", "--out", "site"], cwd=kb, env=env)
    assert "public:" in built and "internal:" in built
    assert (kb / "site/public/a/welcome/index.html").is_file()
    assert (kb / "site/public/api/v1/a/welcome-fi.json").is_file()
    assert (kb / "site/public/_kcs/suggest.js").is_file()
    internal = json.loads((kb / "site/internal/api/v1/articles.json").read_text("utf-8"))
    public = json.loads((kb / "site/public/api/v1/articles.json").read_text("utf-8"))
    new_id = next(
        a["id"] for a in internal["articles"] if a["title"] == "Skrivaren skriver inte ut"
    )
    assert (kb / f"site/internal/a/{new_id}/index.html").is_file()
    assert new_id not in {a["id"] for a in public["articles"]}  # wip and internal
    # A real pre-commit run with the repository's own configuration and the wheel's kcs.
    hooks = run([str(BIN / "pre-commit"), "run", "--all-files"], cwd=kb, env=env)
    assert "kcs lint (KCS content standard)" in hooks and "Passed" in hooks
    (kb / "articles/general/broken.md").write_text("---\ntitle: [unclosed\n---\n", encoding="utf-8")
    run(["git", "add", "-A"], cwd=kb, env=env)
    failed = subprocess.run(
        [str(BIN / "pre-commit"), "run", "--all-files"],
        cwd=kb,
        env=env,
        capture_output=True,
        text=True,
    )
    assert failed.returncode == 1 and "articles/general/broken.md:" in failed.stdout


#: Top-level entries of the checkout that are not part of the package's source.
NOT_SOURCE = {".git", ".venv", "site", "build", "dist", "node_modules", ".kcs", "tests", "docs"}


def _source_only(folder: str, names: list[str]) -> set[str]:
    skipped = {n for n in names if n == "__pycache__" or n.endswith(".egg-info")}
    if Path(folder) == REPO_ROOT:
        skipped |= NOT_SOURCE & set(names)
    return skipped


def run(args: list[str], **kwargs) -> str:
    done = subprocess.run(args, capture_output=True, text=True, **kwargs)
    assert done.returncode == 0, f"{args}: {done.stdout}{done.stderr}"
    return done.stdout + done.stderr


def test_a_language_the_theme_has_no_texts_for_still_builds(tmp_path: Path) -> None:
    """Northern Sami first: Material has no texts for it, the site still builds, its
    pages in that language."""
    langs = "se,sv"
    kb = tmp_path / "kb"
    result = CliRunner().invoke(cli, ["init", str(kb), "--lang", langs])
    assert result.exit_code == 0, result.output
    init_repo(kb)
    commit_all(kb, "Start")
    build_sites(kb, ("public",), tmp_path / "site")
    first = langs.split(",")[0]
    home = (tmp_path / "site/public" / first / "index.html").read_text(encoding="utf-8")
    assert f'<html lang="{first}"' in home
