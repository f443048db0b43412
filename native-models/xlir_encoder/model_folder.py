"""A model folder as the engine's `loadModel(dir)` reads it: `model.onnx`, `tokenizer.json` and
`manifest.json` (schema: main/engine/models/manifest.ts, which stays the one definition; the
checks here only catch mistakes early, before a Node process would)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Literal

from .architecture import Encoder
from .onnx_export import TOKEN_OUTPUT, export_onnx, output_name

Checkpoint = Literal["baseline", "hybrid", "replica"]
Pooling = Literal["mean", "cls", "none"]

MODEL_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"
MANIFEST_FILE = "manifest.json"
NAME_PATTERN = re.compile(r"^[A-Za-z0-9._-]+$")


def build_manifest(
    *,
    name: str,
    family: str,
    checkpoint: Checkpoint,
    pooling: Pooling,
    normalize: bool,
    max_length: int,
    output: str,
    dimension: int,
    licence: str,
    provenance: str,
    prefixes: tuple[str, str] = ("", ""),
    variants: dict[str, str] | None = None,
) -> dict:
    if not NAME_PATTERN.match(name) or len(name) > 120:
        raise ValueError(f"model name {name!r}: letters, digits, '.', '_' and '-' only, at most 120")
    if checkpoint not in ("baseline", "hybrid", "replica"):
        raise ValueError(f"checkpoint {checkpoint!r} is not baseline, hybrid or replica")
    if pooling not in ("mean", "cls", "none"):
        raise ValueError(f"pooling {pooling!r} is not mean, cls or none")
    if (pooling == "none") != (output != TOKEN_OUTPUT):
        raise ValueError(f"pooling {pooling!r} does not fit output {output!r}")
    if not 2 <= max_length <= 8192:
        raise ValueError(f"maxLength {max_length} is outside 2..8192")
    manifest = {
        "name": name,
        "family": family,
        "checkpoint": checkpoint,
        "pooling": pooling,
        "normalize": normalize,
        "maxLength": max_length,
        "prefixes": {"query": prefixes[0], "passage": prefixes[1]},
        "inputs": {"inputIds": "input_ids", "attentionMask": "attention_mask"},
        "output": output,
        "dimension": dimension,
        "licence": licence,
        "provenance": provenance,
    }
    if variants:
        manifest["variants"] = variants
    return manifest


def write_manifest(manifest: dict, folder: Path) -> Path:
    path = Path(folder) / MANIFEST_FILE
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def write_model_folder(
    folder: Path,
    model: Encoder,
    tokenizer_json_text: str,
    *,
    name: str,
    family: str,
    checkpoint: Checkpoint,
    pooling: Pooling,
    normalize: bool,
    max_length: int,
    licence: str,
    provenance: str,
    prefixes: tuple[str, str] = ("", ""),
) -> dict:
    """Exports the model, writes the tokenizer text as given and the manifest; returns the manifest."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if max_length > model.config.max_positions - (model.config.pad_token_id + 1 if model.config.position_style == "padding_offset" else 0):
        raise ValueError(f"maxLength {max_length} exceeds the model's positions")
    export_onnx(model, folder / MODEL_FILE)
    (folder / TOKENIZER_FILE).write_text(tokenizer_json_text, encoding="utf-8")
    manifest = build_manifest(
        name=name,
        family=family,
        checkpoint=checkpoint,
        pooling=pooling,
        normalize=normalize,
        max_length=max_length,
        output=output_name(model),
        dimension=model.config.hidden_size,
        licence=licence,
        provenance=provenance,
        prefixes=prefixes,
    )
    write_manifest(manifest, folder)
    return manifest
