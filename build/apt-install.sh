#!/usr/bin/env bash
# Installs Debian packages: `bash build/apt-install.sh [--missing] PACKAGE...` (as root, or through sudo).
# --missing: only the packages not installed yet, and nothing at all (not even apt) when none is.
# One `apt-get update` first: a fresh machine's package lists may be empty or old.
set -euo pipefail
if [ "${1:-}" = "--missing" ]; then
  shift
  missing=()
  for package in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then missing+=("$package"); fi
  done
  if [ ${#missing[@]} -eq 0 ]; then
    echo "apt-install: present: $*"
    exit 0
  fi
  set -- "${missing[@]}"
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "apt-install: no apt-get on this machine; install $* another way" >&2
  exit 1
fi
as_root=()
if [ "$(id -u)" -ne 0 ]; then as_root=(sudo); fi
echo "apt-install: installing $*"
"${as_root[@]}" apt-get update
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y --no-install-recommends "$@"
