#!/usr/bin/env bash
# Installs Debian packages: `bash build/apt-install.sh PACKAGE...` (as root, or through sudo).
# One `apt-get update` first: a fresh machine's package lists may be empty or old.
set -euo pipefail
if ! command -v apt-get >/dev/null 2>&1; then
  echo "apt-install: no apt-get on this machine; install $* another way" >&2
  exit 1
fi
as_root=()
if [ "$(id -u)" -ne 0 ]; then as_root=(sudo); fi
"${as_root[@]}" apt-get update
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y --no-install-recommends "$@"
