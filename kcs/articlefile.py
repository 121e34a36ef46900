"""Article files written: YAML front matter, a blank line, the Markdown body.

Written through python-frontmatter with :class:`FrontMatter` as its handler, so that
the project's safe YAML rules (:func:`kcs.yamlio.load_mapping`: no aliases, no object
tags) apply whenever python-frontmatter reads YAML back. Reading articles stays with
:func:`kcs.article.parse_article`, which keeps every field's line number for its
findings.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import frontmatter
import yaml
from frontmatter.default_handlers import YAMLHandler

from .yamlio import YamlProblem, load_mapping

_DUMPER: type = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class FrontMatter(YAMLHandler):
    """python-frontmatter's YAML handler with this module's rules: reading refuses
    aliases and object tags (:func:`load_mapping`); writing keeps the keys in the order
    given, writes Unicode as is and never uses flow style."""

    def load(self, fm: str, **kwargs: object) -> Any:
        try:
            return load_mapping(fm).data
        except YamlProblem as exc:
            where = f"front matter line {exc.line}: " if exc.line else "front matter: "
            raise ValueError(where + exc.message) from None

    def export(self, metadata: dict[str, object], **kwargs: object) -> str:
        options: dict[str, Any] = {
            "Dumper": _DUMPER,
            "sort_keys": False,
            "allow_unicode": True,
            "default_flow_style": False,
            **kwargs,
        }
        # only the line end: a value may end in a character strip() counts as space
        # (a no-break space), which YAML writes unquoted
        return str(yaml.dump(metadata, **options)).rstrip("\n")


FRONT_MATTER = FrontMatter()


def dump_article(meta: Mapping[str, Any], body: str, *, width: int = 100) -> str:
    """The text of an article file: ``meta`` as YAML front matter, a blank line, ``body``.

    ``width`` is where YAML folds long values onto further lines.
    """
    post = frontmatter.Post(body, handler=FRONT_MATTER)
    post.metadata = dict(meta)  # not as keywords: a field may be called "content"
    text: str = frontmatter.dumps(post, width=width)
    # dumps() strips the end of the text; the file ends as the body does
    if not body.strip():
        return text + "\n\n" + body
    return text + body[len(body.rstrip()) :]
