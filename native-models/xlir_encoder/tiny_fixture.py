"""Writes test/fixtures/tiny-encoder: a random-weight encoder (hidden 32, 2 layers) with a tiny
WordPiece vocabulary, for tests that need a real model folder but no real model.

Its vocabulary covers ASCII letters, digits and punctuation plus a few characters of the other
XQuAD-R scripts; everything else becomes [UNK], so no input crashes it. `expected.json` holds, for
a few texts, the ids the engine's tokenizer gives and the mean-pooled, L2-normalised vector torch
computes, so an engine test can check its whole path (tokenize → ONNX → pool) against torch.

    PYTHONPATH=native-models python3 -m xlir_encoder.tiny_fixture --out test/fixtures/tiny-encoder
"""

from __future__ import annotations

import argparse
import json
import string
from pathlib import Path

import torch

from .architecture import Encoder, EncoderConfig, mean_pool
from .model_folder import TOKENIZER_FILE, write_model_folder
from .node_tokenizer import node_encode
from .tokenizer_json import CONTINUATION_PREFIX, SPECIAL_TOKENS, wordpiece_tokenizer_json

SEED = 0
MAX_LENGTH = 64
# One or a few characters per script of XQuAD-R (ar zh ru el hi th vi …), lowercased as the normaliser does.
OTHER_SCRIPT_CHARS = "مرحبا你好世界问答привеαβγδनमसतेकाสวัดีcรàáâãèéêìíòóôõùúýăđĩũơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹçñöüßğış"
WORDS = ("hello", "world", "query", "passage", "the", "what", "is", "of", "and")
EXPECTED_TEXTS = (
    "Hello world",
    "Query: What is the capital of France?",
    "Passage: Paris is the capital of France.",
    "你好世界",
    "Привет мир",
    "สวัสดีครับ",
)


def tiny_vocab() -> list[str]:
    chars = list(dict.fromkeys(string.ascii_lowercase + string.digits + string.punctuation + OTHER_SCRIPT_CHARS))
    vocab = list(SPECIAL_TOKENS) + list(WORDS)
    vocab += [c for c in chars if c not in vocab]
    vocab += [CONTINUATION_PREFIX + c for c in chars if not (c in string.punctuation)]
    return list(dict.fromkeys(vocab))


def tiny_config(vocab_size: int) -> EncoderConfig:
    return EncoderConfig(
        vocab_size=vocab_size,
        hidden_size=32,
        num_layers=2,
        num_heads=2,
        intermediate_size=64,
        max_positions=MAX_LENGTH,
        type_vocab_size=1,
        layer_norm_eps=1e-12,
    )


def reference_vectors(model: Encoder, ids: list[list[int]]) -> list[list[float]]:
    vectors = []
    with torch.no_grad():
        for row in ids:
            input_ids = torch.tensor([row], dtype=torch.long)
            mask = torch.ones_like(input_ids)
            pooled = mean_pool(model(input_ids, mask), mask)
            vectors.append(torch.nn.functional.normalize(pooled, dim=-1)[0].tolist())
    return vectors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, required=True, help="model folder to (over)write")
    args = parser.parse_args()

    torch.manual_seed(SEED)
    vocab = tiny_vocab()
    model = Encoder(tiny_config(len(vocab))).eval()
    tokenizer_text = json.dumps(wordpiece_tokenizer_json(vocab), ensure_ascii=False, separators=(",", ":")) + "\n"
    write_model_folder(
        args.out,
        model,
        tokenizer_text,
        name="xlir-tiny-test",
        family="xlir-tiny-test",
        checkpoint="baseline",
        pooling="mean",
        normalize=True,
        max_length=MAX_LENGTH,
        licence="MIT (XLIR Bench test fixture; no third-party data or weights)",
        provenance=(
            f"Random test fixture: untrained weights (torch.manual_seed({SEED})), hand-made {len(vocab)}-token "
            "WordPiece vocabulary; written by native-models/xlir_encoder/tiny_fixture.py. Its vectors mean nothing."
        ),
    )
    ids = node_encode(args.out / TOKENIZER_FILE, list(EXPECTED_TEXTS))
    expected = [
        {"text": text, "ids": row, "vector": [round(x, 6) for x in vector]}
        for text, row, vector in zip(EXPECTED_TEXTS, ids, reference_vectors(model, ids))
    ]
    note = "ids: @huggingface/tokenizers, special tokens included, no prefix; vector: torch mean pool + L2 norm"
    lines = ",\n".join("  " + json.dumps(case, ensure_ascii=False) for case in expected)
    (args.out / "expected.json").write_text(
        f'{{"note": {json.dumps(note)},\n "cases": [\n{lines}\n]}}\n', encoding="utf-8"
    )


if __name__ == "__main__":
    main()
