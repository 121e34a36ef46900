"""``kcs build --incremental``: only what changed is rendered, and the sites it makes are
the sites a full build of the same commit makes, file for file (tests/site/sitecompare.py).
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import json
import logging
import shutil
from pathlib import Path
from typing import Any

import pytest
import sitecompare
from gitrepo import commit_all, git_identity, init_repo, write
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from mkdocs.config.config_options import Hooks
from sitekb import KCS_YML, png

from kcs.build import BuildResult, build_sites
from kcs.fsutil import link_or_copy
from kcs.incremental import code_fingerprint, manifest_path, unhashed_reader
from kcs.pagefind import StreamingIndex, search_document

NOW = dt.datetime(2026, 12, 4, 12, 0, tzinfo=dt.UTC)
DOMAINS = ("accounts", "network")
WORDS = ("printer", "mailbox", "token", "laptop", "router")


#: a paragraph the Markdown renderer fails on: the article's page becomes a placeholder
UNRENDERABLE = "\n<![ FOO [ data ]]>\n"


def article_text(spec: dict[str, Any]) -> str:
    tags = ", ".join(spec["tags"])
    translation = f"translation_of: {spec['translation_of']}\n" if "translation_of" in spec else ""
    image = f"\n![Screenshot](img/{spec['id']}.png)\n" if spec.get("image") else ""
    return (
        f"---\nid: {spec['id']}\ntitle: {json.dumps(spec['title'])}\nlang: {spec['lang']}\n"
        f"state: {spec.get('state', 'validated')}\naudience: {spec['audience']}\ntype: howto\n"
        f"tags: [{tags}]\n{translation}reviewed: 2026-11-01\n---\n\n{spec['body']}{image}"
    )


def base_articles() -> dict[str, dict[str, Any]]:
    out = {}
    for number in range(8):
        ident = f"kb{number}"
        body = (
            f"## Problem\n\nThe {WORDS[number % 5]} does not answer.\n\n"
            f"## Solution\n\nRestart the {WORDS[(number + 1) % 5]} and sign in again.\n"
        )
        # links in both forms, the site address and a path in the repository
        if number >= 1:
            body += f"\nSee also [the earlier fix](/a/kb{number - 1}/) and [this](#solution).\n"
        if number >= 2:
            folder = DOMAINS[number % 2]
            body += f"\nOr [the one before](../{folder}/kb{number - 2}.md).\n"
        out[ident] = {
            "id": ident,
            "title": f"Fix {number}: {WORDS[number % 5]} trouble",
            "lang": ("en", "sv")[number % 2],
            "audience": "internal" if number == 5 else "public",
            "domain": DOMAINS[number % 2],
            "tags": [WORDS[number % 5], "help"],
            "body": body,
        }
    return out


def commit(root: Path, message: str, day: int) -> None:
    """Commit everything in ``root`` as merged on that day of November 2026."""
    with git_identity():
        commit_all(root, message, date=f"2026-11-{day:02d}T10:00:00+01:00")


def path_of(spec: dict[str, Any]) -> str:
    return f"articles/{spec['domain']}/{spec['id']}.md"


def write_state(root: Path, state: dict[str, dict[str, Any]]) -> None:
    shutil.rmtree(root / "articles", ignore_errors=True)
    for spec in state.values():
        write(root / path_of(spec), article_text(spec))
        if spec.get("image") == "present":
            image = (root / path_of(spec)).parent / f"img/{spec['id']}.png"
            image.parent.mkdir(parents=True, exist_ok=True)
            image.write_bytes(png() + spec["id"].encode())


def build_result(root: Path, out: Path, *, incremental: bool) -> BuildResult:
    return build_sites(root, out=out, now=NOW, previous=out if incremental else None)


def build(root: Path, out: Path, *, incremental: bool) -> dict[str, int]:
    result = build_result(root, out, incremental=incremental)
    return {site.audience: site.reused for site in result.sites}


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A committed repository and its full build in ``base/site``."""
    folder = tmp_path_factory.mktemp("incremental-base")
    root = folder / "kb"
    write(root / "kcs.yml", KCS_YML)
    write_state(root, base_articles())
    with git_identity():
        init_repo(root)
        commit_all(root, "Articles", date="2026-11-20T10:00:00+01:00")
    build(root, folder / "site", incremental=False)
    return folder


