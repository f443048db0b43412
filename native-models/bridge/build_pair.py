"""Rebuilds the bundled default pair, the dictionary bridge (bridge/model.py), from scratch, as a list of steps:

  data         fetch the Debian packages, build lexicons, parallel segments and 11-language QA (native-models/data)
  vocabulary   the translated words of all 11 languages (a long word as its first six characters) and every
               character, with each token's concepts, idf and the trigram buckets' idf (bridge/vocabulary.py);
               unknown-token rate per language on XQuAD-R
  init         the shared initialisation: the dictionary bridge itself (no regime's data), saved once
  checkpoints  baseline (X-X-mono) and hybrid (α = 0.5) from that initialisation, same steps, data order and seed;
               ONNX model folders with manifests and reference vectors
  evaluate     `xlir run` (the engine) on full XQuAD-R over the pair: mAP per setting, bias, paired differences
  cards        MODEL-CARD.md of each model from training.json and the engine's results

    npm run models:build-default                    # = bash native-models/python.sh bridge.build_pair
    … -- --from evaluate                            # re-run from a step (earlier steps' files are kept)

Writes native-models/default/xlir-bridge-{baseline,hybrid}/ (--out-dir) and keeps intermediate files in
.cache/native-models/bridge-build/. Each folder (model.onnx and tokenizer.json) must stay under 10 MB.
Deterministic given the seed.
"""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

from data.lexicons import common_chinese_characters
from train.build_default import (
    MAX_ONNX_BYTES, REGIME_LABELS, WEIGHTS_LICENCE, Build, build_parser, evaluate_pair,
    reference_cases, run_steps, sha256_of, step_data, train_regimes, write_cards, write_reference,
)  # fmt: skip
from train.data import REPO_ROOT
from train.train import load_checkpoint, save_checkpoint
from wordpiece.build_tokenizer import CHINESE_CHARACTERS
from wordpiece.unknown_rate import unknown_rates
from xlir_encoder.model_folder import MODEL_FILE, build_manifest, write_manifest
from xlir_encoder.onnx_export import SENTENCE_OUTPUT
from xlir_encoder.tokenizer_json import write_tokenizer_json

from .model import BridgeEncoder, export_bridge
from .vocabulary import LEXICON_WORDS, MAX_CHARS_PER_WORD, Vocabulary, build_vocabulary

FAMILY = "xlir-bridge"
DIMENSION = 4096
MAX_LENGTH = 512  # tokens: a word without a translation is spelled out in characters
VOCABULARY_FILE = "vocabulary.pickle"


def step_vocabulary(build: Build) -> None:
    vocabulary = build_vocabulary(build.built_data, build.data_dir, build.args.dimension, common_chinese_characters(CHINESE_CHARACTERS), build.args.lexicon_words)
    write_tokenizer_json(vocabulary.tokens, build.tokenizer_path, split_chinese=False, max_chars_per_word=MAX_CHARS_PER_WORD)
    with open(build.work / VOCABULARY_FILE, "wb") as handle:
        pickle.dump(vocabulary, handle)
    rates = unknown_rates(build.tokenizer_path, build.data_dir)
    translated = sum(1 for concepts in vocabulary.concepts if len(concepts) > 1)
    build.write_json("tokenizer.json.stats", {"vocab_size": len(vocabulary), "tokens_with_translations": translated, "xquad_r": rates})
    build.log(f"vocabulary: {len(vocabulary)} tokens, {translated} with translations; [UNK] share on XQuAD-R: " + ", ".join(f"{k} {v['unknown']:.2%}" for k, v in rates.items()))


def read_vocabulary(build: Build) -> Vocabulary:
    with open(build.work / VOCABULARY_FILE, "rb") as handle:
        return pickle.load(handle)


def step_init(build: Build) -> None:
    model = BridgeEncoder.from_vocabulary(read_vocabulary(build), build.args.dimension)
    save_checkpoint(model, build.init_path)
    build.write_json("init.json", {"kind": "dictionary bridge", "config": model.config.to_dict(), "sha256": sha256_of(build.init_path)})


def step_checkpoints(build: Build) -> None:
    for checkpoint, regime, run_dir, history in train_regimes(build, FAMILY, MAX_LENGTH):
        folder = export_folder(build, load_checkpoint(run_dir / "checkpoint.pt").eval(), f"{FAMILY}-{checkpoint}", checkpoint, regime)
        build.log(f"{FAMILY}-{checkpoint}: final loss {history['final_loss']:.3f}, validation {history['validation']}, {history['seconds']:.0f} s → {folder}")


def export_folder(build: Build, model: BridgeEncoder, name: str, checkpoint: str, regime: str) -> Path:
    args = build.args
    folder = args.out_dir / name
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    export_bridge(model, folder / MODEL_FILE)
    shutil.copyfile(build.tokenizer_path, folder / "tokenizer.json")
    folder_bytes = (folder / MODEL_FILE).stat().st_size + (folder / "tokenizer.json").stat().st_size
    if folder_bytes > MAX_ONNX_BYTES * args.size_factor:
        raise SystemExit(f"{folder}: model.onnx and tokenizer.json are {folder_bytes} bytes, over the {MAX_ONNX_BYTES * args.size_factor:.0f} limit")
    write_manifest(build_manifest(
        name=name, family=FAMILY, checkpoint=checkpoint, pooling="none", normalize=True, max_length=MAX_LENGTH,
        output=SENTENCE_OUTPUT, dimension=model.config.dimension,
        licence=f"{WEIGHTS_LICENCE} (weights and tokenizer; built from GPL-2+, CC BY-SA, MPL-2.0, Unicode, CC BY and MIT data: see MODEL-CARD.md)",
        provenance=(
            f"Dictionary bridge built by native-models/bridge/build_pair.py (seed {args.seed}), then {args.steps} "
            f"{REGIME_LABELS[regime]} steps on multilingual data built from Debian packages; see MODEL-CARD.md."
        ),
    ), folder)  # fmt: skip
    # The reference is the graph's own weights (float16 token weights) run by torch, so onnxruntime must match it closely.
    write_reference(folder, reference_cases(model.compact(), build.tokenizer_path), "text as the engine feeds it (no prefixes); ids from @huggingface/tokenizers; vector = torch forward of the exported weights + L2 norm")
    return folder


def step_evaluate(build: Build) -> None:
    evaluate_pair(build, FAMILY)


def step_cards(build: Build) -> None:
    stats = build.read_json("tokenizer.json.stats")
    write_cards(build, FAMILY, {"architecture": "bridge", "max_length": MAX_LENGTH, "tokens_with_translations": stats["tokens_with_translations"], "build_command": "npm run models:build-default"})


STEPS = (
    ("data", step_data),
    ("vocabulary", step_vocabulary),
    ("init", step_init),
    ("checkpoints", step_checkpoints),
    ("evaluate", step_evaluate),
    ("cards", step_cards),
)


def main() -> None:
    cache = REPO_ROOT / ".cache" / "native-models"
    parser = build_parser(__doc__, STEPS, cache / "bridge-build", REPO_ROOT / "native-models" / "default", steps=800, batch_size=64, lr=0.005, weight_decay=0.0)
    parser.add_argument("--dimension", type=int, default=DIMENSION, help="trigram buckets: the vectors' width")
    parser.add_argument("--lexicon-words", type=int, default=LEXICON_WORDS, help="lexicon words per language beyond those of the training text")
    parser.add_argument("--size-factor", type=float, default=1.0, help="allow model.onnx and tokenizer.json together up to this many times 10 MB")
    run_steps(parser.parse_args(), STEPS)


if __name__ == "__main__":
    main()
