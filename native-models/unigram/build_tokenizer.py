"""Trains a SentencePiece Unigram model on the training text only (never XQuAD / XQuAD-R) with
XLM-R's settings, and writes it with its `tokenizer.json` (see convert.py):

    bash native-models/python.sh unigram.build_tokenizer --vocab-size 8000 --out DIR

DIR gets `sentencepiece.bpe.model` (XLM-R's file name for its SentencePiece model, although it is
a Unigram model) and `tokenizer.json`.
"""

from __future__ import annotations

import io
from pathlib import Path

import sentencepiece as spm

from train.data import corpus_texts, tokenizer_training_args

from .convert import write_tokenizer_json

MODEL_FILE = "sentencepiece.bpe.model"


def train_unigram(texts: list[str], vocab_size: int, out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(texts), model_writer=model, model_type="unigram", vocab_size=vocab_size,
        unk_id=0, bos_id=1, eos_id=2, pad_id=-1, normalization_rule_name="nmt_nfkc", character_coverage=0.9995,
        num_threads=1, minloglevel=2,
    )  # fmt: skip
    path = out_dir / MODEL_FILE
    path.write_bytes(model.getvalue())
    return path


def build_tokenizer(built_dir: Path, data_dir: Path, vocab_size: int, out_dir: Path) -> Path:
    texts = [text for language_texts in corpus_texts(built_dir, data_dir).values() for text in language_texts]
    model_path = train_unigram(texts, vocab_size, Path(out_dir))
    return write_tokenizer_json(model_path, Path(out_dir) / "tokenizer.json")


def main() -> None:
    args = tokenizer_training_args(__doc__, "folder for sentencepiece.bpe.model and tokenizer.json")
    path = build_tokenizer(args.built_data, args.data_dir, args.vocab_size, args.out)
    print(f"{path}: {args.vocab_size} pieces")


if __name__ == "__main__":
    main()