def copy_base(base: Path, target: Path) -> tuple[Path, Path]:
    shutil.copytree(base, target, symlinks=True)
    return target / "kb", target / "site"


# ------------------------------------------------------------------ the property

word = st.sampled_from(WORDS)
index = st.integers(min_value=0, max_value=50)
operation = st.one_of(
    st.tuples(st.just("edit"), index, word),
    st.tuples(st.just("retitle"), index, word),
    st.tuples(st.just("move"), index),
    st.tuples(st.just("delete"), index),
    st.tuples(st.just("add"), index, word),
    st.tuples(st.just("audience"), index),
    st.tuples(st.just("link"), index, index),
    st.tuples(st.just("translate"), index),
    st.tuples(st.just("unrenderable"), index),
    st.tuples(st.just("invalid"), index),
    st.tuples(st.just("image"), index),
)


def apply(state: dict[str, dict[str, Any]], op: tuple[Any, ...], serial: int) -> None:
    """One change a merge could bring, on the model of the repository."""
    ids = sorted(state)
    if not ids and op[0] != "add":
        return
    spec = state[ids[op[1] % len(ids)]] if ids else None
    kind = op[0]
    if kind == "edit" and spec:
        spec["body"] += f"\nIf it still fails, check the {op[2]} setting.\n"
    elif kind == "retitle" and spec:
        spec["title"] = f"Fix for the {op[2]} ({serial})"
    elif kind == "move" and spec:
        spec["domain"] = DOMAINS[(DOMAINS.index(spec["domain"]) + 1) % len(DOMAINS)]
    elif kind == "delete" and spec:
        del state[spec["id"]]
    elif kind == "audience" and spec:
        spec["audience"] = "public" if spec["audience"] == "internal" else "internal"
    elif kind == "link" and spec:
        other = state[ids[op[2] % len(ids)]]
        spec["body"] += f"\nRelated: [{other['title']}](../{other['domain']}/{other['id']}.md)\n"
    elif kind == "translate" and spec:
        ident = f"tr{serial}"
        state[ident] = {
            **spec,
            "id": ident,
            "translation_of": spec.get("translation_of", spec["id"]),
            "lang": "sv" if spec["lang"] == "en" else "en",
            "title": f"{spec['title']} ({serial})",
        }
    elif kind == "unrenderable" and spec:
        broken = UNRENDERABLE in spec["body"]
        spec["body"] = (
            spec["body"].replace(UNRENDERABLE, "") if broken else spec["body"] + UNRENDERABLE
        )
    elif kind == "invalid" and spec:
        spec["state"] = "validated" if spec.get("state") == "bogus" else "bogus"
    elif kind == "image" and spec:
        # linked and present, then its file gone (a broken link), then no link at all
        spec["image"] = {None: "present", "present": "missing", "missing": None}[spec.get("image")]
    elif kind == "add":
        ident = f"new{serial}"
        link = f"\nFirst try [the usual fix](/a/{spec['id']}/).\n" if spec else ""
        state[ident] = {
            "id": ident,
            "title": f"New {op[2]} problem",
            "lang": "en",
            "audience": "public",
            "domain": DOMAINS[serial % 2],
            "tags": [op[2]],
            "body": f"## Problem\n\nThe {op[2]} is slow.\n{link}",
        }


@settings(
    max_examples=3,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=st.lists(operation, min_size=1, max_size=3))
