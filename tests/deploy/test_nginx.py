"""deploy/nginx.conf on real nginx: two hosts, own logs, headers, caching, compression,
beacons, and the internal host never answering without sign-in, whatever the request."""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import http.client
from urllib.parse import urlsplit

import pytest
from authstub import COOKIE, SIGN_IN_PAGE, TOKEN
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pubkb import INTERNAL_SENTENCE
from served import INTERNAL, PUBLIC, Served

SIGNED_IN = {"Cookie": f"{COOKIE}={TOKEN}"}


def request(
    served: Served,
    method: str,
    target: str,
    host: str | None,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], bytes]:
    """Send exactly this request line and Host (None: no Host header at all)."""
    conn = http.client.HTTPConnection("127.0.0.1", served.nginx.port, timeout=10)
    try:
        conn.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
        if host is not None:
            conn.putheader("Host", host)
        for key, value in (headers or {}).items():
            conn.putheader(key, value)
        conn.endheaders()
        response = conn.getresponse()
        body = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body
    finally:
        conn.close()


def internal_only(served: Served) -> set[str]:
    """Digests of every internal file that the public site does not have as it is."""
    internal, public = served.live / "internal", served.live / "public"
    digests = set()
    for path in internal.rglob("*"):
        if path.is_file():
            twin = public / path.relative_to(internal)
            data = path.read_bytes()
            if not twin.is_file() or twin.read_bytes() != data:
                digests.add(hashlib.sha256(data).hexdigest())
    return digests


def leaks(served: Served, body: bytes, secret: set[str]) -> bool:
    if not body:
        return False
    text = body
    if body[:2] == b"\x1f\x8b":
        with contextlib.suppress(OSError, EOFError):
            text = gzip.decompress(body)
    return (
        hashlib.sha256(body).hexdigest() in secret
        or INTERNAL_SENTENCE.encode() in text
        or b"breakglass" in text.lower()
        or b"Break-glass" in text
    )


def test_signed_in_agent_reads_the_internal_site(served: Served) -> None:
    status, headers, body = request(served, "GET", "/a/breakglass/", INTERNAL, SIGNED_IN)
    assert status == 200 and INTERNAL_SENTENCE.encode() in body
    assert headers["cache-control"] == "private, max-age=300"
    assert headers["x-robots-tag"] == "noindex, nofollow"
    path, asked = served.auth.asked[-1]
    assert path == "/oauth2/auth" and asked["X-Original-URI"] == "/a/breakglass/"
    status, headers, body = request(
        served, "GET", "/a/breakglass/", INTERNAL, {**SIGNED_IN, "Range": "bytes=0-99"}
    )
    assert status == 206 and len(body) == 100


def test_internal_page_without_sign_in_is_the_sign_in_page(served: Served) -> None:
    status, headers, body = request(served, "GET", "/a/breakglass/", INTERNAL)
    assert status == 403 and b"Sign in with your organisation account" in body
    assert "cache-control" not in headers
    for bad in ("_oauth2_proxy=forged", f"{COOKIE}={TOKEN}x", f"x{COOKIE}={TOKEN}"):
        status, _, body = request(served, "GET", "/a/breakglass/", INTERNAL, {"Cookie": bad})
        assert status == 403 and INTERNAL_SENTENCE.encode() not in body


def test_public_site_is_open_and_cached_briefly(served: Served) -> None:
    status, headers, body = request(served, "GET", "/a/vpn/", PUBLIC)
    assert status == 200 and b"Restart the VPN client" in body
    assert headers["cache-control"] == "public, max-age=300"
    assert "set-cookie" not in headers
    csp = headers["content-security-policy"]
    assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["x-frame-options"] == "DENY"
    # an unknown Host gets the public site, never the internal one
    status, _, body = request(served, "GET", "/a/vpn/", "other.example")
    assert status == 200 and b"Restart the VPN client" in body
    assert request(served, "GET", "/a/breakglass/", PUBLIC)[0] == 404
    assert request(served, "POST", "/a/vpn/", PUBLIC)[0] == 403


