"""Fine-tunes a dual encoder with one batch regime (mono / cross / hybrid) from a saved initialisation.

    bash native-models/python.sh train.train --init INIT.pt --tokenizer tokenizer.json \
        --regime hybrid --alpha 0.5 --steps 600 --out run-dir [--device cuda]

writes run-dir/checkpoint.pt, run-dir/history.json and run-dir/hf/ (Hugging Face layout, for
export/export_hf.py).

Runs of one seed differ only in the regime: same initialisation, steps, optimiser, schedule and,
per batch kind, the same data order (train/samplers.py).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import time
import zlib
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Sequence

import torch
from torch import nn

from bridge.model import BridgeEncoder
from xlir_encoder.architecture import Encoder, EncoderConfig
from xlir_encoder.hf_layout import save_hf_layout

from .contrastive import batch_loss
from .data import BUILT_DATA_DIR, Pair, multilingual_qa_pairs
from .samplers import REGIMES, Batch, BatchSampler, SamplerConfig
from .tokenized import PASSAGE_PREFIX, QUERY_PREFIX, TokenTable

VALIDATION_MODULUS = 50  # one item in 50 (by group hash) is held out for the validation loss


@dataclass(frozen=True)
class TrainConfig:
    steps: int
    learning_rate: float = 2e-4
    weight_decay: float = 0.01
    warmup_fraction: float = 0.1
    temperature: float = 0.05
    seed: int = 13


def is_validation(pair: Pair) -> bool:
    return zlib.crc32(pair.group.encode("utf-8")) % VALIDATION_MODULUS == 0


def split_pairs(pairs: Sequence[Pair]) -> tuple[list[Pair], list[Pair]]:
    train = [p for p in pairs if not is_validation(p)]
    return train, [p for p in pairs if is_validation(p)]


def training_pairs(built_dir: Path = BUILT_DATA_DIR) -> list[Pair]:
    """The regimes' pairs: multilingual QA, X-X and X-Y (train/data.py)."""
    return multilingual_qa_pairs(built_dir)


def pick_device(name: str) -> torch.device:
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise SystemExit(f"--device {name}: torch sees no CUDA device here; use --device cpu")
    return torch.device(name)


def set_threads(threads: int | None) -> None:
    # The default (all cores) oversubscribes shared machines; two threads saturate small matrices.
    torch.set_num_threads(threads or max(1, min(2, os.cpu_count() or 1)))


