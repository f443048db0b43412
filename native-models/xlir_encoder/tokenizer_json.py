"""Writes a Hugging Face `tokenizer.json` for a WordPiece vocabulary.

Python here has no `tokenizers` package, so the file is written by hand in the format the Rust
crate serialises and @huggingface/tokenizers (the engine's tokenizer) reads. The pipeline:
NFKC, then BertNormalizer (control characters dropped, spaces around CJK ideographs, lowercase,
accents KEPT: stripping Mn marks would delete Hindi and Thai vowel signs), BertPreTokenizer
(split on whitespace and punctuation), greedy longest-match WordPiece, `[CLS] … [SEP]`.
Thai has no spaces, so a Thai run reaches WordPiece whole: every character seen in training is in
the vocabulary both as a word start and as a `##` continuation, and runs up to
MAX_INPUT_CHARS_PER_WORD characters are split rather than mapped to [UNK].
"""

from __future__ import annotations

import json
from pathlib import Path

SPECIAL_TOKENS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")
PAD_ID, UNK_ID, CLS_ID, SEP_ID, MASK_ID = range(len(SPECIAL_TOKENS))
CONTINUATION_PREFIX = "##"
MAX_INPUT_CHARS_PER_WORD = 200


def wordpiece_tokenizer_json(vocab: list[str], *, split_chinese: bool = True, max_chars_per_word: int = MAX_INPUT_CHARS_PER_WORD) -> dict:
    """`vocab[i]` is the token with id i; it must start with SPECIAL_TOKENS in that order.
    `split_chinese=False` leaves runs of ideographs whole, for a vocabulary of Chinese words."""
    if tuple(vocab[: len(SPECIAL_TOKENS)]) != SPECIAL_TOKENS:
        raise ValueError(f"vocabulary must start with {SPECIAL_TOKENS}")
    if len(set(vocab)) != len(vocab):
        raise ValueError("vocabulary has duplicate tokens")

    def special(token_id: int) -> dict:
        return {"SpecialToken": {"id": SPECIAL_TOKENS[token_id], "type_id": 0}}

    def sequence(name: str, type_id: int) -> dict:
        return {"Sequence": {"id": name, "type_id": type_id}}

    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [
            {
                "id": i,
                "content": token,
                "single_word": False,
                "lstrip": False,
                "rstrip": False,
                "normalized": False,
                "special": True,
            }
            for i, token in enumerate(SPECIAL_TOKENS)
        ],
        "normalizer": {
            "type": "Sequence",
            "normalizers": [
                {"type": "NFKC"},
                {
                    "type": "BertNormalizer",
                    "clean_text": True,
                    "handle_chinese_chars": split_chinese,
                    "strip_accents": False,
                    "lowercase": True,
                },
            ],
        },
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [special(CLS_ID), sequence("A", 0), special(SEP_ID)],
            "pair": [special(CLS_ID), sequence("A", 0), special(SEP_ID), sequence("B", 1), special(SEP_ID)],
            "special_tokens": {
                SPECIAL_TOKENS[i]: {"id": SPECIAL_TOKENS[i], "ids": [i], "tokens": [SPECIAL_TOKENS[i]]}
                for i in (CLS_ID, SEP_ID)
            },
        },
        "decoder": {"type": "WordPiece", "prefix": CONTINUATION_PREFIX, "cleanup": True},
        "model": {
            "type": "WordPiece",
            "unk_token": SPECIAL_TOKENS[UNK_ID],
            "continuing_subword_prefix": CONTINUATION_PREFIX,
            "max_input_chars_per_word": max_chars_per_word,
            "vocab": {token: i for i, token in enumerate(vocab)},
        },
    }


def write_tokenizer_json(vocab: list[str], path: Path, **options) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(wordpiece_tokenizer_json(vocab, **options), ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    return path
