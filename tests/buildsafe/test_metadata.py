"""Front matter no site can carry: the article is reported and left out, the rest builds.

A draft reusing a published article's id, a tag or domain named like a listing page,
a review date the calendar cannot reach: each once stopped ``kcs build`` for every site.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from buildkb import article, make_repo
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kcs import channels, site, unbuildable
from kcs.article import parse_article
from kcs.build import BuildResult, build_sites
from kcs.cli import cli
from kcs.errors import BuildError
from kcs.knowledge import KnowledgeBase, load
from kcs.lint import lint

BODY = "## Issue\n\nThe badge does not open the door.\n\n## Resolution\n\nAsk reception.\n"
DRAFT = "## Issue\n\nNotes for later.\n"
BASE = {
    "articles/accounts/reset.md": article("reset", "Reset the password", BODY),
    "articles/accounts/locked.md": article(
        "locked", "Account locked", BODY, extra="tags: [konto]\n"
    ),
    "articles/internal-ops/runbook.md": article(
        "runbook", "Night runbook", BODY, audience="internal"
    ),
}
HOSTILE = {
    # a contributor's internal draft reusing the published article's id
    "articles/accounts/mikko-notes.md": article(
        "reset", "Mikko notes", DRAFT, state="wip", audience="internal"
    ),
    # a tag named like the tag overview, on a public article
    "articles/accounts/tagged.md": article(
        "tagged", "Tagged like the overview", BODY, extra='tags: ["index", "Index"]\n'
    ),
    # a review date at the end of the calendar
    "articles/accounts/rv.md": article("rv", "Far review", DRAFT, state="wip").replace(
        "reviewed: 2026-11-01", "reviewed: 9999-12-31"
    ),
    "articles/index/dom.md": article("dom", "Domain named index", BODY, extra="domain: index\n"),
}
NOW = dt.datetime(2026, 12, 4, 12, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_repo(tmp_path_factory.mktemp("meta") / "kb", {**BASE, **HOSTILE})


@pytest.fixture(scope="module")
def built(repo: Path) -> BuildResult:
    return build_sites(repo)


def test_the_other_articles_build_and_the_bad_ones_are_reported(
    repo: Path, built: BuildResult
) -> None:
    public = sorted(p.name for p in (repo / "site/public/a").iterdir())
    internal = sorted(p.name for p in (repo / "site/internal/a").iterdir())
    assert public == ["locked", "reset", "tagged"]
    assert internal == ["locked", "reset", "runbook", "tagged"]
    # The published article keeps its id: the draft's text is on neither site.
    for audience in ("public", "internal"):
        page = (repo / f"site/{audience}/a/reset/index.html").read_text()
        assert "Reset the password" in page and "Mikko notes" not in page
    assert (
        "articles/accounts/mikko-notes.md:2: duplicate-id: id 'reset' is already the id of "
        "articles/accounts/reset.md, which keeps it; this article is left out of the sites: "
        "give it another id"
    ) in built.sites[0].warnings
    left = [w for w in built.sites[1].warnings if "left out" in w]
    assert [w.split(":")[0] for w in left] == [
        "articles/accounts/rv.md",
        "articles/index/dom.md",
        "articles/accounts/mikko-notes.md",
    ]
    assert left[0].startswith("articles/accounts/rv.md:8: impossible-date: reviewed 9999-12-31")


def test_a_tag_named_like_the_overview_gets_its_own_page(repo: Path, built: BuildResult) -> None:
    tags = repo / "site/public/en/t"
    overview = (tags / "index.html").read_text()
    assert 'href="index-tag/"' in overview
    assert "Tagged like the overview" in (tags / "index-tag/index.html").read_text()


def test_strict_fails_in_one_line(repo: Path) -> None:
    with pytest.raises(BuildError) as error:
        build_sites(repo, ("public",), strict=True)
    message = str(error.value)
    assert "\n" not in message
    assert message.startswith("public site: articles/accounts/rv.md:8: impossible-date:")


def test_lint_reports_what_the_build_leaves_out(repo: Path) -> None:
    errors = {(f.path, f.code) for f in lint(load(repo)) if f.severity == "error"}
    assert {
        ("articles/accounts/mikko-notes.md", "duplicate-id"),
        ("articles/accounts/rv.md", "impossible-date"),
        ("articles/index/dom.md", "reserved-name"),
    } <= errors
    result = CliRunner().invoke(cli, ["lint", "--root", str(repo)])
    assert result.exit_code == 1
    assert "articles/accounts/rv.md:8: impossible-date:" in result.output


def test_a_review_interval_beyond_the_calendar_is_an_error(tmp_path: Path) -> None:
    kb = load(make_repo(tmp_path / "kb", BASE))
    text = article("long", "Long interval", BODY, extra="review_every: 99999999 years\n")
    parsed, found = parse_article("articles/accounts/long.md", text, kb.config)
    assert parsed is not None and parsed.review_every is None
    assert [(f.line, f.code) for f in found] == [(9, "bad-value")]
    assert "longer than 100 years" in found[0].message


def test_the_published_article_keeps_a_shared_id_whatever_the_order(
    base_kb: KnowledgeBase,
) -> None:
    config = base_kb.config
    a = parse_article("articles/a/a.md", article("x", "Draft", DRAFT, state="wip"), config)[0]
    b = parse_article("articles/b/b.md", article("x", "Published", BODY), config)[0]
    assert a is not None and b is not None
    assert sorted([a, b], key=unbuildable.keeper_order)[0] is b


# ------------------------------------------------------------------ property


@pytest.fixture(scope="module")
def base_kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    return load(make_repo(tmp_path_factory.mktemp("base") / "kb", BASE))


SLUGS = st.sampled_from(["index", "reset", "locked", "runbook", "a", "t", "d", "index-tag", "-"])
WORDS = st.text(alphabet="abcIndex-._ åÅ/#?%\\", max_size=12)
DATES = st.one_of(
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
    st.sampled_from(["9999-12-31", "0001-01-01", "2026-02-30", "tomorrow", ""]),
)
VALUES = st.fixed_dictionaries(
    {},
    optional={
        "id": st.one_of(SLUGS, WORDS),
        "tags": st.lists(st.one_of(SLUGS, WORDS), max_size=4),
        "reviewed": DATES,
        "review_every": st.one_of(
            st.integers(min_value=-2, max_value=10**12),
            st.sampled_from(["99999999 years", "1 year", "0d", "36500d", "36501d"]),
        ),
        "starts": DATES,
        "ends": DATES,
        "domain": st.one_of(SLUGS, WORDS),
        "audience": st.sampled_from(["public", "partner", "customer", "internal", "everyone"]),
        "state": st.sampled_from(["validated", "not-validated", "wip", "archived", "x"]),
        "type": st.sampled_from(["howto", "announcement", "faq", "problem"]),
        "lang": st.sampled_from(["en", "sv", "xx"]),
    },
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(values=VALUES)
def test_any_front_matter_leaves_the_other_articles_on_every_site(
    base_kb: KnowledgeBase, values: dict[str, object]
) -> None:
    meta = {"title": "Hostile front matter", **values}
    text = "---\n" + yaml.safe_dump(meta, allow_unicode=True) + "---\n\n" + BODY
    # A path that sorts after every other: where ids tie, the others keep theirs.
    hostile, _ = parse_article("articles/zz/hostile.md", text, base_kb.config)
    kb = base_kb
    if hostile is not None:
        kb = replace(base_kb, articles=(*base_kb.articles, hostile))
    kept, _left = unbuildable.leave_out(kb, NOW.date())
    for audience in ("public", "internal"):
        ctx = site.context(kept, audience, now=NOW)
        written = {page.src_uri for page in site.generate(ctx)}
        site.assets(ctx)
        channels.files(ctx)
        for other in base_kb.for_audience(audience):
            assert f"a/{other.id}.md" in written
