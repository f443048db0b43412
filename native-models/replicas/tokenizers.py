"""The tokenizer a replica ships with: the real one from the Hugging Face Hub, a file the user gives,
or (offline, on request) a stand-in whose token counts differ from the real model's."""

from __future__ import annotations

import copy
import json
import urllib.error
import urllib.request
from pathlib import Path

from .configs import ReplicaSpec

HUB_URL = "https://huggingface.co/{hub_id}/resolve/main/tokenizer.json"
STAND_IN = Path(__file__).resolve().parents[2] / "main" / "engine" / "replicas" / "stand-in-tokenizer" / "tokenizer.json"  # the engine's own stand-in


class TokenizerUnavailable(RuntimeError):
    pass


def download_tokenizer(spec: ReplicaSpec, timeout_s: float = 60.0) -> str:
    url = HUB_URL.format(hub_id=spec.hub_id)
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as response:  # noqa: S310 (fixed https URL)
            text = response.read().decode("utf-8")
    except (urllib.error.URLError, TimeoutError, OSError) as err:
        raise TokenizerUnavailable(
            f"could not download {url} ({err}). Offline? Pass --tokenizer PATH (the model's tokenizer.json), "
            "or --offline-tokenizer for a stand-in whose token counts differ from the real model's."
        ) from err
    json.loads(text)  # a proxy's HTML error page must not become tokenizer.json
    return text


def remap_special_ids(tokenizer: dict, targets: dict[str, int]) -> dict:
    """Renumbers a WordPiece tokenizer.json so its special tokens get `targets` ids (the real model's
    <s>/<pad>/</s>/<unk> or [CLS]/[PAD]/…), swapping with whatever token held each id."""
    result = copy.deepcopy(tokenizer)
    vocab: dict[str, int] = result["model"]["vocab"]
    by_id = {i: t for t, i in vocab.items()}
    for token, target in targets.items():
        if target >= len(vocab):
            # Beyond the stand-in vocabulary: append so ids stay contiguous up to the target.
            for filler in range(len(vocab), target + 1):
                name = f"[unused{filler}]"
                vocab[name], by_id[filler] = filler, name
        current, displaced = vocab[token], by_id[target]
        vocab[token], vocab[displaced] = target, current
        by_id[target], by_id[current] = token, displaced
    for added in result["added_tokens"]:
        added["id"] = vocab[added["content"]]
    for entry in result["post_processor"]["special_tokens"].values():
        entry["ids"] = [vocab[t] for t in entry["tokens"]]
    return result


def stand_in_tokenizer(spec: ReplicaSpec) -> str:
    if not STAND_IN.exists():
        raise TokenizerUnavailable(f"the stand-in tokenizer {STAND_IN} is missing: it is part of the repository, restore it with git")
    tokenizer = remap_special_ids(json.loads(STAND_IN.read_text(encoding="utf-8")), spec.special_ids)
    if len(tokenizer["model"]["vocab"]) > spec.encoder.vocab_size:
        raise TokenizerUnavailable(f"stand-in vocabulary is larger than {spec.hub_id}'s")
    return json.dumps(tokenizer, ensure_ascii=False, separators=(",", ":")) + "\n"


def replica_tokenizer(spec: ReplicaSpec, tokenizer_path: Path | None, offline_stand_in: bool) -> tuple[str, str]:
    """Returns (tokenizer.json text, where it came from, for the manifest's provenance)."""
    if tokenizer_path is not None:
        text = Path(tokenizer_path).read_text(encoding="utf-8")
        json.loads(text)
        return text, f"tokenizer.json from {tokenizer_path} (given with --tokenizer)"
    if offline_stand_in:
        return stand_in_tokenizer(spec), (
            "STAND-IN tokenizer (XLIR Bench's 14,000-token WordPiece, special ids moved to the real model's): "
            f"token counts per text differ from {spec.hub_id}'s, so latency per query does too. "
            f"Replace tokenizer.json with {HUB_URL.format(hub_id=spec.hub_id)} for faithful token counts"
        )
    return download_tokenizer(spec), f"tokenizer.json from {HUB_URL.format(hub_id=spec.hub_id)}"
