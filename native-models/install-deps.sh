#!/usr/bin/env bash
# Installs the Debian packages native-models needs (torch, numpy, onnx, pytest, sentencepiece for /usr/bin/python3).
# Idempotent: does nothing when they are all present; otherwise one `apt-get update`, then install.
# pip users: `pip install -r native-models/requirements.txt` instead.
set -euo pipefail
packages=(python3-torch python3-numpy python3-pytest python3-onnx python3-sentencepiece libopenblas0-pthread)
if ! command -v apt-get >/dev/null 2>&1 && ! dpkg-query -W "${packages[@]}" >/dev/null 2>&1; then
  echo "native-models: no apt-get here; use: pip install -r native-models/requirements.txt" >&2
  exit 1
fi
bash "$(dirname "$0")/../build/apt-install.sh" --missing "${packages[@]}"