# the changes that alter other pages than the article's own, always tried
@example(operations=[("audience", 2), ("delete", 4)])
@example(operations=[("move", 3), ("retitle", 1, "token")])
@example(operations=[("add", 6, "router"), ("link", 0, 8), ("edit", 0, "laptop")])
@example(
    operations=[("translate", 1), ("unrenderable", 2), ("image", 3), ("invalid", 4), ("image", 3)]
)
def test_incremental_builds_equal_a_full_build(
    base: Path, tmp_path_factory: pytest.TempPathFactory, operations: list[tuple[Any, ...]]
) -> None:
    """After any sequence of edits, renames, deletions, new articles, audience changes, new
    links, translations, articles that cannot be rendered or turn invalid, and images added
    or gone, each merged and built incrementally on the build before, the sites equal a
    full build of the last commit."""
    root, out = copy_base(base, tmp_path_factory.mktemp("incremental") / "case")
    state = base_articles()
    for serial, op in enumerate(operations):
        apply(state, op, serial)
        write_state(root, state)
        with git_identity():
            commit_all(root, f"Change {serial}", date=f"2026-11-2{serial + 1}T10:00:00+01:00")
        last = build_result(root, out, incremental=True)
    full = out.parent / "full"
    whole = build_result(root, full, incremental=False)
    # the same problems reported (a reused page repeats what rendering it said)
    assert [sorted(s.warnings) for s in last.sites] == [sorted(s.warnings) for s in whole.sites]
    shown = {p.parent.name for p in (full / "public/a").glob("*/index.html")}
    assert shown == {
        ident
        for ident, spec in state.items()
        if spec["audience"] == "public"
        and spec.get("state", "validated") == "validated"
        and UNRENDERABLE not in spec["body"]
    }
    for audience in ("public", "internal"):
        assert sitecompare.differences(full / audience, out / audience) == [], operations


# ------------------------------------------------------------------ what is reused


def test_an_edit_renders_only_the_pages_that_show_the_article(base: Path, tmp_path: Path) -> None:
    root, out = copy_base(base, tmp_path / "case")
    pages = {
        audience: len(json.loads(manifest_path(out, audience).read_text())["pages"])
        for audience in ("public", "internal")
    }
    state = base_articles()
    state["kb3"]["body"] += "\nIf it still fails, check the proxy setting.\n"
    write_state(root, state)
    commit(root, "Edit kb3", 21)
    unchanged = out / "public/a/kb1/index.html"
    before = unchanged.stat().st_ino
    meta = {
        p.name.split("_")[0]: p.stat().st_ino for p in (out / "public/pagefind").glob("*.pf_meta")
    }
    reused = build(root, out, incremental=True)
    # kb3 is Swedish: the English search index is the earlier one, the Swedish one is new
    after = {
        p.name.split("_")[0]: p.stat().st_ino for p in (out / "public/pagefind").glob("*.pf_meta")
    }
    assert after["pagefind.en"] == meta["pagefind.en"]
    assert after["pagefind.sv"] != meta["pagefind.sv"]
    assert "proxy setting" in (out / "public/a/kb3/index.html").read_text()
    for audience, count in pages.items():
        # the article's page and the listings, home and report pages that show it
        assert count - 20 <= reused[audience] < count, (audience, reused, pages)
    # an unchanged page is the earlier build's file, linked, not written again
    assert unchanged.stat().st_ino == before
    recorded = {
        audience: len(json.loads(manifest_path(out, audience).read_text())["pages"])
        for audience in ("public", "internal")
    }
    assert build(root, out, incremental=True) == recorded


def test_a_changed_kcs_yml_renders_every_page(base: Path, tmp_path: Path) -> None:
    root, out = copy_base(base, tmp_path / "case")
    write(root / "kcs.yml", KCS_YML.replace("Testdesk", "Helpdesk"))
    commit(root, "Rename the site", 21)
    assert build(root, out, incremental=True) == {"public": 0, "internal": 0}
    assert "Helpdesk" in (out / "public/a/kb1/index.html").read_text()


