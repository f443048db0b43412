"""Turns a Hugging Face or sentence-transformers checkpoint into a model folder in the ecosystem's
own layout, the one `optimum-cli export onnx --library sentence_transformers` writes, which the
engine reads without being told what its files already say:

    OUT/model.onnx        inputs input_ids, attention_mask; outputs token_embeddings [batch, seq,
                          hidden] and sentence_embedding [batch, dim]: the whole sentence-transformers
                          pipeline (pooling, Dense with its activation, Normalize), so the vector is
                          what SentenceTransformer.encode returns
    config.json, tokenizer.json, tokenizer_config.json, special_tokens_map.json (copied)
    modules.json, 1_Pooling/, 2_Dense/ (config.json, model.safetensors), 3_Normalize/
    config_sentence_transformers.json (prompts), sentence_bert_config.json (max_seq_length)
    manifest.json         only what no file says: name, family, checkpoint, licence, provenance
    model.fp16.onnx, model.int8.onnx   with --fp16, --int8

    bash native-models/python.sh export.export_hf --model path/to/checkpoint --checkpoint hybrid --out DIR
    bash native-models/python.sh export.export_hf --model sentence-transformers/LaBSE --checkpoint baseline --out DIR

--via native (the default where it applies) rebuilds BERT / XLM-R encoders (absolute positions, erf
GELU, unsharded weights) with native-models' own encoder and needs no `transformers`; it is what a
local checkpoint of the training script (`--hf-out`) uses. --via transformers runs the checkpoint
through transformers' own modeling code (any architecture it knows), then exports the same graph;
a Hub id is downloaded first and needs it too. A plain transformers checkpoint (no modules.json)
gets --pooling (default mean) and a Normalize module unless --no-normalize. What the graph cannot
reproduce is refused with the reason.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

import torch
from torch import nn

from xlir_encoder.hf_layout import MODEL_TYPES, SHARD_INDEXES, config_from_hf, load_hf_layout
from xlir_encoder.model_folder import MANIFEST_FILE, MODEL_FILE, NAME_PATTERN, TOKENIZER_FILE
from xlir_encoder.onnx_export import SENTENCE_AXES, SENTENCE_OUTPUT, TOKEN_AXES, export_graph, set_output_widths

from .sentence_modules import ExportError, SentenceGraph, SentenceHead, SentencePipeline, output_width, plain_pipeline, read_pipeline, write_pipeline

TRANSFORMERS_MISSING = "transformers is not installed: pip install -r native-models/requirements.txt"
TOKEN_EMBEDDINGS = "token_embeddings"
COPIED_FILES = ("config.json", TOKENIZER_FILE, "tokenizer_config.json", "special_tokens_map.json")
# tokenizer_config.json's "no limit" sentinel (int(1e30)) is not a length.
PLAUSIBLE_MAX_LENGTH = 1_000_000
# Hub files the export never reads: other frameworks' weights and other exports.
HUB_IGNORED = ["*.h5", "*.msgpack", "*.ot", "*.onnx", "onnx/*", "openvino/*", "*.tflite", "coreml/*"]


def import_transformers():
    try:
        import transformers  # type: ignore[import-not-found]
    except ImportError as err:
        raise ExportError(TRANSFORMERS_MISSING) from err
    return transformers


def local_folder(model: str) -> Path | None:
    folder = Path(model).expanduser()
    return folder if folder.is_dir() else None


def download(model: str) -> Path:
    """A Hub id's files (weights in one framework, configs, tokenizer), through transformers' hub client."""
    import_transformers()
    from huggingface_hub import snapshot_download  # type: ignore[import-not-found]  # transformers depends on it

    return Path(snapshot_download(repo_id=model, ignore_patterns=HUB_IGNORED))


def native_refusal(folder: Path) -> str | None:
    """Why native-models' own encoder cannot rebuild the checkpoint, or None when it can."""
    if not (folder / "config.json").is_file():
        return f"{folder} has no config.json"
    try:
        config_from_hf(json.loads((folder / "config.json").read_text(encoding="utf-8")))
    except (ValueError, KeyError) as err:
        return str(err)
    for index in SHARD_INDEXES:
        if (folder / index).exists():
            return f"{folder / index}: the weights are sharded"
    if not (folder / "model.safetensors").exists() and not (folder / "pytorch_model.bin").exists():
        return f"{folder} has neither model.safetensors nor pytorch_model.bin"
    return None


