"""Turns a Hugging Face checkpoint into the model folder the engine loads: model.onnx (dynamic batch
and sequence axes), tokenizer.json, manifest.json, optionally fp16 / int8 variants.

    bash native-models/python.sh export.export_hf --model intfloat/multilingual-e5-small \
        --out ~/.cache/xlir-bench/models/me5-small --checkpoint baseline --prefixes "query: " "passage: "
    bash native-models/python.sh export.export_hf --model path/to/fine-tuned --checkpoint hybrid --out DIR

--model is a Hub id (needs `transformers` and internet) or a local folder. A local BERT / XLM-R
folder (config.json, model.safetensors or pytorch_model.bin, tokenizer.json — what the training
script's --hf-out writes) is rebuilt with native-models' own encoder and needs no `transformers`;
anything else goes through `transformers.AutoModel`. Pooling and max length default to the
sentence-transformers files (1_Pooling/config.json, sentence_bert_config.json) when present.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

import torch

from xlir_encoder.hf_layout import MODEL_TYPES, load_hf_layout
from xlir_encoder.model_folder import MANIFEST_FILE, MODEL_FILE, TOKENIZER_FILE, build_manifest, write_manifest
from xlir_encoder.onnx_export import OPSET, TOKEN_OUTPUT, export_onnx

TRANSFORMERS_MISSING = "transformers is not installed: pip install -r native-models/requirements.txt"


class ExportError(RuntimeError):
    pass


def sentence_transformers_defaults(folder: Path | None) -> dict:
    """Pooling and max_seq_length from a sentence-transformers folder, when it is one."""
    defaults: dict = {}
    if folder is None:
        return defaults
    pooling = folder / "1_Pooling" / "config.json"
    if pooling.exists():
        values = json.loads(pooling.read_text(encoding="utf-8"))
        defaults["pooling"] = "cls" if values.get("pooling_mode_cls_token") else "mean"
    bert_config = folder / "sentence_bert_config.json"
    if bert_config.exists():
        defaults["max_length"] = json.loads(bert_config.read_text(encoding="utf-8")).get("max_seq_length")
    return defaults


def native_folder(model: str) -> Path | None:
    """The local folder when --model is one this code can rebuild without transformers."""
    folder = Path(model).expanduser()
    if not (folder / "config.json").is_file():
        return None
    model_type = json.loads((folder / "config.json").read_text(encoding="utf-8")).get("model_type")
    return folder if model_type in MODEL_TYPES else None


def export_with_transformers(model: str, onnx_path: Path, tokenizer_dir: Path) -> tuple[int, int]:
    """Returns (hidden size, max positions). Writes the ONNX and the tokenizer files."""
    try:
        from transformers import AutoModel, AutoTokenizer  # type: ignore[import-not-found]
    except ImportError as err:
        raise ExportError(TRANSFORMERS_MISSING) from err
    hf_model = AutoModel.from_pretrained(model).eval()
    tokenizer = AutoTokenizer.from_pretrained(model)
    if not getattr(tokenizer, "is_fast", False):
        raise ExportError(f"{model} has no fast tokenizer, so no tokenizer.json for the engine")
    tokenizer.save_pretrained(str(tokenizer_dir))

    class LastHiddenState(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.inner = hf_model

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            return self.inner(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    encoded = tokenizer(["a short text", "a second, somewhat longer text"], padding=True, return_tensors="pt")
    onnx_path.parent.mkdir(parents=True, exist_ok=True)
    with torch.no_grad():
        torch.onnx.export(
            LastHiddenState(), (encoded["input_ids"], encoded["attention_mask"]), str(onnx_path),
            input_names=["input_ids", "attention_mask"], output_names=[TOKEN_OUTPUT], opset_version=OPSET,
            dynamic_axes={"input_ids": {0: "batch", 1: "sequence"}, "attention_mask": {0: "batch", 1: "sequence"},
                          TOKEN_OUTPUT: {0: "batch", 1: "sequence"}},
        )  # fmt: skip
    config = hf_model.config
    return config.hidden_size, getattr(config, "max_position_embeddings", 512)


def write_fp16_variant(onnx_path: Path) -> Path:
    try:
        import onnx
        from onnxconverter_common import float16  # type: ignore[import-not-found]
    except ImportError as err:
        raise ExportError("--fp16 needs onnxconverter-common: pip install onnxconverter-common") from err
    target = onnx_path.with_name("model.fp16.onnx")
    # keep_io_types: inputs stay int64 and the output float32, so the engine feeds it unchanged.
    onnx.save(float16.convert_float_to_float16(onnx.load(str(onnx_path)), keep_io_types=True), str(target))
    return target


def write_int8_variant(onnx_path: Path) -> Path:
    try:
        from onnxruntime.quantization import QuantType, quantize_dynamic  # type: ignore[import-not-found]
    except ImportError as err:
        raise ExportError("--int8 needs the onnxruntime Python package: pip install onnxruntime") from err
    target = onnx_path.with_name("model.int8.onnx")
    quantize_dynamic(str(onnx_path), str(target), weight_type=QuantType.QInt8)
    return target


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", required=True, help="Hub id (needs transformers) or local checkpoint folder")
    parser.add_argument("--out", type=Path, required=True, help="model folder to write")
    parser.add_argument("--checkpoint", choices=("baseline", "hybrid"), required=True, help="what the weights are, for the report")
    parser.add_argument("--name", default=None, help="manifest name (default: the --out folder's name)")
    parser.add_argument("--family", default=None, help="architecture family (default: the model's name)")
    parser.add_argument("--pooling", choices=("mean", "cls"), default=None, help="default: sentence-transformers config, else mean")
    parser.add_argument("--max-length", type=int, default=None, help="default: sentence-transformers config, else 512 or the positions")
    parser.add_argument("--prefixes", nargs=2, metavar=("QUERY", "PASSAGE"), default=("", ""))
    parser.add_argument("--no-normalize", action="store_true", help="keep pooled vectors unnormalised")
    parser.add_argument("--licence", default=None, help="licence of the weights (default: 'see the source model card')")
    parser.add_argument("--fp16", action="store_true", help="also write model.fp16.onnx (needs onnxconverter-common)")
    parser.add_argument("--int8", action="store_true", help="also write model.int8.onnx (needs onnxruntime for Python)")
    parser.add_argument("--force", action="store_true", help="replace an existing --out folder")
    args = parser.parse_args(argv)
    if args.out.exists() and any(args.out.iterdir()) and not args.force:
        parser.error(f"--out {args.out} exists and is not empty; pass --force to replace it")
    if args.max_length is not None and not 2 <= args.max_length <= 8192:
        parser.error("--max-length must be within 2..8192")
    local = Path(args.model).expanduser()
    if ("/" in args.model or args.model.startswith(".")) and local.exists() and not (local / "config.json").is_file():
        parser.error(f"--model {args.model}: a folder without config.json is not a Hugging Face checkpoint")
    return args


def export(args: argparse.Namespace) -> dict:
    work = Path(tempfile.mkdtemp(prefix="xlir-export-"))
    try:
        onnx_path = work / MODEL_FILE
        folder = native_folder(args.model)
        if folder is not None:
            if not (folder / TOKENIZER_FILE).is_file():
                raise ExportError(f"{folder} has no tokenizer.json (the engine reads only that format)")
            model = load_hf_layout(folder)
            export_onnx(model, onnx_path)
            shutil.copy(folder / TOKENIZER_FILE, work / TOKENIZER_FILE)
            hidden, positions = model.config.hidden_size, model.config.max_positions - (
                model.config.pad_token_id + 1 if model.config.position_style == "padding_offset" else 0
            )
            how = f"rebuilt from the local checkpoint {folder.resolve()} by native-models/export/export_hf.py"
        else:
            hidden, positions = export_with_transformers(args.model, onnx_path, work)
            if "roberta" in args.model.lower():
                positions -= 2  # XLM-R's 514 positions hold 512 tokens
            how = f"exported from {args.model} with transformers by native-models/export/export_hf.py"
        if folder is not None and (folder / "tokenizer_config.json").is_file():
            # The engine reads its pad token when tokenizer.json names none (transformers wrote its own).
            shutil.copy(folder / "tokenizer_config.json", work / "tokenizer_config.json")
        defaults = sentence_transformers_defaults(folder or Path(args.model).expanduser())
        variants = {}
        if args.fp16:
            variants["fp16"] = write_fp16_variant(onnx_path).name
        if args.int8:
            variants["int8"] = write_int8_variant(onnx_path).name
        name = args.name or args.out.name
        manifest = build_manifest(
            name=name, family=args.family or args.model.rstrip("/").split("/")[-1].lower(), checkpoint=args.checkpoint,
            pooling=args.pooling or defaults.get("pooling", "mean"), normalize=not args.no_normalize,
            max_length=min(args.max_length or defaults.get("max_length") or 512, positions), output=TOKEN_OUTPUT,
            dimension=hidden, licence=args.licence or f"see the model card of {args.model}", provenance=how,
            prefixes=tuple(args.prefixes), variants=variants or None,
        )  # fmt: skip
        write_manifest(manifest, work)
        if args.out.exists():
            shutil.rmtree(args.out)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(work), str(args.out))
        return manifest
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    try:
        manifest = export(args)
    except (ExportError, ValueError, KeyError, FileNotFoundError) as err:
        print(f"export_hf: {err}", file=sys.stderr)
        raise SystemExit(2) from err
    print(f"{args.out / MANIFEST_FILE}: {manifest['name']} ({manifest['checkpoint']}, {manifest['dimension']}-d, {manifest['pooling']} pooling)")


if __name__ == "__main__":
    main()
