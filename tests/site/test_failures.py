"""Builds that must fail (leaks, broken links, lunr search) and the other ways in."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from gitrepo import write
from sitekb import SECRET_TITLE, make_kb

from kcs.build import build_sites
from kcs.cli import cli
from kcs.errors import BuildError

MKDOCS_YML = """\
site_name: Test
docs_dir: docs/portal
theme:
  name: material
plugins:
  - kcs
markdown_extensions:
  - admonition
"""
BIN = Path(sys.executable).parent


def test_leak_check_fails_the_build_and_keeps_the_old_site(tmp_path: Path) -> None:
    root = make_kb(tmp_path / "kb", git=False)
    write(root / "mkdocs.yml", MKDOCS_YML)
    write(root / "docs/portal/about.md", "# About\n\nNothing secret here.\n")
    first = build_sites(root, ("public",), strict=True)
    assert first.sites[0].path == root / "site/public"
    write(root / "docs/portal/about.md", f"# About\n\nAgents: see {SECRET_TITLE}.\n")
    with pytest.raises(BuildError) as error:
        build_sites(root, ("public",))
    message = str(error.value)
    assert message.startswith("public site: leak check failed")
    assert "about/index.html: title of article 'secret'" in message
    # The previous site is still in place and no temporary folder is left behind.
    assert "Nothing secret" in (root / "site/public/about/index.html").read_text()
    assert sorted(p.name for p in (root / "site").iterdir()) == [".kcs-cache", "public"]


def test_leak_of_an_article_url_is_caught(tmp_path: Path) -> None:
    root = make_kb(tmp_path / "kb", git=False)
    write(root / "mkdocs.yml", MKDOCS_YML)
    write(root / "docs/portal/about.md", '# About\n\n<a href="/a/secret/">here</a>\n')
    with pytest.raises(BuildError, match=r"about/index.html: url of article 'secret'"):
        build_sites(root, ("public",))


def test_strict_fails_on_a_broken_link(tmp_path: Path) -> None:
    root = make_kb(
        tmp_path / "kb",
        git=False,
        extra={
            "articles/network/broken.md": """\
---
id: broken
title: Trasig länk i artikeln
state: validated
audience: public
---

## Problem

Se [den saknade artikeln](missing.md).
"""
        },
    )
    loose = build_sites(root, ("public",))
    assert loose.warnings == (
        "articles/network/broken.md:10: link to 'missing.md' matches no article; fix the path "
        "or remove the link",
    )
    with pytest.raises(
        BuildError,
        match=r"^public site: Aborted with 1 warnings in strict mode!"
        r" \(articles/network/broken.md:10: link to 'missing.md'",
    ):
        build_sites(root, ("public",), strict=True)


def test_portal_page_cannot_take_a_generated_path(tmp_path: Path) -> None:
    root = make_kb(tmp_path / "kb", git=False)
    write(root / "mkdocs.yml", MKDOCS_YML)
    write(root / "docs/portal/a/reset.md", "# Mine\n")
    with pytest.raises(
        BuildError,
        match=r"public site: a/reset.md in .*docs/portal has the "
        "path of a generated page; rename or remove it",
    ):
        build_sites(root, ("public",))


def test_material_search_is_refused(tmp_path: Path) -> None:
    root = make_kb(tmp_path / "kb", git=False)
    write(root / "mkdocs.yml", MKDOCS_YML.replace("  - kcs\n", "  - search\n  - kcs\n"))
    (root / "docs/portal").mkdir(parents=True)
    with pytest.raises(BuildError, match="remove 'search' from plugins"):
        build_sites(root, ("public",))


def test_missing_docs_dir_is_a_clear_error(tmp_path: Path) -> None:
    root = make_kb(tmp_path / "kb", git=False)
    write(root / "mkdocs.yml", MKDOCS_YML)
    with pytest.raises(
        BuildError,
        match=r"mkdocs.yml: Config value 'docs_dir': The path "
        r"'.*/docs/portal' isn't an existing directory",
    ):
        build_sites(root, ("public",))


def test_plain_mkdocs_build_works(tmp_path: Path) -> None:
    root = make_kb(tmp_path / "kb", git=False)
    write(root / "mkdocs.yml", MKDOCS_YML)
    (root / "docs/portal").mkdir(parents=True)
    result = subprocess.run(
        [str(BIN / "mkdocs"), "build", "--strict", "-q", "-d", "out"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (root / "out/a/reset/index.html").is_file()
    assert not (root / "out/a/secret").exists()  # the plugin's default audience is public
    assert (root / "out/pagefind/pagefind-entry.json").is_file()


def test_cli_build_prints_one_line_per_site(tmp_path: Path) -> None:
    root = make_kb(tmp_path / "kb", git=False)
    result = CliRunner().invoke(
        cli,
        [
            "build",
            "--root",
            str(root),
            "--out",
            str(tmp_path / "out"),
            "--audience",
            "internal",
            "--audience",
            "public",
        ],
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()  # warnings (no Git here) go to stderr
    assert len(lines) == 2
    assert re.fullmatch(
        r"internal: 32 pages \(6 articles\) in \d+\.\d s -> "
        + re.escape(str(tmp_path / "out/internal"))
        + "/",
        lines[0],
    )
    assert re.fullmatch(r"public: 21 pages \(3 articles\) in \d+\.\d s -> .*/out/public/", lines[1])


def test_sample_repository_builds_strict(sample_repo: Path) -> None:
    result = build_sites(sample_repo, strict=True)
    public, internal = result.sites
    assert public.articles >= 20 and internal.articles > public.articles
    assert set(public.search) >= {"sv", "fi", "nl", "en"}
    assert (sample_repo / "site/public/sv/index.html").is_file()


@pytest.mark.slow
def test_serve_rebuilds_when_an_article_changes(tmp_path: Path) -> None:
    import socket
    import time
    import urllib.request

    root = make_kb(tmp_path / "kb", git=False)
    write(root / "mkdocs.yml", MKDOCS_YML)
    (root / "docs/portal").mkdir(parents=True)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [str(BIN / "kcs"), "serve", "--root", str(root), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )

    def page(url: str, expect: str, timeout: float = 120) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{url}", timeout=5) as r:
                    text = r.read().decode()
                    if expect in text:
                        return text
            except OSError:
                pass
            time.sleep(0.3)
        raise AssertionError(f"{url} never showed {expect!r}")

    try:
        page("/a/secret/", "Break-glass")  # kcs serve shows the internal site by default
        article = root / "articles/network/vpn.md"
        article.write_text(
            article.read_text().replace(
                "VPN ansluter inte hemifrån", "VPN ansluter aldrig hemifrån"
            )
        )
        page("/a/vpn/", "VPN ansluter aldrig hemifrån")
    finally:
        server.terminate()
        _, err = server.communicate(timeout=30)
    assert "Serving on http://127.0.0.1:" in err.decode()
