"""Whether an article's Markdown can be rendered, and where it breaks.

One bad article must never take a site down. :func:`problem` renders an article's body the
way a site build does and turns any failure of the renderer into a one-line finding with
the file line where it starts; ``kcs lint``, ``kcs import`` and the build all call it. The
build leaves such an article out of the wider sites and shows agents a placeholder on the
internal site (kcs/site/articles.py).

Before Python-Markdown sees a page, MkDocs reads its raw HTML with the HTML tokenizer
Python-Markdown ships, to collect anchors; that tokenizer stops with an AssertionError on
markup such as ``<![LOG[...]LOG]!>`` (Configuration Manager log lines). The quick check
(``full=False``) runs that tokenizer only: it costs a fraction of a render, so the build
runs it on every article before rendering, and catches what else breaks while rendering.
"""

from __future__ import annotations

import hashlib
import logging
import re
import signal
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .findings import Finding

log = logging.getLogger(__name__)

CODE = "render-error"
#: Python-Markdown extensions a site is built with when mkdocs.yml names none.
DEFAULT_EXTENSIONS: tuple[str, ...] = ("admonition", "attr_list", "md_in_html", "toc")
#: MkDocs always adds these (mkdocs/config/defaults.py, markdown_extensions builtins).
BUILTIN_EXTENSIONS: tuple[str, ...] = ("toc", "tables", "fenced_code")
MAX_MESSAGE = 160
#: Seconds one check may take. An article renders in milliseconds, but Python-Markdown
#: is quadratic on some text (thousands of unclosed ``[`` or ``<a ``): 20 KB of it takes
#: seconds, 100 KB minutes, on every push that touches it (pre-receive lints it) and in
#: every build. Past the limit the article is a ``render-error`` like one that fails.
TIME_LIMIT = 10.0
TOO_SLOW = "too slow to render"


@dataclass(frozen=True)
class Setup:
    """The Python-Markdown extensions (names) and their settings a site renders with."""

    extensions: tuple[str, ...] = (*BUILTIN_EXTENSIONS, *DEFAULT_EXTENSIONS[:-1])
    configs: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


def setup_for(root: Path) -> Setup:
    """The Markdown setup of the repository's mkdocs.yml (the default one without it).

    An mkdocs.yml that cannot be read gives the default: the build reports that file.
    """
    path = root / "mkdocs.yml"
    names: list[str] = list(BUILTIN_EXTENSIONS)
    configs: dict[str, Mapping[str, Any]] = {}
    if path.is_file():
        try:
            from mkdocs.utils.yaml import yaml_load

            with path.open(encoding="utf-8") as stream:
                data = yaml_load(stream) or {}
            listed = data.get("markdown_extensions") or []
        except Exception:  # noqa: BLE001 - any unreadable file: the build names it
            listed = list(DEFAULT_EXTENSIONS)
        for item in listed if isinstance(listed, list) else [listed]:
            if isinstance(item, str):
                names.append(item)
            elif isinstance(item, dict):
                for name, value in item.items():
                    names.append(str(name))
                    if isinstance(value, dict):
                        configs[str(name)] = value
    else:
        names.extend(DEFAULT_EXTENSIONS)
    # The kcs plugin adds these to every site (kcs/plugin.py, configure).
    names.extend(("admonition", "attr_list", "md_in_html"))
    return Setup(tuple(dict.fromkeys(names)), configs)


def problem(
    path: str, body: str, body_line: int = 1, setup: Setup | None = None, *, full: bool = True
) -> Finding | None:
    """A ``render-error`` finding when ``body`` cannot be rendered, else None.

    ``full=False`` runs only the HTML tokenizer MkDocs runs first (see the module text).
    """
    failure = _fails(body, setup, full)
    if failure is None:
        return None
    if failure.startswith(TOO_SLOW):
        return Finding(
            path,
            body_line,
            CODE,
            f"the Markdown renderer takes over {TIME_LIMIT:g} s on this article: thousands "
            "of unclosed [ ( < or ` are the usual cause; put such text in a code block "
            "(``` fences) or shorten it",
        )
    offset = _locate(body, setup, full)
    return Finding(
        path,
        body_line + offset,
        CODE,
        f"the Markdown renderer fails here ({failure}); put such text in a code block "
        "(``` fences) or write < as &lt;",
    )


def _fails(text: str, setup: Setup | None, full: bool) -> str | None:
    """None when ``text`` renders, else the reason in one short line (remembered: the
    same text with the same extensions renders or fails the same way)."""
    setup = setup or Setup()
    key = hashlib.sha256(
        repr((setup.extensions, sorted(setup.configs.items(), key=str), full, text)).encode()
    ).hexdigest()
    if key in _KNOWN:
        return _KNOWN[key]
    reason = _check(text, setup, full)
    if reason is None or not reason.startswith(TOO_SLOW):  # a busy machine decides no more
        _KNOWN[key] = reason
    return reason


