"""Training pairs from the shared data sets marked *training* (never XQuAD, XQuAD-R or SQuAD dev) and
from the multilingual data native-models/data builds out of Debian packages.

- SQuAD v1.1 train sample (en) and ARCD train + test (ar): question → answer-sentence pairs; the
  answer sentence is the sentence of the paragraph that holds `answer_start`, the other sentences of
  that paragraph are its hard negatives. `qa.jsonl` has every item in all 11 languages (originals
  and lexicon / apertium renderings): X-X-mono pairs in each language, X-Y pairs across languages.
- Translation pairs for the shared initialisation: `parallel.tsv` (dictionary word pairs, CLDR
  names, LibreOffice UI strings) and Tatoeba (LASER v1) xx ↔ en, used in both directions.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
# Tatoeba's ISO 639-3 file names → the ISO 639-1 codes XQuAD-R uses.
TATOEBA_LANGUAGES = {
    "ara": "ar", "cmn": "zh", "deu": "de", "ell": "el", "hin": "hi",
    "rus": "ru", "spa": "es", "tha": "th", "tur": "tr", "vie": "vi",
}  # fmt: skip
SQUAD_FILE = "squad-train-sample/squad-v1.1-train-first11articles.json"
ARCD_FILES = ("arcd/arcd-train.json", "arcd/arcd-test.json")
# Sentence ends: Latin/Arabic/CJK full stops, question and exclamation marks, then space or end.
LANGUAGES = ("ar", "de", "el", "en", "es", "hi", "ru", "th", "tr", "vi", "zh")
BUILT_DATA_DIR = REPO_ROOT / ".cache" / "native-models" / "default-build" / "data"  # written by data.build_data
SENTENCE_END = re.compile(r"(?<=[.!?؟۔。！？])\s+")
MIN_HARD_NEGATIVE_CHARS = 20


@dataclass(frozen=True)
class Pair:
    query: str
    query_language: str
    passage: str
    passage_language: str
    source: str
    # Pairs of one group are one item (a Tatoeba line in its two directions): in a batch, their
    # passages are not treated as negatives of each other.
    group: str
    hard_negatives: tuple[str, ...] = ()

    @property
    def monolingual(self) -> bool:
        return self.query_language == self.passage_language


def tokenizer_training_args(description: str, out_help: str) -> argparse.Namespace:
    """The command line of a tokenizer trained on this module's corpus: --vocab-size, --out, --data-dir, --built-data."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--vocab-size", type=int, default=14000)
    parser.add_argument("--out", type=Path, required=True, help=out_help)
    parser.add_argument("--data-dir", type=Path, default=None, help="shared data folder (default: $XLIR_DATA_DIR or ../shared/data)")
    parser.add_argument("--built-data", type=Path, default=BUILT_DATA_DIR, help="output folder of data.build_data (qa.jsonl, parallel.tsv)")
    args = parser.parse_args()
    args.data_dir = args.data_dir or default_data_dir()
    return args


def default_data_dir() -> Path:
    return Path(os.environ.get("XLIR_DATA_DIR", REPO_ROOT.parent / "shared" / "data"))


def require_file(data_dir: Path, relative: str) -> Path:
    path = Path(data_dir) / relative
    if not path.is_file():
        raise FileNotFoundError(
            f"training data file {path} is missing; pass --data-dir pointing at the shared data folder "
            "(the one with tatoeba/, arcd/ and squad-train-sample/) or set XLIR_DATA_DIR"
        )
    return path


def sentence_spans(context: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for match in SENTENCE_END.finditer(context):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(context)))
    return [(a, b) for a, b in spans if context[a:b].strip()]


def clean_question(question: str) -> str:
    # ARCD questions often start with " - ".
    return re.sub(r"^[\s\-–]+", "", question).strip()


def qa_pairs(path: Path, language: str, source: str) -> list[Pair]:
    pairs: list[Pair] = []
    articles = json.loads(path.read_text(encoding="utf-8"))["data"]
    for article in articles:
        for paragraph in article["paragraphs"]:
            context = paragraph["context"]
            spans = sentence_spans(context)
            for qa in paragraph["qas"]:
                answer = qa["answers"][0]
                first, last = answer["answer_start"], answer["answer_start"] + max(len(answer["text"]), 1) - 1
                # An answer crossing a sentence break takes every sentence it touches.
                touched = [i for i, (s, e) in enumerate(spans) if s <= last and first < e]
                if not touched:
                    continue
                start, end = spans[touched[0]][0], spans[touched[-1]][1]
                negatives = tuple(
                    context[s:e].strip()
                    for i, (s, e) in enumerate(spans)
                    if i not in touched and e - s >= MIN_HARD_NEGATIVE_CHARS
                )
                question = clean_question(qa["question"])
                if question:
                    pairs.append(
                        Pair(question, language, context[start:end].strip(), language, source, f"{source}:{qa['id']}", negatives)
                    )
    return pairs


