"""No single article can break a build: what the renderer cannot take is found by one
check (kcs/render.py) in lint, import and the build, and the build leaves that article
out of the wider sites and shows agents a placeholder."""

from __future__ import annotations

import functools
import html
from pathlib import Path
from typing import Any

import pytest
from buildkb import article, make_repo
from click.testing import CliRunner
from gitrepo import write

from kcs import render
from kcs.build import build_sites
from kcs.cli import cli
from kcs.knowledge import load
from kcs.lint import lint

FIXTURES = Path(__file__).parent / "fixtures" / "render"
CASES = sorted(p.stem for p in FIXTURES.glob("*.md"))
LOG_BODY = (FIXTURES / "configmgr-log.md").read_text(encoding="utf-8")


@functools.cache
def _mkdocs(tmp: str) -> Any:
    from mkdocs.config import load_config

    Path(tmp, "docs").mkdir(exist_ok=True)
    Path(tmp, "mkdocs.yml").write_text(
        "site_name: T\nmarkdown_extensions: [admonition, attr_list, md_in_html, toc]\n",
        encoding="utf-8",
    )
    return load_config(config_file=str(Path(tmp, "mkdocs.yml")))


def mkdocs_renders(text: str, tmp: Path) -> bool:
    """Whether plain MkDocs (no kcs plugin, no guard) renders ``text`` as a page."""
    from mkdocs.structure.files import File, Files
    from mkdocs.structure.pages import Page

    config = _mkdocs(str(tmp))
    Path(config.docs_dir, "x.md").write_text(text, encoding="utf-8")
    file = File("x.md", config.docs_dir, config.site_dir, config.use_directory_urls)
    page = Page(None, file, config)
    page.read_source(config)
    try:
        page.render(config, Files([file]))
    except Exception:  # noqa: BLE001 - any failure is what the check must predict
        return False
    return True


