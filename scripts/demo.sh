#!/usr/bin/env bash
# Installs the portal on a fresh Debian machine and builds the demo portal (public and
# internal sites with their reports) from the sample knowledge base into site/.
# A generated access log (scripts/sample_log.py) stands in for production traffic, so the
# usage pages and the home page's most-used articles show figures.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e .
mkdir -p .kcs/demo
.venv/bin/python scripts/sample_log.py --root . .kcs/demo/access.log
.venv/bin/kcs usage ingest .kcs/demo/access.log
exec .venv/bin/kcs build --strict "$@"
