"""The sample knowledge base under articles/ covers what the portal must show.

These tests read the repository's own articles (read-only) and pin the coverage the
other areas rely on: every state, audience, type and language, translations,
announcements relative to a fixed date, links that resolve, and internal text that
stays in internal articles.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from collections import Counter
from functools import cache

import pytest
from gitrepo import REPO_ROOT

from kcs.article import SECTION_HEADINGS, Article
from kcs.config import AUDIENCES, STATES, TYPES
from kcs.knowledge import KnowledgeBase, load

#: The fixed "today" of the sample: review dates and announcements are relative to it.
NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)

#: Text that exists only in internal articles and must never reach a wider site.
INTERNAL_PHRASES = (
    "corp.example.org",
    "INTERNAL:",
    "GRP-NET-L2",
    "GRP-PRINT-L2",
    "GRP-IAM-L2",
    "SEC-TRIAGE",
    "Restart-Service -Name Spooler",
    "PRB0000412",
    "WebView2-Runtime-Evergreen",
)

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
PHONE = re.compile(r"\+\d{1,3}[ \d]{7,}")


@cache
def kb() -> KnowledgeBase:
    return load(REPO_ROOT)


def articles() -> tuple[Article, ...]:
    return kb().articles


def wider_than_internal(article: Article) -> bool:
    return article.audience != "internal"


def test_sample_loads_without_findings() -> None:
    assert [str(f) for f in kb().findings] == []


def test_size_and_languages() -> None:
    langs = Counter(a.lang for a in articles())
    assert len(articles()) >= 60
    assert set(langs) == {"sv", "fi", "nl", "en"}
    assert langs.most_common(1)[0][0] == "sv"
    assert all(count >= 10 for count in langs.values()), langs


def test_every_domain_state_audience_and_type_present() -> None:
    assert {a.domain for a in articles()} == set(kb().config.domains)
    assert {a.state for a in articles()} == set(STATES)
    assert {a.audience for a in articles()} == set(AUDIENCES)
    assert {a.type for a in articles()} == set(TYPES)
    public_validated = [a for a in articles() if a.state == "validated"]
    assert sum(a.audience == "public" for a in public_validated) > len(public_validated) / 2


def test_ids_unique_and_prefixed_by_domain() -> None:
    ids = Counter(a.id for a in articles())
    assert [i for i, n in ids.items() if n > 1] == []
    assert [a.id for a in articles() if not a.id.startswith(a.domain + "-")] == []


def test_translations_point_to_existing_originals() -> None:
    by_id = kb().by_id()
    translations = [a for a in articles() if a.translation_of]
    assert len(translations) >= 10
    for article in translations:
        source = by_id.get(article.translation_of or "")
        assert source is not None, article.id
        assert source.translation_of is None, article.id
        assert source.lang != article.lang, article.id
        assert source.domain == article.domain, article.id
        assert article.id == f"{source.id}-{article.lang}"
    languages_per_source = Counter(a.translation_of for a in translations)
    assert max(languages_per_source.values()) == 3  # en, fi and nl of one original


def test_related_ids_exist_and_are_not_narrower() -> None:
    by_id = kb().by_id()
    related = [(a, r) for a in articles() for r in a.related]
    assert len(related) >= 10
    for article, ident in related:
        assert ident in by_id, (article.id, ident)
        assert ident != article.id
        target = by_id[ident]
        assert AUDIENCES.index(target.audience) >= AUDIENCES.index(article.audience), (
            article.id,
            ident,
        )


def test_featured_articles_exist_as_swedish_public_originals() -> None:
    by_id = kb().by_id()
    featured = list(kb().config.site.featured)
    assert len(featured) == 4
    for ident in featured:
        article = by_id[ident]
        assert (article.lang, article.state, article.audience) == ("sv", "validated", "public")
        assert article.translation_of is None


def test_one_active_and_one_expired_announcement() -> None:
    announcements = [a for a in articles() if a.type == "announcement"]
    assert {a.domain for a in announcements} == {"general"}
    assert all(a.state == "validated" and a.audience == "public" for a in announcements)
    assert all(a.starts and a.ends for a in announcements)
    active = [a for a in announcements if a.starts and a.ends and a.starts <= NOW <= a.ends]
    expired = [a for a in announcements if a.ends and a.ends < NOW]
    assert [
        (a.severity, a.starts.date().isoformat(), a.ends.date().isoformat())
        for a in active
        if a.starts and a.ends
    ] == [("warning", "2026-11-01", "2027-06-30")]
    assert [(a.severity, a.ends.date().isoformat()) for a in expired if a.ends] == [
        ("critical", "2026-03-31")
    ]


def test_relative_links_resolve_and_respect_audience() -> None:
    by_path = kb().by_path()
    checked = 0
    images: list[tuple[Article, str]] = []
    for article in articles():
        for link in article.links:
            if "://" in link.target or link.target.startswith(("#", "mailto:")):
                continue
            path = posixpath.normpath(
                posixpath.join(posixpath.dirname(article.path), link.target.split("#")[0])
            )
            if link.image:
                assert link.text.strip(), f"{article.path}:{link.line}: image without alt text"
                assert (REPO_ROOT / path).is_file(), f"{article.path}:{link.line}: {link.target}"
                assert posixpath.dirname(path) == posixpath.dirname(article.path)
                images.append((article, path))
                continue
            target = by_path.get(path)
            assert target is not None, f"{article.path}:{link.line}: {link.target}"
            checked += 1
            if wider_than_internal(article):
                assert target.readable_by(article.audience), (article.path, path)
            if article.state == "validated" and wider_than_internal(article):
                # the wider site only holds validated articles
                assert target.state == "validated", (article.path, path)
    assert checked >= 25
    # one image shown on the public site, one only in an internal article
    assert {a.audience for a, _ in images} == {"public", "internal"}
    internal_only = {p for a, p in images if a.audience == "internal"}
    assert internal_only.isdisjoint(p for a, p in images if a.audience != "internal")


def test_sections_use_the_localised_headings() -> None:
    for article in articles():
        expected = SECTION_HEADINGS[article.lang]
        assert [s.heading for s in article.sections if s.heading not in expected.values()] == []
        keys = [s.key for s in article.sections]
        assert keys[:2] == ["issue", "environment"], article.id
        if article.state == "wip":
            assert "resolution" not in keys, article.id
        else:
            assert article.section("resolution") is not None, article.id


def test_known_error_has_cause_and_workaround() -> None:
    known = [a for a in articles() if a.type == "known-error" and not a.translation_of]
    assert known
    for article in known:
        cause = article.section("cause")
        resolution = article.section("resolution")
        assert cause is not None and cause.text
        assert resolution is not None and "workaround" in resolution.text.lower()


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("sv", ("skrivaren", "skrivare")),
        ("fi", ("tulostin", "tulostimen")),
        ("nl", ("wachtwoord", "wachtwoorden")),
    ],
)
def test_inflected_forms_appear_in_public_articles(lang: str, words: tuple[str, ...]) -> None:
    found = [
        a.id
        for a in articles()
        if a.lang == lang
        and a.state == "validated"
        and a.audience == "public"
        and all(re.search(rf"\b{w}\b", a.body, re.IGNORECASE) for w in words)
    ]
    assert found, (lang, words)


@pytest.mark.parametrize("code", ["0x80070643", "AADSTS50076"])
def test_error_codes_have_public_articles(code: str) -> None:
    hits = [
        a
        for a in articles()
        if code in a.title and a.state == "validated" and a.audience == "public"
    ]
    assert len(hits) >= 2  # original and at least one translation


def test_internal_text_stays_in_internal_articles() -> None:
    internal = " ".join(a.body for a in articles() if a.audience == "internal")
    for phrase in INTERNAL_PHRASES:
        assert phrase in internal, phrase
    for article in articles():
        if wider_than_internal(article):
            text = "\n".join((article.title, article.summary, article.body))
            leaked = [p for p in INTERNAL_PHRASES if p in text]
            assert leaked == [], article.path


def test_no_personal_data_outside_internal_articles() -> None:
    for article in articles():
        if wider_than_internal(article):
            text = "\n".join((article.title, article.summary, article.body))
            assert not EMAIL.search(text), article.path
            assert not PHONE.search(text), article.path


def test_review_dates_mix_overdue_current_and_missing() -> None:
    today = NOW.date()
    status: Counter[str] = Counter()
    for article in articles():
        if article.reviewed is None:
            status["none"] += 1
            continue
        assert dt.date(2025, 1, 1) <= article.reviewed <= today, article.id
        days = article.review_every or kb().config.review_interval(
            type=article.type, domain=article.domain, audience=article.audience
        )
        status["overdue" if article.reviewed + dt.timedelta(days=days) < today else "ok"] += 1
    assert status["overdue"] >= 5 and status["ok"] >= 20 and status["none"] >= 3, status


def test_articles_are_short_and_some_link_tickets() -> None:
    limit = kb().config.site.length_guideline
    assert [a.id for a in articles() if a.words > limit] == []
    with_tickets = [a for a in articles() if a.tickets]
    assert len(with_tickets) >= 30
    pattern = re.compile(r"^(INC\d{7}|SD-\d{4}|PRB\d{7}|CHG\d{7})$")
    assert [t for a in with_tickets for t in a.tickets if not pattern.match(t)] == []
