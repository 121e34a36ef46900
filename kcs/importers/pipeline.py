"""One import run: read → map → convert → write, idempotent by provenance.

Every article an import writes carries ``source: {system, path or id, ...}``.
A later run of the same source finds those articles by scanning the existing
knowledge base and updates them in place (same id, same file) instead of adding
copies. An article whose source did not change is left alone, so edits made
after the import survive; one that was validated or archived since is never
overwritten. ``dry_run`` computes everything and writes nothing.
"""

from __future__ import annotations

import logging
import os
import re
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import knowledge
from ..article import Article, slugify, split_front_matter
from ..articlefile import dump_article
from ..config import Config
from ..errors import UsageError
from ..fsutil import atomic_write
from ..yamlio import YamlProblem, load_mapping
from . import guess_format, importer
from . import mapping as mapping_module
from .convert import Context, convert, title_has_placeholder
from .fields import Mapped, excluded, locale_of, map_record, unmapped_fields
from .model import Failure, Record

log = logging.getLogger(__name__)
_WRITERS = 8  # fsync waits on the disk, not the CPU: overlap the writes

#: Front-matter fields an import owns; a re-import rewrites only these (and the body).
OWNED = ("title", "lang", "summary", "translation_of", "source")
_ORDER = (
    "title",
    "id",
    "lang",
    "domain",
    "state",
    "audience",
    "type",
    "summary",
    "tags",
    "translation_of",
    "source",
)


@dataclass(frozen=True)
class Action:
    """What happened (or would happen) to one article."""

    origin: str
    path: str
    id: str
    action: str  # create, update, unchanged, kept
    domain: str
    lang: str
    state: str
    type: str


@dataclass(frozen=True)
class Note:
    """A warning about one source file (or row)."""

    origin: str
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.origin}: {self.code}: {self.message}"


@dataclass(frozen=True)
class ImportResult:
    source: str
    system: str
    format: str
    style: str
    dry_run: bool
    actions: tuple[Action, ...]
    failures: tuple[Failure, ...]
    warnings: tuple[Note, ...]
    unmapped: dict[str, int]
    duplicates: tuple[Any, ...]  # kcs.duplicates.Group
    seconds: float
    assets: int = 0

    @property
    def failed(self) -> bool:
        return bool(self.failures)

    def count(self, action: str) -> int:
        return sum(1 for a in self.actions if a.action == action)


@dataclass
class _Item:
    record: Record
    mapped: Mapped
    id: str
    path: str
    existing: Article | None
    translation_of: str | None = None
    notes: list[tuple[str, str]] = field(default_factory=list)


