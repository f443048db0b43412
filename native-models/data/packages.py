"""The Debian packages the multilingual training data comes from, where their files land and what
licence each one's copyright file gives.

Data packages are downloaded with `apt-get download` and unpacked with `dpkg-deb -x` into the build
cache (install-data-deps.sh): nothing of them is installed on the system, so LibreOffice's catalogues
come without LibreOffice. Tools that must run (apertium's en→es translator, jieba) are installed.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("ar", "de", "el", "en", "es", "hi", "ru", "th", "tr", "vi", "zh")
# LibreOffice's language folders for the XQuAD-R languages.
LIBREOFFICE_LANGUAGES = {"ar": "ar", "de": "de", "el": "el", "es": "es", "hi": "hi", "ru": "ru", "th": "th", "tr": "tr", "vi": "vi", "zh": "zh-cn"}


@dataclass(frozen=True)
class Package:
    name: str
    role: str
    languages: tuple[str, ...]
    # Which stanza of a machine-readable copyright file covers the data (FreeDict ships many
    # dictionaries under one copyright file, one stanza per language pair).
    files_stanza: str = "*"


DICTIONARIES = (
    Package("dict-freedict-eng-ara", "dictionary en→ar (FreeDict)", ("ar",), "eng-ara/*"),
    Package("dict-freedict-ara-eng", "dictionary ar→en (FreeDict)", ("ar",), "ara-eng/*"),
    Package("trans-de-en", "dictionary de↔en (Ding)", ("de",)),
    Package("dict-freedict-eng-ell", "dictionary en→el (FreeDict)", ("el",), "eng-ell/*"),
    Package("dict-freedict-ell-eng", "dictionary el→en (FreeDict/WikDict)", ("el",), "ell-eng/*"),
    Package("dict-freedict-eng-spa", "dictionary en→es (FreeDict)", ("es",), "eng-spa/*"),
    Package("dict-freedict-spa-eng", "dictionary es→en (FreeDict)", ("es",), "spa-eng/*"),
    Package("dict-freedict-eng-hin", "dictionary en→hi (FreeDict)", ("hi",), "eng-hin/*"),
    Package("mueller7-dict", "dictionary en→ru (Mueller, 7th edition)", ("ru",)),
    Package("dict-freedict-eng-tur", "dictionary en→tr (FreeDict)", ("tr",), "eng-tur/*"),
    Package("dict-freedict-tur-eng", "dictionary tr→en (FreeDict)", ("tr",), "tur-eng/*"),
)
NAMES = (Package("unicode-cldr-core", "names: languages, territories, months, days, emoji names (CLDR)", LANGUAGES),)
CATALOGUES = tuple(
    Package(f"libreoffice-l10n-{code}", "UI catalogue en↔xx (LibreOffice gettext .mo)", (language,))
    for language, code in LIBREOFFICE_LANGUAGES.items()
)
DATA_PACKAGES = DICTIONARIES + NAMES + CATALOGUES
# Installed, because they run: apertium translates en→es sentences; jieba segments Chinese.
TOOL_PACKAGES = (
    Package("apertium-eng-spa", "machine translation en→es (Apertium)", ("es",)),
    Package("python3-jieba", "Chinese word segmentation (jieba)", ("zh",)),
)


def debian_root() -> Path:
    """Where install-data-deps.sh unpacks the data packages."""
    return Path(os.environ.get("XLIR_DEBIAN_DATA", REPO_ROOT / ".cache" / "native-models" / "debian"))


def package_root(package: Package) -> Path:
    """Tools are installed in /; data packages are unpacked in their own folder."""
    return Path("/") if package in TOOL_PACKAGES else debian_root() / package.name


def copyright_path(package: Package) -> Path:
    return package_root(package) / "usr" / "share" / "doc" / package.name / "copyright"


def licence_from_copyright(text: str, files_stanza: str = "*") -> str:
    """The `License:` of the stanza whose `Files:` lists `files_stanza` (DEP-5), else of `Files: *`,
    else the GNU GPL version a free-form copyright file names."""
    stanzas = re.split(r"\n\s*\n", text)
    for wanted in (files_stanza, "*"):
        for stanza in stanzas:
            files = re.search(r"^Files:\s*(.+)$", stanza, re.M)
            licence = re.search(r"^License:\s*(\S.*)$", stanza, re.M)
            if files and licence and wanted in files.group(1).split():
                return licence.group(1).strip()
    gpl = re.search(r"GNU General Public License.{0,200}?version (\d)", text, re.S | re.I)
    if gpl:
        return f"GPL-{gpl.group(1)}" + ("+" if re.search(r"any later version", text, re.I) else "")
    raise ValueError("no licence found in the copyright file")
