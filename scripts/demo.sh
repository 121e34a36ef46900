#!/usr/bin/env bash
# Installs the portal on a fresh Debian machine and builds the demo portal (public and
# internal sites with their reports) from the sample knowledge base into site/.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e .
exec .venv/bin/kcs build --strict "$@"