def run_import(
    root: Path,
    source: Path,
    *,
    fmt: str | None = None,
    mapping_file: Path | None = None,
    into: str | None = None,
    lang: str | None = None,
    dry_run: bool = False,
    duplicates: bool = True,
    threshold: float | None = None,
) -> ImportResult:
    """Import ``source`` (a folder or a file) into the knowledge repository ``root``."""
    started = time.perf_counter()
    root = root.resolve()
    source = source.resolve()
    if not source.exists():
        raise UsageError(f"{source}: no such file or folder to import")
    own = root / knowledge.ARTICLES_DIR
    if source in (root, own) or own in source.parents:
        raise UsageError(
            f"{source}: lies in this knowledge repository's own articles; import another folder"
        )
    fmt = fmt or guess_format(source)
    reader = importer(fmt)
    files, base = _files(source, reader.suffixes)
    style = _style(fmt, files)
    mapping, mapping_warnings = mapping_module.load(mapping_file, style=style)
    for warning in mapping_warnings:
        log.warning("%s", warning)
    kb = knowledge.load(root)
    config = kb.config
    domain = _domain(into)
    if lang is not None and lang not in config.languages:
        raise UsageError(
            f"--lang {lang} is not one of the languages in kcs.yml: {', '.join(config.languages)}"
        )
    named = source.stem if source.is_file() else source.name
    if source.is_dir() and mapping.translations and locale_of(source.name) in config.languages:
        # one locale folder of a translated set (alchemy/fi-FI): read it as the set's
        # part, so that its paths and system match the other languages' imports
        base, named = source.parent, source.parent.name
    system = mapping.system or slugify(named)

    failures: list[Failure] = []
    notes: list[Note] = [Note(mapping.file or "mapping", "mapping", w) for w in mapping_warnings]
    unmapped: dict[str, int] = {}
    records: list[Record] = []
    for file in files:
        rel = file.relative_to(base).as_posix()
        if excluded(rel, mapping):
            continue
        for item in reader.read(file, rel, mapping):
            if isinstance(item, Failure):
                failures.append(item)
                continue
            records.append(item)
            for name in unmapped_fields(item.meta, mapping):
                unmapped[name] = unmapped.get(name, 0) + 1
            notes.extend(Note(item.origin, "read", w) for w in item.warnings)

    index = _provenance(kb, system)
    used_ids = {a.id for a in kb.articles}
    used_paths = {a.path for a in kb.articles}
    items: list[_Item] = []
    seen_keys: dict[str, str] = {}
    for record in records:
        mapped = map_record(record, mapping, config, system=system, into=domain, lang=lang)
        key = _key(record, mapped)
        if key in seen_keys:
            failures.append(
                Failure(
                    record.origin,
                    f"same source {key} as {seen_keys[key]}; only the first is imported",
                )
            )
            continue
        seen_keys[key] = record.origin
        existing = index.get(key)
        if existing is not None:
            ident, path = existing.id, existing.path
        else:
            ident = _unique(mapped.base_id, record, used_ids)
            path = f"articles/{mapped.domain}/{ident}.md"
            while path in used_paths:
                ident = _unique(ident + "-2", record, used_ids)
                path = f"articles/{mapped.domain}/{ident}.md"
            used_ids.add(ident)
            used_paths.add(path)
        items.append(_Item(record, mapped, ident, path, existing, notes=list(mapped.warnings)))

    _link_translations(items, kb, system, config)
    targets = {it.record.path: it.path for it in items if it.record.kind == "file"}

    actions: list[Action] = []
    new_texts: dict[str, tuple[_Item, str]] = {}
    asset_count = 0
    from .. import render
    from ..personal_data import ARTICLE_KINDS, LABELS, find

    render_setup = render.setup_for(root)
    pool = ThreadPoolExecutor(max_workers=_WRITERS)
    pending: list[Future[None]] = []
    try:
        for it in items:
            ctx = Context(
                source_root=base,
                source_path=it.record.path,
                target_path=it.path,
                article_id=it.id,
                lang=it.mapped.lang,
                mapping=mapping,
                targets=targets,
                summary=it.mapped.summary or it.mapped.title,
            )
            converted = convert(it.record.body, ctx)
            it.notes.extend(ctx.warnings)
            state, kind = it.mapped.state, it.mapped.type
            if not converted.has_resolution and kind not in ("announcement", "reference"):
                kind = "reference"
                it.notes.append(
                    (
                        "no-resolution",
                        "no Resolution section found: imported as "
                        "type reference; restructure it when it is reviewed",
                    )
                )
            if (converted.placeholder or title_has_placeholder(it.mapped.title)) and state != "wip":
                state = "wip"
                it.notes.append(
                    ("placeholder", "text holds TODO/XXX-style placeholders: imported as wip")
                )
            kinds = sorted({m.kind for m in find(converted.body, kinds=ARTICLE_KINDS)})
            if kinds:
                it.notes.append(
                    (
                        "personal-data",
                        "holds "
                        + ", ".join(LABELS[k] for k in kinds)
                        + "; check before widening the audience",
                    )
                )
            meta = _front_matter(it, state, kind)
            text = _render(meta, converted.body)
            body_line = text[: text.rfind(converted.body)].count("\n") + 1
            # The quick check (what the build's first pass runs): a full render of every
            # imported article would double the import's time.
            broken = render.problem(it.path, converted.body, body_line, render_setup, full=False)
            if broken is not None:
                it.notes.append(
                    (render.CODE, f"line {broken.line}: {broken.message}; the site leaves it out")
                )
            action, text = _decide(root, it, meta, text, converted.body)
            if action in ("create", "update"):
                new_texts[it.path] = (it, text)
                if not dry_run:
                    pending.append(pool.submit(atomic_write, root / it.path, text))
                    for file, dest in ctx.assets:
                        data = file.read_bytes()
                        target = root / dest
                        if not target.is_file() or target.read_bytes() != data:
                            pending.append(pool.submit(atomic_write, target, data))
                            asset_count += 1
                else:
                    asset_count += len(ctx.assets)
            if action == "kept":
                it.notes.append(
                    (
                        "kept",
                        f"{it.existing.state if it.existing else ''} since the "
                        "import; the source changed but the article was left as it is",
                    )
                )
            actions.append(
                Action(
                    it.record.origin,
                    it.path,
                    it.id,
                    action,
                    it.mapped.domain,
                    it.mapped.lang,
                    it.existing.state if it.existing else state,
                    kind or "howto",
                )
            )
            notes.extend(Note(it.record.origin, code, message) for code, message in it.notes)
    finally:
        pool.shutdown(wait=True)
    for future in pending:
        future.result()  # a failed write raises here, after the others finished

    groups: list[Any] = []
    if duplicates:
        groups = _duplicates(kb, config, new_texts, {it.id for it in items}, threshold)
    return ImportResult(
        source=str(source),
        system=system,
        format=fmt,
        style=mapping.style,
        dry_run=dry_run,
        actions=tuple(actions),
        failures=tuple(failures),
        warnings=tuple(notes),
        unmapped=dict(sorted(unmapped.items(), key=lambda kv: (-kv[1], kv[0]))),
        duplicates=tuple(groups),
        seconds=time.perf_counter() - started,
        assets=asset_count,
    )