def save_checkpoint(model: Encoder | BridgeEncoder, path: Path, extra: dict | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    saved = model.checkpoint() if isinstance(model, BridgeEncoder) else {"config": model.config.to_dict(), "state_dict": model.state_dict()}
    torch.save({**saved, **(extra or {})}, path)


def load_checkpoint(path: Path) -> Encoder | BridgeEncoder:
    saved = torch.load(path, map_location="cpu")
    if saved.get("kind") == BridgeEncoder.kind:
        return BridgeEncoder.from_checkpoint(saved)
    model = Encoder(EncoderConfig.from_dict(saved["config"]))
    model.load_state_dict(saved["state_dict"])
    return model


def text_prefixes(model: nn.Module) -> tuple[str, str]:
    """The bridge encoder reads words, not instructions: no `Query: ` / `Passage: ` prefixes."""
    return ("", "") if isinstance(model, BridgeEncoder) else (QUERY_PREFIX, PASSAGE_PREFIX)


def learning_rate_at(step: int, config: TrainConfig) -> float:
    """Linear warm-up, then linear decay to zero."""
    warmup = max(1, int(config.steps * config.warmup_fraction))
    if step < warmup:
        return config.learning_rate * (step + 1) / warmup
    return config.learning_rate * max(0.0, (config.steps - step) / max(1, config.steps - warmup))


def validation_loss(model: nn.Module, pairs: list[Pair], tokens: TokenTable, config: TrainConfig, device: torch.device, batch_size: int) -> dict[str, float]:
    """Mean InfoNCE over fixed batches of held-out pairs, per kind (mono within one language)."""
    model.eval()
    groups: dict[str, list[int]] = {}
    for index, pair in enumerate(pairs):
        key = f"mono:{pair.query_language}" if pair.monolingual else "cross"
        groups.setdefault(key, []).append(index)
    results: dict[str, list[float]] = {"mono": [], "cross": []}
    with torch.no_grad():
        for key, indices in sorted(groups.items()):
            for start in range(0, len(indices) - 1, batch_size):
                chunk = tuple(indices[start : start + batch_size])
                if len(chunk) < 2:
                    continue
                batch = Batch("mono" if key != "cross" else "cross", None, chunk, tuple(None for _ in chunk))
                results[key.split(":")[0]].append(float(batch_loss(model, batch, pairs, tokens, config.temperature, device)))
    model.train()
    return {kind: sum(v) / len(v) for kind, v in results.items() if v}


def train_run(
    model: nn.Module,
    pairs: list[Pair],
    tokens: TokenTable,
    sampler_config: SamplerConfig,
    config: TrainConfig,
    device: torch.device,
    log: Callable[[str], None] = print,
) -> dict:
    """Trains `model` in place; returns the run's history (losses, batch kinds, time)."""
    torch.manual_seed(config.seed)
    model.to(device).train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.learning_rate, weight_decay=config.weight_decay)
    sampler = BatchSampler(pairs, sampler_config)
    losses: list[float] = []
    kinds: list[str] = []
    started = time.monotonic()
    for step, batch in enumerate(sampler.batches(config.steps)):
        for group in optimizer.param_groups:
            group["lr"] = learning_rate_at(step, config)
        loss = batch_loss(model, batch, pairs, tokens, config.temperature, device)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        losses.append(float(loss))
        kinds.append(batch.kind)
        if not math.isfinite(losses[-1]):
            raise RuntimeError(f"loss became {losses[-1]} at step {step}")
        if (step + 1) % 50 == 0 or step + 1 == config.steps:
            recent = losses[-50:]
            log(f"[{sampler_config.regime}] step {step + 1}/{config.steps} loss {sum(recent) / len(recent):.4f} ({time.monotonic() - started:.0f} s)")
    model.eval()
    tail = losses[-max(1, config.steps // 10) :]
    return {
        "regime": sampler_config.regime,
        "alpha": sampler.alpha,
        "sampler": asdict(sampler_config),
        "train": asdict(config),
        "device": str(device),
        "threads": torch.get_num_threads(),
        "seconds": time.monotonic() - started,
        "mono_batches": kinds.count("mono"),
        "cross_batches": kinds.count("cross"),
        "final_loss": sum(tail) / len(tail),
        "losses": [round(x, 5) for x in losses],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--init", type=Path, required=True, help="initial checkpoint (.pt from train.build_default or save_checkpoint)")
    parser.add_argument("--tokenizer", type=Path, required=True, help="tokenizer.json the model uses")
    parser.add_argument("--out", type=Path, required=True, help="folder for checkpoint.pt and history.json")
    parser.add_argument("--regime", choices=REGIMES, required=True)
    parser.add_argument("--alpha", type=float, default=0.5, help="hybrid: probability of an X-X-mono batch (paper: 0.5)")
    parser.add_argument("--mixing", choices=("fixed", "proportional"), default="fixed", help="hybrid: fixed alpha, or alpha = share of monolingual pairs")
    parser.add_argument("--mono-language", choices=("uniform", "proportional"), default="uniform")
    parser.add_argument("--no-hard-negatives", action="store_true")
    parser.add_argument("--steps", type=int, default=600)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=2e-4)
    parser.add_argument("--weight-decay", type=float, default=0.01)
    parser.add_argument("--temperature", type=float, default=0.05)
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--device", default="auto", help="cpu, cuda, cuda:N or auto")
    parser.add_argument("--threads", type=int, default=None, help="CPU threads (default: min(2, cores))")
    parser.add_argument("--built-data", type=Path, default=BUILT_DATA_DIR, help="output folder of data.build_data (qa.jsonl)")
    args = parser.parse_args()

    set_threads(args.threads)
    device = pick_device(args.device)
    train, validation = split_pairs(training_pairs(args.built_data))
    model = load_checkpoint(args.init)
    tokens = TokenTable(args.tokenizer, train + validation, args.max_length, text_prefixes(model))
    sampler_config = SamplerConfig(
        regime=args.regime, batch_size=args.batch_size, seed=args.seed, mixing=args.mixing, alpha=args.alpha,
        mono_language=args.mono_language, hard_negatives=not args.no_hard_negatives,
    )  # fmt: skip
    config = TrainConfig(steps=args.steps, learning_rate=args.lr, weight_decay=args.weight_decay, temperature=args.temperature, seed=args.seed)
    history = train_run(model, train, tokens, sampler_config, config, device)
    history["validation"] = validation_loss(model, validation, tokens, config, device, args.batch_size)
    save_checkpoint(model.cpu(), args.out / "checkpoint.pt")
    if isinstance(model, Encoder):
        # Hugging Face layout: loads in transformers.BertModel and exports with export/export_hf.py.
        save_hf_layout(model, args.out / "hf", args.tokenizer)
    (args.out / "history.json").write_text(json.dumps(history) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in history.items() if k != "losses"}, indent=1))


if __name__ == "__main__":
    main()
