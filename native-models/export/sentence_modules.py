"""The sentence-transformers pipeline of a checkpoint folder (`modules.json`: Transformer, then
Pooling, Dense, Normalize), read and checked, rebuilt in torch so that the exported graph's
`sentence_embedding` is what `SentenceTransformer.encode` returns, and written back in the same
layout beside the graph. Anything the graph could not reproduce is refused with the reason.

sentence-transformers itself is not needed: its module files are small JSON configs plus the
Dense weights (`2_Dense/model.safetensors`, or `pytorch_model.bin` in older saves).
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from pathlib import Path

import torch
from torch import nn

from xlir_encoder.hf_layout import read_state_dict, write_safetensors

MODULES_FILE = "modules.json"
ST_CONFIG_FILE = "config_sentence_transformers.json"
SBERT_CONFIG_FILE = "sentence_bert_config.json"
MODULE_PREFIX = "sentence_transformers.models."
POOLING_MODES = ("cls", "max", "mean", "mean_sqrt_len_tokens", "weightedmean", "lasttoken")
# Pooling.config_keys flag → mode (Pooling.pooling_mode strings are the modes themselves).
POOLING_FLAGS = {
    "pooling_mode_cls_token": "cls",
    "pooling_mode_max_tokens": "max",
    "pooling_mode_mean_tokens": "mean",
    "pooling_mode_mean_sqrt_len_tokens": "mean_sqrt_len_tokens",
    "pooling_mode_weightedmean_tokens": "weightedmean",
    "pooling_mode_lasttoken": "lasttoken",
}
ACTIVATIONS = {
    "torch.nn.modules.activation.Tanh": torch.tanh,
    "torch.nn.modules.linear.Identity": lambda x: x,
    "torch.nn.modules.activation.ReLU": torch.relu,
    "torch.nn.modules.activation.Sigmoid": torch.sigmoid,
    "torch.nn.modules.activation.GELU": nn.functional.gelu,
}
RANKED_SIMILARITIES = (None, "cosine", "dot")


class ExportError(RuntimeError):
    pass


@dataclass
class Dense:
    path: str
    config: dict
    weight: torch.Tensor
    bias: torch.Tensor | None


@dataclass
class SentencePipeline:
    """What follows the transformer, in modules.json's order, and the files that configure it."""

    transformer_dir: Path
    pooling_config: dict
    # ("dense", Dense) or ("normalize", None), in order, after pooling.
    after_pooling: list[tuple[str, Dense | None]] = field(default_factory=list)
    st_config: dict = field(default_factory=dict)
    sbert_config: dict = field(default_factory=dict)

    @property
    def pooling_modes(self) -> list[str]:
        mode = self.pooling_config.get("pooling_mode")
        if mode is not None:
            return [mode.lower()]
        return [name for flag, name in POOLING_FLAGS.items() if self.pooling_config.get(flag, flag == "pooling_mode_mean_tokens")]

    @property
    def prompts(self) -> dict[str, str]:
        return dict(self.st_config.get("prompts") or {})


def read_json(path: Path) -> dict:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise ExportError(f"{path} is not valid JSON: {err}") from err


def module_kind(entry: dict) -> str:
    kind = entry.get("type", "")
    return kind[len(MODULE_PREFIX) :] if kind.startswith(MODULE_PREFIX) else kind


def read_dense(folder: Path, path: str) -> Dense:
    config = read_json(folder / path / "config.json")
    activation = config.get("activation_function", "torch.nn.modules.activation.Tanh")
    if activation not in ACTIVATIONS:
        raise ExportError(f"{folder / path / 'config.json'}: activation {activation} is not one this export reproduces ({', '.join(ACTIVATIONS)})")
    for key in ("module_input_name", "module_output_name"):
        if config.get(key, "sentence_embedding") not in (None, "sentence_embedding"):
            raise ExportError(f"{folder / path / 'config.json'}: {key} {config[key]!r}; only a Dense layer on the sentence embedding is reproduced")
    try:
        weights = read_state_dict(folder / path)
    except (FileNotFoundError, ValueError) as err:
        raise ExportError(f"Dense module {path}: {err}") from err
    weight, bias = weights.get("linear.weight"), weights.get("linear.bias")
    shape = (config["out_features"], config["in_features"])
    if weight is None or tuple(weight.shape) != shape:
        raise ExportError(f"{folder / path}: linear.weight should be {list(shape)} (out_features, in_features of its config.json)")
    if config.get("bias", True) != (bias is not None):
        raise ExportError(f"{folder / path}: config.json says bias {config.get('bias', True)}, the weights {'have' if bias is not None else 'lack'} linear.bias")
    return Dense(path, config, weight.float(), None if bias is None else bias.float())