def tatoeba_pairs(data_dir: Path) -> list[Pair]:
    pairs: list[Pair] = []
    for code, language in TATOEBA_LANGUAGES.items():
        foreign = require_file(data_dir, f"tatoeba/tatoeba.{code}-eng.{code}").read_text(encoding="utf-8").splitlines()
        english = require_file(data_dir, f"tatoeba/tatoeba.{code}-eng.eng").read_text(encoding="utf-8").splitlines()
        if len(foreign) != len(english):
            raise ValueError(f"tatoeba {code}-eng: {len(foreign)} vs {len(english)} lines")
        for i, (x, e) in enumerate(zip(foreign, english)):
            x, e = x.strip(), e.strip()
            if x and e:
                group = f"tatoeba:{code}:{i}"
                pairs.append(Pair(x, language, e, "en", "tatoeba", group))
                pairs.append(Pair(e, "en", x, language, "tatoeba", group))
    return pairs


def built_file(built_dir: Path, name: str) -> Path:
    path = Path(built_dir) / name
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: build the multilingual data first (bash native-models/python.sh data.build_data)")
    return path


def read_qa_items(built_dir: Path) -> list[dict]:
    with open(built_file(built_dir, "qa.jsonl"), encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def passage_language_for(group: str, query_language: str, languages: list[str]) -> str:
    """The one passage language of an item's X-Y pair for a query language: fixed by a hash of the
    item and query language (so every run and regime sees the same pairs), never the query's."""
    others = [lang for lang in languages if lang != query_language]
    return others[zlib.crc32(f"{group}:{query_language}".encode("utf-8")) % len(others)]


def multilingual_qa_pairs(built_dir: Path) -> list[Pair]:
    """For every QA item and language X: the X-X pair (question and answer sentence in X, hard
    negatives in X) and one X-Y pair (question in X, answer sentence and negatives in Y ≠ X)."""
    pairs: list[Pair] = []
    for item in read_qa_items(built_dir):
        texts, group, source = item["texts"], item["group"], item["source"]
        present = [lang for lang in LANGUAGES if lang in texts]  # ARCD items lose badly rendered languages
        for language in present:
            own = texts[language]
            if own["question"].strip() and own["answer"].strip():
                pairs.append(Pair(own["question"], language, own["answer"], language, source, group, tuple(n for n in own["negatives"] if n.strip())))
            if len(present) < 2:
                continue
            other = passage_language_for(group, language, present)
            theirs = texts[other]
            if own["question"].strip() and theirs["answer"].strip():
                pairs.append(Pair(own["question"], language, theirs["answer"], other, source, group, tuple(n for n in theirs["negatives"] if n.strip())))
    return pairs


def translation_pairs(built_dir: Path, data_dir: Path) -> list[Pair]:
    """The shared initialisation's pairs: parallel.tsv rows and Tatoeba lines, both directions."""
    pairs = tatoeba_pairs(data_dir)
    with open(built_file(built_dir, "parallel.tsv"), encoding="utf-8") as handle:
        for index, line in enumerate(handle):
            language, kind, english, foreign = line.rstrip("\n").split("\t")
            if english.strip() and foreign.strip():
                group = f"{kind}:{language}:{index}"
                pairs.append(Pair(foreign, language, english, "en", kind, group))
                pairs.append(Pair(english, "en", foreign, language, kind, group))
    return pairs


def corpus_texts(built_dir: Path, data_dir: Path) -> dict[str, list[str]]:
    """All training text per language (for the tokenizer): every QA text in every language, the
    translation pairs' sides, Tatoeba."""
    texts: dict[str, dict[str, None]] = {lang: {} for lang in LANGUAGES}
    for item in read_qa_items(built_dir):
        for language, own in item["texts"].items():
            for text in (own["question"], own["answer"], *own["negatives"]):
                texts[language][text] = None
    for pair in translation_pairs(built_dir, data_dir):
        texts[pair.query_language][pair.query] = None
    return {language: list(found) for language, found in texts.items()}
