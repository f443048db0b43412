"""Training pairs from the shared data sets marked *training* (never XQuAD, XQuAD-R or SQuAD dev).

- SQuAD v1.1 train sample (en) and ARCD train + test (ar): monolingual question → answer-sentence
  pairs; the answer sentence is the sentence of the paragraph that holds `answer_start`, the other
  sentences of that paragraph are its hard negatives.
- Tatoeba (LASER v1): translation pairs xx ↔ en for the ten other XQuAD-R languages, used in both
  directions as cross-lingual pairs.
"""

from __future__ import annotations

import argparse
import json
import os
import re
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
    """The command line of a tokenizer trained on this module's corpus: --vocab-size, --out, --data-dir."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--vocab-size", type=int, default=8000)
    parser.add_argument("--out", type=Path, required=True, help=out_help)
    parser.add_argument("--data-dir", type=Path, default=None, help="shared data folder (default: $XLIR_DATA_DIR or ../shared/data)")
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


def monolingual_pairs(data_dir: Path) -> list[Pair]:
    pairs = qa_pairs(require_file(data_dir, SQUAD_FILE), "en", "squad-train")
    for relative in ARCD_FILES:
        pairs += qa_pairs(require_file(data_dir, relative), "ar", "arcd")
    return pairs


def corpus_texts(data_dir: Path) -> dict[str, list[str]]:
    """All training text per language (for the tokenizer): QA paragraphs and questions, Tatoeba sides."""
    texts: dict[str, list[str]] = {}
    for relative, language in [(SQUAD_FILE, "en")] + [(f, "ar") for f in ARCD_FILES]:
        for article in json.loads(require_file(data_dir, relative).read_text(encoding="utf-8"))["data"]:
            for paragraph in article["paragraphs"]:
                texts.setdefault(language, []).append(paragraph["context"])
                texts[language] += [clean_question(qa["question"]) for qa in paragraph["qas"]]
    for pair in tatoeba_pairs(data_dir):
        if pair.query_language != "en":
            texts.setdefault(pair.query_language, []).append(pair.query)
            texts["en"].append(pair.passage)
    return texts
