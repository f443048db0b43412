"""The export of sentence-transformers folders: the exported graph's vectors against a numpy
reference forward pass of the source folder (cosine within 1e-5), the files the engine's loader
reads, and the refusals. The checkpoints are tiny random-weight folders in the Hugging Face layout,
built here."""

import json
import struct
import sys
from pathlib import Path

import numpy as np
import onnx
import pytest
import torch

from export import export_hf
from xlir_encoder.node_tokenizer import REPO_ROOT, node_encode, run_node
from xlir_encoder.tokenizer_json import wordpiece_tokenizer_json

from numpy_reference import sentence_embedding, token_states

RUN_GRAPH = REPO_ROOT / "native-models" / "export" / "run_graph.mjs"
UNIGRAM_TOKENIZER = REPO_ROOT / "test" / "fixtures" / "xlmr-unigram" / "tokenizer.json"
TEXTS = ["What is the capital of France?", "Paris is the capital and largest city of France.", "ما الذي قد تتطلبه مدرسةٌ خاصَّةٌ؟", "Привет", "a"]
ST = "sentence_transformers.models."
TANH, IDENTITY, RELU = "torch.nn.modules.activation.Tanh", "torch.nn.modules.linear.Identity", "torch.nn.modules.activation.ReLU"
HIDDEN = 16


def bert_vocab() -> list[str]:
    letters = sorted(set("".join(TEXTS).lower() + "abcdefghijklmnopqrstuvwxyz?.,:") - {" "})
    return ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + letters + ["##" + c for c in letters] + ["query", "passage", "the"]


def random_encoder(rng: np.random.Generator, model_type: str, vocab_size: int, prefix: str = "") -> tuple[dict, dict[str, torch.Tensor]]:
    """config.json and weights with Hugging Face's parameter names (not produced by native-models' encoder)."""
    pad = 1 if model_type == "xlm-roberta" else 0
    positions = 40 + (pad + 1 if model_type == "xlm-roberta" else 0)
    config = {
        "model_type": model_type, "architectures": ["XLMRobertaModel" if pad else "BertModel"], "vocab_size": vocab_size,
        "hidden_size": HIDDEN, "num_hidden_layers": 2, "num_attention_heads": 2, "intermediate_size": 32,
        "max_position_embeddings": positions, "type_vocab_size": 1 if pad else 2, "pad_token_id": pad,
        "layer_norm_eps": 1e-5 if pad else 1e-12, "hidden_act": "gelu", "position_embedding_type": "absolute",
    }  # fmt: skip
    shapes = {
        "embeddings.word_embeddings.weight": (vocab_size, HIDDEN), "embeddings.position_embeddings.weight": (positions, HIDDEN),
        "embeddings.token_type_embeddings.weight": (config["type_vocab_size"], HIDDEN), "pooler.dense.weight": (HIDDEN, HIDDEN), "pooler.dense.bias": (HIDDEN,),
    }  # fmt: skip
    for i in range(2):
        for name, (out, inp) in {"attention.self.query": (16, 16), "attention.self.key": (16, 16), "attention.self.value": (16, 16),
                                 "attention.output.dense": (16, 16), "intermediate.dense": (32, 16), "output.dense": (16, 32)}.items():  # fmt: skip
            shapes[f"encoder.layer.{i}.{name}.weight"], shapes[f"encoder.layer.{i}.{name}.bias"] = (out, inp), (out,)
    weights = {name: torch.tensor(rng.normal(0, 0.3, shape), dtype=torch.float32) for name, shape in shapes.items()}
    for norm in ["embeddings.LayerNorm"] + [f"encoder.layer.{i}.{n}.LayerNorm" for i in range(2) for n in ("attention.output", "output")]:
        weights[f"{norm}.weight"] = torch.tensor(1 + rng.normal(0, 0.1, HIDDEN), dtype=torch.float32)
        weights[f"{norm}.bias"] = torch.tensor(rng.normal(0, 0.1, HIDDEN), dtype=torch.float32)
    return config, {prefix + name: value for name, value in weights.items()}


def save_safetensors(tensors: dict[str, torch.Tensor], path: Path) -> None:
    """Written here rather than with native-models' writer, which the exporter uses."""
    header, blobs, offset = {}, [], 0
    for name, tensor in tensors.items():
        blob = tensor.numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensor.shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    encoded = json.dumps(header).encode()
    path.write_bytes(struct.pack("<Q", len(encoded)) + encoded + b"".join(blobs))


