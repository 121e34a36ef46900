"""Safe YAML reading with line numbers.

Only plain YAML is accepted: no tags that construct objects (safe loader) and no
aliases at all, which rules out "billion laughs" expansion bombs. Errors carry
the line number of the problem in the file the YAML came from. Article files are
written by :mod:`kcs.articlefile`.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from typing import Any

import yaml

try:  # the C loader (libyaml) parses far faster than the pure-Python one
    _Base: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML without libyaml
    _Base = yaml.SafeLoader


class _Loader(_Base):
    """The safe loader, except that an impossible date stays text for the caller to report."""


def _timestamp(loader: Any, node: yaml.ScalarNode) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


class YamlProblem(Exception):
    """A YAML document could not be read; ``line`` is 1-based in the document."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(frozen=True)
class Loaded:
    """A loaded mapping and, for each top-level key, the 1-based line it stands on."""

    data: dict[str, Any]
    lines: dict[str, int]


def load_mapping(text: str, *, max_bytes: int = 1_000_000) -> Loaded:
    """Load ``text`` as a YAML mapping (an empty document gives an empty mapping)."""
    if len(text) > max_bytes:
        raise YamlProblem(f"YAML is larger than {max_bytes} bytes", None)
    flat = _flat_mapping(text)
    return flat if flat is not None else _parsed(text)


def _parsed(text: str) -> Loaded:
    """``text`` read by the YAML parser (see :func:`load_mapping`)."""
    loader = _Loader(text)
    try:
        if "*" in text:  # an alias needs a '*'; without one the event scan is skipped
            _refuse_aliases(text)
        node = loader.get_single_node()
        if node is None:
            return Loaded({}, {})
        if not isinstance(node, yaml.MappingNode):
            raise YamlProblem("expected a mapping of keys to values", node.start_mark.line + 1)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise YamlProblem(f"invalid YAML: {exc.problem or exc}", line) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(f"invalid YAML: {exc}", None) from None
    finally:
        loader.dispose()
    lines: dict[str, int] = {}
    for key_node, _value in node.value:
        if isinstance(key_node, yaml.ScalarNode):
            lines.setdefault(str(key_node.value), key_node.start_mark.line + 1)
    if not isinstance(data, dict):  # pragma: no cover - compose already checked
        raise YamlProblem("expected a mapping of keys to values", 1)
    return Loaded({str(k): v for k, v in data.items()}, lines)


def _refuse_aliases(text: str) -> None:
    """Scan the event stream once and stop at the first alias, naming its line."""
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent):
            raise YamlProblem(
                "YAML anchors and aliases (&name / *name) are not allowed; write the value out",
                event.start_mark.line + 1 if event.start_mark else None,
            )


# ------------------------------------------------------------ flat front matter
#
# Most front matter is a flat list of ``key: value`` lines. Those are read here with a
# few regular expressions instead of the YAML parser, which spends most of its time
# building and resolving nodes. The shapes read here are a strict subset of YAML:
# every value is a scalar without escapes (plain, "double-" or 'single-quoted'), or a
# one-line [list] of such scalars; plain scalars are resolved by the safe loader's own
# resolver and only text and dates are taken. Anything else (a comment, an indented
# line, an escape, a duplicate key, a number, a character outside the plain printable
# set...) returns None and the document goes through the YAML parser, so the result,
# errors included, is the parser's. tests/core/test_yamlio.py searches for a document
# on which the two disagree.

#: Characters that may change how YAML reads a line: anything outside printable
#: ASCII and the Basic Multilingual Plane's printable ranges, and the Unicode line and
#: paragraph separators and byte-order mark, which YAML reads as breaks or markers.
_UNUSUAL = re.compile(r"[^\n\x20-\x7e\xa0-\ud7ff\ue000-\ufffd]|[\u2028\u2029\ufeff]")
_KEY = r"[A-Za-z_][A-Za-z0-9_-]{0,99}"
_DOUBLE = r'"[^"\\]*"'
_SINGLE = r"'[^']*'"
#: A plain scalar in a block: no comment, no mapping indicator, no leading indicator,
#: no trailing space.
_PLAIN = r"[^\W_](?:[^#:]*[^#:\s])?"
#: A plain scalar in a [list]: nor may it hold flow indicators or quotes, nor a '?',
#: which the pure-Python parser (PyYAML without libyaml) reads as a key indicator there.
_FLOW_PLAIN = r"[^\W_](?:[^#:,?\[\]{}\"' ]| (?=[^ ,\]]))*"
_ITEM = rf"(?:{_DOUBLE}|{_SINGLE}|{_FLOW_PLAIN})"
_LINE = re.compile(
    rf"(?P<key>{_KEY}): +(?:(?P<quoted>{_DOUBLE}|{_SINGLE})"
    rf"|\[(?P<list>(?:{_ITEM}(?:, {_ITEM})*)?)\]|(?P<plain>{_PLAIN}))"
)
_ITEMS = re.compile(rf"({_ITEM})(?:, |$)")
_STR = "tag:yaml.org,2002:str"
_DATE = re.compile(r"(\d{4})-(\d\d)-(\d\d)")


@functools.lru_cache(maxsize=4096)
def _plain(value: str) -> tuple[bool, Any]:
    """(True, what the safe loader makes of plain scalar ``value``) for text and dates;
    (False, None) for anything else."""
    tag = _RESOLVER.resolve(yaml.ScalarNode, value, (True, False))
    if tag == _STR:
        return True, value
    date = _DATE.fullmatch(value) if tag == "tag:yaml.org,2002:timestamp" else None
    if date is None:
        return False, None
    try:
        return True, dt.date(int(date[1]), int(date[2]), int(date[3]))
    except ValueError:  # as _timestamp: an impossible date stays text
        return True, value


def _scalar(text: str) -> tuple[bool, Any]:
    if text[0] in "\"'":
        return True, text[1:-1]
    return _plain(text)


def _flat_mapping(text: str) -> Loaded | None:
    """``text`` read as flat ``key: value`` lines, or None when it is not only that."""
    if not text or _UNUSUAL.search(text):
        return None
    data: dict[str, Any] = {}
    lines: dict[str, int] = {}
    for number, line in enumerate(text.split("\n"), 1):
        if not line:
            continue
        match = _LINE.fullmatch(line)
        if match is None:
            return None
        key, quoted, items, plain = match.group("key", "quoted", "list", "plain")
        if key in data or _plain(key) != (True, key):
            return None
        value: Any
        if quoted is not None:
            value = quoted[1:-1]
        elif plain is not None:
            ok, value = _plain(plain)
            if not ok:
                return None
        else:
            value = []
            for item in _ITEMS.findall(items or ""):
                ok, found = _scalar(item)
                if not ok:
                    return None
                value.append(found)
        data[key] = value
        lines[key] = number
    return Loaded(data, lines) if data else None


_RESOLVER = yaml.resolver.Resolver()
