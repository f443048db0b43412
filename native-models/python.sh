#!/usr/bin/env bash
# Runs a native-models Python module: `bash native-models/python.sh MODULE [ARGS…]`.
# The interpreter is $XLIR_PYTHON if set, else the first of /usr/bin/python3 (Debian's torch) and
# python3 (a venv with requirements.txt) that can import torch. Paths in ARGS stay relative to the
# caller's directory.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
python="${XLIR_PYTHON:-}"
if [ -z "$python" ]; then
  for candidate in /usr/bin/python3 python3; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import torch, numpy, onnx' >/dev/null 2>&1; then
      python="$candidate"
      break
    fi
  done
fi
if [ -z "$python" ]; then
  echo "native-models: no Python with torch, numpy and onnx found. Install them: bash native-models/install-deps.sh (Debian) or pip install -r native-models/requirements.txt" >&2
  exit 1
fi
export PYTHONPATH="$here${PYTHONPATH:+:$PYTHONPATH}"
exec "$python" -m "$@"