def pooling_config(**modes: bool) -> dict:
    flags = ("cls_token", "mean_tokens", "max_tokens", "mean_sqrt_len_tokens", "weightedmean_tokens", "lasttoken")
    return {"word_embedding_dimension": HIDDEN, **{f"pooling_mode_{f}": modes.get(f, False) for f in flags}, "include_prompt": modes.get("include_prompt", True)}


def make_folder(root: Path, *, model_type="bert", pooling: dict, dense: list[tuple[int, int, str]] = (), normalize=False, prompts=None,
                weights_file="model.safetensors", dense_file="model.safetensors", prefix="", max_seq_length=None, seed=0) -> Path:  # fmt: skip
    """A sentence-transformers folder as SentenceTransformer.save writes it."""
    rng = np.random.default_rng(seed)
    root.mkdir(parents=True)
    if model_type == "bert":
        (root / "tokenizer.json").write_text(json.dumps(wordpiece_tokenizer_json(bert_vocab())), encoding="utf-8")
        vocab_size = len(bert_vocab())
    else:
        (root / "tokenizer.json").write_bytes(UNIGRAM_TOKENIZER.read_bytes())
        vocab_size = len(json.loads(UNIGRAM_TOKENIZER.read_text(encoding="utf-8"))["model"]["vocab"])
    config, weights = random_encoder(rng, model_type, vocab_size, prefix)
    (root / "config.json").write_text(json.dumps(config))
    if weights_file == "model.safetensors":
        save_safetensors(weights, root / weights_file)
    else:
        torch.save(weights, root / weights_file)
    modules = [{"idx": 0, "name": "0", "path": "", "type": ST + "Transformer"}, {"idx": 1, "name": "1", "path": "1_Pooling", "type": ST + "Pooling"}]
    (root / "1_Pooling").mkdir()
    (root / "1_Pooling" / "config.json").write_text(json.dumps(pooling))
    for in_features, out_features, activation in dense:
        path = f"{len(modules)}_Dense"
        (root / path).mkdir()
        (root / path / "config.json").write_text(json.dumps({"in_features": in_features, "out_features": out_features, "bias": True, "activation_function": activation}))
        layer = {"linear.weight": torch.tensor(rng.normal(0, 0.3, (out_features, in_features)), dtype=torch.float32),
                 "linear.bias": torch.tensor(rng.normal(0, 0.1, out_features), dtype=torch.float32)}  # fmt: skip
        save_safetensors(layer, root / path / dense_file) if dense_file == "model.safetensors" else torch.save(layer, root / path / dense_file)
        modules.append({"idx": len(modules), "name": str(len(modules)), "path": path, "type": ST + "Dense"})
    if normalize:
        path = f"{len(modules)}_Normalize"
        (root / path).mkdir()
        modules.append({"idx": len(modules), "name": str(len(modules)), "path": path, "type": ST + "Normalize"})
    (root / "modules.json").write_text(json.dumps(modules))
    (root / "config_sentence_transformers.json").write_text(json.dumps({"prompts": prompts or {}, "default_prompt_name": None, "similarity_fn_name": "cosine"}))
    (root / "sentence_bert_config.json").write_text(json.dumps({"max_seq_length": max_seq_length or 32, "do_lower_case": False}))
    return root


def run_graph(folder: Path, ids: list[list[int]]) -> dict[str, np.ndarray]:
    pad = json.loads((folder / "config.json").read_text())["pad_token_id"]
    outputs = json.loads(run_node(RUN_GRAPH, stdin=json.dumps({"model": str(folder / "model.onnx"), "ids": ids, "pad": pad})))
    return {name: np.array(o["data"], dtype=np.float64).reshape(o["dims"]) for name, o in outputs.items()}


def export(source: Path, out: Path, *extra: str) -> Path:
    export_hf.main(["--model", str(source), "--out", str(out), "--checkpoint", "hybrid", *extra])
    return out


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


def assert_matches_reference(source: Path, exported: Path, texts: list[str], modules_from: Path | None = None) -> np.ndarray:
    """Exported vectors (one padded batch through onnxruntime) against the numpy reference (row by
    row) of the source's modules, or of `modules_from`'s with the source's transformer."""
    limit = json.loads((exported / "sentence_bert_config.json").read_text())["max_seq_length"]
    # Truncated as the engine and sentence-transformers do: the first tokens and the final special token.
    ids = [row if len(row) <= limit else row[: limit - 1] + row[-1:] for row in node_encode(exported / "tokenizer.json", texts)]
    assert max(len(row) for row in ids) > 2 * min(len(row) for row in ids)  # the batch is padded
    outputs = run_graph(exported, ids)
    reference = np.stack([sentence_embedding(modules_from or source, row, weights_from=source) for row in ids])
    assert outputs["sentence_embedding"].shape == reference.shape
    similarity = cosines(outputs["sentence_embedding"], reference)
    assert similarity.min() >= 1 - 1e-5, similarity
    tokens = outputs["token_embeddings"]
    for i, row in enumerate(ids):
        assert np.abs(tokens[i, : len(row)] - token_states(source, row)).max() < 1e-3
    return similarity


