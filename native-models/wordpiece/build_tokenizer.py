"""Trains the WordPiece vocabulary on the training text only and writes tokenizer.json.

    bash native-models/python.sh wordpiece.build_tokenizer --vocab-size 8000 --out tokenizer.json
"""

from __future__ import annotations

from pathlib import Path

from data.lexicons import common_chinese_characters
from train.data import corpus_texts, tokenizer_training_args
from xlir_encoder.tokenizer_json import write_tokenizer_json

from .train_vocab import train_wordpiece_vocab


# Chinese needs more ideographs than the training text holds (a rare one in a name would be [UNK]):
# jieba's frequency dictionary adds its most frequent ones to the alphabet.
CHINESE_CHARACTERS = 3500


def build_tokenizer(built_dir: Path, data_dir: Path, vocab_size: int, out: Path) -> list[str]:
    vocab = train_wordpiece_vocab(corpus_texts(built_dir, data_dir), vocab_size, common_chinese_characters(CHINESE_CHARACTERS))
    write_tokenizer_json(vocab, out)
    return vocab


def main() -> None:
    args = tokenizer_training_args(__doc__, "tokenizer.json to write")
    vocab = build_tokenizer(args.built_data, args.data_dir, args.vocab_size, args.out)
    print(f"{args.out}: {len(vocab)} tokens")


if __name__ == "__main__":
    main()
