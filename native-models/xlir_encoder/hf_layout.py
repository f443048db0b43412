"""Hugging Face checkpoint layout (config.json + weights with HF parameter names) for BERT and
XLM-R encoders, both ways: a checkpoint trained here can be loaded by `transformers.BertModel`, and a
local BERT/XLM-R checkpoint can be exported without `transformers` installed.

Weights are read from `pytorch_model.bin` or `model.safetensors` (parsed here: the format is an
8-byte header length, a JSON header, then raw little-endian tensors)."""

from __future__ import annotations

import json
import re
import struct
from pathlib import Path

import numpy as np
import torch

from .architecture import Encoder, EncoderConfig

MODEL_TYPES = {"bert": "absolute", "xlm-roberta": "padding_offset", "roberta": "padding_offset"}
VIA_TRANSFORMERS = "export it with --via transformers (needs transformers installed)"
SHARD_INDEXES = ("model.safetensors.index.json", "pytorch_model.bin.index.json")
WRAPPER_PREFIXES = ("bert.", "roberta.", "model.", "0.auto_model.")
SAFETENSORS_DTYPES = {"F32": np.float32, "F16": np.float16, "BF16": np.int16, "I64": np.int64}
TORCH_TO_SAFETENSORS = {torch.float32: "F32", torch.float16: "F16", torch.int64: "I64"}

# Our parameter name → HF's, with {i} the layer index.
NAMES = {
    "embeddings.word_embeddings.weight": "embeddings.word_embeddings.weight",
    "embeddings.position_embeddings.weight": "embeddings.position_embeddings.weight",
    "embeddings.token_type_embeddings.weight": "embeddings.token_type_embeddings.weight",
    "embeddings.LayerNorm.{p}": "embeddings.LayerNorm.{p}",
    "layers.{i}.attention.query.{p}": "encoder.layer.{i}.attention.self.query.{p}",
    "layers.{i}.attention.key.{p}": "encoder.layer.{i}.attention.self.key.{p}",
    "layers.{i}.attention.value.{p}": "encoder.layer.{i}.attention.self.value.{p}",
    "layers.{i}.attention_output.{p}": "encoder.layer.{i}.attention.output.dense.{p}",
    "layers.{i}.attention_norm.{p}": "encoder.layer.{i}.attention.output.LayerNorm.{p}",
    "layers.{i}.intermediate.{p}": "encoder.layer.{i}.intermediate.dense.{p}",
    "layers.{i}.output.{p}": "encoder.layer.{i}.output.dense.{p}",
    "layers.{i}.output_norm.{p}": "encoder.layer.{i}.output.LayerNorm.{p}",
}


def hf_name(ours: str) -> str:
    for pattern, theirs in NAMES.items():
        regex = "^" + re.escape(pattern).replace(r"\{i\}", r"(?P<i>\d+)").replace(r"\{p\}", r"(?P<p>weight|bias)") + "$"
        match = re.match(regex, ours)
        if match:
            return theirs.format(**match.groupdict())
    raise KeyError(f"no Hugging Face name for parameter {ours}")


def config_from_hf(values: dict) -> EncoderConfig:
    model_type = values.get("model_type")
    if model_type not in MODEL_TYPES:
        raise ValueError(f"model_type {model_type!r} is not {' / '.join(MODEL_TYPES)}, the architectures rebuilt here: {VIA_TRANSFORMERS}")
    positions = values.get("position_embedding_type", "absolute")
    if positions != "absolute":
        raise ValueError(f"position_embedding_type {positions!r} (only absolute positions are rebuilt here): {VIA_TRANSFORMERS}")
    activation = values.get("hidden_act", "gelu")
    if activation != "gelu":
        raise ValueError(f"hidden_act {activation!r} (only the erf GELU, \"gelu\", is rebuilt here): {VIA_TRANSFORMERS}")
    return EncoderConfig(
        vocab_size=values["vocab_size"],
        hidden_size=values["hidden_size"],
        num_layers=values["num_hidden_layers"],
        num_heads=values["num_attention_heads"],
        intermediate_size=values["intermediate_size"],
        max_positions=values["max_position_embeddings"],
        type_vocab_size=values.get("type_vocab_size", 2),
        pad_token_id=values.get("pad_token_id", 0),
        position_style=MODEL_TYPES[model_type],
        layer_norm_eps=values.get("layer_norm_eps", 1e-12),
        dropout=0.0,
    )


