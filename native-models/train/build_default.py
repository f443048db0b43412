"""Builds the xlir-mini transformer pair (the bundled pair until the dictionary bridge replaced it: it stays
the record of what a small transformer trained here reaches, TRAINING.md) from scratch, as a list of steps:

  data         fetch the Debian packages, build lexicons, parallel segments and 11-language QA (native-models/data)
  tokenizer    WordPiece over the training text of all 11 languages; unknown-token rate per language on XQuAD-R
  init         the shared initialisation: translation ranking on dictionary pairs, CLDR names, UI strings, Tatoeba
  checkpoints  baseline (X-X-mono) and hybrid (α = 0.5) from that initialisation, same steps, data order and seed;
               ONNX model folders with manifests and reference vectors
  evaluate     `xlir run` (the engine) on full XQuAD-R over the pair: mAP per setting, bias, paired differences
  cards        MODEL-CARD.md of each model from training.json and the engine's results

    npm run models:build-transformer               # = bash native-models/python.sh train.build_default
    … -- --from evaluate                           # re-run from a step (earlier steps' files are kept)
    … -- --device cuda --steps 4000                # more steps where a GPU exists

Writes .cache/native-models/transformer-pair/xlir-mini-{baseline,hybrid}/ and keeps intermediate files (data, the
shared initialisation, checkpoints, histories, the run result) in .cache/native-models/default-build/.
Deterministic given the seed (each training process runs one thread by default). A step is a function of the Build: a new one (e.g.
precision variants after `checkpoints`) is one more entry in STEPS.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import platform
import resource
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import onnx
import torch

from data.build_data import build as build_data
from wordpiece.build_tokenizer import build_tokenizer
from wordpiece.unknown_rate import unknown_rates
from bridge.model import BridgeEncoder
from xlir_encoder.architecture import Encoder, EncoderConfig, parameter_count
from xlir_encoder.model_folder import MODEL_FILE, TOKENIZER_FILE, write_model_folder
from xlir_encoder.tokenizer_json import PAD_ID

from .data import REPO_ROOT, default_data_dir, multilingual_qa_pairs, translation_pairs
from .leakage import leaked_texts
from .model_card import write_model_card
from .samplers import SamplerConfig
from .contrastive import sentence_vectors
from .tokenized import TokenTable
from .train import TrainConfig, load_checkpoint, pick_device, save_checkpoint, set_threads, split_pairs, text_prefixes, train_run

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
# The weights are learned from renderings that copy GPL-2+ dictionary entries and from CC BY-SA
# text (MODEL-CARD.md explains the choice).
WEIGHTS_LICENCE = "GPL-3.0-or-later"


def encoder_config(vocab_size: int, layers: int) -> EncoderConfig:
    return EncoderConfig(
        vocab_size=vocab_size, hidden_size=128, num_layers=layers, num_heads=4, intermediate_size=512,
        max_positions=MAX_LENGTH, type_vocab_size=1, pad_token_id=PAD_ID, layer_norm_eps=1e-12,
    )  # fmt: skip


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (user + system)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def machine_description() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    names = [l.split(":", 1)[1].strip() for l in cpuinfo.read_text().splitlines() if l.startswith("model name")] if cpuinfo.exists() else []
    with open("/proc/loadavg") if Path("/proc/loadavg").exists() else open(__file__) as handle:
        load = handle.read().split()[0] if Path("/proc/loadavg").exists() else "?"
    return f"{names[0] if names else platform.processor() or platform.machine()}, {len(names) or '?'} cores, {platform.system()}; load average {load} when the build ended"


@dataclass
class Build:
    args: argparse.Namespace
    log: Callable[[str], None]
    device: torch.device
    data_dir: Path
    work: Path
    timings: dict[str, dict[str, float]] = field(default_factory=dict)

    @property
    def built_data(self) -> Path:
        return self.work / "data"

    @property
    def tokenizer_path(self) -> Path:
        return self.work / TOKENIZER_FILE

    @property
    def init_path(self) -> Path:
        return self.work / "shared-init.pt"

    def read_json(self, name: str) -> dict:
        return json.loads((self.work / name).read_text(encoding="utf-8"))

    def write_json(self, name: str, value: dict) -> None:
        (self.work / name).write_text(json.dumps(value, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def step_data(build: Build) -> None:
    subprocess.run(["bash", str(REPO_ROOT / "native-models" / "data" / "install-data-deps.sh")], check=True)
    build_data(build.data_dir, build.built_data, build.log)
    pairs = multilingual_qa_pairs(build.built_data) + translation_pairs(build.built_data, build.data_dir)
    leaks = leaked_texts(pairs, build.data_dir)
    if leaks:
        raise SystemExit(f"{len(leaks)} training texts are evaluation texts (XQuAD/XQuAD-R), e.g. {leaks[:3]}")


def step_tokenizer(build: Build) -> None:
    vocab = build_tokenizer(build.built_data, build.data_dir, build.args.vocab_size, build.tokenizer_path)
    rates = unknown_rates(build.tokenizer_path, build.data_dir)
    build.write_json("tokenizer.json.stats", {"vocab_size": len(vocab), "xquad_r": rates})
    build.log(f"tokenizer: {len(vocab)} tokens; [UNK] share on XQuAD-R: " + ", ".join(f"{k} {v['unknown']:.2%}" for k, v in rates.items()))


def vocab_size(build: Build) -> int:
    return build.read_json("tokenizer.json.stats")["vocab_size"]


def step_init(build: Build) -> None:
    args = build.args
    pairs, _ = split_pairs(translation_pairs(build.built_data, build.data_dir))
    tokens = TokenTable(build.tokenizer_path, pairs, MAX_LENGTH)
    torch.manual_seed(args.seed)
    model = Encoder(encoder_config(vocab_size(build), args.layers))
    history = train_run(
        model, pairs, tokens, SamplerConfig(regime="cross", batch_size=args.init_batch_size, seed=args.seed, hard_negatives=False),
        TrainConfig(steps=args.init_steps, learning_rate=args.init_lr, seed=args.seed), build.device, build.log,
    )  # fmt: skip
    save_checkpoint(model.cpu(), build.init_path)
    build.write_json("init.json", {
        "steps": args.init_steps, "batch_size": args.init_batch_size, "learning_rate": args.init_lr, "pairs": len(pairs),
        "seconds": history["seconds"], "final_loss": history["final_loss"], "sha256": sha256_of(build.init_path),
    })  # fmt: skip


def step_checkpoints(build: Build) -> None:
    for checkpoint, regime, run_dir, history in train_regimes(build, FAMILY):
        folder = export_folder(build, load_checkpoint(run_dir / "checkpoint.pt").eval(), f"{FAMILY}-{checkpoint}", checkpoint, regime)
        build.log(f"{FAMILY}-{checkpoint}: final loss {history['final_loss']:.3f}, validation {history['validation']}, {history['seconds']:.0f} s → {folder}")


def train_regimes(build: Build, family: str, max_length: int = MAX_LENGTH) -> list[tuple[str, str, Path, dict]]:
    """Both regimes train at once from build.init_path, each in its own process (train.train,
    --threads each): the runs are independent given the initialisation and seed, and two
    single-threaded processes use two cores better than one process whose small matrices split
    over two OpenMP threads (which stall each other on a loaded machine).
    Returns (checkpoint, regime, run folder, history) per checkpoint."""
    args = build.args
    threads = torch.get_num_threads()
    runs = []
    for checkpoint, regime in CHECKPOINTS:
        run_dir = build.work / f"{family}-{checkpoint}"
        command = [
            "bash", str(REPO_ROOT / "native-models" / "python.sh"), "train.train", "--init", str(build.init_path),
            "--tokenizer", str(build.tokenizer_path), "--built-data", str(build.built_data), "--out", str(run_dir),
            "--regime", regime, "--alpha", str(args.alpha), "--steps", str(args.steps), "--batch-size", str(args.batch_size),
            "--lr", str(args.lr), "--weight-decay", str(args.weight_decay), "--seed", str(args.seed), "--device", args.device,
            "--threads", str(threads), "--max-length", str(max_length),
        ]  # fmt: skip
        run_dir.mkdir(parents=True, exist_ok=True)
        log = open(run_dir / "train.log", "w", encoding="utf-8")
        runs.append((checkpoint, regime, run_dir, subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT), log))
    failed = []
    for checkpoint, _, run_dir, process, log in runs:
        if process.wait() != 0:
            failed.append(f"{checkpoint} (exit {process.returncode}; see {run_dir / 'train.log'})")
        log.close()
    if failed:
        raise SystemExit("training failed: " + ", ".join(failed))
    return [(c, r, d, json.loads((d / "history.json").read_text(encoding="utf-8"))) for c, r, d, _, _ in runs]


def export_folder(build: Build, model: Encoder, name: str, checkpoint: str, regime: str) -> Path:
    args = build.args
    folder = args.out_dir / name
    if folder.exists():
        shutil.rmtree(folder)
    write_model_folder(
        folder, model, build.tokenizer_path.read_text(encoding="utf-8"), name=name, family=FAMILY, checkpoint=checkpoint,
        pooling="mean", normalize=True, max_length=MAX_LENGTH, prefixes=text_prefixes(model),
        licence=f"{WEIGHTS_LICENCE} (weights and tokenizer; trained on GPL-2+, CC BY-SA, MPL-2.0, Unicode, CC BY and MIT data: see MODEL-CARD.md)",
        provenance=(
            f"Trained from scratch by native-models/train/build_default.py (seed {args.seed}, {args.init_steps} shared-init steps "
            f"+ {args.steps} {REGIME_LABELS[regime]} steps) on multilingual data built from Debian packages; see MODEL-CARD.md."
        ),
    )  # fmt: skip
    onnx_bytes = (folder / MODEL_FILE).stat().st_size
    if onnx_bytes > MAX_ONNX_BYTES:
        raise SystemExit(f"{folder / MODEL_FILE} is {onnx_bytes} bytes, over the {MAX_ONNX_BYTES} limit")
    write_reference(folder, reference_cases(model, build.tokenizer_path))
    return folder


def step_evaluate(build: Build) -> None:
    evaluate_pair(build, FAMILY)


def evaluate_pair(build: Build, family: str) -> None:
    """`xlir run` (the engine) on full XQuAD-R over the pair → work/results.json."""
    folders = [str(build.args.out_dir / f"{family}-{checkpoint}") for checkpoint, _ in CHECKPOINTS]
    results = build.work / "results.json"
    command = [
        "node", "main/cli/xlir.mjs", "run", *[x for f in folders for x in ("--model", f)], "--data-dir", str(build.data_dir),
        "--threads", "1", "--no-history", "--no-roofline", "--json", str(results),
    ]  # fmt: skip
    build.log("evaluate: " + " ".join(command))
    subprocess.run(["bash", "-c", f'. "{REPO_ROOT}/build/use-node.sh" && exec "$@"', "xlir", *command], cwd=REPO_ROOT, check=True)


def step_cards(build: Build) -> None:
    write_cards(build, FAMILY, {"build_command": "npm run models:build-transformer"})


def write_cards(build: Build, family: str, extra: dict) -> None:
    """training.json (what the card is made from, plus `extra`) and MODEL-CARD.md of each checkpoint of the pair."""
    args = build.args
    manifest = json.loads((build.built_data / "manifest.json").read_text(encoding="utf-8"))
    init = build.read_json("init.json")
    stats = build.read_json("tokenizer.json.stats")
    results = build.work / "results.json"
    sibling_names = [f"{family}-{checkpoint}" for checkpoint, _ in CHECKPOINTS]
    for checkpoint, regime in CHECKPOINTS:
        name = f"{family}-{checkpoint}"
        folder = args.out_dir / name
        history = json.loads((build.work / name / "history.json").read_text(encoding="utf-8"))
        model = load_checkpoint(build.work / name / "checkpoint.pt")
        record = {
            "name": name,
            "checkpoint": checkpoint,
            "sibling_names": sibling_names,
            "seed": args.seed,
            "max_length": MAX_LENGTH,
            "encoder": model.config.to_dict(),
            "parameters": parameter_count(model),
            "onnx_bytes": (folder / MODEL_FILE).stat().st_size,
            "tokenizer_bytes": (folder / TOKENIZER_FILE).stat().st_size,
            "weights_licence": WEIGHTS_LICENCE,
            "init": init,
            "training": {
                **{k: v for k, v in history.items() if k not in ("losses", "sampler", "train", "validation")},
                **history["train"],
                "batch_size": args.batch_size,
                "regime_label": REGIME_LABELS[regime],
                "validation_loss": history["validation"],
                "loss_every_10_steps": history["losses"][::10],
            },
            "unknown_token_rate": stats["xquad_r"],
            "data": {k: manifest[k] for k in ("sources", "shared_data", "lexicon_entries", "parallel_rows", "qa_items", "qa_items_per_language", "qa_word_coverage", "files")},
            "build_timings": build.timings,
            "machine": machine_description(),
            "torch": torch.__version__,
            "onnx": onnx.__version__,
            "built": datetime.date.today().isoformat(),
            **extra,
        }
        (folder / "training.json").write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        write_model_card(folder, results if results.exists() else None)
        build.log(f"{name}: card written")


STEPS: tuple[tuple[str, Callable[[Build], None]], ...] = (
    ("data", step_data),
    ("tokenizer", step_tokenizer),
    ("init", step_init),
    ("checkpoints", step_checkpoints),
    ("evaluate", step_evaluate),
    ("cards", step_cards),
)


def reference_cases(model: Encoder | BridgeEncoder, tokenizer_path: Path) -> list[dict]:
    """The model's unit vectors for REFERENCE_TEXTS, fed as the engine feeds them (with the model's prefixes)."""
    from xlir_encoder.node_tokenizer import node_encode

    query_prefix, passage_prefix = text_prefixes(model)
    texts = [(query_prefix if kind == "query" else passage_prefix) + text for kind, text in REFERENCE_TEXTS]
    cases = []
    with torch.no_grad():
        for (kind, _), text, ids in zip(REFERENCE_TEXTS, texts, node_encode(tokenizer_path, texts)):
            input_ids = torch.tensor([ids])
            vector = torch.nn.functional.normalize(sentence_vectors(model, input_ids, torch.ones_like(input_ids)), dim=-1)[0]
            cases.append({"kind": kind, "text": text, "ids": ids, "vector": [round(float(x), 6) for x in vector]})
    return cases


def write_reference(folder: Path, cases: list[dict], note: str = "text = prefix + text as the engine feeds it; ids from @huggingface/tokenizers; vector = torch mean pool + L2 norm") -> None:
    lines = ",\n".join("  " + json.dumps(c, ensure_ascii=False) for c in cases)
    (folder / "reference.json").write_text(f'{{"note": {json.dumps(note)},\n "cases": [\n{lines}\n]}}\n', encoding="utf-8")


def build_parser(description: str, build_steps: tuple[tuple[str, Callable[[Build], None]], ...], work_dir: Path, out_dir: Path, **defaults) -> argparse.ArgumentParser:
    """The options every pair build has; `defaults` overrides the training ones (steps, batch_size, lr, weight_decay)."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out-dir", type=Path, default=out_dir)
    parser.add_argument("--work-dir", type=Path, default=work_dir)
    parser.add_argument("--data-dir", type=Path, default=None, help="shared data folder (default: $XLIR_DATA_DIR or ../shared/data)")
    parser.add_argument("--from", dest="start", choices=[name for name, _ in build_steps], default=build_steps[0][0], help="first step to run")
    parser.add_argument("--to", dest="stop", choices=[name for name, _ in build_steps], default=build_steps[-1][0], help="last step to run")
    parser.add_argument("--steps", type=int, default=defaults.get("steps", 350), help="fine-tuning steps of each checkpoint")
    parser.add_argument("--batch-size", type=int, default=defaults.get("batch_size", 32))
    parser.add_argument("--lr", type=float, default=defaults.get("lr", 3e-4))
    parser.add_argument("--weight-decay", type=float, default=defaults.get("weight_decay", 0.01))
    parser.add_argument("--alpha", type=float, default=0.5, help="hybrid: probability of an X-X-mono batch")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--device", default="cpu", help="cpu (default: the committed pair), cuda or auto")
    parser.add_argument("--threads", type=int, default=1, help="CPU threads of each training process (default 1: the two regimes train in parallel, one process each)")
    return parser