class TransformersTokenStates(nn.Module):
    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.inner = model

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return self.inner(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state


def token_states(folder: Path, via: str | None) -> tuple[nn.Module, dict, str]:
    """The transformer as a module of (input_ids, attention_mask), its config.json, and how it was built."""
    refusal = native_refusal(folder)
    if via == "native" and refusal is not None:
        raise ExportError(f"--via native: {refusal}" + ("" if "--via transformers" in refusal else "; export it with --via transformers"))
    config = json.loads((folder / "config.json").read_text(encoding="utf-8")) if (folder / "config.json").is_file() else {}
    if via == "native" or (via is None and refusal is None):
        return load_hf_layout(folder), config, "native-models' own encoder"
    if via is None:
        print(f"export_hf: not rebuilt natively ({refusal}); using transformers", file=sys.stderr)
    transformers = import_transformers()
    model = transformers.AutoModel.from_pretrained(str(folder)).eval()
    return TransformersTokenStates(model), model.config.to_dict(), f"transformers {transformers.__version__} (AutoModel)"


def usable_positions(config: dict) -> int | None:
    positions = config.get("max_position_embeddings")
    if positions is None:
        return None
    # RoBERTa-style position ids start after the padding id: 514 positions hold 512 tokens.
    return positions - (config.get("pad_token_id", 1) + 1) if MODEL_TYPES.get(config.get("model_type")) == "padding_offset" else positions


def max_length(args: argparse.Namespace, pipeline: SentencePipeline, folder: Path, config: dict) -> int:
    tokenizer_config = folder / "tokenizer_config.json"
    from_tokenizer = json.loads(tokenizer_config.read_text(encoding="utf-8")).get("model_max_length") if tokenizer_config.is_file() else None
    if from_tokenizer is not None and from_tokenizer >= PLAUSIBLE_MAX_LENGTH:
        from_tokenizer = None
    positions = usable_positions(config)
    chosen = args.max_length or pipeline.sbert_config.get("max_seq_length") or from_tokenizer or positions or 512
    return int(min(chosen, positions) if positions else chosen)


def lowercases(tokenizer_json: dict) -> bool:
    text = json.dumps(tokenizer_json.get("normalizer"))
    return '"lowercase": true' in text or '"type": "Lowercase"' in text


def copy_tokenizer(folder: Path, work: Path, via_transformers: bool) -> None:
    if not (folder / TOKENIZER_FILE).is_file():
        if not via_transformers:
            raise ExportError(f"{folder} has no tokenizer.json (the engine reads only the fast tokenizer's file); --via transformers writes it from the slow tokenizer")
        tokenizer = import_transformers().AutoTokenizer.from_pretrained(str(folder))
        if not getattr(tokenizer, "is_fast", False):
            raise ExportError(f"{folder}: transformers has no fast tokenizer for it, so no tokenizer.json for the engine")
        tokenizer.save_pretrained(str(work))
    for name in COPIED_FILES:
        if (folder / name).is_file() and not (work / name).exists():
            shutil.copy(folder / name, work / name)


def write_fp16_variant(onnx_path: Path) -> Path:
    try:
        import onnx
        from onnxconverter_common import float16  # type: ignore[import-not-found]
    except ImportError as err:
        raise ExportError("--fp16 needs onnxconverter-common: pip install onnxconverter-common") from err
    target = onnx_path.with_name("model.fp16.onnx")
    # keep_io_types: inputs stay int64 and the outputs float32, so the engine feeds it unchanged.
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
    parser.add_argument("--model", required=True, help="local checkpoint folder, or a Hub id (needs transformers)")
    parser.add_argument("--out", type=Path, required=True, help="model folder to write")
    parser.add_argument("--checkpoint", choices=("baseline", "hybrid"), required=True, help="what the weights are, for the report")
    parser.add_argument("--via", choices=("native", "transformers"), default=None, help="how the transformer is rebuilt (default: native where it applies)")
    parser.add_argument("--name", default=None, help="model name (default: the --out folder's name)")
    parser.add_argument("--family", default=None, help="architecture family, to pair a hybrid with its baseline (default: the model's name)")
    parser.add_argument("--pooling", choices=("mean", "cls", "max"), default=None, help="for a checkpoint without modules.json (default mean)")
    parser.add_argument("--no-normalize", action="store_true", help="for a checkpoint without modules.json: no Normalize module, rank by dot product")
    parser.add_argument("--max-length", type=int, default=None, help="default: sentence_bert_config.json, tokenizer_config.json, else the positions")
    parser.add_argument("--prefixes", nargs=2, metavar=("QUERY", "PASSAGE"), default=None, help="prompts for queries and passages (default: the folder's prompts)")
    parser.add_argument("--licence", default=None, help="licence of the weights (default: 'see the source model card')")
    parser.add_argument("--fp16", action="store_true", help="also write model.fp16.onnx (needs onnxconverter-common)")
    parser.add_argument("--int8", action="store_true", help="also write model.int8.onnx (needs onnxruntime for Python)")
    parser.add_argument("--force", action="store_true", help="replace an existing --out folder")
    args = parser.parse_args(argv)
    if args.out.exists() and any(args.out.iterdir()) and not args.force:
        parser.error(f"--out {args.out} exists and is not empty; pass --force to replace it")
    if args.max_length is not None and not 2 <= args.max_length <= 8192:
        parser.error("--max-length must be within 2..8192")
    name = args.name or args.out.name
    if not NAME_PATTERN.match(name) or len(name) > 120:
        parser.error(f"model name {name!r}: letters, digits, '.', '_' and '-' only, at most 120 (pass --name)")
    local = Path(args.model).expanduser()
    if ("/" in args.model or args.model.startswith(".")) and local.exists() and not (local / "config.json").is_file() and not (local / "modules.json").is_file():
        parser.error(f"--model {args.model}: a folder without config.json or modules.json is not a Hugging Face checkpoint")
    return args


def export(args: argparse.Namespace) -> dict:
    """Writes the folder; returns a summary of what the exported graph computes."""
    folder = local_folder(args.model) or download(args.model)
    pipeline = read_pipeline(folder)
    if pipeline is None:
        pipeline = plain_pipeline(folder, args.pooling or "mean", not args.no_normalize)
    elif args.pooling or args.no_normalize:
        raise ExportError(f"{folder / 'modules.json'} sets pooling and normalisation; --pooling and --no-normalize are for checkpoints without it")
    transformer = pipeline.transformer_dir
    work = Path(tempfile.mkdtemp(prefix="xlir-export-"))
    try:
        module, config, built_by = token_states(transformer, args.via)
        copy_tokenizer(transformer, work, via_transformers=built_by.startswith("transformers"))
        if pipeline.sbert_config.get("do_lower_case") and not lowercases(json.loads((work / TOKENIZER_FILE).read_text(encoding="utf-8"))):
            raise ExportError(f"{transformer / 'sentence_bert_config.json'} lowercases the text (do_lower_case) and tokenizer.json does not: the engine would feed the text as written")
        hidden = config["hidden_size"]
        width = output_width(pipeline, hidden)
        export_graph(
            SentenceGraph(module, SentenceHead(pipeline)), work / MODEL_FILE, pad_token_id=config.get("pad_token_id") or 0,
            vocab_size=config["vocab_size"], outputs={TOKEN_EMBEDDINGS: TOKEN_AXES, SENTENCE_OUTPUT: SENTENCE_AXES},
        )  # fmt: skip
        set_output_widths(work / MODEL_FILE, {TOKEN_EMBEDDINGS: hidden, SENTENCE_OUTPUT: width})
        prompts = pipeline.prompts | ({"query": args.prefixes[0], "passage": args.prefixes[1]} if args.prefixes else {})
        length = max_length(args, pipeline, transformer, config)
        write_pipeline(pipeline, work, hidden_size=hidden, max_length=length, prompts=prompts)
        if args.fp16:
            write_fp16_variant(work / MODEL_FILE)
        if args.int8:
            write_int8_variant(work / MODEL_FILE)
        manifest = {
            "name": args.name or args.out.name,
            "family": args.family or args.model.rstrip("/").split("/")[-1].lower(),
            "checkpoint": args.checkpoint,
            "licence": args.licence or f"see the model card of {args.model}",
            "provenance": f"exported from {args.model} by native-models/export/export_hf.py, the transformer rebuilt by {built_by}",
        }
        (work / MANIFEST_FILE).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        if args.out.exists():
            shutil.rmtree(args.out)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(work), str(args.out))
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)
    steps = [kind if dense is None else f"Dense {dense.config['in_features']}→{dense.config['out_features']} {dense.config.get('activation_function', 'Tanh').split('.')[-1]}" for kind, dense in pipeline.after_pooling]
    return {**manifest, "dimension": width, "pooling": "+".join(pipeline.pooling_modes), "after_pooling": steps, "prompts": prompts, "max_length": length}


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    try:
        summary = export(args)
    except (ExportError, ValueError, KeyError, FileNotFoundError) as err:
        print(f"export_hf: {err}", file=sys.stderr)
        raise SystemExit(2) from err
    after = ", ".join(summary["after_pooling"]) or "nothing"
    print(
        f"{args.out}: {summary['name']} ({summary['checkpoint']}), {summary['dimension']}-d {SENTENCE_OUTPUT}: "
        f"{summary['pooling']} pooling, then {after}; max length {summary['max_length']}; prompts {summary['prompts'] or 'none'}"
    )


if __name__ == "__main__":
    main()