def config_to_hf(config: EncoderConfig) -> dict:
    if config.sentence_head != "none":
        raise ValueError("a sentence head has no BertModel equivalent")
    return {
        "architectures": ["XLMRobertaModel" if config.position_style == "padding_offset" else "BertModel"],
        "model_type": "xlm-roberta" if config.position_style == "padding_offset" else "bert",
        "vocab_size": config.vocab_size,
        "hidden_size": config.hidden_size,
        "num_hidden_layers": config.num_layers,
        "num_attention_heads": config.num_heads,
        "intermediate_size": config.intermediate_size,
        "max_position_embeddings": config.max_positions,
        "type_vocab_size": config.type_vocab_size,
        "pad_token_id": config.pad_token_id,
        "layer_norm_eps": config.layer_norm_eps,
        "hidden_act": "gelu",
        "position_embedding_type": "absolute",
        "hidden_dropout_prob": config.dropout,
        "attention_probs_dropout_prob": config.dropout,
        "initializer_range": 0.02,
    }


def read_safetensors(path: Path) -> dict[str, torch.Tensor]:
    data = Path(path).read_bytes()
    (header_length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + header_length])
    base = 8 + header_length
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        if entry["dtype"] not in SAFETENSORS_DTYPES:
            raise ValueError(f"{path}: tensor {name} has dtype {entry['dtype']}, not one this reader knows")
        start, end = entry["data_offsets"]
        array = np.frombuffer(data, dtype=SAFETENSORS_DTYPES[entry["dtype"]], count=(end - start) // np.dtype(SAFETENSORS_DTYPES[entry["dtype"]]).itemsize, offset=base + start)
        tensor = torch.from_numpy(array.copy()).reshape(entry["shape"])
        if entry["dtype"] == "BF16":  # bfloat16 bits are the top half of a float32
            tensor = ((tensor.to(torch.int32) & 0xFFFF) << 16).view(torch.float32)
        tensors[name] = tensor
    return tensors


def write_safetensors(tensors: dict[str, torch.Tensor], path: Path) -> Path:
    """The safetensors layout read_safetensors reads (and Node's Dense loader): header, then data."""
    header, chunks, offset = {}, [], 0
    for name, tensor in tensors.items():
        if tensor.dtype not in TORCH_TO_SAFETENSORS:
            raise ValueError(f"tensor {name} has dtype {tensor.dtype}, which this writer does not store")
        data = tensor.detach().cpu().contiguous().numpy().tobytes()
        header[name] = {"dtype": TORCH_TO_SAFETENSORS[tensor.dtype], "shape": list(tensor.shape), "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    encoded = json.dumps(header, separators=(",", ":")).encode("utf-8")
    encoded += b" " * (-len(encoded) % 8)  # the data starts 8-byte aligned, as the reference writer does
    Path(path).write_bytes(struct.pack("<Q", len(encoded)) + encoded + b"".join(chunks))
    return Path(path)


def read_state_dict(folder: Path) -> dict[str, torch.Tensor]:
    """model.safetensors, else pytorch_model.bin, of one folder, as saved."""
    folder = Path(folder)
    for index in SHARD_INDEXES:
        if (folder / index).exists():
            raise ValueError(f"{folder / index}: the weights are sharded, which this export does not read: {VIA_TRANSFORMERS}")
    if (folder / "model.safetensors").exists():
        return read_safetensors(folder / "model.safetensors")
    if (folder / "pytorch_model.bin").exists():
        return torch.load(folder / "pytorch_model.bin", map_location="cpu")
    raise FileNotFoundError(f"{folder} has neither model.safetensors nor pytorch_model.bin")


def read_hf_weights(folder: Path) -> dict[str, torch.Tensor]:
    folder = Path(folder)
    raw = read_state_dict(folder)
    weights = {}
    for name, tensor in raw.items():
        for prefix in WRAPPER_PREFIXES:
            if name.startswith(prefix):
                name = name[len(prefix) :]
                break
        weights[name.replace("LayerNorm.gamma", "LayerNorm.weight").replace("LayerNorm.beta", "LayerNorm.bias")] = tensor
    return weights


def load_hf_layout(folder: Path) -> Encoder:
    config = config_from_hf(json.loads((Path(folder) / "config.json").read_text(encoding="utf-8")))
    model = Encoder(config)
    weights = read_hf_weights(folder)
    state = {}
    for ours in model.state_dict():
        theirs = hf_name(ours)
        if theirs not in weights:
            raise KeyError(f"{folder}: checkpoint has no {theirs}")
        state[ours] = weights[theirs].float()
    model.load_state_dict(state)
    return model.eval()


def save_hf_layout(model: Encoder, folder: Path, tokenizer_json: Path | None = None) -> Path:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.json").write_text(json.dumps(config_to_hf(model.config), indent=2) + "\n", encoding="utf-8")
    torch.save({hf_name(k): v.detach().cpu().contiguous() for k, v in model.state_dict().items()}, folder / "pytorch_model.bin")
    if tokenizer_json is not None:
        (folder / "tokenizer.json").write_bytes(Path(tokenizer_json).read_bytes())
    return folder