def test_a_page_changed_after_the_build_is_rendered_again(base: Path, tmp_path: Path) -> None:
    """The manifest names each file by size and time: a file that is not the one it
    describes (edited by hand, left by an interrupted build) is never reused."""
    root, out = copy_base(base, tmp_path / "case")
    page = out / "public/a/kb1/index.html"
    page.write_text(page.read_text().replace("Restart", "Tampered"))
    build(root, out, incremental=True)
    assert "Tampered" not in page.read_text()
    assert sitecompare.differences(base / "site/public", out / "public") == []


@pytest.mark.parametrize(
    "manifest",
    [
        "not json",
        '{"format": 1}',
        '{"format": 99, "fingerprint": "", "nav": "", "pages": {}, "sections": {}}',
        '{"format": 1, "fingerprint": "x", "nav": "", "pages": [], "sections": {}}',
        "DEEPLY_NESTED",
        "SAME_BUT_OUTSIDE",
        "SAME_BUT_WRONG_TYPE",
        "SAME_BUT_ANOTHER_PAGES_FILE",
        "SAME_BUT_UNHASHABLE_ANCHORS",
        "SAME_BUT_A_FOLDER",
        "SAME_BUT_A_LINK_OUT",
        "SAME_BUT_A_FOLDER_LINKED_OUT",
        "SAME_BUT_A_FOLDER_LINKED_IN",
    ],
)
def test_a_hostile_manifest_means_a_full_build(base: Path, tmp_path: Path, manifest: str) -> None:
    """The manifest is input: one that is broken, or names files outside the site, is not
    used and nothing outside the site is read or written."""
    root, out = copy_base(base, tmp_path / "case")
    path = manifest_path(out, "public")
    if manifest == "DEEPLY_NESTED":  # deeper than Python's JSON reader goes
        manifest = "[" * 100_000 + "]" * 100_000
    if manifest.startswith("SAME_BUT"):
        data = json.loads(path.read_text())
        record = data["pages"]["a/kb1.md"]
        if manifest == "SAME_BUT_OUTSIDE":
            secret = tmp_path / "secret.html"
            secret.write_text("internal runbook")
            stat = secret.stat()
            record["output"] = "../../secret.html"
            record["stat"] = [stat.st_size, stat.st_mtime_ns]
        elif manifest == "SAME_BUT_ANOTHER_PAGES_FILE":
            # another page's record names kb1's file: two pages, one file
            data["pages"]["a/kb2.md"]["output"] = record["output"]
            data["pages"]["a/kb2.md"]["stat"] = record["stat"]
        elif manifest == "SAME_BUT_UNHASHABLE_ANCHORS":
            record["anchors"] = [["problem"]]
        elif manifest == "SAME_BUT_A_FOLDER":
            folder = out / "public/a/kb1"
            record["output"] = "a/kb1"
            record["stat"] = [folder.stat().st_size, folder.stat().st_mtime_ns]
        elif manifest == "SAME_BUT_A_FOLDER_LINKED_IN":
            # the page's folder is a link to another page's, inside the earlier site
            shutil.rmtree(out / "public/a/kb1")
            (out / "public/a/kb1").symlink_to(out / "public/a/kb2")
            stat = (out / "public/a/kb2/index.html").stat()
            record["stat"] = [stat.st_size, stat.st_mtime_ns]
        elif manifest.startswith("SAME_BUT_A_") and manifest.endswith("LINK_OUT"):
            # the earlier page, or its folder, is a link to a file outside the site
            secret = tmp_path / "elsewhere/index.html"
            write(secret, "internal runbook")
            if manifest == "SAME_BUT_A_LINK_OUT":
                (out / "public/a/kb1/index.html").unlink()
                (out / "public/a/kb1/index.html").symlink_to(secret)
            else:
                shutil.rmtree(out / "public/a/kb1")
                (out / "public/a/kb1").symlink_to(secret.parent)
            stat = secret.stat()
            record["stat"] = [stat.st_size, stat.st_mtime_ns]
        else:
            record["links"] = ["not", "a", "mapping"]
        manifest = json.dumps(data)
    path.write_text(manifest)
    build(root, out, incremental=True)
    assert "internal runbook" not in (out / "public/a/kb1/index.html").read_text()
    assert sitecompare.differences(base / "site/public", out / "public") == []


