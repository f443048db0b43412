"""What export_hf writes, read by the engine's loader with no more than the export's own manifest
(name, family, checkpoint, licence, provenance): the engine finds the sentence_embedding output,
the prompts, the max length and the variants, and its vectors equal the numpy reference of the
source folder."""

import json

import numpy as np

from numpy_reference import sentence_embedding
from test_export_sentence_transformers import HIDDEN, TANH, TEXTS, cosines, export, make_folder, pooling_config
from xlir_encoder.node_tokenizer import REPO_ROOT, node_encode, run_node

ENGINE_VECTORS = REPO_ROOT / "native-models" / "tests" / "engine_vectors.mjs"


def engine(folder, texts, kind="passage"):
    return json.loads(run_node(ENGINE_VECTORS, stdin=json.dumps({"model": str(folder), "texts": texts, "kind": kind})))


def test_a_labse_like_export_runs_in_the_engine_with_the_reference_vectors(tmp_path):
    source = make_folder(tmp_path / "labse", pooling=pooling_config(cls_token=True), dense=[(HIDDEN, 12, TANH)], normalize=True, prompts={"query": "query: "}, prefix="bert.")
    out = export(source, tmp_path / "labse-hybrid")
    result = engine(out, TEXTS, kind="passage")
    manifest = result["manifest"]
    assert manifest["output"] == "sentence_embedding" and manifest["pooling"] == "none" and manifest["dimension"] == 12
    assert manifest["normalize"] is True and manifest["prefixes"] == {"query": "query: ", "passage": ""}
    assert manifest["checkpoint"] == "hybrid" and manifest["family"] == "labse"
    assert result["sources"]["maxLength"] == "sentence_bert_config.json max_seq_length"
    limit = manifest["maxLength"]
    # Truncated as the engine does: the first tokens and the final special token.
    ids = [row if len(row) <= limit else row[: limit - 1] + row[-1:] for row in node_encode(out / "tokenizer.json", TEXTS)]
    assert max(len(row) for row in node_encode(out / "tokenizer.json", TEXTS)) > limit  # truncation is part of what is compared
    reference = np.stack([sentence_embedding(source, row, weights_from=source) for row in ids])
    assert cosines(np.array(result["vectors"]), reference).min() >= 1 - 1e-5