def known() -> dict[str, str | None]:
    """Every check's result so far, by a hash of text and extensions (for the manifest
    of an incremental build, kcs/incremental.py)."""
    return dict(_KNOWN)


def remember(results: Mapping[str, str | None]) -> None:
    """Take the results of an earlier build's checks."""
    _KNOWN.update(results)


def _check(text: str, setup: Setup, full: bool) -> str | None:
    md = _markdown(setup, full)
    try:
        with _time_limit(TIME_LIMIT):
            md.reset()
            md.convert(text)
    except _Scanned:
        pass
    except _TooSlow:
        _MARKDOWN.clear()
        return f"{TOO_SLOW} in {TIME_LIMIT:g} s"
    except RecursionError:
        _MARKDOWN.clear()  # a half-run instance is not used again
        return "nesting too deep"
    except Exception as exc:  # noqa: BLE001 - whatever the renderer raises is the finding
        _MARKDOWN.clear()
        first = (str(exc).strip().splitlines() or [""])[0]
        reason = f"{type(exc).__name__}: {first}" if first else type(exc).__name__
        return reason if len(reason) <= MAX_MESSAGE else reason[: MAX_MESSAGE - 1] + "…"
    return None


def _locate(text: str, setup: Setup | None, full: bool) -> int:
    """0-based line of ``text`` where rendering starts to fail: the last line of the
    shortest failing prefix. Prefixes end outside fenced code only, so that a cut never
    turns code into text."""
    lines = text.split("\n")
    cuts, fenced = [], False
    for number, line in enumerate(lines, 1):
        if _FENCE.match(line):
            fenced = not fenced
        if not fenced:
            cuts.append(number)
    if not cuts or cuts[-1] != len(lines):
        cuts.append(len(lines))
    low, high = 0, len(cuts) - 1  # the whole text fails; find the first cut that does
    while low < high:
        middle = (low + high) // 2
        if _fails("\n".join(lines[: cuts[middle]]), setup, full) is None:
            low = middle + 1
        else:
            high = middle
    return cuts[low] - 1


_FENCE = re.compile(r"^\s{0,3}(```|~~~)")


class _Scanned(Exception):
    """The quick check is done: the rest of the conversion is not needed."""


class _TooSlow(Exception):
    """The check ran out of time (:data:`TIME_LIMIT`)."""


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`_TooSlow` in the block after ``seconds`` (a real-time timer signal).
    Signals reach the main thread only: elsewhere, and where a timer already runs (the
    caller's own), the block runs without a limit."""
    if threading.current_thread() is not threading.main_thread() or any(
        signal.getitimer(signal.ITIMER_REAL)
    ):
        yield
        return

    def expired(signum: int, frame: Any) -> None:
        raise _TooSlow

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


#: One Markdown instance per setup and mode, reset between articles.
_MARKDOWN: dict[tuple[str, bool], Any] = {}
_KNOWN: dict[str, str | None] = {}


def _markdown(setup: Setup, full: bool) -> Any:
    key = (repr((setup.extensions, sorted(setup.configs.items(), key=str))), full)
    md = _MARKDOWN.get(key)
    if md is None:
        import markdown
        from markdown.htmlparser import htmlparser
        from markdown.preprocessors import Preprocessor

        class Scan(Preprocessor):
            """The tokenizer pass MkDocs makes over the raw HTML, at its place: after
            fenced code is set aside (so code in fences is safe), before HTML blocks."""

            def run(self, lines: list[str]) -> list[str]:
                parser = htmlparser.HTMLParser()
                parser.feed("\n".join(lines))
                parser.close()
                if not full:
                    raise _Scanned
                return lines

        md = markdown.Markdown(
            extensions=list(setup.extensions), extension_configs=dict(setup.configs)
        )
        md.preprocessors.register(Scan(md), "kcs_raw_html_scan", 21)
        _MARKDOWN[key] = md
    return md


def placeholder(finding: Finding, lang: str) -> str:
    """The Markdown of the page agents see instead of an article that cannot be rendered."""
    from . import i18n

    head, text = i18n.text(lang, "unrenderable.title"), i18n.text(lang, "unrenderable")
    return f'!!! failure "{head}"\n    {text}\n\n    <code>{_entities(str(finding))}</code>\n'


def _entities(text: str) -> str:
    """Text that Markdown and HTML show as typed: everything but letters and digits as
    character references."""
    return "".join(c if c.isalnum() or c == " " else f"&#{ord(c)};" for c in text)


def problems(
    articles: Sequence[Any], setup: Setup | None = None, *, full: bool = True
) -> dict[str, Finding]:
    """id → finding of each article (with ``path``, ``body``, ``body_line``) that breaks."""
    out: dict[str, Finding] = {}
    for article in articles:
        found = problem(article.path, article.body, article.body_line, setup, full=full)
        if found is not None:
            out[article.id] = found
    return out