def test_labse_like_cls_dense_tanh_normalize_matches_the_reference(tmp_path, capsys):
    # LaBSE: BERT, CLS pooling, Dense with tanh (weights in an old pytorch_model.bin), Normalize.
    source = make_folder(tmp_path / "labse", pooling=pooling_config(cls_token=True), dense=[(HIDDEN, 12, TANH)], normalize=True, dense_file="pytorch_model.bin", prefix="bert.")
    out = export(source, tmp_path / "out")
    assert_matches_reference(source, out, TEXTS)
    assert "cls pooling, then Dense 16→12 Tanh, normalize" in capsys.readouterr().out
    modules = [m["type"].split(".")[-1] for m in json.loads((out / "modules.json").read_text())]
    assert modules == ["Transformer", "Pooling", "Dense", "Normalize"]
    widths = {o.name: [d.dim_param or d.dim_value for d in o.type.tensor_type.shape.dim] for o in onnx.load(str(out / "model.onnx")).graph.output}
    assert widths == {"token_embeddings": ["batch", "sequence", HIDDEN], "sentence_embedding": ["batch", 12]}  # a loader reads the width here
    # The Dense weights travel as safetensors (the engine's loader reads no torch pickle).
    assert (out / "2_Dense" / "model.safetensors").exists() and not (out / "2_Dense" / "pytorch_model.bin").exists()
    assert json.loads((out / "manifest.json").read_text()) == {
        "name": "out", "family": "labse", "checkpoint": "hybrid", "licence": f"see the model card of {source}",
        "provenance": f"exported from {source} by native-models/export/export_hf.py, the transformer rebuilt by native-models' own encoder",
    }  # fmt: skip


def test_xlm_r_mean_pooling_matches_the_reference(tmp_path):
    source = make_folder(tmp_path / "xlmr", model_type="xlm-roberta", pooling=pooling_config(mean_tokens=True), weights_file="pytorch_model.bin", prefix="roberta.", seed=1)
    out = export(source, tmp_path / "out")
    assert_matches_reference(source, out, TEXTS)
    sbert = json.loads((out / "sentence_bert_config.json").read_text())
    assert sbert["max_seq_length"] == 32 and json.loads((out / "config.json").read_text())["model_type"] == "xlm-roberta"


def test_prompts_are_kept_where_the_loader_reads_them_and_prompted_vectors_match(tmp_path):
    prompts = {"query": "query: ", "passage": "passage: "}
    source = make_folder(tmp_path / "e5", pooling=pooling_config(mean_tokens=True), normalize=True, prompts=prompts, max_seq_length=24, seed=2)
    out = export(source, tmp_path / "out")
    written = json.loads((out / "config_sentence_transformers.json").read_text())
    assert written["prompts"] == prompts and written["similarity_fn_name"] == "cosine"
    assert json.loads((out / "sentence_bert_config.json").read_text())["max_seq_length"] == 24
    # The engine puts the prompt before each text, as SentenceTransformer.encode(prompt_name=...) does.
    assert_matches_reference(source, out, [written["prompts"]["query"] + t for t in TEXTS[:2]] + [written["prompts"]["passage"] + t for t in TEXTS[1:]])


def test_every_pooling_mode_and_a_relu_dense_layer_match_the_reference(tmp_path):
    modes = dict(cls_token=True, max_tokens=True, mean_sqrt_len_tokens=True, weightedmean_tokens=True, lasttoken=True)
    source = make_folder(tmp_path / "pool", pooling=pooling_config(**modes), dense=[(5 * HIDDEN, 8, RELU), (8, 6, IDENTITY)], seed=3)
    assert_matches_reference(source, export(source, tmp_path / "out"), TEXTS)


