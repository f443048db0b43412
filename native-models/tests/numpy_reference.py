"""A reference forward pass of a sentence-transformers folder, written in numpy from the equations
of transformers' BertModel / XLMRobertaModel and sentence-transformers' Pooling, Dense and
Normalize, reading the checkpoint's own files. It shares no code with the exporter, so an exported
graph that matches it computes what the checkpoint computes."""

from __future__ import annotations

import json
import math
import struct
from pathlib import Path

import numpy as np
import torch

ERF = np.vectorize(math.erf)
ACTIVATIONS = {
    "torch.nn.modules.activation.Tanh": np.tanh,
    "torch.nn.modules.linear.Identity": lambda x: x,
    "torch.nn.modules.activation.ReLU": lambda x: np.maximum(x, 0.0),
}


def read_weights(folder: Path) -> dict[str, np.ndarray]:
    """model.safetensors (F32 only, read here with numpy) or pytorch_model.bin, in float64."""
    if (folder / "model.safetensors").exists():
        data = (folder / "model.safetensors").read_bytes()
        (length,) = struct.unpack("<Q", data[:8])
        header = json.loads(data[8 : 8 + length])
        tensors = {}
        for name, entry in header.items():
            if name == "__metadata__":
                continue
            assert entry["dtype"] == "F32", entry
            start, end = entry["data_offsets"]
            tensors[name] = np.frombuffer(data[8 + length + start : 8 + length + end], dtype="<f4").reshape(entry["shape"]).astype(np.float64)
        return tensors
    return {name: tensor.double().numpy() for name, tensor in torch.load(folder / "pytorch_model.bin", map_location="cpu").items()}


def layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


def token_states(folder: Path, ids: list[int]) -> np.ndarray:
    """The last hidden state [seq, hidden] of one unpadded row."""
    config = json.loads((folder / "config.json").read_text())
    raw = read_weights(folder)
    prefix = next((p for p in ("bert.", "roberta.", "") if f"{p}embeddings.word_embeddings.weight" in raw), "")
    w = {name[len(prefix) :]: value for name, value in raw.items() if name.startswith(prefix)}
    eps = config.get("layer_norm_eps", 1e-12)
    ids_array = np.array(ids)
    if config["model_type"] == "bert":
        positions = np.arange(len(ids))
    else:  # XLM-R: positions count from the padding index + 1
        positions = np.arange(len(ids)) + config["pad_token_id"] + 1
    x = w["embeddings.word_embeddings.weight"][ids_array] + w["embeddings.position_embeddings.weight"][positions]
    x = layer_norm(x + w["embeddings.token_type_embeddings.weight"][0], w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], eps)
    heads = config["num_attention_heads"]
    size = config["hidden_size"] // heads
    for i in range(config["num_hidden_layers"]):
        p = f"encoder.layer.{i}."

        def linear(name: str, value: np.ndarray) -> np.ndarray:
            return value @ w[p + name + ".weight"].T + w[p + name + ".bias"]

        q, k, v = (linear(f"attention.self.{n}", x).reshape(len(ids), heads, size).transpose(1, 0, 2) for n in ("query", "key", "value"))
        scores = q @ k.transpose(0, 2, 1) / math.sqrt(size)
        probs = np.exp(scores - scores.max(axis=-1, keepdims=True))
        probs /= probs.sum(axis=-1, keepdims=True)
        context = (probs @ v).transpose(1, 0, 2).reshape(len(ids), -1)
        x = layer_norm(linear("attention.output.dense", context) + x, w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"], eps)
        inner = linear("intermediate.dense", x)
        inner = 0.5 * inner * (1.0 + ERF(inner / math.sqrt(2.0)))
        x = layer_norm(linear("output.dense", inner) + x, w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"], eps)
    return x


def pool(tokens: np.ndarray, config: dict) -> np.ndarray:
    flags = {
        "cls": config.get("pooling_mode_cls_token"), "max": config.get("pooling_mode_max_tokens"),
        "mean": config.get("pooling_mode_mean_tokens"), "mean_sqrt_len_tokens": config.get("pooling_mode_mean_sqrt_len_tokens"),
        "weightedmean": config.get("pooling_mode_weightedmean_tokens"), "lasttoken": config.get("pooling_mode_lasttoken"),
    }  # fmt: skip
    if config.get("pooling_mode"):
        flags = {config["pooling_mode"]: True}
    n = len(tokens)
    parts = {
        "cls": tokens[0], "max": tokens.max(axis=0), "mean": tokens.mean(axis=0), "mean_sqrt_len_tokens": tokens.sum(axis=0) / math.sqrt(n),
        "weightedmean": (tokens * np.arange(1, n + 1)[:, None]).sum(axis=0) / np.arange(1, n + 1).sum(), "lasttoken": tokens[-1],
    }  # fmt: skip
    return np.concatenate([parts[mode] for mode in ("cls", "max", "mean", "mean_sqrt_len_tokens", "weightedmean", "lasttoken") if flags.get(mode)])


def sentence_embedding(folder: Path, ids: list[int], weights_from: Path | None = None) -> np.ndarray:
    """What SentenceTransformer(folder).encode gives for one tokenized text (the transformer's
    weights read from `weights_from` when given)."""
    modules = json.loads((folder / "modules.json").read_text())
    vector = None
    for module in modules:
        kind = module["type"].split(".")[-1]
        where = folder / module["path"]
        if kind == "Transformer":
            tokens = token_states(weights_from or where, ids)
        elif kind == "Pooling":
            vector = pool(tokens, json.loads((where / "config.json").read_text()))
        elif kind == "Dense":
            config = json.loads((where / "config.json").read_text())
            weights = read_weights(where)
            vector = vector @ weights["linear.weight"].T + (weights["linear.bias"] if config.get("bias", True) else 0.0)
            vector = ACTIVATIONS[config["activation_function"]](vector)
        elif kind == "Normalize":
            vector = vector / max(np.linalg.norm(vector), 1e-12)
        else:
            raise ValueError(f"the reference has no {kind}")
    return vector
