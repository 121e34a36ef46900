"""Pagefind: one search index per language, of article pages only.

Pagefind splits its index by language and stems sv, fi, nl and en. The plugin hands it
each article's HTML from Markdown (title heading, banner, body) as soon as MkDocs has
converted it, wrapped by :func:`search_document`, and nothing else: home, listing,
contact and report pages, navigation and page chrome are never indexed, whatever the
templates do. The summary, tags and error codes go in as extra weighted text (Pagefind
weighs the title heading itself), the domain as a filter and the language as metadata.

Beside Pagefind's bundle the build writes, per language, what the browser search
(``assets/kcs/kcs-search.js``) needs and Pagefind cannot tell it: the stop words, the
synonym groups of kcs.yml and the page count (``kcs-search-<lang>.json``), and the words
of the indexed articles with their document frequency (``kcs-words-<lang>.json``, loaded
only to correct a typo). Both come from the pages of this site alone.

We drive the binary shipped by the ``pagefind[bin]`` wheel in its service mode
(:class:`StreamingIndex`), the same protocol as the package's asyncio client, which
polls for each answer every 0.1 s and would need 17 minutes for 10,000 pages.
"""

from __future__ import annotations

import base64
import html as htmlmod
import json
import logging
import queue
import re
import subprocess
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence, Set
from pathlib import Path
from stat import S_ISDIR, S_ISREG
from typing import Any

from .errors import BuildError
from .fsutil import entries, link_or_copy

log = logging.getLogger(__name__)

OUTPUT_SUBDIR = "pagefind"
ENTRY = "pagefind-entry.json"
#: Pages waiting for Pagefind at most (about 50 KB each).
QUEUE_PAGES = 2000
#: Pagefind weights (its default is 1; the title heading counts 7)
SUMMARY_WEIGHT = 5
CODES_WEIGHT = 8
TAGS_WEIGHT = 3
#: words kept in a language's word list for typo correction, most frequent first
MAX_WORDS = 60_000
_LANG = re.compile(r'<html lang="([^"]+)"')
_TAGS = re.compile(r"<[^>]*>")
_VOCAB_WORD = re.compile(r"[^\W\d_]{4,30}")
#: The files of one language in a Pagefind bundle (and the build's own files beside it).
_LANGUAGE_FILE = re.compile(
    r"^(?:pagefind\.(?P<meta>[^_/]+)_[0-9a-f]+\.pf_meta"
    r"|(?:index|fragment|filter)/(?P<chunk>[^_/]+)_[0-9a-f]+\.pf_[a-z]+"
    r"|wasm\.(?P<wasm>[^./]+)\.pagefind"
    r"|kcs-(?:search|words)-(?P<kcs>[^./]+)\.json)$"
)


def executable() -> Path:
    try:
        from pagefind_bin import get_executable
    except ImportError:
        raise BuildError(
            "the Pagefind binary is missing; install it with: pip install 'pagefind[bin]'"
        ) from None
    try:
        return Path(get_executable())
    except FileNotFoundError as exc:
        raise BuildError(
            f"the Pagefind binary is missing ({exc}); reinstall 'pagefind[bin]'"
        ) from None


def search_document(
    content: str,
    lang: str,
    meta: Mapping[str, Any] | None = None,
    *,
    internal: bool = False,
) -> str:
    """What Pagefind reads of an article: its HTML from Markdown (title heading, banner,
    body) in a minimal page of its language; heading anchors ("¶") are not text.

    ``meta`` (the page's ``meta["kcs"]``) adds the summary, tags and error codes as
    weighted text, the domain's label as the ``domain`` filter and ``lang`` metadata.
    Ticket ids are added on the ``internal`` site only: they are internal data, and
    whatever Pagefind indexes can be read from its fragments. The tags and codes come
    last; their word count (``tail`` metadata) lets the browser keep them out of the
    excerpts, where they read as a jumble of words.
    """
    from .search_text import codes

    body = content.replace('class="headerlink"', 'class="headerlink" data-pagefind-ignore')
    extra = []
    if meta:
        esc = htmlmod.escape
        summary = str(meta.get("summary") or "")
        if summary:
            extra.append(f'<p data-pagefind-weight="{SUMMARY_WEIGHT}">{esc(summary)}</p>')
        tail = 0
        tags = " ".join(str(t) for t in meta.get("tags") or ())
        if tags:
            extra.append(f'<p data-pagefind-weight="{TAGS_WEIGHT}">{esc(tags)}</p>')
            tail += len(tags.split())
        plain = htmlmod.unescape(_TAGS.sub(" ", content))
        tickets = [str(t) for t in meta.get("tickets") or ()] if internal else []
        found = tickets + codes(plain)
        if found:
            words = " ".join(dict.fromkeys(found))
            extra.append(f'<p data-pagefind-weight="{CODES_WEIGHT}">{esc(words)}</p>')
            tail += len(words.split())
        label = str(meta.get("domain_label") or meta.get("domain") or "")
        if label:
            extra.append(
                f'<span data-pagefind-filter="domain[data-v]" data-v="{esc(label)}"></span>'
            )
        extra.append(f'<span data-pagefind-meta="lang[data-v]" data-v="{esc(lang)}"></span>')
        extra.append(f'<span data-pagefind-meta="tail[data-v]" data-v="{tail}"></span>')
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"></head>'
        f"<body><main data-pagefind-body>{body}{''.join(extra)}</main></body></html>"
    )


