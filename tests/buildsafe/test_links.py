"""Links are resolved on the parsed document: every Markdown link form and raw HTML, in a
real MkDocs build. A link to what a site may not show is plain text there and never a
reason to stop the build; lint tells the author."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from buildkb import article, find_anywhere, hrefs, make_repo, site_texts
from gitrepo import write

from kcs.build import BuildResult, build_sites
from kcs.errors import BuildError
from kcs.knowledge import load
from kcs.lint import lint

SECRET_PATH = "articles/internal-ops/break-glass-procedure.md"
DRAFT_PATH = "articles/accounts/unfinished-lockout-draft.md"
SECRET_TITLE = "Break-glass console for locked tenants"
#: What would tell a public reader that the internal or unpublished articles exist.
FORBIDDEN = [
    "break-glass-procedure",
    "internal-ops",
    "bg-secret-7",
    "unfinished-lockout-draft",
    "draft-lockout-3",
    SECRET_TITLE,
    "Lockout draft nobody reviewed",
]

EVERY_FORM = """\
## Problem

Inline [inline secret](../internal-ops/break-glass-procedure.md) and
[a link whose text
wraps over lines](unfinished-lockout-draft.md#step).

Reference [full ref][r1], collapsed [r2][], shortcut [r3] and [site url][r4].

Angle [angle form](<../internal-ops/break-glass-procedure.md>) and
[with query](../internal-ops/break-glass-procedure.md?x=1#y).

Absolute <https://kb.example.test/a/bg-secret-7/> and
[absolute](https://help.example.test/a/draft-lockout-3/).

Inline HTML <a href="/a/bg-secret-7/" title="Break-glass">inline html</a> here.

<div markdown="1">
In a block: [md in html](../internal-ops/break-glass-procedure.md)
</div>

<p><a href="../internal-ops/break-glass-procedure.md">raw block</a>
<img src="/a/draft-lockout-3/" alt="raw image"></p>

## See [heading link](../internal-ops/break-glass-procedure.md)

Visible: [vpn inline](vpn-setup-guide.md#step-two), [vpn ref][v1],
<a href="/a/vpn/">vpn html</a>, ![Screen shot][shot].

[r1]: ../internal-ops/break-glass-procedure.md "Break-glass console"
[r2]: /a/bg-secret-7/
[r3]: ../accounts/unfinished-lockout-draft.md
[r4]: /a/draft-lockout-3/
[v1]: /a/vpn/
[shot]: img/shot.png
"""

ARTICLES = {
    SECRET_PATH: article(
        "bg-secret-7",
        SECRET_TITLE,
        "## Resolution\n\nThe console sits behind the blue door on the third floor.\n",
        audience="internal",
    ),
    DRAFT_PATH: article(
        "draft-lockout-3",
        "Lockout draft nobody reviewed",
        "## Step\n\nNot ready.\n",
        state="wip",
    ),
    "articles/accounts/vpn-setup-guide.md": article(
        "vpn", "Set up the VPN", "## Step two\n\nConnect.\n"
    ),
    "articles/accounts/every-link-form.md": article("guide", "Every link form", EVERY_FORM),
}

PNG = {"articles/accounts/img/shot.png": b"\x89PNG\r\n\x1a\n"}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildResult]:
    root = make_repo(tmp_path_factory.mktemp("links"), ARTICLES, files=PNG)
    # Strict: a link to a hidden article is no warning, let alone an error.
    return root, build_sites(root, ("public", "internal"), strict=True)


def page(site: Path, ident: str) -> str:
    return (site / f"a/{ident}/index.html").read_text(encoding="utf-8")


def test_no_output_file_of_the_public_site_names_a_hidden_article(
    built: tuple[Path, BuildResult],
) -> None:
    root, result = built
    public = root / "site/public"
    assert result.sites[0].articles == 2
    assert find_anywhere(public, FORBIDDEN) == []
    # The scan read the search index, the sitemap and the content API too.
    read = {rel for rel, _ in site_texts(public)}
    assert "sitemap.xml" in read and "api/v1/a/guide.json" in read
    assert any(rel.startswith("pagefind/") for rel in read)


def test_hidden_links_become_their_text(built: tuple[Path, BuildResult]) -> None:
    html = page(built[0] / "site/public", "guide")
    for text in (
        "inline secret",
        "wraps over lines",
        "full ref",
        "collapsed",  # the label is the text: [r2][]
        "site url",
        "angle form",
        "with query",
        "absolute",
        "inline html",
        "md in html",
        "raw block",
        "heading link",
    ):
        assert re.search(rf">[^<]*{text}", html.replace("\n", " ")), text
    article_part = html.split("data-pagefind-body", 1)[1].split("</article>")[0]
    links = [h for h in hrefs(article_part) if "vpn" in h or "_kcs/files" in h]
    assert links == [
        "../vpn/#step-two",
        "../vpn/",
        "../vpn/",
        "../../_kcs/files/accounts/img/shot.png",
    ], links
    assert (built[0] / "site/public/_kcs/files/accounts/img/shot.png").is_file()


def test_the_internal_site_links_every_form(built: tuple[Path, BuildResult]) -> None:
    html = page(built[0] / "site/internal", "guide")
    found = hrefs(html)
    assert found.count("../bg-secret-7/") >= 7
    assert "../draft-lockout-3/#step" in found and "../draft-lockout-3/" in found
    assert "break-glass-procedure" not in html and "internal-ops/" not in html


def test_the_content_api_resolves_links_the_same_way(built: tuple[Path, BuildResult]) -> None:
    api = (built[0] / "site/public/api/v1/a/guide.json").read_text(encoding="utf-8")
    assert "https://help.example.test/a/vpn/#step-two" in api
    assert "(#)" not in api and "bg-secret-7" not in api


def test_lint_reports_every_form_to_the_author(tmp_path: Path) -> None:
    root = make_repo(tmp_path, ARTICLES, files=PNG)
    found = [f for f in lint(load(root)) if f.path.endswith("every-link-form.md")]
    audience = sorted({f.line for f in found if f.code == "audience-link"})
    unpublished = sorted({f.line for f in found if f.code == "unpublished-link"})
    # inline, reference definitions, site URLs, angle form, query, absolute autolink,
    # raw HTML (inline and block), md_in_html, heading
    assert audience == [13, 19, 20, 22, 25, 28, 31, 34, 39, 40], found
    assert unpublished == [14, 23, 32, 41, 42], found
    assert not [f for f in found if f.code in ("broken-link", "render-error")], found


def test_leak_check_catches_a_file_name(tmp_path: Path) -> None:
    root = make_repo(tmp_path, ARTICLES)
    write(
        root / "mkdocs.yml",
        "site_name: T\ndocs_dir: docs/portal\ntheme:\n  name: material\nplugins:\n  - kcs\n",
    )
    write(
        root / "docs/portal/about.md",
        "# About\n\nSee `../internal-ops/break-glass-procedure.md`.\n",
    )
    with pytest.raises(BuildError, match=r"about/index.html: file name of article 'bg-secret-7'"):
        build_sites(root, ("public",))


def test_leak_check_reads_files_of_any_kind(tmp_path: Path) -> None:
    root = make_repo(tmp_path, ARTICLES)
    write(
        root / "mkdocs.yml",
        "site_name: T\ndocs_dir: docs/portal\ntheme:\n  name: material\nplugins:\n  - kcs\n",
    )
    write(root / "docs/portal/index.md", "# Portal\n")
    write(root / "docs/portal/export.dat", "row;https://help.example.test/a/draft-lockout-3/\n")
    with pytest.raises(BuildError, match=r"export.dat: url of article 'draft-lockout-3'"):
        build_sites(root, ("public",))


def test_a_link_text_spelling_the_hidden_title_goes_with_the_link(tmp_path: Path) -> None:
    titled = article(
        "titled",
        "Titled links",
        f"See [{SECRET_TITLE}](../internal-ops/break-glass-procedure.md) or ask.\n\n"
        f"Also [the *{SECRET_TITLE}* page][s].\n\n[s]: /a/bg-secret-7/\n",
    )
    root = make_repo(tmp_path, {**ARTICLES, "articles/accounts/titled.md": titled}, files=PNG)
    build_sites(root, ("public",))  # the leak check passes: the title is not on the page
    page = (root / "site/public/a/titled/index.html").read_text(encoding="utf-8")
    assert "See <span></span> or ask." in page and "Also <span></span>." in page
    api = (root / "site/public/api/v1/a/titled.json").read_text(encoding="utf-8")
    assert SECRET_TITLE not in api and "See  or ask." in api
