"""Safe YAML reading with line numbers.

Only plain YAML is accepted: no tags that construct objects (safe loader) and no
aliases at all, which rules out "billion laughs" expansion bombs. Errors carry
the line number of the problem in the file the YAML came from. Article files are
written by :mod:`kcs.articlefile`.
"""

from __future__ import annotations

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
