#!/usr/bin/env bash
# Installs the Debian packages native-models needs (torch, numpy, onnx, sentencepiece, pytest for /usr/bin/python3).
# Idempotent: does nothing when they are all present; otherwise one `apt-get update`, then install.
# pip users: `pip install -r native-models/requirements.txt` instead.
set -euo pipefail
packages=(python3-torch python3-numpy python3-pytest python3-onnx python3-sentencepiece libopenblas0-pthread)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$package")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "native-models: Debian packages present (${packages[*]})"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "native-models: missing ${missing[*]} and no apt-get here; use: pip install -r native-models/requirements.txt" >&2
  exit 1
fi
echo "native-models: installing ${missing[*]}"
bash "$(dirname "$0")/../build/apt-install.sh" "${missing[@]}"
