"""Rebuilds the bundled default pair from scratch: tokenizer, shared initialisation, the baseline
(X-X-mono) and hybrid trainings, ONNX export, manifests, reference vectors and model cards.

    npm run models:build-default            # = bash native-models/python.sh train.build_default
    … -- --device cuda --steps 2000         # more steps where a GPU exists

Writes native-models/default/xlir-mini-{baseline,hybrid}/ and keeps intermediate files (the shared
initialisation, checkpoints, histories) in .cache/native-models/default-build/.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import platform
import shutil
import time
from pathlib import Path

import onnx
import torch

from wordpiece.build_tokenizer import build_tokenizer
from xlir_encoder.architecture import Encoder, EncoderConfig, mean_pool, parameter_count
from xlir_encoder.hf_layout import save_hf_layout
from xlir_encoder.model_folder import MODEL_FILE, TOKENIZER_FILE, write_model_folder
from xlir_encoder.tokenizer_json import PAD_ID

from .data import ARCD_FILES, REPO_ROOT, SQUAD_FILE, TATOEBA_LANGUAGES, default_data_dir
from .leakage import leaked_texts
from .model_card import write_model_card
from .samplers import SamplerConfig
from .tokenized import PASSAGE_PREFIX, QUERY_PREFIX, TokenTable
from .train import TrainConfig, pick_device, save_checkpoint, set_threads, split_pairs, train_run, training_pairs, validation_loss

FAMILY = "xlir-mini"
MAX_LENGTH = 128
MAX_ONNX_BYTES = 10_000_000
REGIME_LABELS = {"mono": "X-X-mono (standard training, the paper's baseline)", "hybrid": "hybrid", "cross": "X-Y"}
CHECKPOINTS = (("baseline", "mono"), ("hybrid", "hybrid"))
REFERENCE_TEXTS = (
    ("query", "Who wrote the Universal Declaration of Human Rights?"),
    ("passage", "The declaration was drafted by representatives from many countries."),
    ("query", "من هو جمال خاشقجي؟"),
    ("passage", "我们明天去北京。"),
    ("query", "เขาไปโรงเรียนทุกวัน"),
    ("passage", "Η Αθήνα είναι η πρωτεύουσα της Ελλάδας."),
)
LICENCES = {"tatoeba": "CC BY 2.0 FR", "arcd": "MIT (text: Wikipedia, CC BY-SA)", "squad-train-sample": "CC BY-SA 4.0"}


def encoder_config(vocab_size: int) -> EncoderConfig:
    # 3 layers × 128 wide with an 8k vocabulary: ~1.6 M parameters (6.5 MB of float32 ONNX), small
    # enough to train in minutes on two shared CPU cores.
    return EncoderConfig(
        vocab_size=vocab_size, hidden_size=128, num_layers=3, num_heads=4, intermediate_size=512,
        max_positions=MAX_LENGTH, type_vocab_size=1, pad_token_id=PAD_ID, layer_norm_eps=1e-12,
    )  # fmt: skip


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def cpu_name() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    names = [l.split(":", 1)[1].strip() for l in cpuinfo.read_text().splitlines() if l.startswith("model name")] if cpuinfo.exists() else []
    return f"{names[0] if names else platform.processor() or platform.machine()}, {platform.system()}; machine shared with other jobs"


def data_files(data_dir: Path) -> list[dict]:
    paths = [SQUAD_FILE, *ARCD_FILES] + [f"tatoeba/tatoeba.{c}-eng.{side}" for c in TATOEBA_LANGUAGES for side in (c, "eng")]
    return [
        {"path": p, "role": "monolingual QA pairs" if not p.startswith("tatoeba") else "translation pairs (X-Y)",
         "licence": LICENCES[p.split("/")[0]], "sha256": sha256_of(Path(data_dir) / p)}
        for p in paths
    ]  # fmt: skip


def reference_cases(model: Encoder, tokenizer_path: Path) -> list[dict]:
    from xlir_encoder.node_tokenizer import node_encode

    texts = [(QUERY_PREFIX if kind == "query" else PASSAGE_PREFIX) + text for kind, text in REFERENCE_TEXTS]
    cases = []
    with torch.no_grad():
        for (kind, text), ids in zip(REFERENCE_TEXTS, node_encode(tokenizer_path, texts)):
            input_ids = torch.tensor([ids])
            mask = torch.ones_like(input_ids)
            vector = torch.nn.functional.normalize(mean_pool(model(input_ids, mask), mask), dim=-1)[0]
            cases.append({"kind": kind, "text": (QUERY_PREFIX if kind == "query" else PASSAGE_PREFIX) + text, "ids": ids, "vector": [round(float(x), 6) for x in vector]})
    return cases


def write_reference(folder: Path, cases: list[dict]) -> None:
    note = "text = prefix + text as the engine feeds it; ids from @huggingface/tokenizers; vector = torch mean pool + L2 norm"
    lines = ",\n".join("  " + json.dumps(c, ensure_ascii=False) for c in cases)
    (folder / "reference.json").write_text(f'{{"note": {json.dumps(note)},\n "cases": [\n{lines}\n]}}\n', encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out-dir", type=Path, default=REPO_ROOT / "native-models" / "default")
    parser.add_argument("--work-dir", type=Path, default=REPO_ROOT / ".cache" / "native-models" / "default-build")
    parser.add_argument("--data-dir", type=Path, default=None, help="shared data folder (default: $XLIR_DATA_DIR or ../shared/data)")
    parser.add_argument("--vocab-size", type=int, default=8000)
    parser.add_argument("--init-steps", type=int, default=300, help="X-Y translation-ranking steps of the shared initialisation")
    parser.add_argument("--steps", type=int, default=250, help="fine-tuning steps of each checkpoint")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--init-lr", type=float, default=1e-3)
    parser.add_argument("--lr", type=float, default=5e-4)
    parser.add_argument("--alpha", type=float, default=0.5, help="hybrid: probability of an X-X-mono batch")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--device", default="cpu", help="cpu (default: the committed pair), cuda or auto")
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args()

    set_threads(args.threads)
    device = pick_device(args.device)
    data_dir = args.data_dir or default_data_dir()
    work = args.work_dir
    work.mkdir(parents=True, exist_ok=True)
    log = lambda message: print(message, flush=True)  # noqa: E731

    pairs = training_pairs(data_dir)
    leaks = leaked_texts(pairs, data_dir)
    if leaks:
        raise SystemExit(f"{len(leaks)} training texts are evaluation texts (XQuAD/XQuAD-R), e.g. {leaks[:3]}")
    train, validation = split_pairs(pairs)

    started = time.monotonic()
    tokenizer_path = work / TOKENIZER_FILE
    vocab = build_tokenizer(data_dir, args.vocab_size, tokenizer_path)
    log(f"tokenizer: {len(vocab)} tokens ({time.monotonic() - started:.0f} s)")
    tokens = TokenTable(tokenizer_path, train + validation, MAX_LENGTH)

    torch.manual_seed(args.seed)
    model = Encoder(encoder_config(len(vocab)))
    translation = [p for p in train if not p.monolingual]
    init_history = train_run(
        model, translation, tokens, SamplerConfig(regime="cross", batch_size=args.batch_size, seed=args.seed),
        TrainConfig(steps=args.init_steps, learning_rate=args.init_lr, seed=args.seed), device, log,
    )  # fmt: skip
    init_path = work / "shared-init.pt"
    save_checkpoint(model.cpu(), init_path)
    init_record = {"steps": args.init_steps, "seconds": init_history["seconds"], "final_loss": init_history["final_loss"], "sha256": sha256_of(init_path)}

    sibling_names = [f"{FAMILY}-{checkpoint}" for checkpoint, _ in CHECKPOINTS]
    tokenizer_text = tokenizer_path.read_text(encoding="utf-8")
    machine = cpu_name()
    for checkpoint, regime in CHECKPOINTS:
        name = f"{FAMILY}-{checkpoint}"
        model = Encoder(encoder_config(len(vocab)))
        model.load_state_dict(torch.load(init_path)["state_dict"])
        sampler = SamplerConfig(regime=regime, batch_size=args.batch_size, seed=args.seed, alpha=args.alpha)
        config = TrainConfig(steps=args.steps, learning_rate=args.lr, seed=args.seed)
        history = train_run(model, train, tokens, sampler, config, device, log)
        history["validation"] = validation_loss(model, validation, tokens, config, device, args.batch_size)
        model = model.cpu().eval()
        save_checkpoint(model, work / name / "checkpoint.pt")
        save_hf_layout(model, work / name / "hf", tokenizer_path)
        (work / name / "history.json").write_text(json.dumps(history) + "\n", encoding="utf-8")

        folder = args.out_dir / name
        if folder.exists():
            shutil.rmtree(folder)
        write_model_folder(
            folder, model, tokenizer_text, name=name, family=FAMILY, checkpoint=checkpoint, pooling="mean",
            normalize=True, max_length=MAX_LENGTH, prefixes=(QUERY_PREFIX, PASSAGE_PREFIX),
            licence="MIT (XLIR Bench weights); trained on Tatoeba (CC BY 2.0 FR), ARCD (MIT; Wikipedia text CC BY-SA), SQuAD v1.1 train sample (CC BY-SA 4.0)",
            provenance=(
                f"Demo-quality encoder trained from scratch by native-models/train/build_default.py (seed {args.seed}, "
                f"{args.init_steps} shared-init steps + {args.steps} {REGIME_LABELS[regime]} steps); see MODEL-CARD.md."
            ),
        )  # fmt: skip
        onnx_bytes = (folder / MODEL_FILE).stat().st_size
        if onnx_bytes > MAX_ONNX_BYTES:
            raise SystemExit(f"{folder / MODEL_FILE} is {onnx_bytes} bytes, over the {MAX_ONNX_BYTES} limit")
        write_reference(folder, reference_cases(model, tokenizer_path))
        record = {
            "name": name,
            "checkpoint": checkpoint,
            "sibling_names": sibling_names,
            "seed": args.seed,
            "max_length": MAX_LENGTH,
            "encoder": model.config.to_dict(),
            "parameters": parameter_count(model),
            "onnx_bytes": onnx_bytes,
            "init": init_record,
            "training": {
                **{k: v for k, v in history.items() if k not in ("losses", "sampler", "train", "validation")},
                **history["train"],
                "batch_size": args.batch_size,
                "regime_label": REGIME_LABELS[regime],
                "validation_loss": history["validation"],
                "loss_every_10_steps": history["losses"][::10],
            },
            "data_files": data_files(data_dir),
            "machine": machine,
            "torch": torch.__version__,
            "onnx": onnx.__version__,
            "built": datetime.date.today().isoformat(),
        }
        (folder / "training.json").write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        write_model_card(folder)
        log(f"{name}: {onnx_bytes:,} bytes, final loss {history['final_loss']:.3f}, validation {history['validation']}, {history['seconds']:.0f} s")
    log(f"done in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
