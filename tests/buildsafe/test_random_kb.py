"""Random knowledge repositories, built for real: every link form, audience, state and
translation, and every output file of every site scanned for what that site may not show.

Hypothesis draws the articles (audience, state, language, translation, domain folder) and,
in each, links of every form to the others; each example is built with MkDocs and checked.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import buildkb
from buildkb import article, make_repo, site_texts
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from kcs.build import build_sites
from kcs.config import AUDIENCES, STATES
from kcs.knowledge import load

#: Examples per run; KCS_FUZZ_EXAMPLES=50 searches harder (each example is three builds).
EXAMPLES = int(os.environ.get("KCS_FUZZ_EXAMPLES", "4"))
DOMAINS = ("accounts", "internal-ops", "network")
SITE = {"public": "https://help.example.test", "internal": "https://kb.example.test"}
KCS_YML = buildkb.KCS_YML + "  network: {en: Network, sv: Nätverk}\n"


@dataclass(frozen=True)
class Spec:
    index: int
    audience: str
    state: str
    lang: str
    domain: str
    translation_of: int | None

    @property
    def ident(self) -> str:
        return f"rk{self.index}q"

    @property
    def path(self) -> str:
        return f"articles/{self.domain}/fz{self.index}-topic.md"

    @property
    def title(self) -> str:
        return f"Quokka topic {self.index} of the knowledge base"

    @property
    def sentence(self) -> str:
        return f"The quokka procedure number {self.index} needs the spare badge from reception"


#: How a link to ``target`` (from ``source``) can be written; {n} numbers the link.
FORMS = {
    "inline": "[plain {n}]({rel})",
    "angle": "[angle {n}](<{rel}>)",
    "anchor": "[anchor {n}]({rel}#part)",
    "wrapped": "[wrapped\ntext {n}]({rel})",
    "full-ref": "[full {n}][lbl{n}]\n\n[lbl{n}]: {rel}",
    "collapsed": "[lbl{n}][]\n\n[lbl{n}]: {site}",
    "shortcut": 'see [lbl{n}]\n\n[lbl{n}]: {rel} "A title {n}"',
    "site-url": "[site {n}]({site})",
    "absolute": "[absolute {n}]({absolute})",
    "autolink": "<{absolute}>",
    "html-inline": 'text <a href="{rel}" title="Title {n}">html {n}</a> text',
    "html-block": '<p><a href="{site}">block {n}</a></p>',
    "html-image": '<p><img src="{site}" alt="image {n}"></p>',
    "md-in-html": '<div markdown="1">\n[nested {n}]({rel})\n</div>',
    "heading": "## Heading [head {n}]({rel})",
    "image": "![picture {n}]({rel})",
}


def link(form: str, n: int, source: Spec, target: Spec, host: str) -> str:
    up = "../" * (source.path.count("/") - 1)
    rel = up + target.path.removeprefix("articles/")
    site = f"/a/{target.ident}/"
    return FORMS[form].format(n=n, rel=rel, site=site, absolute=SITE[host] + site)


@st.composite
def repositories(draw: st.DrawFn) -> tuple[list[Spec], dict[int, list[tuple[str, int, str]]]]:
    count = draw(st.integers(min_value=2, max_value=5))
    specs: list[Spec] = []
    for index in range(count):
        translation = draw(st.none() | st.integers(0, index - 1)) if index else None
        # The first article is on every site, so that some page links to hidden ones;
        # the others lean towards being published, so that sites differ.
        audiences = ("public",) if index == 0 else (*AUDIENCES, "public")
        states = ("validated",) if index == 0 else (*STATES, "validated")
        specs.append(
            Spec(
                index,
                draw(st.sampled_from(audiences)),
                draw(st.sampled_from(states)),
                draw(st.sampled_from(("en", "sv"))),
                draw(st.sampled_from(DOMAINS)),
                translation,
            )
        )
    links = {
        spec.index: draw(
            st.lists(
                st.tuples(
                    st.sampled_from(sorted(FORMS)),
                    st.integers(0, count - 1),
                    st.sampled_from(("public", "internal")),
                ),
                min_size=4 if spec.index == 0 else 1,
                max_size=10,
            )
        )
        for spec in specs
    }
    return specs, links


def text_of(spec: Spec, specs: list[Spec], links: list[tuple[str, int, str]]) -> str:
    parts = [f"## Resolution\n\n{spec.sentence}.\n"]
    for n, (form, target, host) in enumerate(links):
        parts.append(link(form, n, spec, specs[target], host))
    extra = ""
    if spec.translation_of is not None:
        extra = f"translation_of: {specs[spec.translation_of].ident}\n"
    return article(
        spec.ident,
        spec.title,
        "\n\n".join(parts) + "\n",
        state=spec.state,
        audience=spec.audience,
        lang=spec.lang,
        extra=extra,
    )


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    # Each example is three real builds: shrinking would take minutes; the failing
    # repository is printed as drawn.
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(repositories(), st.sampled_from(("partner", "customer")))
def test_no_site_holds_what_its_audience_may_not_see(
    drawn: tuple[list[Spec], dict[int, list[tuple[str, int, str]]]], middle: str
) -> None:
    specs, links = drawn
    with tempfile.TemporaryDirectory(prefix="kcs-random-") as folder:
        root = make_repo(
            Path(folder),
            {s.path: text_of(s, specs, links[s.index]) for s in specs},
            kcs_yml=KCS_YML,
        )
        kb = load(root)
        assert kb.findings == ()
        audiences = ("public", middle, "internal")
        # Never stops the build: no link of any form to a hidden article is an error.
        result = build_sites(root, audiences)
        by_spec = {s.ident: s for s in specs}
        for site in result.sites:
            allowed = {a.id for a in kb.for_audience(site.audience)}
            out = root / "site" / site.audience
            for ident in allowed:
                assert (out / f"a/{ident}/index.html").is_file(), (site.audience, ident)
            if site.audience == "internal":
                continue  # agents may read every article (reports list archived ones too)
            hidden = [by_spec[i] for i in sorted(set(by_spec) - allowed)]
            needles = {
                needle: spec.ident
                for spec in hidden
                for needle in (
                    f"a/{spec.ident}/",
                    spec.path.removeprefix("articles/"),
                    f"fz{spec.index}-topic",
                    spec.title,
                    spec.sentence,
                )
            }
            for rel, text in site_texts(out):
                low = text.casefold()
                found = [n for n in needles if n.casefold() in low]
                assert not found, f"{site.audience} site, {rel}: {found}"
