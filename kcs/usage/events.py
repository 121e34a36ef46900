"""Requests → what they mean: who sent them, and what a beacon says.

Filtering (applied by :mod:`kcs.usage.scan`) follows one order, and every
dropped line is counted by its reason: ``method`` (not GET/HEAD), ``probe``
(monitoring agents and health-check paths), ``bot`` (crawlers, by the maintained
`crawlerdetect` patterns, run over a block's new agents at once by :mod:`kcs.usage.agents`
and cached per user-agent string), then the request is
kept. Kept requests count towards unique visitors; successful GETs of
``/a/<id>/`` and ``/<lang>/…`` become hits and the beacon ``/_kcs/e`` events.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, NamedTuple
from urllib.parse import unquote_plus

from .privacy import redact

BEACON_PATH = "/_kcs/e"
BEACON_TYPES = frozenset(
    {"search", "click", "feedback", "suggest", "suggest-click", "contact", "announcement"}
)
REASONS = frozenset({"outdated", "unclear", "mismatch", "other"})
MAX_QUERY = 200

# The article URL is stable across renames: /a/<id>/ (optionally under a site prefix).
_ARTICLE = re.compile(r"^(?:/[^/?#]+)*?/a/([a-z0-9][a-z0-9._-]{0,99})/(?:index\.html)?$")
_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")
_PROBE_AGENTS = re.compile(
    r"kube-probe|pingdom|uptimerobot|statuscake|elb-healthchecker|googlehc|blackbox[ -]exporter"
    r"|consul health|zabbix|nagios|check_http|site24x7|uptime-kuma|betteruptime|healthcheck"
    r"|prometheus|monitis|newrelicpinger|datadog",
    re.I,
)
PROBE_PATHS = frozenset(
    {"/healthz", "/health", "/livez", "/readyz", "/ready", "/ping", "/status", "/_health"}
)


#: What a request line is: codes below KEEP are dropped.
METHOD, PROBE, KEEP, VIEW, PAGE, BEACON = range(6)


class Event(NamedTuple):
    """One row of the events table (``vh`` and ``day`` are filled in by the store)."""

    type: str  # view, page, search, click, feedback, suggest, suggest-click, contact, announcement
    article: str = ""
    lang: str = ""
    q: str = ""
    n: int | None = None
    p: int | None = None
    h: int | None = None  # feedback: 1 helped, 0 not
    r: str = ""


class Classifier:
    """Decides, with a cache per user-agent string, whether a request is a human's."""

    def __init__(self, languages: tuple[str, ...] = ()) -> None:
        from crawlerdetect import CrawlerDetect

        self._detect = CrawlerDetect()
        self.agents: dict[str, str] = {}
        self.languages = frozenset(languages)

    def request(self, request: str) -> tuple[int, Any]:
        """Classify a request line (``GET /a/x/ HTTP/1.1``): a code and its payload.

        VIEW carries the article id, PAGE the language, BEACON the :class:`Event`;
        a beacon that is not a valid v1 beacon is an ordinary KEEP request.
        """
        method, _, uri = request.partition(" ")
        uri = uri.rpartition(" ")[0] or uri
        if method != "GET":
            return (KEEP, None) if method == "HEAD" else (METHOD, None)
        path, _, query = uri.partition("?")
        if path in PROBE_PATHS:
            return PROBE, None
        if path == BEACON_PATH:
            event = beacon(query)
            return (BEACON, event) if event is not None else (KEEP, None)
        if "/a/" in path:
            found = _ARTICLE.match(path)
            if found:
                return VIEW, found.group(1)
        lang = path[1:].partition("/")[0]
        if lang in self.languages:
            return PAGE, lang
        return KEEP, None

    def agent_kind(self, user_agent: str) -> str:
        """``human``, ``bot`` or ``probe`` for a user-agent string (cached: a log has few)."""
        kind = self.agents.get(user_agent)
        if kind is None:
            if _PROBE_AGENTS.search(user_agent):
                kind = "probe"
            elif not user_agent.strip() or user_agent == "-" or self._detect.isCrawler(user_agent):
                kind = "bot"
            else:
                kind = "human"
            if len(self.agents) > 100_000:
                self.agents.clear()
            self.agents[user_agent] = kind
        return kind


def _int(value: str | None, low: int = 0, high: int = 10**6) -> int | None:
    if value is None or not value.isdigit():
        return None
    number = int(value)
    return number if low <= number <= high else None


def _value(raw: str) -> str:
    return unquote_plus(raw, errors="replace") if "%" in raw or "+" in raw else raw


@lru_cache(maxsize=65536)
def _query(raw: str) -> str:
    """A beacon's ``q`` as stored: decoded, whitespace collapsed, cut, redacted."""
    return redact(" ".join(_value(raw).split())[:MAX_QUERY])


def beacon(query: str) -> Event | None:
    """A beacon query string (``v=1&t=search&q=…``) → Event, None if not a valid v1 beacon.

    The query text is cut to 200 characters and redacted before it goes anywhere.
    """
    if query.count("&") > 20:
        return None
    raw: dict[str, str] = {}
    for part in reversed(query.split("&")):  # the first of a repeated name counts
        name, _, value = part.partition("=")
        raw[name] = value
    params = {name: _value(value) for name, value in raw.items() if name != "q"}
    kind = params.get("t", "")
    if params.get("v") != "1" or kind not in BEACON_TYPES:
        return None
    lang = params.get("l", "").lower()[:12]
    article = params.get("a", "")
    if article and not _ID.match(article):
        return None
    q = _query(raw.get("q", ""))
    if kind == "search" or kind == "suggest":
        return Event(kind, lang=lang, q=q, n=_int(params.get("n")))
    if kind == "click" or kind == "suggest-click":
        if not article:
            return None
        return Event(kind, article=article, lang=lang, q=q, p=_int(params.get("p"), 1))
    if kind == "feedback":
        helped = params.get("h")
        if not article or helped not in ("yes", "no"):
            return None
        reason = params.get("r", "") if helped == "no" else ""
        return Event(
            kind,
            article=article,
            lang=lang,
            h=1 if helped == "yes" else 0,
            r=reason if reason in REASONS else ("other" if reason else ""),
        )
    if kind == "contact":
        return Event(kind, lang=lang, q=q)
    if not article:  # announcement
        return None
    return Event(kind, article=article, lang=lang)