# ---------------------------------------------------------------- helpers


def _files(source: Path, suffixes: tuple[str, ...]) -> tuple[list[Path], Path]:
    if source.is_file():
        return [source], source.parent
    found: list[Path] = []
    for folder, dirs, names in os.walk(source):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(Path(folder) / n for n in names if n.lower().endswith(suffixes))
    return sorted(found), source


def _style(fmt: str, files: list[Path]) -> str:
    if fmt != "md":
        return fmt
    for file in files[:20]:
        try:
            head = file.open("rb").read(4000)
        except OSError:
            continue
        if re.search(rb"^ms\.(date|topic|author):", head, re.M):
            return "docs"
    return "generic"


def _domain(into: str | None) -> str | None:
    if into is None:
        return None
    parts = [p for p in into.strip("/").split("/") if p]
    if parts and parts[0] == "articles":
        parts = parts[1:]
    if len(parts) != 1 or slugify(parts[0], max_length=40) != parts[0]:
        raise UsageError(
            f"--into {into}: give articles/DOMAIN with a lower-case domain name "
            "such as articles/email"
        )
    return parts[0]


def _key(record: Record, mapped: Mapped) -> str:
    if record.kind == "row":
        return f"id:{mapped.source.get('id', record.key)}"
    return f"path:{record.path}"


def _provenance(kb: knowledge.KnowledgeBase, system: str) -> dict[str, Article]:
    index: dict[str, Article] = {}
    for article in kb.articles:
        source = article.source or {}
        if str(source.get("system")) != system:
            continue
        if source.get("path") is not None:
            index.setdefault(f"path:{source['path']}", article)
        if source.get("id") is not None:
            index.setdefault(f"id:{source['id']}", article)
    return index