def read_pipeline(folder: Path) -> SentencePipeline | None:
    """The folder's pipeline, or None when it is a plain transformers checkpoint (no modules.json)."""
    folder = Path(folder)
    if not (folder / MODULES_FILE).is_file():
        return None
    modules = read_json(folder / MODULES_FILE)
    kinds = [module_kind(m) for m in modules]
    unknown = [f"{m.get('type')} at {m.get('path')!r}" for m, kind in zip(modules, kinds) if kind not in ("Transformer", "Pooling", "Dense", "Normalize")]
    if unknown:
        raise ExportError(f"{folder / MODULES_FILE} lists {', '.join(unknown)}: this export reproduces Transformer, Pooling, Dense and Normalize modules only")
    if kinds[:2] != ["Transformer", "Pooling"] or kinds.count("Transformer") != 1 or kinds.count("Pooling") != 1:
        raise ExportError(f"{folder / MODULES_FILE}: modules {kinds}; this export reproduces Transformer, then Pooling, then Dense / Normalize modules")
    transformer_dir = folder / modules[0].get("path", "")
    pipeline = SentencePipeline(
        transformer_dir=transformer_dir,
        pooling_config=read_json(folder / modules[1]["path"] / "config.json"),
        st_config=read_json(folder / ST_CONFIG_FILE) if (folder / ST_CONFIG_FILE).is_file() else {},
        sbert_config=read_json(transformer_dir / SBERT_CONFIG_FILE) if (transformer_dir / SBERT_CONFIG_FILE).is_file() else {},
    )
    for module, kind in zip(modules[2:], kinds[2:]):
        pipeline.after_pooling.append(("dense", read_dense(folder, module["path"])) if kind == "Dense" else ("normalize", None))
    check(pipeline, folder)
    return pipeline


def plain_pipeline(folder: Path, pooling: str, normalize: bool) -> SentencePipeline:
    """The pipeline a plain transformers checkpoint is exported with: one pooling, then Normalize
    (or, without it, ranking by dot product on the raw vectors)."""
    return SentencePipeline(
        transformer_dir=Path(folder),
        pooling_config={"pooling_mode": pooling},
        after_pooling=[("normalize", None)] if normalize else [],
        st_config={} if normalize else {"similarity_fn_name": "dot"},
    )


def check(pipeline: SentencePipeline, folder: Path) -> None:
    modes = pipeline.pooling_modes
    unknown = [m for m in modes if m not in POOLING_MODES]
    if unknown or not modes:
        raise ExportError(f"{folder}: pooling {modes or '(none set)'}; the modes sentence-transformers defines are {', '.join(POOLING_MODES)}")
    if pipeline.pooling_config.get("include_prompt", True) is False and pipeline.prompts:
        raise ExportError(
            f"{folder}: the Pooling module leaves the prompt tokens out (include_prompt false) and the model has prompts; "
            "the exported graph cannot tell prompt tokens from text tokens"
        )
    similarity = pipeline.st_config.get("similarity_fn_name")
    if similarity not in RANKED_SIMILARITIES:
        raise ExportError(f"{folder / ST_CONFIG_FILE}: similarity_fn_name {similarity!r}; the benchmark ranks by inner product (cosine or dot)")


