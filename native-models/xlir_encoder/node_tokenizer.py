"""Token ids from the engine's tokenizer (@huggingface/tokenizers in Node), so that what Python
trains on or checks against is byte for byte what inference feeds the graph."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
SCRIPT = REPO_ROOT / "native-models" / "wordpiece" / "encode_texts.mjs"


def node_encode(tokenizer_path: Path, texts: list[str]) -> list[list[int]]:
    request = json.dumps({"tokenizer": str(Path(tokenizer_path).resolve()), "texts": texts}, ensure_ascii=False)
    # build/use-node.sh puts a Node that runs the project (>= 22.18) first on PATH.
    command = f'. "{REPO_ROOT}/build/use-node.sh" && exec node "{SCRIPT}"'
    result = subprocess.run(
        ["bash", "-c", command], input=request.encode("utf-8"), capture_output=True, cwd=REPO_ROOT, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"tokenizing with Node failed (exit {result.returncode}); run `npm install` at {REPO_ROOT}.\n"
            + result.stderr.decode("utf-8", "replace")
        )
    ids = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]
    if len(ids) != len(texts):
        raise RuntimeError(f"Node returned {len(ids)} token lists for {len(texts)} texts")
    return ids
