"""Readers for the lexicons and parallel segments in the unpacked Debian packages.

- dictd dictionaries (FreeDict, Mueller): `.index` (headword, base64 offset, base64 length) over a
  gzip-compatible `.dict.dz`; an entry is the headword line, then senses.
- Ding's `trans-de-en`: `German | inflections :: English | inflections`, alternatives split by `;`.
- CLDR `common/main/xx.xml` (names of languages, territories, scripts, months, days) and
  `common/annotations/xx.xml` (emoji names, which are common nouns: "dog", "house", "rain").
- LibreOffice `.mo` catalogues: the English source string is the msgid (after its context).

jieba's word-frequency dictionary gives the most frequent Chinese characters (for the tokenizer).

Every reader yields (english, foreign) string pairs; which of them become the word lexicon and which
the parallel segments is decided in build_data.py.
"""

from __future__ import annotations

import gettext
import gzip
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Iterator

BASE64 = {c: i for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")}
# The script each language is written in: dictionary glosses in another script are examples or
# transcriptions, not translations.
SCRIPTS = {"ar": "ARABIC", "el": "GREEK", "hi": "DEVANAGARI", "ru": "CYRILLIC", "th": "THAI", "zh": "CJK"}


def base64_number(text: str) -> int:
    value = 0
    for char in text:
        value = value * 64 + BASE64[char]
    return value


def read_dictd(index: Path, data: Path) -> Iterator[tuple[str, str]]:
    """(headword, entry body without the headword line) for every entry of a dictd dictionary."""
    raw = gzip.open(data).read()
    for line in index.read_text(encoding="utf-8", errors="replace").splitlines():
        fields = line.split("\t")
        if len(fields) < 3 or fields[0].startswith("00database"):
            continue
        start, length = base64_number(fields[1]), base64_number(fields[2])
        body = raw[start : start + length].decode("utf-8", errors="replace")
        yield fields[0], body.split("\n", 1)[1] if "\n" in body else ""


def in_script(text: str, language: str) -> bool:
    """True when every letter of text is in the language's script (Latin-script languages: any)."""
    script = SCRIPTS.get(language)
    if script is None:
        return any(c.isalpha() for c in text)
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(script in unicodedata.name(c, "") for c in letters)


def clean_gloss(text: str) -> str:
    text = re.sub(r"\{[^}]*\}|<[^>]*>", " ", text)  # first: Ding's {+Dat.} sits inside parentheses
    text = re.sub(r"\([^)]*\)|\[[^\]]*\]|/[^/]*/", " ", text)
    text = re.sub(r"\b_\w+\.?", " ", text)  # Mueller's part-of-speech and domain marks: _n. _фин.
    text = re.sub(r"^\s*(\d+[.)]|_[IVX]+)\s*", "", text)  # sense numbers: 1. 2) _II
    return re.sub(r"\s+", " ", text).strip(" .;:,!?-–")


def entry_translations(body: str, language: str) -> list[str]:
    """Translations in an entry body, senses in order; examples (quoted, or in the wrong script) dropped."""
    found: list[str] = []
    for line in body.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith(('"', "'", "Synonyms", "See also", "Note")):
            continue
        for part in re.split(r"[,;]", clean_gloss(stripped)):
            part = clean_gloss(part.replace("~", " "))  # FreeDict Hindi joins words with ~
            if part and len(part) <= 40 and in_script(part, language) and part not in found:
                found.append(part)
    return found


def dictd_pairs(root: Path, name: str, source: str, target: str) -> Iterator[tuple[str, str]]:
    """(english, foreign) pairs of a dictd dictionary `name` translating source → target."""
    folder = root / "usr" / "share" / "dictd"
    for headword, body in read_dictd(folder / f"{name}.index", folder / f"{name}.dict.dz"):
        translations = entry_translations(body, target)
        if source == "en":
            yield from ((headword, t) for t in translations)
        elif in_script(headword, source):
            yield from ((t, headword) for t in translations)


def ding_pairs(path: Path) -> Iterator[tuple[str, str]]:
    """(english, german) pairs of Ding's de-en file: the first (base-form) group of each line."""
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("#") or "::" not in line:
            continue
        german, english = (side.split("|")[0] for side in line.split("::", 1))
        for de in (clean_gloss(x) for x in german.split(";")):
            for en in (clean_gloss(x) for x in english.split(";")):
                if de and en and len(de) <= 40 and len(en) <= 40:
                    yield en, de


def cldr_pairs(root: Path, language: str) -> Iterator[tuple[str, str]]:
    """(english, foreign) names from CLDR: display names, month and day names, emoji names."""
    common = root / "usr" / "share" / "unicode" / "cldr" / "common"
    code = "zh" if language == "zh" else language

    def names(path: Path) -> dict[str, str]:
        tree = ET.parse(path).getroot()
        found: dict[str, str] = {}
        for kind in ("language", "territory", "script"):
            for node in tree.iter(kind):
                if node.get("alt") is None and node.text:
                    found.setdefault(f"{kind}:{node.get('type')}", node.text)
        for calendar in tree.iter("calendar"):
            if calendar.get("type") != "gregorian":
                continue
            for width_kind in ("month", "day"):
                for context in calendar.iter(f"{width_kind}Context"):
                    for width in context.iter(f"{width_kind}Width"):
                        if context.get("type") == "format" and width.get("type") == "wide":
                            for node in width.iter(width_kind):
                                if node.text:
                                    found.setdefault(f"{width_kind}:{node.get('type')}", node.text)
        return found

    def annotations(path: Path) -> dict[str, str]:
        tree = ET.parse(path).getroot()
        return {f"emoji:{n.get('cp')}": n.text for n in tree.iter("annotation") if n.get("type") == "tts" and n.text}

    english = {**names(common / "main" / "en.xml"), **annotations(common / "annotations" / "en.xml")}
    foreign = {**names(common / "main" / f"{code}.xml"), **annotations(common / "annotations" / f"{code}.xml")}
    for key, en in english.items():
        if key in foreign and foreign[key] != en:
            yield en, foreign[key]


def clean_ui_string(text: str) -> str:
    text = re.sub(r"\(\s*[_~]?[A-Za-z]\s*\)", "", text).replace("~", "")  # mnemonics: "名称(A)", "~File"
    text = re.sub(r"(?<![\w])_(?=\w)", "", text)  # GTK mnemonics: "_File"
    return re.sub(r"\s+", " ", text).strip()


def libreoffice_pairs(root: Path) -> Iterator[tuple[str, str]]:
    """(english, foreign) UI strings of every LibreOffice .mo catalogue under root; placeholders,
    markup and identical strings skipped."""
    for path in sorted((root / "usr" / "lib" / "libreoffice" / "program" / "resource").glob("*/LC_MESSAGES/*.mo")):
        with open(path, "rb") as handle:
            catalogue = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
        for key, value in catalogue.items():
            if not isinstance(key, str) or not isinstance(value, str) or not key:
                continue
            english, foreign = clean_ui_string(key.split("\x04", 1)[-1]), clean_ui_string(value)
            english, foreign = english.rstrip(":：.… "), foreign.rstrip(":：.… ")
            if not english or not foreign or english == foreign or re.search(r"[$%<>{}\\]|&\w+;", english + foreign):
                continue
            if len(english) <= 300 and any(c.isalpha() for c in english):
                yield english, foreign


def common_chinese_characters(count: int) -> list[str]:
    """The `count` most frequent characters of jieba's word-frequency dictionary (python3-jieba)."""
    try:
        import jieba
    except ImportError as err:
        raise SystemExit("python3-jieba is not installed: run bash native-models/data/install-data-deps.sh") from err
    frequency: Counter = Counter()
    with open(Path(jieba.__file__).parent / "dict.txt", encoding="utf-8") as handle:
        for line in handle:
            word, weight = line.split()[:2]
            for char in word:
                frequency[char] += int(weight)
    return [char for char, _ in frequency.most_common(count)]
