"""One exception family for the whole package.

The CLI turns any :class:`KcsError` into ``Error: <message>`` and exit status 1;
everything else keeps its traceback. Messages are one line and say where the
problem is (file, line or key) and what to do about it.
"""

from __future__ import annotations


class KcsError(Exception):
    """A problem the user can fix; the message is shown as is."""

    exit_code = 1


class ConfigError(KcsError):
    """kcs.yml (or a mapping file) is missing or invalid."""


class FrontMatterError(KcsError):
    """An article's front matter cannot be read."""


class GitError(KcsError):
    """Git refused, or the repository is in a state we cannot work with."""


class BuildError(KcsError):
    """The site or a report could not be built."""


class UsageError(KcsError):
    """The command was called wrongly (exit status 2, like click's usage errors)."""

    exit_code = 2


def where(path: object, line: int | None = None) -> str:
    """Format a location prefix: ``path:line`` or ``path``."""
    return f"{path}:{line}" if line else f"{path}"