class SentenceHead(nn.Module):
    """Pooling, Dense and Normalize as sentence-transformers computes them (right-padded batches)."""

    def __init__(self, pipeline: SentencePipeline) -> None:
        super().__init__()
        self.modes = pipeline.pooling_modes
        self.steps: list[str] = []
        self.dense = nn.ModuleList()
        self.activations = []
        for kind, dense in pipeline.after_pooling:
            self.steps.append(kind)
            if dense is not None:
                linear = nn.Linear(dense.config["in_features"], dense.config["out_features"], bias=dense.bias is not None)
                linear.weight.data.copy_(dense.weight)
                if dense.bias is not None:
                    linear.bias.data.copy_(dense.bias)
                self.dense.append(linear)
                self.activations.append(ACTIVATIONS[dense.config.get("activation_function", "torch.nn.modules.activation.Tanh")])

    def pool(self, tokens: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        weights = mask.unsqueeze(-1).to(tokens.dtype)
        count = weights.sum(dim=1).clamp(min=1e-9)
        pooled = []
        for mode in self.modes:
            if mode == "cls":
                pooled.append(tokens[:, 0])
            elif mode == "max":
                pooled.append(torch.where(weights > 0, tokens, torch.full_like(tokens, -1e9)).max(dim=1).values)
            elif mode in ("mean", "mean_sqrt_len_tokens"):
                total = (tokens * weights).sum(dim=1)
                pooled.append(total / count if mode == "mean" else total / torch.sqrt(count))
            elif mode == "weightedmean":
                positions = torch.cumsum(torch.ones_like(mask), dim=1).unsqueeze(-1).to(tokens.dtype) * weights
                pooled.append((tokens * positions).sum(dim=1) / positions.sum(dim=1).clamp(min=1e-9))
            else:  # lasttoken: the last attended token; rows are right-padded
                last = (mask.sum(dim=1) - 1).clamp(min=0)
                pooled.append(tokens[torch.arange(tokens.shape[0]), last] * weights[torch.arange(tokens.shape[0]), last])
        return torch.cat(pooled, dim=1)

    def forward(self, tokens: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        vector = self.pool(tokens, mask)
        layers = iter(zip(self.dense, self.activations))
        for step in self.steps:
            if step == "dense":
                linear, activation = next(layers)
                vector = activation(linear(vector))
            else:
                vector = nn.functional.normalize(vector, p=2.0, dim=1)
        return vector


class SentenceGraph(nn.Module):
    """(input_ids, attention_mask) → (token_embeddings, sentence_embedding), as Optimum exports a
    sentence-transformers model; `token_states` maps the inputs to the transformer's last hidden state."""

    def __init__(self, token_states: nn.Module, head: SentenceHead) -> None:
        super().__init__()
        self.token_states = token_states
        self.head = head

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        tokens = self.token_states(input_ids, attention_mask)
        return tokens, self.head(tokens, attention_mask)


def output_width(pipeline: SentencePipeline, hidden_size: int) -> int:
    width = hidden_size * len(pipeline.pooling_modes)
    for kind, dense in pipeline.after_pooling:
        if dense is not None:
            if dense.config["in_features"] != width:
                raise ExportError(f"Dense module {dense.path} takes {dense.config['in_features']} features, the layer before gives {width}")
            width = dense.config["out_features"]
    return width


def write_pipeline(pipeline: SentencePipeline, out: Path, *, hidden_size: int, max_length: int, prompts: dict[str, str]) -> None:
    """modules.json and each module's folder, config_sentence_transformers.json (prompts, similarity)
    and sentence_bert_config.json (max length), with the transformer at the top of `out`."""
    out = Path(out)
    modules = [{"idx": 0, "name": "0", "path": "", "type": MODULE_PREFIX + "Transformer"}]
    pooling = {**copy.deepcopy(pipeline.pooling_config), "word_embedding_dimension": hidden_size}
    (out / "1_Pooling").mkdir(parents=True, exist_ok=True)
    (out / "1_Pooling" / "config.json").write_text(json.dumps(pooling, indent=2) + "\n", encoding="utf-8")
    modules.append({"idx": 1, "name": "1", "path": "1_Pooling", "type": MODULE_PREFIX + "Pooling"})
    for kind, dense in pipeline.after_pooling:
        idx = len(modules)
        path = f"{idx}_{'Dense' if kind == 'dense' else 'Normalize'}"
        (out / path).mkdir(exist_ok=True)
        if dense is not None:
            (out / path / "config.json").write_text(json.dumps(dense.config, indent=2) + "\n", encoding="utf-8")
            tensors = {"linear.weight": dense.weight} | ({"linear.bias": dense.bias} if dense.bias is not None else {})
            write_safetensors(tensors, out / path / "model.safetensors")  # what Node reads (no torch pickle)
        modules.append({"idx": idx, "name": str(idx), "path": path, "type": MODULE_PREFIX + ("Dense" if kind == "dense" else "Normalize")})
    (out / MODULES_FILE).write_text(json.dumps(modules, indent=2) + "\n", encoding="utf-8")
    st_config = {**pipeline.st_config, "prompts": prompts}
    st_config.setdefault("default_prompt_name", None)
    (out / ST_CONFIG_FILE).write_text(json.dumps(st_config, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    sbert = {**pipeline.sbert_config, "max_seq_length": max_length}
    sbert.setdefault("do_lower_case", False)
    (out / SBERT_CONFIG_FILE).write_text(json.dumps(sbert, indent=2) + "\n", encoding="utf-8")