def run_steps(args: argparse.Namespace, steps: tuple[tuple[str, Callable[[Build], None]], ...]) -> None:
    """Runs steps --from … --to, timing each (wall and CPU) into work/timings.json for the model cards."""
    set_threads(args.threads)
    args.work_dir.mkdir(parents=True, exist_ok=True)
    build = Build(args, lambda m: print(m, flush=True), pick_device(args.device), args.data_dir or default_data_dir(), args.work_dir)
    timings_path = args.work_dir / "timings.json"
    if timings_path.exists():
        build.timings = json.loads(timings_path.read_text(encoding="utf-8"))
    names = [name for name, _ in steps]
    for name, step in steps[names.index(args.start) : names.index(args.stop) + 1]:
        wall, cpu = time.monotonic(), cpu_seconds()
        build.log(f"== step {name}")
        step(build)
        build.timings[name] = {"wall_s": round(time.monotonic() - wall, 1), "cpu_s": round(cpu_seconds() - cpu, 1)}
        timings_path.write_text(json.dumps(build.timings, indent=1) + "\n", encoding="utf-8")
        build.log(f"== step {name}: {build.timings[name]['wall_s']:.0f} s wall, {build.timings[name]['cpu_s']:.0f} s CPU")
    total = {k: round(sum(t[k] for t in build.timings.values()), 1) for k in ("wall_s", "cpu_s")}
    build.log(f"done: {total['wall_s']:.0f} s wall, {total['cpu_s']:.0f} s CPU over the steps {', '.join(build.timings)}")


def main() -> None:
    parser = build_parser(__doc__, STEPS, REPO_ROOT / ".cache" / "native-models" / "default-build", REPO_ROOT / ".cache" / "native-models" / "transformer-pair")
    parser.add_argument("--vocab-size", type=int, default=14000)
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--init-steps", type=int, default=1000, help="translation-ranking steps of the shared initialisation")
    parser.add_argument("--init-batch-size", type=int, default=64)
    parser.add_argument("--init-lr", type=float, default=1e-3)
    run_steps(parser.parse_args(), STEPS)


if __name__ == "__main__":
    main()