#: the start of every mkdocs.yml below: the portal's settings, its pages in docs/
MKDOCS_HEAD = """\
site_name: Testdesk
docs_dir: docs
theme:
  name: material
plugins:
  - kcs
"""
MKDOCS_YML = (
    MKDOCS_HEAD
    + """\
hooks:
  - hook.py
markdown_extensions:
  - toc:
      permalink: !ENV [KCS_TEST_PERMALINK, true]
"""
)

HOOK = "def on_page_content(html, **kw):\n    return html + '<p>{}</p>'\n"


def test_settings_mkdocs_yml_does_not_spell_out_render_every_page(
    base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """mkdocs.yml's text is not all of the site's settings: an ``!ENV`` value comes from
    the environment, a hook's code from its own file. A change to either is a change to
    every page."""
    root, out = copy_base(base, tmp_path / "case")
    write(root / "mkdocs.yml", MKDOCS_YML)
    write(root / "docs/.keep", "")
    write(root / "hook.py", HOOK.format("hook 1"))
    commit(root, "Site settings", 21)
    build(root, out, incremental=False)
    page = out / "public/a/kb1/index.html"
    assert "<p>hook 1</p>" in page.read_text() and 'class="headerlink"' in page.read_text()
    write(root / "hook.py", HOOK.format("hook 22"))
    # MkDocs loads a hook module once per process; each kcs build is a process of its own
    Hooks._load_hook.cache_clear()
    commit(root, "Another hook", 22)
    assert build(root, out, incremental=True) == {"public": 0, "internal": 0}
    assert "<p>hook 22</p>" in page.read_text()
    monkeypatch.setenv("KCS_TEST_PERMALINK", "§")
    assert build(root, out, incremental=True) == {"public": 0, "internal": 0}
    assert 'title="Permanent link">§</a>' in page.read_text()


def test_an_older_builds_render_checks_decide_nothing(base: Path, tmp_path: Path) -> None:
    """The manifest remembers which article texts the renderer fails on. Those results
    belong to the code that found them: after an upgrade of kcs or of a renderer (which
    may fix a failure) the new code checks again, as a full build does."""
    root, out = copy_base(base, tmp_path / "case")
    path = manifest_path(out, "public")
    data = json.loads(path.read_text())
    assert data["checks"]
    data["fingerprint"] = data["code"] = "an older kcs"
    data["checks"] = {key: "ValueError: fails in the older renderer" for key in data["checks"]}
    path.write_text(json.dumps(data))
    build(root, out, incremental=True)
    assert sitecompare.differences(base / "site/public", out / "public") == []


def test_another_pagefind_renders_and_indexes_everything(
    base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A language whose pages did not change keeps the earlier build's index files; those
    are written by one Pagefind version for its own pagefind.js: after an upgrade they go."""
    root, out = copy_base(base, tmp_path / "case")
    real = importlib.metadata.version

    def upgraded(name: str) -> str:
        return "99.0.0" if name == "pagefind_bin" else real(name)

    monkeypatch.setattr(importlib.metadata, "version", upgraded)
    code_fingerprint.cache_clear()
    try:
        assert build(root, out, incremental=True) == {"public": 0, "internal": 0}
    finally:
        code_fingerprint.cache_clear()  # the next test's code is the installed one


def test_an_article_the_navigation_names_without_a_title_shows_its_new_title_on_every_page(
    base: Path, tmp_path: Path
) -> None:
    """mkdocs.yml's nav may list an article page without a title: every page's navigation
    then shows the article's own title, which MkDocs learns only when it reads the page."""
    root, out = copy_base(base, tmp_path / "case")
    write(root / "mkdocs.yml", NAV_YML)
    write(root / "docs/about.md", "# About the desk\n\nWho we are.\n")
    commit(root, "Navigation", 21)
    build(root, out, incremental=False)
    state = base_articles()
    state["kb1"]["title"] = "Fix for the token, renamed"
    write_state(root, state)
    commit(root, "Retitle kb1", 22)
    build(root, out, incremental=True)
    assert "Fix for the token, renamed" in (out / "public/a/kb0/index.html").read_text()


NAV_YML = (
    MKDOCS_HEAD
    + """\
nav:
  - About: about.md
  - a/kb1.md
"""
)


def test_a_link_to_an_anchor_that_went_away_warns_as_in_a_full_build(
    base: Path, tmp_path: Path
) -> None:
    """MkDocs checks links to other pages' anchors after every page is rendered: a page
    taken from the earlier build still has its links checked against today's pages."""
    root, out = copy_base(base, tmp_path / "case")
    write(root / "mkdocs.yml", ANCHORS_YML)
    write(root / "docs/.keep", "")
    state = base_articles()
    state["kb3"]["body"] += "\nThe [fix for the token](kb1.md#solution) also helps.\n"
    write_state(root, state)
    commit(root, "Link an anchor", 21)
    assert build_sites(root, ("public",), out=out, now=NOW).warnings == ()
    state["kb1"]["body"] = state["kb1"]["body"].replace("## Solution", "## Workaround")
    write_state(root, state)
    commit(root, "Rename a heading", 22)
    result = build_sites(root, ("public",), out=out, now=NOW, previous=out)
    assert result.sites[0].reused > 0
    assert any("kb1.md#solution" in warning for warning in result.warnings), result.warnings


ANCHORS_YML = (
    MKDOCS_HEAD
    + """\
markdown_extensions:
  - toc:
      permalink: true
validation:
  anchors: warn
"""
)


def test_a_kept_language_with_a_region_is_linked_from_the_earlier_index(tmp_path: Path) -> None:
    """kcs.yml allows codes like pt-BR; Pagefind names that language pt-br in its files
    and entry. A build that keeps it (none of its pages changed) links its files."""

    def index(folder: Path, words: dict[str, str], keep: set[str], earlier: Path | None) -> None:
        streaming = StreamingIndex(languages=["pt-BR", "en"], keep=keep, earlier=earlier)
        for number, (lang, word) in enumerate(words.items()):
            streaming.add(search_document(f"<h1>{word}</h1><p>{word}</p>", lang), f"/a/{number}/")
        streaming.write(folder)

    index(tmp_path / "one", {"pt-BR": "impressora", "en": "printer"}, set(), None)
    index(tmp_path / "two", {"pt-BR": "impressora", "en": "router"}, {"pt-BR"}, tmp_path / "one")
    entry = json.loads((tmp_path / "two/pagefind-entry.json").read_text())
    first = json.loads((tmp_path / "one/pagefind-entry.json").read_text())
    assert entry["languages"]["pt-br"] == first["languages"]["pt-br"]
    kept = sorted(p.name for p in (tmp_path / "two").rglob("*pt-*"))
    assert kept == sorted(p.name for p in (tmp_path / "one").rglob("*pt-*")) and kept


@pytest.mark.parametrize("damage", ["gone", "unreadable"])
def test_an_earlier_search_index_that_is_gone_is_built_again(
    base: Path, tmp_path: Path, damage: str
) -> None:
    """The earlier site's pages are there but its search index is not (removed by hand,
    a copy without it) or cannot be read: a language whose pages did not change is
    indexed again."""
    root, out = copy_base(base, tmp_path / "case")
    if damage == "gone":
        shutil.rmtree(out / "public/pagefind")
    else:  # deeper than Python's JSON reader goes
        (out / "public/pagefind/pagefind-entry.json").write_text("[" * 100_000 + "]" * 100_000)
    state = base_articles()
    state["kb3"]["body"] += "\nIf it still fails, check the proxy setting.\n"  # Swedish
    write_state(root, state)
    commit(root, "Edit kb3", 21)
    assert build(root, out, incremental=True)["public"] > 0
    full = tmp_path / "full"
    build(root, full, incremental=False)
    assert sitecompare.differences(full / "public", out / "public") == []


def test_text_an_article_includes_from_another_file_is_todays(base: Path, tmp_path: Path) -> None:
    """pymdownx.snippets puts another file's text into a page (``--8<--`` lines, and the
    files it appends to every page): a change to that file is a change to the page."""
    root, out = copy_base(base, tmp_path / "case")
    snippets = root / "snippets"
    write(root / "mkdocs.yml", SNIPPETS_YML.format(folder=snippets))
    write(root / "docs/.keep", "")
    write(snippets / "contact.md", "Call the desk on 555-0100.\n")
    write(snippets / "terms.md", "*[token]: Security token\n")
    state = base_articles()
    state["kb3"]["body"] += '\n--8<-- "contact.md"\n'
    state["kb4"]["body"] += '\n-8<- "contact.md"\n'  # the shortest marker
    write_state(root, state)
    commit(root, "Shared text", 21)
    build(root, out, incremental=False)
    assert "555-0100" in (out / "public/a/kb3/index.html").read_text()
    write(snippets / "contact.md", "Call the desk on 555-0199.\n")
    commit(root, "New number", 22)
    assert build(root, out, incremental=True)["public"] > 0
    assert "555-0199" in (out / "public/a/kb3/index.html").read_text()
    assert "555-0199" in (out / "public/a/kb4/index.html").read_text()
    write(snippets / "terms.md", "*[token]: Hardware security token\n")
    commit(root, "New term", 23)
    assert build(root, out, incremental=True)["public"] == 0
    assert 'title="Hardware security token"' in (out / "public/a/kb2/index.html").read_text()


SNIPPETS_YML = (
    MKDOCS_HEAD
    + """\
markdown_extensions:
  - abbr
  - pymdownx.snippets:
      base_path: [{folder}]
      auto_append: [terms.md]
"""
)


# ------------------------------------------------------------------ files read while rendering

#: a Markdown extension of one's own: ``{!path!}`` lines become that file's text
INCLUDER = """\
import re
from pathlib import Path

from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor


class Include(Preprocessor):
    def run(self, lines):
        out = []
        for line in lines:
            found = re.fullmatch(r"\\{!(.+)!\\}", line.strip())
            out.extend(Path(found[1]).read_text().splitlines() if found else [line])
        return out


class IncludeExtension(Extension):
    def extendMarkdown(self, md):
        md.preprocessors.register(Include(md), "kcs_test_include", 30)


def makeExtension(**kwargs):
    return IncludeExtension(**kwargs)
"""
#: a hook that does the same
INCLUDING_HOOK = """\
import re
from pathlib import Path


def on_page_markdown(markdown, **kwargs):
    return re.sub(r"\\{!(.+)!\\}", lambda found: Path(found[1]).read_text(), markdown)
"""


@pytest.mark.parametrize("reader", ["extension", "hook"])
def test_a_file_an_unknown_extension_or_hook_reads_is_todays(
    base: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    reader: str,
) -> None:
    """An extension or a plugin kcs does not know may read any file while a page renders,
    which the site's fingerprint cannot hash: with one, every page is rendered."""
    root, out = copy_base(base, tmp_path / "case")
    code = tmp_path / "code"
    write(code / "kcs_test_include.py", INCLUDER)
    write(root / "hook.py", INCLUDING_HOOK)
    monkeypatch.syspath_prepend(str(code))
    settings = "markdown_extensions:\n  - kcs_test_include\n"
    write(root / "mkdocs.yml", MKDOCS_HEAD + (settings if reader == "extension" else HOOKS))
    write(root / "docs/.keep", "")
    shared = tmp_path / "shared/contact.md"
    write(shared, "Call the desk on 555-0100.\n")
    state = base_articles()
    state["kb3"]["body"] += f"\n{{!{shared}!}}\n"
    write_state(root, state)
    commit(root, "Shared text", 21)
    build(root, out, incremental=False)
    assert "555-0100" in (out / "public/a/kb3/index.html").read_text()
    write(shared, "Call the desk on 555-0199.\n")
    caplog.set_level(logging.INFO, "mkdocs.plugins.kcs")
    assert build(root, out, incremental=True) == {"public": 0, "internal": 0}
    named = "kcs_test_include" if reader == "extension" else "hook.py"
    said = [r.getMessage() for r in caplog.records if "every page is rendered" in r.getMessage()]
    assert len(said) == 2 and all(named in message for message in said), said  # once a site
    full = tmp_path / "full"
    build(root, full, incremental=False)
    assert "555-0199" in (full / "public/a/kb3/index.html").read_text()
    for audience in ("public", "internal"):
        assert sitecompare.differences(full / audience, out / audience) == []


HOOKS = "hooks:\n  - hook.py\n"


@pytest.mark.parametrize(
    ("extensions", "settings", "plugins", "reason"),
    [
        (["toc", "pymdownx.superfences"], {}, ["kcs"], None),
        (["markdown.extensions.toc", "kcs.site.links.ArticleLinks"], {}, ["kcs"], None),
        (["markdown_include.include"], {}, ["kcs"], "markdown_include.include may read"),
        (["pymdownx.b64"], {}, ["kcs"], "pymdownx.b64 may read"),
        (["toc"], {}, ["kcs", "macros"], "plugin or hook macros"),
        (["toc"], {"toc": {"slugify": sitecompare.differences}}, ["kcs"], "sitecompare."),
        (["toc"], {"toc": {"slugify": [Path("slugs.py")]}}, ["kcs"], None),
        (["pymdownx.snippets"], {"pymdownx.snippets": {"url_download": True}}, [], "url"),
    ],
)
def test_which_extensions_and_plugins_may_read_other_files(
    extensions: list[str], settings: dict[str, Any], plugins: list[str], reason: str | None
) -> None:
    found = unhashed_reader({name: settings.get(name) for name in extensions}, plugins)
    assert found is None if reason is None else reason in (found or ""), found


def test_a_snippet_appended_to_every_page_may_take_other_files_text() -> None:
    appended = ['Contact: -8<- "contact.md"\n']
    assert unhashed_reader({"pymdownx.snippets": {}}, ["kcs"], ["*[token]: Token\n"]) is None
    assert "appends a file" in (unhashed_reader({"pymdownx.snippets": {}}, ["kcs"], appended) or "")


# ------------------------------------------------------------------ links in the earlier build

SECRET = '{"words":["internalrunbook"],"df":[1]}'


@pytest.mark.parametrize("planted", ["pagefind/kcs-words-en.json", "pagefind/pagefind.js"])
def test_a_link_in_the_earlier_search_index_is_never_followed(
    base: Path, tmp_path: Path, planted: str
) -> None:
    """The earlier build's index files of a language whose pages did not change are linked
    into the new site: one that is a symbolic link (to a secret, outside the site) is not
    taken, and the index is built again."""
    root, out = copy_base(base, tmp_path / "case")
    secret = tmp_path / "secret.json"
    secret.write_text(SECRET)
    (out / "public" / planted).unlink()
    (out / "public" / planted).symlink_to(secret)
    if planted.endswith("-en.json"):
        state = base_articles()
        state["kb3"]["body"] += "\nIf it still fails, check the proxy setting.\n"  # Swedish
        write_state(root, state)
        commit(root, "Edit kb3", 21)
    build(root, out, incremental=True)
    full = tmp_path / "full"
    build(root, full, incremental=False)
    assert sitecompare.differences(full / "public", out / "public") == []
    site = [p for p in (out / "public").rglob("*") if p.is_symlink() or p.is_file()]
    assert not any(p.is_symlink() for p in site)
    assert not any(b"internalrunbook" in p.read_bytes() for p in site)


def test_a_link_is_never_linked_or_copied(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("internal runbook")
    (tmp_path / "earlier.html").symlink_to(secret)
    with pytest.raises(OSError, match="not a regular file"):
        link_or_copy(tmp_path / "earlier.html", tmp_path / "site/page.html")
    assert not (tmp_path / "site/page.html").exists()
