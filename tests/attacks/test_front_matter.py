"""Front matter and domains: wildcard domains, audience widening hidden in YAML tricks,
encodings and sizes, and articles moved between domains. Erik is a contributor of devices
(he may change internal articles there, never publish); Mikko publishes network only."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from attackkit import (
    World,
    article,
    assert_gate_refused,
    assert_push_refused,
    commit,
    kcs,
    push,
)
from gitrepo import git

BODY = "## Issue\n\nIt is slow.\n\n## Environment\n\nWindows 11\n\n## Resolution\n\nRestart it.\n"


def _front(lines: str, *, nl: str = "\n") -> str:
    return f"---{nl}{lines.replace(chr(10), nl)}{nl}---{nl}{nl}{BODY.replace(chr(10), nl)}"


@dataclass(frozen=True)
class Widening:
    """Erik's change to laptop.md that makes it reach a wider audience."""

    id: str
    content: str | bytes


WIDENINGS = [
    Widening(
        "duplicate-audience-key", _front("title: Laptop\naudience: internal\naudience: public")
    ),
    Widening("yaml-str-tag", _front("title: Laptop\naudience: !!str public\nstate: validated")),
    Widening("yaml-anchor-alias", _front("title: &t Laptop\nsummary: *t\naudience: public")),
    Widening("yaml-merge-key", _front("title: Laptop\n<<: {audience: public}")),
    Widening("byte-order-mark", "\ufeff" + _front("title: Laptop\naudience: public")),
    Widening("crlf-line-ends", _front("title: Laptop\naudience: public", nl="\r\n")),
    Widening("quoted-audience", _front("title: Laptop\naudience: 'public'")),
    Widening("huge-front-matter", _front(f"title: {'x' * 1_100_000}\naudience: public")),
    Widening(
        "invalid-utf8",
        b"---\ntitle: Laptop \xff\xfe\naudience: public\n---\n\n" + BODY.encode(),
    ),
    Widening("audience-partner", article("Laptop is slow", audience="partner")),
    Widening("translation-file", article("Laptop is slow", audience="public")),
]


def _path(widening: Widening) -> str:
    name = "laptop.sv.md" if widening.id == "translation-file" else "laptop.md"
    return f"articles/devices/{name}"


@pytest.mark.parametrize("widening", WIDENINGS, ids=[w.id for w in WIDENINGS])
def test_contributor_widens_by_push(world: World, widening: Widening) -> None:
    erik = world.clone("erik")
    before = world.refs()
    commit(erik, {_path(widening): widening.content}, "Tidy front matter")
    result = push(erik, "origin", "main")
    assert_push_refused(world, result, before, _path(widening), rule=r"publish")


@pytest.mark.parametrize("widening", WIDENINGS, ids=[w.id for w in WIDENINGS])
def test_contributor_widens_by_pull_request(world: World, widening: Widening) -> None:
    erik = world.clone("erik", origin=world.forge)
    sha = world.pull_request(erik, commit(erik, {_path(widening): widening.content}))
    assert_gate_refused(world.gate(sha, "erikj"), _path(widening), rule=r"publish")


# ------------------------------------------------------------ wildcard domains

WILDCARDS = {
    "front-matter-star": (
        "articles/accounts/new.md",
        article("New", audience="public", state="validated", domain='"*"'),
    ),
    "front-matter-spaced-star": (
        "articles/accounts/new.md",
        article("New", audience="public", state="validated", domain='" * "'),
    ),
    "folder-star": ("articles/*/new.md", article("New", audience="public", state="validated")),
}


@pytest.mark.parametrize("case", list(WILDCARDS))
def test_wildcard_domain_by_pull_request(world: World, case: str) -> None:
    """A publisher of network only approves a public article 'in any domain'."""
    path, text = WILDCARDS[case]
    lotta = world.clone("lotta", origin=world.forge)
    sha = world.pull_request(lotta, commit(lotta, {path: text}))
    assert_gate_refused(world.gate(sha, "lottan", ["mvirtanen"]), path, rule=r"domain")


@pytest.mark.parametrize("case", list(WILDCARDS))
def test_wildcard_domain_by_push(world: World, case: str) -> None:
    path, text = WILDCARDS[case]
    lotta = world.clone("lotta")
    git(lotta, "switch", "-q", "-c", "proposal/lotta/new")
    commit(lotta, {path: text})
    assert push(lotta, "origin", "proposal/lotta/new").returncode == 0
    mikko = world.clone("mikko")
    git(mikko, "merge", "-q", "--no-ff", "-S", "-m", "Merge", "origin/proposal/lotta/new")
    before = world.refs()
    result = push(mikko, "origin", "main")
    assert_push_refused(world, result, before, path, rule=r"domain")


# ------------------------------------------------------------ moving between domains


def test_publisher_moves_an_article_into_his_domain_by_rename(world: World) -> None:
    jan = world.clone("jan")  # publisher of devices, nothing in network
    git(jan, "mv", "articles/network/vpn.md", "articles/devices/vpn.md")
    commit(jan, {}, "Move")
    before = world.refs()
    result = push(jan, "origin", "main")
    assert_push_refused(world, result, before, "articles/network/vpn.md", rule=r"network")


def test_publisher_claims_an_article_by_front_matter_domain(world: World) -> None:
    """Mikko (publisher of network) sets domain: network on an accounts article."""
    text = article("I forgot my password", audience="public", state="validated", domain="network")
    mikko = world.clone("mikko")
    commit(mikko, {"articles/accounts/reset.md": text}, "Reclassify")
    before = world.refs()
    result = push(mikko, "origin", "main")
    assert_push_refused(world, result, before, "articles/accounts/reset.md", rule=r"accounts")


def test_contributor_deletes_a_published_article(world: World) -> None:
    mikko = world.clone("mikko")  # contributor of accounts
    commit(mikko, {"articles/accounts/public-mfa.md": None}, "Remove")
    before = world.refs()
    result = push(mikko, "origin", "main")
    assert_push_refused(
        world, result, before, "articles/accounts/public-mfa.md", rule=r"archive|delet|publish"
    )


def test_front_matter_in_files_that_are_not_markdown_articles(world: World) -> None:
    """A contributor adds public front matter in files the build might take for articles
    (.markdown, .MD): refused, or never on the public site."""
    secret = "## Issue\n\nsecret-token-7f3a\n\n## Resolution\n\nRestart.\n"
    files = {
        "articles/network/secret.markdown": article("Secret", audience="public", body=secret),
        "articles/network/upper.MD": article("Upper", audience="public", body=secret),
    }
    erik = world.clone("mikko")  # contributor everywhere, publisher of network only
    git(erik, "config", "user.signingkey", str(world.keys["mikko"]))
    before = world.refs()
    commit(erik, files, "Notes")
    result = push(erik, "origin", "main")
    if result.returncode != 0:
        assert_push_refused(world, result, before, "articles/network/", rule=r"publish|markdown|md")
        return
    dest = world.tmp / "publish"
    dest.mkdir()
    code, out = kcs("publish", "--repo", str(world.server), "--dest", str(dest))
    assert code == 0, out
    public = [
        p for p in (dest / "live").resolve().rglob("*") if p.is_file() and "public" in p.parts
    ]
    assert public, "no public site was published"
    leaked = [p for p in public if b"secret-token-7f3a" in p.read_bytes()]
    assert not leaked, f"front matter outside .md articles reached the public site: {leaked[:3]}"
