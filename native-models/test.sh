#!/usr/bin/env bash
# native-models tests (pytest), run by `npm test` through `npm run test:py`.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec bash "$here/python.sh" pytest -q -p no:cacheprovider "$here/tests" "$@"