def test_fingerprinted_assets_are_immutable_and_compressed(served: Served) -> None:
    public = served.live / "public"
    asset = next(p for p in public.glob("assets/stylesheets/*.min.css"))
    target = "/" + asset.relative_to(public).as_posix()
    status, headers, body = request(served, "GET", target, PUBLIC, {"Accept-Encoding": "gzip"})
    assert status == 200 and headers["cache-control"] == "public, max-age=31536000, immutable"
    assert headers["content-encoding"] == "gzip" and gzip.decompress(body) == asset.read_bytes()
    fragment = next(p for p in public.glob("pagefind/fragment/*.pf_fragment"))
    status, headers, _ = request(
        served, "GET", "/" + fragment.relative_to(public).as_posix(), PUBLIC
    )
    assert status == 200 and headers["cache-control"] == "public, max-age=31536000, immutable"
    status, headers, _ = request(served, "GET", "/pagefind/pagefind-entry.json", PUBLIC)
    assert status == 200 and headers["cache-control"] == "public, no-cache"
    status, headers, _ = request(
        served, "GET", "/" + asset.relative_to(public).as_posix(), INTERNAL, SIGNED_IN
    )
    assert status == 200 and headers["cache-control"] == "private, max-age=31536000, immutable"


def test_beacons_go_to_each_hosts_own_log(served: Served) -> None:
    status, headers, body = request(served, "GET", "/_kcs/e?v=1&t=view&p=/a/vpn/", PUBLIC)
    assert (status, body) == (204, b"") and headers["cache-control"] == "public, no-store"
    status, _, _ = request(
        served, "GET", "/_kcs/e?v=1&t=view&p=/a/breakglass/", INTERNAL, SIGNED_IN
    )
    assert status == 204
    # not signed in: the internal beacon is refused, so nobody can forge agent use
    assert request(served, "GET", "/_kcs/e?v=1&t=view&p=/a/forged/", INTERNAL)[0] == 403
    public_log = served.nginx.access_log.read_text()
    internal_log = served.nginx.internal_access_log.read_text()
    assert '"GET /_kcs/e?v=1&t=view&p=/a/vpn/ HTTP/1.1" 204 0' in public_log
    assert '"GET /_kcs/e?v=1&t=view&p=/a/breakglass/ HTTP/1.1" 204 0' in internal_log
    assert "p=/a/breakglass/" not in public_log and "p=/a/vpn/" not in internal_log
    assert "p=/a/forged/" in internal_log.split('" 403 ')[0] or "p=/a/forged/" not in public_log
    assert "oauth2/auth" not in internal_log  # the sign-in check itself is not a visit


# Request targets built from the pieces that path tricks are made of.
PIECES = [
    "a",
    "breakglass",
    "vpn",
    "internal",
    "public",
    "live",
    "releases",
    "pagefind",
    "reports",
    "index.html",
    "404.html",
    "sv",
    "oauth2",
    "auth",
    "sign_in",
    "start",
    "_kcs",
    "e",
    "..",
    ".",
    "%2e%2e",
    "%2E%2E",
    "%2e",
    "%2f",
    "%2F",
    "%5c",
    "\\",
    "",
    ";",
    "%00",
    "%252e%252e",
    "..;",
    "pagefind-entry.json",
    "fragment",
    "assets",
    "sitemap.xml",
    "%20",
]
TARGETS = st.lists(st.sampled_from(PIECES), min_size=0, max_size=7).map(lambda p: "/" + "/".join(p))
SUFFIX = st.sampled_from(["", "?", "?x=1", "?rd=/a/breakglass/", "#x", "/", "//"])
HOSTS = st.sampled_from(
    [INTERNAL, INTERNAL.upper(), INTERNAL + ".", f"{INTERNAL}:80", PUBLIC, "127.0.0.1", "", None]
)
METHODS = st.sampled_from(["GET", "HEAD", "POST", "OPTIONS", "PUT", "DELETE", "PROPFIND", "TRACE"])
EXTRA = st.sampled_from(
    [
        {},
        {"Range": "bytes=0-50"},
        {"Range": "bytes=-100"},
        {"X-Original-URI": "/oauth2/sign_in"},
        {"X-Forwarded-Host": PUBLIC},
        {"Cookie": "_oauth2_proxy="},
        {"Authorization": "Bearer anything"},
        {"X-Auth-Request-User": "agent"},
    ]
)