def browser_files(
    words: Mapping[str, Counter[str]],
    pages: Mapping[str, int],
    synonyms: Mapping[str, Sequence[Sequence[str]]],
) -> dict[str, str]:
    """``kcs-search-<lang>.json`` and ``kcs-words-<lang>.json`` for every indexed language."""
    from .search_text import stopwords

    out: dict[str, str] = {}
    for lang in sorted(pages):
        settings = {
            "lang": lang,
            "pages": pages[lang],
            "stopwords": sorted(stopwords(lang)),
            "synonyms": [list(group) for group in synonyms.get(lang, [])],
        }
        out[f"kcs-search-{lang}.json"] = json.dumps(settings, ensure_ascii=False)
        stop = stopwords(lang)
        counts = words.get(lang, Counter())
        # Most frequent first, ties by the word: the same site always gives the same file.
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        common = [(w, n) for w, n in ranked if w not in stop][:MAX_WORDS]
        out[f"kcs-words-{lang}.json"] = json.dumps(
            {"words": [w for w, _ in common], "df": [n for _, n in common]},
            ensure_ascii=False,
            separators=(",", ":"),
        )
    return out


def _keepable(
    keep: frozenset[str], earlier: Path
) -> tuple[frozenset[str], dict[str, Any], dict[str, bool]]:
    """Those of ``keep`` the earlier index in ``earlier`` names, its entry file and its
    files (:func:`kcs.fsutil.entries`); the others (all, when it is gone or cannot be
    read) are indexed again. So is a language with a file that is not a regular file (a
    symbolic link may lead anywhere), and every language when a shared file is not."""
    if not keep:
        return keep, {}, {}
    try:
        if not S_ISDIR(earlier.lstat().st_mode) or not S_ISREG((earlier / ENTRY).lstat().st_mode):
            raise ValueError("not a folder with a regular entry file")
        entry = json.loads((earlier / ENTRY).read_text(encoding="utf-8"))
        named = {str(code) for code in entry["languages"]}
        files = entries(earlier)
    except (OSError, ValueError, KeyError, TypeError, RecursionError) as exc:
        log.info("%s: not used (%s); every language is indexed", earlier, exc)
        return frozenset(), {}, {}
    odd = {language_of(relative) for relative, regular in files.items() if not regular}
    if odd & {None, "unknown"}:
        log.info("%s: a shared file is not a regular file; every language is indexed", earlier)
        return frozenset(), {}, {}
    refused = {str(code).lower() for code in odd}
    if refused & {code.lower() for code in keep}:
        log.info("%s: files of %s are not regular files; indexed again", earlier, sorted(refused))
    kept = frozenset(code for code in keep if code.lower() in named - refused)
    return kept, entry, files


def language_of(relative: str) -> str | None:
    """The language a file of the bundle belongs to (None: shared by all)."""
    found = _LANGUAGE_FILE.match(relative)
    return next((code for code in found.groups() if code), None) if found else None


def languages(site_dir: Path) -> dict[str, int]:
    """Pages per language from ``pagefind/pagefind-entry.json`` (empty when not indexed)."""
    entry = site_dir / OUTPUT_SUBDIR / ENTRY
    if not entry.is_file():
        return {}
    try:
        data = json.loads(entry.read_text(encoding="utf-8"))
    except ValueError:
        raise BuildError(f"{entry}: Pagefind wrote an incomplete index; build again") from None
    return {
        lang: int(info.get("page_count", 0))
        for lang, info in sorted(data.get("languages", {}).items())
    }


