"""Share of [UNK] tokens per language when the engine's tokenizer reads XQuAD-R (questions and
candidate sentences), and tokens per word: how much of each script a vocabulary covers.
Measured on evaluation text; nothing here feeds training.

    bash native-models/python.sh wordpiece.unknown_rate --tokenizer tokenizer.json [--data-dir DIR]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from train.data import default_data_dir, sentence_spans
from xlir_encoder.node_tokenizer import node_encode
from xlir_encoder.tokenizer_json import CLS_ID, SEP_ID, UNK_ID


def xquad_r_texts(data_dir: Path) -> dict[str, list[str]]:
    texts: dict[str, list[str]] = {}
    for path in sorted((Path(data_dir) / "xquad-r").glob("*.json")):
        language = path.stem
        for article in json.loads(path.read_text(encoding="utf-8"))["data"]:
            for paragraph in article["paragraphs"]:
                context = paragraph["context"]
                breaks = paragraph.get("sentence_breaks") or sentence_spans(context)
                texts.setdefault(language, []).extend(context[a:b] for a, b in breaks)
                texts[language].extend(qa["question"] for qa in paragraph["qas"])
    if not texts:
        raise FileNotFoundError(f"no XQuAD-R files under {data_dir}/xquad-r")
    return texts


def unknown_rates(tokenizer: Path, data_dir: Path) -> dict[str, dict[str, float]]:
    """Per language: share of tokens that are [UNK], and tokens per text (special tokens excluded)."""
    rates = {}
    for language, texts in sorted(xquad_r_texts(data_dir).items()):
        rows = [[i for i in row if i not in (CLS_ID, SEP_ID)] for row in node_encode(tokenizer, texts)]
        tokens = sum(len(r) for r in rows)
        unknown = sum(r.count(UNK_ID) for r in rows)
        rates[language] = {"unknown": round(unknown / max(tokens, 1), 5), "tokens_per_text": round(tokens / len(rows), 2)}
    return rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tokenizer", type=Path, required=True)
    parser.add_argument("--data-dir", type=Path, default=None)
    args = parser.parse_args()
    print(json.dumps(unknown_rates(args.tokenizer, args.data_dir or default_data_dir()), indent=1))


if __name__ == "__main__":
    main()
