"""Export to the ONNX graphs the engine loads: int64 `input_ids` and `attention_mask` [batch, seq]
with dynamic axes. An Encoder gives `last_hidden_state` [batch, seq, hidden] (or
`sentence_embedding` [batch, hidden] for a model with a sentence head); `export_graph` takes any
module of (input_ids, attention_mask) and names its outputs."""

from __future__ import annotations

import copy
import warnings
from pathlib import Path

import onnx
import torch
from torch import nn

from .architecture import Encoder

OPSET = 14
TOKEN_OUTPUT = "last_hidden_state"
SENTENCE_OUTPUT = "sentence_embedding"
# Output axes: token states [batch, sequence, width], sentence vectors [batch, width].
TOKEN_AXES = {0: "batch", 1: "sequence"}
SENTENCE_AXES = {0: "batch"}


def output_name(model: Encoder) -> str:
    return SENTENCE_OUTPUT if model.config.sentence_head != "none" else TOKEN_OUTPUT


def sample_inputs(pad_token_id: int, vocab_size: int, sample_length: int = 8) -> tuple[torch.Tensor, torch.Tensor]:
    """Two rows, the second padded: the trace then holds the masked path HF exports carry too."""
    input_ids = torch.full((2, sample_length), pad_token_id, dtype=torch.long)
    input_ids[0, :] = torch.arange(sample_length) % (vocab_size - 1) + 1
    input_ids[1, : sample_length // 2] = input_ids[0, : sample_length // 2]
    return input_ids, (input_ids != pad_token_id).long()


def export_graph(
    module: nn.Module, path: Path, *, pad_token_id: int, vocab_size: int, outputs: dict[str, dict[int, str]], opset: int = OPSET, keep_dtypes: bool = False
) -> Path:
    """Writes `path` (weights inside the file, so models up to 2 GB) and checks it with onnx.checker.
    `keep_dtypes`: tables stay in the dtypes the module holds (float16, int16), cast in the graph,
    rather than folded to float32."""
    module = copy.deepcopy(module).cpu().eval()
    if not keep_dtypes:
        module = module.float()
    dynamic_axes = {"input_ids": {0: "batch", 1: "sequence"}, "attention_mask": {0: "batch", 1: "sequence"}, **outputs}
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with torch.no_grad(), warnings.catch_warnings():
        # nn.Embedding's padding_idx assertion is traced as a constant: true for every input, so harmless.
        warnings.simplefilter("ignore", torch.jit.TracerWarning)
        torch.onnx.export(
            module,
            sample_inputs(pad_token_id, vocab_size),
            str(path),
            input_names=["input_ids", "attention_mask"],
            output_names=list(outputs),
            dynamic_axes=dynamic_axes,
            opset_version=opset,
            do_constant_folding=not keep_dtypes,
        )
    # Graphs over 2 GB cannot be checked in memory; the path form handles both.
    onnx.checker.check_model(str(path))
    return path


def set_output_widths(path: Path, widths: dict[str, int]) -> Path:
    """Writes each output's last dimension as a number where tracing left a symbol (after a
    normalisation, say): loaders read the embedding width from the graph."""
    model = onnx.load(str(path))
    for output in model.graph.output:
        if output.name in widths:
            output.type.tensor_type.shape.dim[-1].dim_value = widths[output.name]
    onnx.save(model, str(path))
    onnx.checker.check_model(str(path))
    return Path(path)


def export_onnx(model: Encoder, path: Path) -> Path:
    name = output_name(model)
    axes = TOKEN_AXES if name == TOKEN_OUTPUT else SENTENCE_AXES
    return export_graph(model, path, pad_token_id=model.config.pad_token_id, vocab_size=model.config.vocab_size, outputs={name: axes})
