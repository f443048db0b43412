#!/usr/bin/env bash
# Installs Chromium from Debian for the end-to-end tests: Playwright drives the system browser
# (its own browser builds are not downloaded). Idempotent: nothing to do when the browser the
# tests use (XLIR_CHROMIUM, default /usr/bin/chromium) is there.
set -euo pipefail
browser="${XLIR_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$browser" ]; then
  echo "e2e: $browser present"
  exit 0
fi
if [ -n "${XLIR_CHROMIUM:-}" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "e2e: no browser at $browser: install Chromium and point XLIR_CHROMIUM at it" >&2
  exit 1
fi
echo "e2e: installing chromium"
bash "$(dirname "$0")/apt-install.sh" chromium