def _unique(base: str, record: Record, used: set[str]) -> str:
    if base not in used:
        return base
    parts = record.path.split("/")
    if len(parts) > 1:
        candidate = slugify(f"{base}-{parts[-2]}", max_length=90)
        if candidate not in used:
            return candidate
    number = 2
    while f"{base}-{number}" in used:
        number += 1
    return f"{base}-{number}"


def _link_translations(
    items: list[_Item], kb: knowledge.KnowledgeBase, system: str, config: Config
) -> None:
    """Same path under several locale folders: point each at one original."""
    groups: dict[str, dict[str, str]] = {}  # key → lang → id
    for article in kb.articles:
        source = article.source or {}
        path = str(source.get("path") or "")
        if str(source.get("system")) == system and "/" in path:
            groups.setdefault(path.split("/", 1)[1], {}).setdefault(article.lang, article.id)
    for it in items:
        if it.mapped.translation_key:
            groups.setdefault(it.mapped.translation_key, {})[it.mapped.lang] = it.id
    order = ["en", *[code for code in config.languages if code != "en"]]
    for it in items:
        key = it.mapped.translation_key
        if not key or len(groups.get(key, {})) < 2:
            continue
        langs = groups[key]
        primary = next((code for code in order if code in langs), sorted(langs)[0])
        if it.mapped.lang != primary:
            it.translation_of = langs[primary]


def _front_matter(it: _Item, state: str, kind: str | None) -> dict[str, Any]:
    m = it.mapped
    meta: dict[str, Any] = {
        "title": m.title,
        "id": it.id,
        "lang": m.lang,
        "domain": m.domain,
        "state": state,
        "audience": m.audience,
    }
    if kind:
        meta["type"] = kind
    if m.summary:
        meta["summary"] = m.summary
    if m.tags:
        meta["tags"] = list(m.tags)
    if it.translation_of:
        meta["translation_of"] = it.translation_of
    meta["source"] = m.source
    return meta


def _render(meta: dict[str, Any], body: str) -> str:
    ordered = {k: meta[k] for k in _ORDER if k in meta}
    ordered.update({k: v for k, v in meta.items() if k not in ordered})
    return dump_article(ordered, body, width=10_000)


def _decide(root: Path, it: _Item, meta: dict[str, Any], text: str, body: str) -> tuple[str, str]:
    """create / update / unchanged / kept, and the text to write."""
    if it.existing is None:
        return "create", text
    file = root / it.existing.path
    try:
        old = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return "update", text
    if old == text:
        return "unchanged", text
    source = it.existing.source or {}
    if str(source.get("checksum")) == meta["source"]["checksum"] and (
        it.existing.translation_of == meta.get("translation_of")
    ):
        return "unchanged", old  # the source did not change: keep later edits
    if it.existing.state in ("validated", "archived"):
        return "kept", old
    front, _body, _line = split_front_matter(old)
    try:
        current = load_mapping(front or "").data
    except YamlProblem:
        return "update", text
    merged = dict(current)
    for name in OWNED:
        if name in meta:
            merged[name] = meta[name]
        else:
            merged.pop(name, None)
    new = _render(merged, body)
    return ("unchanged", old) if new == old else ("update", new)


def _duplicates(
    kb: knowledge.KnowledgeBase,
    config: Config,
    new_texts: dict[str, tuple[_Item, str]],
    ids: set[str],
    threshold: float | None,
) -> list[Any]:
    from ..duplicates import DEFAULT_THRESHOLD, Doc, find_duplicates

    docs: dict[str, Doc] = {}
    for article in kb.articles:
        if article.state != "archived":
            docs[article.path] = Doc.of(article)
    for path, (it, text) in new_texts.items():
        _front, body, _line = split_front_matter(text)
        docs[path] = Doc(
            it.id,
            path,
            it.mapped.title,
            f"{it.mapped.title}\n{body}",
            "not-validated",
            str(it.mapped.source.get("updated") or ""),
            it.mapped.lang,
        )
    return find_duplicates(list(docs.values()), threshold=threshold or DEFAULT_THRESHOLD, only=ids)
