import json
import subprocess
from pathlib import Path

import onnx
import pytest
import torch

from xlir_encoder.architecture import Encoder, EncoderConfig, mean_pool
from xlir_encoder.model_folder import build_manifest
from xlir_encoder.node_tokenizer import REPO_ROOT
from xlir_encoder.onnx_export import export_onnx

CHECK_SCRIPT = REPO_ROOT / "native-models" / "xlir_encoder" / "check_model_folder.mjs"
COMMITTED_FOLDERS = [
    REPO_ROOT / "test" / "fixtures" / "tiny-encoder",
    REPO_ROOT / "native-models" / "default" / "xlir-bridge-baseline",
    REPO_ROOT / "native-models" / "default" / "xlir-bridge-hybrid",
]


def small(**overrides) -> EncoderConfig:
    values = dict(vocab_size=50, hidden_size=16, num_layers=2, num_heads=2, intermediate_size=32, max_positions=40, dropout=0.0)
    return EncoderConfig(**{**values, **overrides})


def test_padding_changes_no_real_token_state():
    torch.manual_seed(0)
    for config in (small(), small(position_style="padding_offset", pad_token_id=1, max_positions=42)):
        model = Encoder(config).eval()
        pad = config.pad_token_id
        ids = torch.tensor([[5, 6, 7, 8, pad, pad]])
        with torch.no_grad():
            padded = model(ids, (ids != pad).long())[0, :4]
            alone = model(ids[:, :4], torch.ones(1, 4, dtype=torch.long))[0]
        assert torch.allclose(padded, alone, atol=1e-5)


def test_xlm_r_positions_count_from_the_padding_index():
    model = Encoder(small(position_style="padding_offset", pad_token_id=1, max_positions=42))
    ids = torch.tensor([[0, 9, 9, 2, 1, 1]])
    # create_position_ids_from_input_ids: non-pad tokens get padding_idx + 1, + 2, …; pads get padding_idx.
    assert model.embeddings.position_ids_for(ids).tolist() == [[2, 3, 4, 5, 1, 1]]


def test_mean_pool_ignores_padding():
    hidden = torch.tensor([[[1.0, 2.0], [3.0, 4.0], [100.0, 100.0]]])
    assert mean_pool(hidden, torch.tensor([[1, 1, 0]])).tolist() == [[2.0, 3.0]]


def test_export_has_dynamic_int64_inputs_and_the_hidden_state_output(tmp_path):
    path = export_onnx(Encoder(small()), tmp_path / "model.onnx")
    graph = onnx.load(str(path)).graph
    inputs = {i.name: i.type.tensor_type for i in graph.input}
    assert set(inputs) == {"input_ids", "attention_mask"}
    for tensor_type in inputs.values():
        assert tensor_type.elem_type == onnx.TensorProto.INT64
        assert [d.dim_param for d in tensor_type.shape.dim] == ["batch", "sequence"]
    (output,) = graph.output
    assert output.name == "last_hidden_state"
    assert [d.dim_param or d.dim_value for d in output.type.tensor_type.shape.dim] == ["batch", "sequence", 16]
    assert onnx.load(str(path)).opset_import[0].version == 14


def test_a_sentence_head_exports_one_vector_per_row(tmp_path):
    graph = onnx.load(str(export_onnx(Encoder(small(sentence_head="cls_dense_tanh")), tmp_path / "m.onnx"))).graph
    (output,) = graph.output
    assert output.name == "sentence_embedding"
    assert [d.dim_param or d.dim_value for d in output.type.tensor_type.shape.dim] == ["batch", 16]


def test_manifest_checks_catch_mistakes_early():
    good = dict(name="m", family="f", checkpoint="replica", pooling="mean", normalize=True, max_length=8,
                output="last_hidden_state", dimension=4, licence="l", provenance="p")  # fmt: skip
    assert build_manifest(**good)["maxLength"] == 8
    with pytest.raises(ValueError, match="pooling"):
        build_manifest(**{**good, "pooling": "none"})
    with pytest.raises(ValueError, match="name"):
        build_manifest(**{**good, "name": "a b"})


@pytest.mark.parametrize("folder", COMMITTED_FOLDERS, ids=lambda p: p.name)
def test_committed_model_folders_give_torch_vectors_in_onnxruntime_node(folder):
    reference = next((folder / n for n in ("expected.json", "reference.json") if (folder / n).exists()), None)
    if reference is None:
        pytest.skip(f"{folder} has no reference vectors yet")
    command = f'. "{REPO_ROOT}/build/use-node.sh" && node "{CHECK_SCRIPT}" "{folder}" "{reference}"'
    result = subprocess.run(["bash", "-c", command], capture_output=True, text=True, cwd=REPO_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["problems"] == [] and summary["maxAbsDiff"] < 1e-4
