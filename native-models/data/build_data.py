"""Builds the multilingual training data from Debian packages and the shared training sets.

    bash native-models/data/install-data-deps.sh          # once: fetch / unpack the packages
    bash native-models/python.sh data.build_data [--out DIR]

Writes to DIR (default .cache/native-models/default-build/data/, where the build keeps it):
- `parallel.tsv`: language, kind, English, foreign — word pairs from the dictionaries (each English
  word with its best translation), CLDR names and LibreOffice UI strings: the shared initialisation's
  translation pairs;
- `qa.jsonl`: one line per QA item of the SQuAD train sample (en) and ARCD (ar) with its question,
  answer sentence and hard negatives in all 11 XQuAD-R languages — the original, and renderings:
  English word by word into ar de el hi ru th tr vi zh, apertium into es; ARCD first into English
  word by word, then from that English into the others;
- `lexicon.tsv`: language, English word, foreign word or phrase, score — every scored word pair of
  the en→xx lexicons and of the ar→en one (the bundled pair's dictionary bridge, native-models/bridge);
- `manifest.json`: every source package (version, role, licence from its copyright file, sha256 of
  that file), counts per language, lexicon coverage of the QA words per language, output sha256s.

XQuAD, XQuAD-R and SQuAD dev are never read here (train/leakage.py checks every output text).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import time
import unicodedata
from collections import Counter
from urllib.parse import unquote
from pathlib import Path

from train.data import ARCD_FILES, BUILT_DATA_DIR, SQUAD_FILE, Pair, default_data_dir, qa_pairs, require_file

from .lexicons import cldr_pairs, dictd_pairs, ding_pairs, libreoffice_pairs
from .packages import (
    CATALOGUES, DATA_PACKAGES, LANGUAGES, LIBREOFFICE_LANGUAGES, NAMES, REPO_ROOT, TOOL_PACKAGES, Package,
    copyright_path, licence_from_copyright, package_root,
)  # fmt: skip
from .render import Lexicon, RenderStats, apertium_translate, render_words, unique

DEFAULT_OUT = BUILT_DATA_DIR
# (package, dictd name, source language, target language); Ding's de-en is read separately.
DICTD = (
    ("dict-freedict-eng-ara", "freedict-eng-ara", "en", "ar"),
    ("dict-freedict-ara-eng", "freedict-ara-eng", "ar", "en"),
    ("dict-freedict-eng-ell", "freedict-eng-ell", "en", "el"),
    ("dict-freedict-ell-eng", "freedict-ell-eng", "el", "en"),
    ("dict-freedict-eng-spa", "freedict-eng-spa", "en", "es"),
    ("dict-freedict-spa-eng", "freedict-spa-eng", "es", "en"),
    ("dict-freedict-eng-hin", "freedict-eng-hin", "en", "hi"),
    ("mueller7-dict", "mueller7", "en", "ru"),
    ("dict-freedict-eng-tur", "freedict-eng-tur", "en", "tr"),
    ("dict-freedict-tur-eng", "freedict-tur-eng", "tr", "en"),
)
MAX_LEXICON_PAIRS = 10_000  # word pairs per language in parallel.tsv (the QA vocabulary first)
MAX_SEGMENT_PAIRS = 6_000  # LibreOffice UI strings per language
MIN_PIVOT_COVERAGE = 0.6  # an ARCD text is rendered beyond Arabic only if the ar→en lexicon knew this share of its words
ENGLISH_WORD = re.compile(r"^[a-z][a-z'-]*$")
ARABIC_MARKS = re.compile("[\u064b-\u0652\u0670\u0640]")  # harakat, dagger alef, tatweel: XQuAD text rarely has them


def normalise(text: str, language: str) -> str:
    text = unicodedata.normalize("NFC", text).strip()
    if language == "ar":
        text = ARABIC_MARKS.sub("", text).replace("أ", "ا").replace("إ", "ا").replace("آ", "ا")
    return text


def word_count(text: str) -> int:
    return len(text.split())


def build_lexicons(log) -> tuple[dict[str, Lexicon], Lexicon, dict[str, Counter]]:
    """en→xx lexicons for the ten other languages, the ar→en lexicon, and pair counts per source."""
    root = {p.name: package_root(p) for p in DATA_PACKAGES}
    english_to = {lang: Lexicon("en", lang) for lang in LANGUAGES if lang != "en"}
    arabic_to_english = Lexicon("ar", "en")
    counts: dict[str, Counter] = {}

    def add(package: str, language: str, english: str, foreign: str, weight: float) -> None:
        english, foreign = english.strip().lower(), normalise(foreign, language)
        if ENGLISH_WORD.match(english) and foreign and word_count(foreign) <= 3:
            english_to[language].add(english, foreign, weight)
            counts.setdefault(package, Counter())[language] += 1
        if language == "ar" and word_count(foreign) == 1 and ENGLISH_WORD.match(english):
            arabic_to_english.add(foreign, english, weight)

    for package, name, source, target in DICTD:
        language = target if source == "en" else source
        seen: Counter = Counter()
        for english, foreign in dictd_pairs(root[package], name, source, target):
            key = foreign if source == "en" else english
            seen[key] += 1
            # Earlier senses are the usual translations: the first one of an entry weighs most.
            add(package, language, english, foreign, 3.0 if seen[key] == 1 else 1.0)
        log(f"  {package}: {sum(counts.get(package, Counter()).values())} word pairs")
    for english, german in ding_pairs(package_root(_package("trans-de-en")) / "usr" / "share" / "trans" / "de-en"):
        add("trans-de-en", "de", english, german, 1.0)
    log(f"  trans-de-en: {sum(counts['trans-de-en'].values())} word pairs")
    for language in english_to:
        for english, foreign in cldr_pairs(root["unicode-cldr-core"], language):
            add("unicode-cldr-core", language, english, foreign, 0.5)
        for english, foreign in libreoffice_pairs(root[f"libreoffice-l10n-{LIBREOFFICE_LANGUAGES[language]}"]):
            add(f"libreoffice-l10n-{LIBREOFFICE_LANGUAGES[language]}", language, english, foreign, 0.5)
    return english_to, arabic_to_english, counts


def _package(name: str) -> Package:
    return next(p for p in DATA_PACKAGES + TOOL_PACKAGES if p.name == name)


def parallel_segments(english_to: dict[str, Lexicon], qa_words: Counter) -> list[tuple[str, str, str, str]]:
    """(language, kind, english, foreign) rows: word pairs (QA vocabulary first), CLDR names, UI strings."""
    rows: list[tuple[str, str, str, str]] = []
    for language, lexicon in sorted(english_to.items()):
        words = sorted(lexicon.best, key=lambda w: (-qa_words[w], -max(lexicon.scores[w].values()), w))
        rows += [(language, "lexicon", w, lexicon.best[w]) for w in words[:MAX_LEXICON_PAIRS]]
        rows += [(language, "cldr", e, normalise(f, language)) for e, f in cldr_pairs(package_root(NAMES[0]), language)]
        catalogue = _package(f"libreoffice-l10n-{LIBREOFFICE_LANGUAGES[language]}")
        segments = unique(f"{e}\t{normalise(f, language)}" for e, f in libreoffice_pairs(package_root(catalogue)) if word_count(e) >= 2)
        rows += [(language, "libreoffice", *s.split("\t", 1)) for s in segments[:MAX_SEGMENT_PAIRS]]  # type: ignore[misc]
    return rows


def qa_items(data_dir: Path) -> list[tuple[str, list[Pair]]]:
    """(source language, pairs) of the two QA training sets."""
    arcd = [p for relative in ARCD_FILES for p in qa_pairs(require_file(data_dir, relative), "ar", "arcd")]
    return [("en", qa_pairs(require_file(data_dir, SQUAD_FILE), "en", "squad-train")), ("ar", arcd)]


def render_items(data_dir: Path, english_to: dict[str, Lexicon], arabic_to_english: Lexicon, log) -> tuple[list[dict], dict]:
    """Every QA item in all 11 languages, and the share of words each lexicon translated."""
    stats = {lang: RenderStats() for lang in english_to}
    stats["en (from ar)"] = RenderStats()
    items: list[dict] = []
    for source_language, pairs in qa_items(data_dir):
        texts = unique(t for p in pairs for t in (p.query, p.passage, *p.hard_negatives))
        if source_language == "ar":
            english = {}
            for t in texts:
                own = RenderStats()
                rendered_text = render_words(t, arabic_to_english, own)
                stats["en (from ar)"].words += own.words
                stats["en (from ar)"].translated += own.translated
                # A pivot that lost most of its words would pass on a few stray words, not the text.
                english[t] = rendered_text if own.coverage >= MIN_PIVOT_COVERAGE else None
        else:
            english = {t: t for t in texts}
        pivots = unique(p for p in english.values() if p is not None)
        rendered: dict[str, dict[str, str]] = {"en": {p: p for p in pivots}}
        for language, lexicon in english_to.items():
            if language == "es":
                rendered["es"] = dict(zip(pivots, apertium_translate(pivots)))
            else:
                rendered[language] = {p: render_words(p, lexicon, stats[language] if source_language == "en" else None) for p in pivots}
        log(f"  {pairs[0].source}: {len(pairs)} items, {len(texts)} texts rendered into {len(rendered)} languages")
        for pair in pairs:
            item = {"group": pair.group, "source": pair.source, "original": source_language, "texts": {}}
            rendered_ok = english[pair.query] is not None and english[pair.passage] is not None
            for language in LANGUAGES:
                if language == source_language:
                    item["texts"][language] = {"question": pair.query, "answer": pair.passage, "negatives": list(pair.hard_negatives)}
                elif rendered_ok:
                    table = rendered[language]
                    item["texts"][language] = {
                        "question": table[english[pair.query]],
                        "answer": table[english[pair.passage]],
                        "negatives": [table[english[n]] for n in pair.hard_negatives if english[n] is not None],
                    }
            items.append(item)
    coverage = {lang: {"words": s.words, "translated": round(s.coverage, 4)} for lang, s in stats.items()}
    return items, coverage


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def package_version(package: Package) -> str:
    marker = package_root(package) / ".unpacked"
    if marker.exists():
        return unquote(marker.read_text().strip().split("_")[1])  # apt-get download writes the epoch's ":" as %3a
    import subprocess

    result = subprocess.run(["dpkg-query", "-W", "-f=${Version}", package.name], capture_output=True, text=True)
    return result.stdout.strip() or "not installed"


def source_records() -> list[dict]:
    records = []
    for package in DATA_PACKAGES + TOOL_PACKAGES:
        path = copyright_path(package)
        if not path.exists():
            raise SystemExit(f"{path} is missing: run bash native-models/data/install-data-deps.sh")
        text = path.read_text(encoding="utf-8", errors="replace")
        records.append({
            "package": package.name, "version": package_version(package), "role": package.role, "languages": list(package.languages),
            "licence": licence_from_copyright(text, package.files_stanza), "copyright": f"/usr/share/doc/{package.name}/copyright",
            "copyright_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        })  # fmt: skip
    return records


def write_lexicon(english_to: dict[str, Lexicon], arabic_to_english: Lexicon, path: Path) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        for language, lexicon in sorted(english_to.items()):
            for english in sorted(lexicon.scores):
                for foreign, score in sorted(lexicon.scores[english].items()):
                    handle.write(f"{language}\t{english}\t{' '.join(foreign.split())}\t{score:g}\n")
        for arabic in sorted(arabic_to_english.scores):
            for english, score in sorted(arabic_to_english.scores[arabic].items()):
                handle.write(f"ar\t{english}\t{arabic}\t{score:g}\n")


def build(data_dir: Path, out: Path, log=print) -> dict:
    started = time.monotonic()
    out.mkdir(parents=True, exist_ok=True)
    sources = source_records()
    log("lexicons:")
    english_to, arabic_to_english, pair_counts = build_lexicons(log)
    log("QA items:")
    items, coverage = render_items(data_dir, english_to, arabic_to_english, log)
    qa_words = Counter(w.lower() for item in items if item["original"] == "en" for w in re.findall(r"[A-Za-z'-]+", item["texts"]["en"]["question"] + " " + item["texts"]["en"]["answer"]))
    rows = parallel_segments(english_to, qa_words)

    parallel_path, qa_path, lexicon_path = out / "parallel.tsv", out / "qa.jsonl", out / "lexicon.tsv"
    write_lexicon(english_to, arabic_to_english, lexicon_path)
    with open(parallel_path, "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write("\t".join(re.sub(r"[\t\n]", " ", x) for x in row) + "\n")
    with open(qa_path, "w", encoding="utf-8") as handle:
        for item in items:
            handle.write(json.dumps(item, ensure_ascii=False) + "\n")
    parallel_counts: dict[str, Counter] = {}
    for language, kind, _, _ in rows:
        parallel_counts.setdefault(language, Counter())[kind] += 1
    manifest = {
        "built_by": "native-models/data/build_data.py",
        "seconds": round(time.monotonic() - started, 1),
        "sources": sources,
        "shared_data": [SQUAD_FILE, *ARCD_FILES],
        "lexicon_entries": {lang: len(lex) for lang, lex in english_to.items()} | {"ar→en": len(arabic_to_english)},
        "pairs_read_per_package": {p: dict(c) for p, c in pair_counts.items()},
        "parallel_rows": {lang: dict(c) for lang, c in sorted(parallel_counts.items())},
        "qa_items": dict(Counter(item["source"] for item in items)),
        "qa_items_per_language": dict(sorted(Counter(lang for item in items for lang in item["texts"]).items())),
        "qa_word_coverage": coverage,
        "files": {p.name: {"sha256": sha256_of(p), "bytes": p.stat().st_size} for p in (parallel_path, qa_path, lexicon_path)},
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    log(f"data: {len(rows)} parallel rows, {len(items)} QA items in {manifest['seconds']} s → {out}")
    return manifest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--data-dir", type=Path, default=None, help="shared data folder (default: $XLIR_DATA_DIR or ../shared/data)")
    args = parser.parse_args()
    build(args.data_dir or default_data_dir(), args.out, lambda m: print(m, flush=True))


if __name__ == "__main__":
    main()
