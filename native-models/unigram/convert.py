"""A SentencePiece Unigram model → Hugging Face `tokenizer.json`, the way transformers'
`XLMRobertaConverter` (convert_slow_tokenizer.py) writes it, so that a model trained here has the
tokenizer file an XLM-R checkpoint ships:

- vocabulary `<s> <pad> </s> <unk>`, then the model's pieces from id 3 on (fairseq's offset: a
  piece's id is its SentencePiece id + 1), then `<mask>`; `unk_id` 3;
- normalizer: `Precompiled` (the model's own precompiled_charsmap), `Strip` right, `Replace`
  runs of spaces by one `▁`;
- pre-tokenizer `Metaspace` (`▁`, prepend always); post-processor `<s> $A </s>`.

Python here has no `tokenizers` package, so the JSON is written by hand in the format the Rust
crate serialises.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

from sentencepiece import sentencepiece_model_pb2

SPECIALS = ("<s>", "<pad>", "</s>", "<unk>")
MASK = "<mask>"
REPLACEMENT = "\u2581"
UNIGRAM = 1  # TrainerSpec.ModelType


def read_model_proto(path: Path) -> sentencepiece_model_pb2.ModelProto:
    proto = sentencepiece_model_pb2.ModelProto()
    proto.ParseFromString(Path(path).read_bytes())
    return proto


def xlmr_tokenizer_json(proto: sentencepiece_model_pb2.ModelProto) -> dict:
    if proto.trainer_spec.model_type != UNIGRAM:
        raise ValueError("only SentencePiece Unigram models convert the XLM-R way")
    if [p.piece for p in proto.pieces[:3]] != ["<unk>", "<s>", "</s>"]:
        raise ValueError("the model must start with <unk> <s> </s> (unk_id=0 bos_id=1 eos_id=2 pad_id=-1), as XLM-R's")
    vocab = [[token, 0.0] for token in SPECIALS]
    vocab += [[p.piece, p.score] for p in proto.pieces[3:]]
    vocab.append([MASK, 0.0])
    ids = {token: i for i, (token, _) in enumerate(vocab)}

    def added(token: str, lstrip: bool = False) -> dict:
        return {"id": ids[token], "content": token, "single_word": False, "lstrip": lstrip, "rstrip": False, "normalized": False, "special": True}

    def special(token: str) -> dict:
        return {"SpecialToken": {"id": token, "type_id": 0}}

    normalizers = [
        {"type": "Strip", "strip_left": False, "strip_right": True},
        {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": REPLACEMENT},
    ]
    charsmap = proto.normalizer_spec.precompiled_charsmap
    if charsmap:
        normalizers.insert(0, {"type": "Precompiled", "precompiled_charsmap": base64.b64encode(charsmap).decode("ascii")})
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [added(t) for t in SPECIALS] + [added(MASK, lstrip=True)],
        "normalizer": {"type": "Sequence", "normalizers": normalizers},
        "pre_tokenizer": {"type": "Metaspace", "replacement": REPLACEMENT, "prepend_scheme": "always", "split": True},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [special("<s>"), {"Sequence": {"id": "A", "type_id": 0}}, special("</s>")],
            "pair": [special("<s>"), {"Sequence": {"id": "A", "type_id": 0}}, special("</s>"), special("</s>"),
                     {"Sequence": {"id": "B", "type_id": 0}}, special("</s>")],
            "special_tokens": {t: {"id": t, "ids": [ids[t]], "tokens": [t]} for t in ("<s>", "</s>")},
        },  # fmt: skip
        "decoder": {"type": "Metaspace", "replacement": REPLACEMENT, "prepend_scheme": "always", "split": True},
        "model": {"type": "Unigram", "unk_id": ids["<unk>"], "vocab": vocab, "byte_fallback": False},
    }


def hf_id(spm_id: int) -> int:
    """The tokenizer.json id of a SentencePiece id (XLM-R's fairseq offset; <unk> 0 → 3)."""
    return SPECIALS.index("<unk>") if spm_id == 0 else spm_id + 1


def write_tokenizer_json(model_path: Path, out: Path) -> Path:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(xlmr_tokenizer_json(read_model_proto(model_path)), ensure_ascii=False, separators=(",", ":"))
    out.write_text(text + "\n", encoding="utf-8")
    return out
