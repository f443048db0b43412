"""Evaluation texts must never be training texts: every question and answer sentence of XQuAD-R
and every question and paragraph sentence of XQuAD (all languages) is compared, after Unicode and
whitespace normalisation, with every training text."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from typing import Iterable

from .data import Pair, sentence_spans

MIN_CHARS = 12  # shorter strings ("Yes.", numbers) can repeat by chance without any leak


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text).replace("\ufeff", "")).strip().lower()


def evaluation_texts(data_dir: Path) -> set[str]:
    texts: set[str] = set()
    files = sorted((Path(data_dir) / "xquad-r").glob("*.json")) + sorted((Path(data_dir) / "xquad").glob("*.json"))
    if not files:
        raise FileNotFoundError(f"no XQuAD / XQuAD-R files under {data_dir}: the leak check needs them")
    for path in files:
        for article in json.loads(path.read_text(encoding="utf-8"))["data"]:
            for paragraph in article["paragraphs"]:
                context = paragraph["context"]
                breaks = paragraph.get("sentence_breaks") or sentence_spans(context)
                texts.update(normalise(context[a:b]) for a, b in breaks)
                texts.update(normalise(qa["question"]) for qa in paragraph["qas"])
    return {t for t in texts if len(t) >= MIN_CHARS}


def training_texts(pairs: Iterable[Pair]) -> set[str]:
    texts: set[str] = set()
    for pair in pairs:
        texts.update(normalise(t) for t in (pair.query, pair.passage, *pair.hard_negatives))
    return {t for t in texts if len(t) >= MIN_CHARS}


def leaked_texts(pairs: Iterable[Pair], data_dir: Path) -> list[str]:
    return sorted(training_texts(pairs) & evaluation_texts(data_dir))
