"""Trains the WordPiece vocabulary on the training text only and writes tokenizer.json.

    bash native-models/python.sh wordpiece.build_tokenizer --vocab-size 8000 --out tokenizer.json
"""

from __future__ import annotations

import argparse
from pathlib import Path

from train.data import corpus_texts, default_data_dir
from xlir_encoder.tokenizer_json import write_tokenizer_json

from .train_vocab import train_wordpiece_vocab


def build_tokenizer(data_dir: Path, vocab_size: int, out: Path) -> list[str]:
    vocab = train_wordpiece_vocab(corpus_texts(data_dir), vocab_size)
    write_tokenizer_json(vocab, out)
    return vocab


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--vocab-size", type=int, default=8000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--data-dir", type=Path, default=None, help="shared data folder (default: $XLIR_DATA_DIR or ../shared/data)")
    args = parser.parse_args()
    vocab = build_tokenizer(args.data_dir or default_data_dir(), args.vocab_size, args.out)
    print(f"{args.out}: {len(vocab)} tokens")


if __name__ == "__main__":
    main()
