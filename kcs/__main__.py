"""``python -m kcs``: the command line, for hooks that know a Python but not a PATH."""

from __future__ import annotations

from .cli import main

if __name__ == "__main__":
    main()