@pytest.mark.parametrize("name", CASES)
def test_fixture(name: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    text = (FIXTURES / f"{name}.md").read_text(encoding="utf-8")
    expected = (FIXTURES / f"{name}.expected").read_text(encoding="utf-8").strip()
    found = render.problem(f"{name}.md", text, 1)
    assert (str(found) if found else "ok") == expected
    # The golden verdict is MkDocs' own: the fixture renders exactly when it says ok.
    assert mkdocs_renders(text, tmp_path_factory.getbasetemp()) is (expected == "ok")


def test_the_quick_check_finds_the_log_lines_too() -> None:
    found = render.problem("x.md", LOG_BODY, 10, full=False)
    assert found is not None and found.line == 12


GOOD = {
    f"articles/accounts/good-{n}.md": article(f"good-{n}", f"Good article {n}", f"Text {n}.\n")
    for n in range(3)
}
BROKEN = {
    "articles/accounts/client-logs.md": article(
        "client-logs", "Reading client logs", "## Cause\n\n" + LOG_BODY
    )
}


def test_the_build_leaves_the_article_out_and_shows_agents_why(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {**GOOD, **BROKEN})
    result = build_sites(root, ("public", "internal"))
    line = (
        "articles/accounts/client-logs.md:15: render-error: the Markdown renderer fails "
        "here (AssertionError: unknown status keyword 'LOG' in marked section)"
    )
    for site in result.sites:
        assert [w for w in site.warnings if "render-error" in w][0].startswith(line)
    public, internal = root / "site/public", root / "site/internal"
    assert result.sites[0].articles == 3
    assert not (public / "a/client-logs").exists()
    assert "client-logs" not in (public / "sitemap.xml").read_text(encoding="utf-8")
    for n in range(3):
        assert (public / f"a/good-{n}/index.html").is_file()
        assert (internal / f"a/good-{n}/index.html").is_file()
    page = (internal / "a/client-logs/index.html").read_text(encoding="utf-8")
    assert "This article cannot be shown" in page
    assert f"{line}; put such text in a code block" in html.unescape(page)


def test_strict_fails_with_the_one_line(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {**GOOD, **BROKEN})
    result = CliRunner().invoke(cli, ["build", "--root", str(root), "--strict"])
    assert result.exit_code == 1
    assert result.output.startswith(
        "Error: public site: articles/accounts/client-logs.md:15: render-error: the Markdown "
        "renderer fails here (AssertionError: unknown status keyword 'LOG' in marked section)"
    )
    assert result.output.count("\n") == 1 and "Traceback" not in result.output


def test_lint_finds_it_first(tmp_path: Path) -> None:
    root = make_repo(tmp_path, {**GOOD, **BROKEN})
    found = [f for f in lint(load(root)) if f.code == "render-error"]
    assert [(f.path, f.line) for f in found] == [("articles/accounts/client-logs.md", 15)]
    result = CliRunner().invoke(cli, ["lint", "--root", str(root)])
    assert result.exit_code == 1
    assert "articles/accounts/client-logs.md:15: render-error: " in result.output


def test_a_failure_the_quick_check_cannot_see_is_caught_while_rendering(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Any exception of the renderer, here from a Markdown extension the site uses."""
    extension = tmp_path / "ext"
    write(
        extension / "explode_ext.py",
        "from markdown.extensions import Extension\n"
        "from markdown.preprocessors import Preprocessor\n\n"
        "class Boom(Preprocessor):\n"
        "    def run(self, lines):\n"
        "        if any('EXPLODE' in line for line in lines):\n"
        "            raise ValueError('cannot take this')\n"
        "        return lines\n\n"
        "class ExplodeExtension(Extension):\n"
        "    def extendMarkdown(self, md):\n"
        "        md.preprocessors.register(Boom(md), 'boom', 5)\n\n"
        "def makeExtension(**kwargs):\n"
        "    return ExplodeExtension(**kwargs)\n",
    )
    monkeypatch.syspath_prepend(str(extension))
    boom = {"articles/accounts/boom.md": article("boom", "Boom", "Fine.\n\nEXPLODE here.\n")}
    root = make_repo(tmp_path / "kb", {**GOOD, **boom})
    write(
        root / "mkdocs.yml",
        "site_name: T\ndocs_dir: docs/portal\ntheme:\n  name: material\nplugins:\n  - kcs\n"
        "markdown_extensions:\n  - explode_ext\n",
    )
    (root / "docs/portal").mkdir(parents=True)
    result = build_sites(root, ("public", "internal"))
    warning = (
        "articles/accounts/boom.md:13: render-error: the Markdown renderer fails here "
        "(ValueError: cannot take this)"
    )
    assert any(w.startswith(warning) for w in result.sites[0].warnings)
    public = root / "site/public"
    assert not (public / "a/boom").exists() and (public / "a/good-2/index.html").is_file()
    assert "boom" not in (public / "sitemap.xml").read_text(encoding="utf-8")
    assert result.sites[0].articles == 3
    page = (root / "site/internal/a/boom/index.html").read_text(encoding="utf-8")
    assert "This article cannot be shown" in page


#: Thousands of unclosed brackets: Python-Markdown takes seconds on 8 KB of them (quadratic)
SLOW_BODY = "## Cause\n\nSee " + "[" * 8000 + "\n"


def test_an_article_too_slow_to_render_is_one_line_not_a_stalled_push(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Lint runs on every push (pre-receive): an article the renderer takes minutes over
    is refused like one it fails on, and the busy verdict is not remembered (a second
    check, or an incremental build's manifest, asks the renderer again)."""
    monkeypatch.setattr(render, "TIME_LIMIT", 0.3, raising=False)
    slow = {"articles/accounts/brackets.md": article("brackets", "Brackets", SLOW_BODY)}
    root = make_repo(tmp_path, {**GOOD, **slow})
    changed = "articles/accounts/brackets.md"
    kb = load(root)
    start = next(a.body_line for a in kb.articles if a.path == changed)  # the one line named
    found = [f for f in lint(kb, paths=[changed]) if f.code == "render-error"]
    assert [(f.path, f.line) for f in found] == [(changed, start)]
    assert "the Markdown renderer takes over 0.3 s on this article" in found[0].message
    assert not any(
        reason and reason.startswith(render.TOO_SLOW) for reason in render.known().values()
    )
    result = CliRunner().invoke(cli, ["lint", "--root", str(root), str(root / changed)])
    assert result.exit_code == 1
    assert f"{changed}:{start}: render-error: the Markdown renderer takes" in result.output
