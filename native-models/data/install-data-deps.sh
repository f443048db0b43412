#!/usr/bin/env bash
# Fetches the Debian packages the multilingual training data is built from (native-models/data).
# Data packages (dictionaries, CLDR, LibreOffice catalogues) are downloaded with `apt-get download`
# and unpacked into $XLIR_DEBIAN_DATA (default .cache/native-models/debian/<package>/): nothing of them
# is installed, so LibreOffice's catalogues come without LibreOffice. The two tools that run
# (apertium-eng-spa, python3-jieba) are installed with build/apt-install.sh. Idempotent: a package
# already unpacked (or installed) is skipped, and apt is not touched when nothing is missing.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="${XLIR_DEBIAN_DATA:-$here/../../.cache/native-models/debian}"
data_packages=($(PYTHONPATH="$here/.." python3 -c 'from data.packages import DATA_PACKAGES; print(" ".join(p.name for p in DATA_PACKAGES))'))
tool_packages=($(PYTHONPATH="$here/.." python3 -c 'from data.packages import TOOL_PACKAGES; print(" ".join(p.name for p in TOOL_PACKAGES))'))

bash "$here/../../build/apt-install.sh" --missing "${tool_packages[@]}"

missing_data=()
for package in "${data_packages[@]}"; do
  if [ ! -f "$root/$package/.unpacked" ]; then missing_data+=("$package"); fi
done
if [ ${#missing_data[@]} -eq 0 ]; then
  echo "native-models data: packages present under $root"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "native-models data: apt-get is needed to download ${missing_data[*]}" >&2
  exit 1
fi
mkdir -p "$root/.debs"
cd "$root/.debs"
echo "native-models data: downloading ${missing_data[*]}"
if ! apt-get download "${missing_data[@]}"; then
  # A fresh machine's package lists may be empty or old.
  if [ "$(id -u)" -eq 0 ]; then apt-get update; else sudo apt-get update; fi
  apt-get download "${missing_data[@]}"
fi
for package in "${missing_data[@]}"; do
  deb=$(ls -t "${package}"_*.deb | head -n 1)
  rm -rf "${root:?}/$package"
  dpkg-deb -x "$deb" "$root/$package"
  echo "$deb" > "$root/$package/.unpacked"
done
echo "native-models data: unpacked ${#missing_data[@]} packages under $root"
