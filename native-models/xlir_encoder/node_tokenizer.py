"""Token ids from the engine's tokenizer (createHfTokenizer in Node), so that what Python
trains on or checks against is byte for byte what inference feeds the graph; and the XQuAD-R
texts exactly as the engine reads them, for checks against other tokenizers."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
ENCODE_SCRIPT = REPO_ROOT / "native-models" / "wordpiece" / "encode_texts.mjs"
XQUAD_R_SCRIPT = REPO_ROOT / "native-models" / "unigram" / "xquad_r_texts.mjs"


def run_node(script: Path, args: list[str] = (), stdin: str = "") -> str:
    # build/use-node.sh puts a Node that runs the project (>= 22.18) first on PATH.
    command = f'. "{REPO_ROOT}/build/use-node.sh" && exec node "$@"'
    result = subprocess.run(
        ["bash", "-c", command, "node", str(script), *args], input=stdin.encode("utf-8"), capture_output=True, cwd=REPO_ROOT, check=False
    )  # fmt: skip
    if result.returncode != 0:
        raise RuntimeError(
            f"{script.name} failed in Node (exit {result.returncode}); run `npm install` at {REPO_ROOT}.\n"
            + result.stderr.decode("utf-8", "replace")
        )
    return result.stdout.decode("utf-8")


def node_encode(tokenizer_path: Path, texts: list[str]) -> list[list[int]]:
    request = json.dumps({"tokenizer": str(Path(tokenizer_path).resolve()), "texts": texts}, ensure_ascii=False)
    ids = [json.loads(line) for line in run_node(ENCODE_SCRIPT, stdin=request).splitlines()]
    if len(ids) != len(texts):
        raise RuntimeError(f"Node returned {len(ids)} token lists for {len(texts)} texts")
    return ids


def node_xquad_r_texts(data_dir: Path) -> dict[str, list[str]]:
    """Every XQuAD-R question, then every candidate, per language, as the engine reads them."""
    return json.loads(run_node(XQUAD_R_SCRIPT, [str(Path(data_dir).resolve())]))
