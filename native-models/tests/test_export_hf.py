import json

import onnx
import pytest
import torch

from export import export_hf
from xlir_encoder.architecture import Encoder, EncoderConfig
from xlir_encoder.hf_layout import load_hf_layout, read_safetensors, save_hf_layout
from xlir_encoder.tokenizer_json import wordpiece_tokenizer_json


@pytest.fixture()
def hf_checkpoint(tmp_path):
    torch.manual_seed(3)
    model = Encoder(EncoderConfig(vocab_size=30, hidden_size=16, num_layers=2, num_heads=2, intermediate_size=32, max_positions=20, dropout=0.0)).eval()
    tokenizer = tmp_path / "tokenizer.json"
    tokenizer.write_text(json.dumps(wordpiece_tokenizer_json(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "b"])))
    return model, save_hf_layout(model, tmp_path / "checkpoint", tokenizer)


def test_a_saved_checkpoint_uses_hugging_face_names_and_loads_back_identically(hf_checkpoint):
    model, folder = hf_checkpoint
    names = set(torch.load(folder / "pytorch_model.bin"))
    assert "encoder.layer.1.attention.self.query.weight" in names and "embeddings.LayerNorm.bias" in names
    assert json.loads((folder / "config.json").read_text())["model_type"] == "bert"
    ids = torch.tensor([[2, 5, 6, 3]])
    with torch.no_grad():
        assert torch.equal(load_hf_layout(folder)(ids, torch.ones_like(ids)), model(ids, torch.ones_like(ids)))


def test_export_of_a_training_checkpoint_needs_no_transformers(hf_checkpoint, tmp_path):
    # What train.train --hf-out writes: config.json, pytorch_model.bin, tokenizer.json; no sentence-transformers files.
    _, folder = hf_checkpoint
    out = tmp_path / "exported"
    export_hf.main(["--model", str(folder), "--out", str(out), "--checkpoint", "hybrid", "--prefixes", "Query: ", "Passage: "])
    manifest = json.loads((out / "manifest.json").read_text())
    assert set(manifest) == {"name", "family", "checkpoint", "licence", "provenance"}  # the rest is in the ecosystem's files
    assert manifest["checkpoint"] == "hybrid" and manifest["name"] == "exported"
    assert json.loads((out / "config_sentence_transformers.json").read_text())["prompts"] == {"query": "Query: ", "passage": "Passage: "}
    assert json.loads((out / "sentence_bert_config.json").read_text())["max_seq_length"] == 20  # the model's positions
    assert json.loads((out / "1_Pooling" / "config.json").read_text())["pooling_mode"] == "mean"
    graph = onnx.load(str(out / "model.onnx")).graph
    shapes = {o.name: [d.dim_param or d.dim_value for d in o.type.tensor_type.shape.dim] for o in graph.output}
    assert shapes == {"token_embeddings": ["batch", "sequence", 16], "sentence_embedding": ["batch", 16]}
    assert (out / "tokenizer.json").exists() and (out / "config.json").exists()


def test_argument_errors_are_reported_before_any_work(tmp_path, capsys):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("")
    for argv, message in [
        (["--model", "m", "--out", str(tmp_path / "o")], "--checkpoint"),
        (["--model", "m", "--out", str(tmp_path / "o"), "--checkpoint", "replica"], "invalid choice"),
        (["--model", "m", "--out", str(tmp_path / "full"), "--checkpoint", "baseline"], "not empty"),
        (["--model", str(tmp_path), "--out", str(tmp_path / "o"), "--checkpoint", "baseline"], "without config.json or modules.json"),
        (["--model", "m", "--out", str(tmp_path / "o"), "--checkpoint", "baseline", "--max-length", "1"], "2..8192"),
    ]:
        with pytest.raises(SystemExit):
            export_hf.parse_args(argv)
        assert message in capsys.readouterr().err


def test_a_hub_id_without_transformers_says_how_to_install_it(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(__import__("sys").modules, "transformers", None)
    with pytest.raises(SystemExit):
        export_hf.main(["--model", "intfloat/multilingual-e5-small", "--out", str(tmp_path / "o"), "--checkpoint", "baseline"])
    assert "transformers is not installed: pip install -r native-models/requirements.txt" in capsys.readouterr().err


def test_variants_without_their_packages_fail_with_the_package_to_install(hf_checkpoint, tmp_path, monkeypatch, capsys):
    _, folder = hf_checkpoint
    monkeypatch.setitem(__import__("sys").modules, "onnxruntime", None)
    monkeypatch.setitem(__import__("sys").modules, "onnxruntime.quantization", None)
    with pytest.raises(SystemExit):
        export_hf.main(["--model", str(folder), "--out", str(tmp_path / "o"), "--checkpoint", "baseline", "--int8"])
    assert "pip install onnxruntime" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_safetensors_are_read_including_bfloat16(tmp_path):
    import struct

    values = torch.tensor([1.5, -2.0, 3.25])
    bf16 = (values.view(torch.int32) >> 16).to(torch.int16).numpy().tobytes()
    f32 = values.numpy().tobytes()
    header = json.dumps({"a": {"dtype": "F32", "shape": [3], "data_offsets": [0, 12]},
                         "b": {"dtype": "BF16", "shape": [3], "data_offsets": [12, 18]}}).encode()  # fmt: skip
    path = tmp_path / "model.safetensors"
    path.write_bytes(struct.pack("<Q", len(header)) + header + f32 + bf16)
    tensors = read_safetensors(path)
    assert tensors["a"].tolist() == [1.5, -2.0, 3.25] and tensors["b"].tolist() == [1.5, -2.0, 3.25]
