"""Properties searched by hypothesis: no site's API names an article its readers may not
read, and the word diff shows each side's lines exactly, escaped."""

from __future__ import annotations

import json
import re
import tempfile
from html import unescape
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kcs.channels import api, feeds
from kcs.config import AUDIENCES, STATES
from kcs.knowledge import load
from kcs.site import context
from kcs.site.worddiff import rows

ARTICLE = st.tuples(
    st.sampled_from(AUDIENCES),
    st.sampled_from(STATES),
    st.sampled_from(["howto", "announcement"]),
    st.booleans(),  # a translation of the first article
)


def write_kb(root: Path, specs: list[tuple[str, str, str, bool]]) -> None:
    (root / "articles/x").mkdir(parents=True)
    (root / "kcs.yml").write_text("languages: [sv, en]\ndefault_language: sv\n", "utf-8")
    for n, (audience, state, kind, translated) in enumerate(specs):
        extra = "translation_of: a0\nlang: en\n" if translated and n else ""
        if kind == "announcement":
            extra += "severity: critical\nstarts: 2026-01-01\n"
        (root / f"articles/x/a{n}.md").write_text(
            f"---\nid: a{n}\ntitle: Unique title number {n} of this test\naudience: {audience}\n"
            f"state: {state}\ntype: {kind}\n{extra}---\n\n## Problem\n\nSee [a0](a0.md) "
            f"and [next](a{n + 1}.md).\n",
            encoding="utf-8",
        )


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ARTICLE, min_size=1, max_size=6), st.sampled_from(AUDIENCES))
def test_api_and_feeds_name_only_what_the_site_shows(specs, audience) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_kb(root, specs)
        kb = load(root)
        ctx = context(kb, audience)
        allowed = {a.id for a in kb.for_audience(audience)}
        forbidden = [a for a in kb.articles if a.id not in allowed]
        out = api.files(ctx) + feeds.files(ctx)
        for static in out:
            match = re.match(r"api/v1/a/(.+)\.json$", static.src_uri)
            if match:
                assert match.group(1) in allowed
            text = static.content
            named = set(re.findall(r"a/(a\d+)/", text))
            if static.src_uri.endswith(".json"):
                data = json.loads(text)
                named |= {e["id"] for e in data.get("articles", [])}
                named |= {e["id"] for e in data.get("announcements", [])}
                named |= {t["id"] for t in data.get("article", {}).get("translations", [])}
            assert named <= allowed, (static.src_uri, named - allowed)
            for article in forbidden:
                assert article.title not in text, (static.src_uri, article.id)


LINES = st.lists(st.text(alphabet="ab <>&\"'é\t", max_size=12), min_size=1, max_size=8)


def plain(row: str) -> str:
    cell = re.search(r'<td class="kcs-diff__text">(.*)</td></tr>$', row)
    assert cell
    return unescape(re.sub(r"</?(del|ins)>", "", cell.group(1)))


@settings(max_examples=200, deadline=None)
@given(LINES, LINES)
def test_word_diff_shows_each_side_exactly(old, new) -> None:
    a, b = "\n".join(old), "\n".join(new)
    out = rows(a, b)
    assert (out == []) == (a == b)
    for row in out:
        text = row
        assert (
            re.sub(r"</?(del|ins|tr|td)( class=\"[\w_-]+\"| colspan=\"4\")?>", "", text).count("<")
            == 0
        ), row  # no markup but the table's own
        if 'class="kcs-diff__del"' in row:
            assert plain(row) in a.split("\n")
            assert "<ins>" not in row
        elif 'class="kcs-diff__ins"' in row:
            assert plain(row) in b.split("\n")
            assert "<del>" not in row
        elif 'class="kcs-diff__same"' in row:
            assert plain(row) in a.split("\n") and plain(row) in b.split("\n")


HOSTILE = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=40
)


@settings(max_examples=100, deadline=None)
@given(HOSTILE, HOSTILE)
def test_any_title_gives_a_readable_feed_and_mail(title, summary) -> None:
    """Whatever an announcement's title and summary hold, the Atom feed parses and the
    e-mail can be written."""
    import datetime as dt
    import xml.etree.ElementTree as ET
    from dataclasses import replace

    from kcs.channels.push import Notice, email_message

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_kb(root, [("public", "validated", "announcement", False)])
        kb = load(root)
        article = replace(kb.articles[0], title=title, summary=summary)
        kb = replace(kb, articles=(article,))
        ctx = context(kb, "public", now=dt.datetime(2026, 6, 1, tzinfo=dt.UTC))
        atom = feeds.atom(ctx, "sv")
        entry = ET.fromstring(atom.encode("utf-8")).find("{http://www.w3.org/2005/Atom}entry")
        assert entry is not None
        notice = Notice("a0", title, summary, "critical", "sv", "", "", "")
        message = email_message(notice, "portal@example.test", ("desk@example.test",))
        assert message.as_bytes()