def test_a_plain_checkpoint_gets_the_pooling_and_prompts_it_is_given(tmp_path):
    source = make_folder(tmp_path / "plain", pooling=pooling_config(mean_tokens=True))
    for name in ("modules.json", "config_sentence_transformers.json", "sentence_bert_config.json"):
        (source / name).unlink()
    out = export(source, tmp_path / "out", "--pooling", "cls", "--no-normalize", "--prefixes", "Q: ", "P: ", "--max-length", "20")
    assert json.loads((out / "1_Pooling" / "config.json").read_text())["pooling_mode"] == "cls"
    assert [m["type"].split(".")[-1] for m in json.loads((out / "modules.json").read_text())] == ["Transformer", "Pooling"]
    written = json.loads((out / "config_sentence_transformers.json").read_text())
    assert written["prompts"] == {"query": "Q: ", "passage": "P: "} and written["similarity_fn_name"] == "dot"
    assert json.loads((out / "sentence_bert_config.json").read_text())["max_seq_length"] == 20
    assert_matches_reference(source, out, TEXTS, modules_from=out)  # the written modules describe what the graph computes


def refusal(tmp_path, capsys, source: Path, *extra: str) -> str:
    with pytest.raises(SystemExit):
        export(source, tmp_path / "refused", *extra)
    assert not (tmp_path / "refused").exists()
    return capsys.readouterr().err


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda f: (f / "modules.json").write_text(json.dumps(json.loads((f / "modules.json").read_text()) + [{"path": "3_LSTM", "type": ST + "LSTM"}])),
         "lists sentence_transformers.models.LSTM at '3_LSTM': this export reproduces Transformer, Pooling, Dense and Normalize modules only"),
        (lambda f: (f / "2_Dense" / "config.json").write_text(json.dumps({"in_features": 16, "out_features": 12, "activation_function": "torch.nn.modules.activation.Softmax"})),
         "activation torch.nn.modules.activation.Softmax is not one this export reproduces"),
        (lambda f: (f / "1_Pooling" / "config.json").write_text(json.dumps(pooling_config(mean_tokens=True, include_prompt=False))),
         "the exported graph cannot tell prompt tokens from text tokens"),
        (lambda f: (f / "config_sentence_transformers.json").write_text(json.dumps({"prompts": {"query": "q: "}, "similarity_fn_name": "euclidean"})),
         "similarity_fn_name 'euclidean'; the benchmark ranks by inner product"),
        (lambda f: ((f / "sentence_bert_config.json").write_text(json.dumps({"max_seq_length": 32, "do_lower_case": True})),
                    (f / "tokenizer.json").write_text(json.dumps({**json.loads((f / "tokenizer.json").read_text()), "normalizer": {"type": "NFKC"}}))),
         "lowercases the text (do_lower_case) and tokenizer.json does not"),
        (lambda f: (f / "model.safetensors.index.json").write_text("{}"), "the weights are sharded"),
        (lambda f: (f / "config.json").write_text(json.dumps({**json.loads((f / "config.json").read_text()), "position_embedding_type": "relative_key"})),
         "position_embedding_type 'relative_key' (only absolute positions are rebuilt here)"),
        (lambda f: (f / "config.json").write_text(json.dumps({**json.loads((f / "config.json").read_text()), "hidden_act": "gelu_new"})),
         "hidden_act 'gelu_new' (only the erf GELU"),
    ],
    ids=["unknown module", "dense activation", "include_prompt", "similarity", "do_lower_case", "sharded", "relative positions", "gelu_new"],
)
def test_what_the_graph_cannot_reproduce_is_refused_with_the_reason(tmp_path, capsys, edit, message):
    source = make_folder(tmp_path / "src", pooling=pooling_config(cls_token=True), dense=[(HIDDEN, 12, TANH)], normalize=True, prompts={"query": "q: "})
    edit(source)
    assert message in refusal(tmp_path, capsys, source, "--via", "native")


def test_without_transformers_the_transformers_path_says_how_to_install_it(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "transformers", None)
    source = make_folder(tmp_path / "src", pooling=pooling_config(mean_tokens=True))
    assert export_hf.TRANSFORMERS_MISSING in refusal(tmp_path, capsys, source, "--via", "transformers")
    # An architecture native-models does not rebuild goes to transformers by default, and says why.
    (source / "config.json").write_text(json.dumps({**json.loads((source / "config.json").read_text()), "model_type": "deberta-v2"}))
    err = refusal(tmp_path, capsys, source)
    assert "model_type 'deberta-v2' is not bert / xlm-roberta / roberta" in err and export_hf.TRANSFORMERS_MISSING in err


def test_pooling_options_are_refused_for_a_folder_whose_modules_set_them(tmp_path, capsys):
    source = make_folder(tmp_path / "src", pooling=pooling_config(mean_tokens=True))
    assert "--pooling and --no-normalize are for checkpoints without it" in refusal(tmp_path, capsys, source, "--pooling", "cls")