@pytest.fixture(scope="module")
def secret(served: Served) -> set[str]:
    found = internal_only(served)
    assert len(found) > 10  # internal pages, its search index, reports
    return found


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(target=TARGETS, suffix=SUFFIX, host=HOSTS, method=METHODS, extra=EXTRA)
@example(target="/oauth2", suffix="", host=INTERNAL, method="GET", extra={})  # a redirect
def test_nothing_internal_without_sign_in(
    served: Served,
    secret: set[str],
    target: str,
    suffix: str,
    host: str | None,
    method: str,
    extra: dict[str, str],
) -> None:
    status, headers, body = request(served, method, target + suffix, host, extra)
    case = (method, target + suffix, host, extra, status)
    assert not leaks(served, body, secret), case
    if host is not None and host.lower().rstrip(".").split(":")[0] == INTERNAL:
        # Only the sign-in service answers: its page, or a redirect into it.
        if 200 <= status < 300:
            assert body == SIGN_IN_PAGE or (
                method == "HEAD" and headers["content-length"] == str(len(SIGN_IN_PAGE))
            ), case
        elif 300 <= status < 400:
            assert urlsplit(headers["location"]).path.startswith("/oauth2/"), case


@pytest.mark.parametrize(
    "target",
    [
        "/a/breakglass/",
        "/a/breakglass/index.html",
        "/A/breakglass/",
        "/a/%62reakglass/",
        "/a%2fbreakglass/",
        "/a/breakglass%2findex.html",
        "/oauth2/../a/breakglass/",
        "/oauth2/%2e%2e/a/breakglass/",
        "/oauth2/..%2fa/breakglass/",
        "/oauth2/auth",
        "/oauth2/auth/../../a/breakglass/",
        "/_kcs/e/../../a/breakglass/",
        "/pagefind/pagefind-entry.json",
        "/reports/",
        "/sitemap.xml",
        "/404.html",
        "/nothing-here",
        "/_kcs/404",
        "/sv/404.html",
        "/sv/nothing-here",
        "//a/breakglass/",
        "/./a/./breakglass/",
        "/a/breakglass/;x",
    ],
)
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_known_tricks_on_the_internal_host(
    served: Served, secret: set[str], target: str, method: str
) -> None:
    status, _, body = request(served, method, target, INTERNAL, {"Range": "bytes=0-"})
    assert status in (400, 401, 403), (target, status)
    assert not leaks(served, body, secret)


@pytest.mark.parametrize(
    "target",
    [
        "/../internal/a/breakglass/",
        "/..%2finternal/a/breakglass/",
        "/%2e%2e/internal/",
        "/../../live/internal/index.html",
        "/../source/articles/accounts/breakglass.md",
        "/..%2fsource/articles/accounts/breakglass.md",
        "/../release.json",
    ],
)
def test_public_host_cannot_climb_into_internal(
    served: Served, secret: set[str], target: str
) -> None:
    status, _, body = request(served, "GET", target, PUBLIC)
    assert status in (400, 404) and not leaks(served, body, secret)


@pytest.mark.parametrize(("host", "headers"), [(PUBLIC, {}), (INTERNAL, SIGNED_IN)])
def test_a_missing_address_gets_the_404_page_of_its_language(
    served: Served, host: str, headers: dict[str, str]
) -> None:
    root = served.live / ("public" if host == PUBLIC else "internal")
    langs = sorted(p.parent.name for p in root.glob("*/404.html"))
    assert langs, "the build writes <lang>/404.html"
    # This site has one language, whose 404 page may equal the root one: a second
    # language's page, told apart by its text, shows which file nginx picked.
    extra = root / "fi-FI" / "404.html"
    extra.parent.mkdir()
    extra.write_text("<p>Sivua ei löytynyt</p>", encoding="utf-8")
    try:
        for lang in [*langs, "fi-FI"]:
            status, _, body = request(served, "GET", f"/{lang}/no/such/page", host, headers)
            assert status == 404 and body == (root / lang / "404.html").read_bytes(), lang
        # elsewhere, and under a prefix that is no language, the root 404 page
        for target in ("/a/no-such-page/", "/zz/nothing", "/api/nothing"):
            status, _, body = request(served, "GET", target, host, headers)
            assert status == 404 and body == (root / "404.html").read_bytes(), target
    finally:
        extra.unlink()
        extra.parent.rmdir()
