"""Generates a latency replica: the architecture of a real encoder with random weights, exported to
the ONNX graph an exported real checkpoint has, in a model folder with checkpoint `replica`.

    npm run models:replica -- --model xlm-roberta-base [--out DIR] [--tokenizer PATH | --offline-tokenizer]

DIR defaults to $XLIR_MODELS_DIR, else $XLIR_CACHE_DIR/models, else ~/.cache/xlir-bench/models (where
the engine looks); the folder is DIR/<replica name>. Sizes: xlm-roberta-base ~1.1 GB, LaBSE ~1.9 GB,
the two MiniLM-size models ~0.47 GB. A replica's latency is real, its retrieval quality meaningless.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path

import torch

from xlir_encoder.architecture import Encoder, parameter_count
from xlir_encoder.model_folder import MODEL_FILE, write_model_folder

from .configs import REPLICAS, ReplicaSpec, find_replica
from .tokenizers import TokenizerUnavailable, replica_tokenizer

SEED = 0


def default_models_dir() -> Path:
    """The engine's userModelsDir (main/engine/models/model-locations.ts)."""
    if os.environ.get("XLIR_MODELS_DIR"):
        return Path(os.environ["XLIR_MODELS_DIR"])
    cache = Path(os.environ["XLIR_CACHE_DIR"]) if os.environ.get("XLIR_CACHE_DIR") else Path.home() / ".cache" / "xlir-bench"
    return cache / "models"


def generate_replica(spec: ReplicaSpec, out_dir: Path, tokenizer_text: str, tokenizer_source: str) -> tuple[Path, dict]:
    folder = Path(out_dir) / spec.name
    torch.manual_seed(SEED)
    model = Encoder(spec.encoder).eval()
    estimated = parameter_count(model) * 4
    free = shutil.disk_usage(Path(out_dir) if Path(out_dir).exists() else Path(out_dir).parent).free
    if free < estimated * 1.2:
        raise SystemExit(f"{out_dir}: {free / 1e9:.1f} GB free, the replica needs about {estimated / 1e9:.1f} GB")
    manifest = write_model_folder(
        folder, model, tokenizer_text, name=spec.name, family=spec.family, checkpoint="replica",
        pooling=spec.pooling, normalize=True, max_length=spec.max_length, prefixes=spec.prefixes, licence=spec.licence,
        provenance=(
            f"Latency replica of {spec.hub_id}: its published configuration (native-models/replicas/configs.py) "
            f"with random weights (torch.manual_seed({SEED})), built op for op like Hugging Face's modeling code "
            f"by native-models/replicas/generate.py. Quality is meaningless. Tokenizer: {tokenizer_source}."
        ),
    )  # fmt: skip
    return folder, manifest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", required=True, help=f"one of: {', '.join(s.hub_id for s in REPLICAS.values())}")
    parser.add_argument("--out", type=Path, default=None, help="parent folder (default: the engine's user models folder)")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--tokenizer", type=Path, default=None, help="the model's tokenizer.json, when it cannot be downloaded here")
    source.add_argument("--offline-tokenizer", action="store_true", help="use a stand-in tokenizer (token counts then differ from the real model)")
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args()

    try:
        spec = find_replica(args.model)
    except KeyError as err:
        parser.error(str(err.args[0]))
    if args.tokenizer is not None and not args.tokenizer.is_file():
        parser.error(f"--tokenizer {args.tokenizer}: no such file")
    torch.set_num_threads(args.threads or max(1, min(2, os.cpu_count() or 1)))
    try:
        tokenizer_text, tokenizer_source = replica_tokenizer(spec, args.tokenizer, args.offline_tokenizer)
    except TokenizerUnavailable as err:
        print(f"models:replica: {err}", file=sys.stderr)
        raise SystemExit(2) from err
    out_dir = args.out or default_models_dir()
    out_dir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    folder, _ = generate_replica(spec, out_dir, tokenizer_text, tokenizer_source)
    size = (folder / MODEL_FILE).stat().st_size
    print(f"{folder}: {spec.hub_id} replica, {size / 1e9:.2f} GB ONNX, {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