class StreamingIndex:
    """A Pagefind index fed page by page while the site is still being rendered.

    MkDocs renders pages on one core; Pagefind's service process parses each page we
    hand it on the other, so indexing costs little more than writing the index at the
    end. Protocol (as in the ``pagefind`` package, whose asyncio client waits 0.1 s per
    response): base64-encoded JSON requests on stdin and responses on stdout, each
    followed by a comma. A reader thread drains stdout so neither side blocks.
    """

    def __init__(
        self,
        *,
        timeout: float = 600,
        synonyms: Mapping[str, Sequence[Sequence[str]]] | None = None,
        languages: Sequence[str] = (),
        keep: Set[str] = frozenset(),
        earlier: Path | None = None,
    ) -> None:
        """``languages``: those the site has (one Pagefind index each; a language's index
        depends on its own pages only). ``keep``: languages whose pages are the earlier
        build's, in the same order: their index files are linked from ``earlier`` (that
        build's ``pagefind`` folder) instead of built again."""
        self.timeout = timeout
        self.synonyms = synonyms or {}
        self.keep, self._earlier_entry, self._earlier_files = (
            _keepable(frozenset(keep), earlier) if earlier is not None else (frozenset(), {}, {})
        )
        self.earlier = earlier
        self._sent = 0
        self._words: dict[str, Counter[str]] = defaultdict(Counter)
        self._pages_of: Counter[str] = Counter()
        self._next = 0
        self._responses: dict[int, dict[str, Any]] = {}
        self._errors: list[str] = []
        self._indexed = 0
        self._final: dict[str, int] = {}  # language → its GetFiles request, once sent
        self._finished = False
        self._done = threading.Condition()
        self.pages = 0
        try:
            self._proc = subprocess.Popen(
                [str(executable()), "--service"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        except OSError as exc:
            raise BuildError(f"cannot start Pagefind: {exc}") from None
        self._reader = threading.Thread(target=self._read, name="pagefind-reader", daemon=True)
        self._reader.start()
        # Pages go through a queue and a writer thread: MkDocs never waits for Pagefind.
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=QUEUE_PAGES)
        self._broken = False
        self._writer = threading.Thread(target=self._write, name="pagefind-writer", daemon=True)
        self._writer.start()
        # One index per language, made now: a NewIndex request later would wait for
        # every page queued before it.
        self._indexes = {code: self._new_index() for code in languages if code not in self.keep}

    def _new_index(self) -> int:
        reply = self._wait(self._send({"type": "NewIndex", "config": {}}))
        return int(reply["index_id"])

    @property
    def indexed(self) -> int:
        """Pages Pagefind has finished reading."""
        return self._indexed

    def add(self, html: str, url: str) -> None:
        """Queue one page; ``url`` as the browser requests it (``/a/<id>/``)."""
        lang = _LANG.search(html)
        code = lang.group(1) if lang else "unknown"
        self.pages += 1
        if code in self.keep:
            return
        if code not in self._indexes:
            self._indexes[code] = self._new_index()
        self._pages_of[code] += 1
        text = htmlmod.unescape(_TAGS.sub(" ", html)).lower()
        self._words[code].update(set(_VOCAB_WORD.findall(text)))
        self._send(
            {
                "type": "AddFile",
                "index_id": self._indexes[code],
                "url": url,
                "file_path": None,
                "file_contents": html,
            }
        )
        self._sent += 1

    def finish(self) -> None:
        """No more pages: Pagefind builds its index now, while the caller goes on.

        The service handles requests in order, so the index holds every page sent before.
        GetFiles, not WriteFiles: the service answers WriteFiles while its writes may still
        sit in Tokio's buffers and exits on end of input without flushing them (an empty
        pagefind-entry.json under load), so :meth:`write` writes the files itself.
        """
        if self._finished:
            return
        self._finished = True
        indexes = {code: i for code, i in self._indexes.items() if self._pages_of[code]}
        if not indexes and not self.keep:
            # no page at all: Pagefind still writes its scripts (the search box loads them)
            indexes = {"": self._indexes.get("unknown") or self._new_index()}
        for code, index in indexes.items():
            self._final[code] = self._send({"type": "GetFiles", "index_id": index})

    def write(self, output: Path) -> None:
        """Wait for the index, write the bundle into ``output`` and stop the service."""
        self.finish()
        try:
            replies = [self._wait(message) for message in self._final.values()]
            if self._errors:
                raise BuildError(f"Pagefind refused a page: {self._errors[0]}")
            if self._indexed < self._sent:
                raise BuildError(
                    f"Pagefind indexed {self._indexed} of {self._sent} pages; build again"
                )
        finally:
            self.close()
        entry: dict[str, Any] = {}
        for reply in replies:
            for item in reply.get("files", []):
                content = base64.b64decode(item["content"])
                if item["path"] == ENTRY:  # each index names its own language: merge them
                    part = json.loads(content)
                    languages = {**entry.get("languages", {}), **part.get("languages", {})}
                    entry = {**part, "languages": languages}
                    continue
                target = output / item["path"]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(content)
        if self.keep:
            entry = self._link_kept(output, entry)
        output.mkdir(parents=True, exist_ok=True)
        (output / ENTRY).write_text(
            json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
        )
        for name, text in browser_files(self._words, self._pages_of, self.synonyms).items():
            (output / name).write_text(text, encoding="utf-8")

    def _link_kept(self, output: Path, entry: dict[str, Any]) -> dict[str, Any]:
        """The kept languages' files and the files every language shares, from the
        earlier build; the entry file names the kept languages as that build did."""
        assert self.earlier is not None
        # Pagefind names a language in lower case (pt-br for kcs.yml's pt-BR); kcs's own
        # files keep the code as written
        keep = {code.lower() for code in self.keep}
        try:
            earlier = self._earlier_entry
            kept = {code: earlier["languages"][code] for code in keep}
            for relative, regular in sorted(self._earlier_files.items()):
                code = language_of(relative)
                target = output / relative
                shared = code in (None, "unknown") and relative != ENTRY
                mine = code is not None and code.lower() in keep
                if regular and (mine or (shared and not target.exists())):
                    link_or_copy(self.earlier / relative, target)
        except (OSError, ValueError, KeyError, TypeError, RecursionError) as exc:
            raise BuildError(
                f"{self.earlier}: the earlier search index is incomplete ({exc}); build "
                "without --incremental (kcs publish --full)"
            ) from None
        if not entry:
            entry = {key: value for key, value in earlier.items() if key != "languages"}
        return {**entry, "languages": {**entry.get("languages", {}), **kept}}

    def close(self) -> None:
        if self._writer.is_alive():
            self._queue.put(None)
            self._writer.join(timeout=self.timeout)
        if self._proc.poll() is None:
            try:
                assert self._proc.stdin is not None
                self._proc.stdin.close()
            except OSError:
                pass
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()

    # ------------------------------------------------------------ plumbing

    def _send(self, payload: dict[str, Any]) -> int:
        self._next += 1
        if self._broken:
            raise BuildError(
                "Pagefind stopped while indexing; run `kcs build -v` and "
                "check the page it failed on"
            )
        message = {"message_id": self._next, "payload": payload}
        self._queue.put(base64.b64encode(json.dumps(message).encode("utf-8")) + b",")
        return self._next

    def _write(self) -> None:
        assert self._proc.stdin is not None
        while (data := self._queue.get()) is not None:
            if self._broken:
                continue  # drain, so that put() never blocks
            try:
                self._proc.stdin.write(data)
                self._proc.stdin.flush()
            except (BrokenPipeError, OSError):
                self._broken = True

    def _wait(self, message_id: int) -> dict[str, Any]:
        deadline = time.monotonic() + self.timeout
        with self._done:
            while message_id not in self._responses:
                left = deadline - time.monotonic()
                if left <= 0 or (self._proc.poll() is not None and not self._reader.is_alive()):
                    raise BuildError("Pagefind did not answer; its index was not written")
                self._done.wait(min(left, 1.0))
            reply = self._responses.pop(message_id)
        if reply.get("type") == "Error":
            raise BuildError(f"Pagefind: {reply.get('message')}")
        return reply

    def _read(self) -> None:
        assert self._proc.stdout is not None
        pending: list[bytes] = []  # pieces of a message not complete yet (GetFiles is large)
        while True:
            chunk = self._proc.stdout.read1(1 << 16)  # type: ignore[attr-defined]
            if not chunk:
                break
            if b"," not in chunk:
                pending.append(chunk)
                continue
            first, *complete, rest = chunk.split(b",")
            pending.append(first)
            for item in (b"".join(pending), *complete):
                if item.strip():
                    self._handle(json.loads(base64.b64decode(item)))
            pending = [rest]
        with self._done:
            self._done.notify_all()

    def _handle(self, response: dict[str, Any]) -> None:
        payload = response.get("payload") or {}
        message_id = response.get("message_id")
        with self._done:
            if payload.get("type") == "Error":
                self._errors.append(str(payload.get("message")))
            if payload.get("type") == "IndexedFile":
                self._indexed += 1  # one per page: counted, nobody waits for it
            elif message_id is not None:
                self._responses[int(message_id)] = payload
            self._done.notify_all()
