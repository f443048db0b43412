"""Export an Encoder to the ONNX graph the engine loads: int64 `input_ids` and `attention_mask`
[batch, seq] with dynamic axes, output `last_hidden_state` [batch, seq, hidden] (or
`sentence_embedding` [batch, hidden] for a model with a sentence head)."""

from __future__ import annotations

import copy
import warnings
from pathlib import Path

import onnx
import torch

from .architecture import Encoder

OPSET = 14
TOKEN_OUTPUT = "last_hidden_state"
SENTENCE_OUTPUT = "sentence_embedding"


def output_name(model: Encoder) -> str:
    return SENTENCE_OUTPUT if model.config.sentence_head != "none" else TOKEN_OUTPUT


def export_onnx(model: Encoder, path: Path, *, sample_length: int = 8) -> Path:
    """Writes `path` (weights inside the file, so models up to 2 GB) and checks it with onnx.checker."""
    model = copy.deepcopy(model).cpu().float().eval()
    pad = model.config.pad_token_id
    # Two rows, the second padded: the trace then holds the masked path HF exports carry too.
    input_ids = torch.full((2, sample_length), pad, dtype=torch.long)
    input_ids[0, :] = torch.arange(sample_length) % (model.config.vocab_size - 1) + 1
    input_ids[1, : sample_length // 2] = input_ids[0, : sample_length // 2]
    attention_mask = (input_ids != pad).long()
    name = output_name(model)
    dynamic_axes = {"input_ids": {0: "batch", 1: "sequence"}, "attention_mask": {0: "batch", 1: "sequence"}}
    dynamic_axes[name] = {0: "batch", 1: "sequence"} if name == TOKEN_OUTPUT else {0: "batch"}
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with torch.no_grad(), warnings.catch_warnings():
        # nn.Embedding's padding_idx assertion is traced as a constant: true for every input, so harmless.
        warnings.simplefilter("ignore", torch.jit.TracerWarning)
        torch.onnx.export(
            model,
            (input_ids, attention_mask),
            str(path),
            input_names=["input_ids", "attention_mask"],
            output_names=[name],
            dynamic_axes=dynamic_axes,
            opset_version=OPSET,
            do_constant_folding=True,
        )
    # Graphs over 2 GB cannot be checked in memory; the path form handles both.
    onnx.checker.check_model(str(path))
    return path
