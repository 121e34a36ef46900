"""A finding: one problem at one place, as lint, the loader and the build report it."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, order=True)
class Finding:
    """``path:line: code: message`` — the one-line form every tool prints."""

    path: str
    line: int
    code: str
    message: str
    severity: str = ERROR

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.code}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
