import json
from dataclasses import replace

import onnx
import pytest

from replicas import tokenizers as replica_tokenizers
from replicas.configs import REPLICAS, find_replica
from replicas.generate import generate_replica
from replicas.tokenizers import TokenizerUnavailable, remap_special_ids, replica_tokenizer
from xlir_encoder.architecture import Encoder, EncoderConfig, parameter_count
from xlir_encoder.tokenizer_json import wordpiece_tokenizer_json


def test_every_replica_is_found_by_hub_id_or_short_name():
    for spec in REPLICAS.values():
        assert find_replica(spec.hub_id) is spec
        assert find_replica(spec.hub_id.split("/")[-1].upper()) is spec
    with pytest.raises(KeyError, match="unknown replica"):
        find_replica("bert-base-uncased")


def test_the_xlm_r_base_replica_has_the_parameter_count_of_xlm_roberta_model():
    model = Encoder(find_replica("xlm-roberta-base").encoder)
    pooler = 768 * 768 + 768  # XLMRobertaModel's pooler, unused by sentence encoders and not rebuilt
    assert parameter_count(model) + pooler == 278_043_648


def test_special_ids_move_to_the_real_models_ids_and_the_vocabulary_stays_contiguous():
    base = wordpiece_tokenizer_json(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "b"])
    remapped = remap_special_ids(base, {"[CLS]": 0, "[PAD]": 1, "[SEP]": 2, "[UNK]": 3})
    vocab = remapped["model"]["vocab"]
    assert [vocab[t] for t in ("[CLS]", "[PAD]", "[SEP]", "[UNK]")] == [0, 1, 2, 3]
    assert sorted(vocab.values()) == list(range(len(vocab)))
    assert {a["content"]: a["id"] for a in remapped["added_tokens"]}["[PAD]"] == 1
    assert remapped["post_processor"]["special_tokens"]["[SEP]"]["ids"] == [2]
    far = remap_special_ids(base, {"[CLS]": 9})["model"]["vocab"]
    assert far["[CLS]"] == 9 and sorted(far.values()) == list(range(len(far)))


def test_offline_without_a_tokenizer_fails_clearly(monkeypatch):
    def no_network(*args, **kwargs):
        raise OSError("network unreachable")

    monkeypatch.setattr(replica_tokenizers.urllib.request, "urlopen", no_network)
    with pytest.raises(TokenizerUnavailable, match="--tokenizer PATH.*--offline-tokenizer"):
        replica_tokenizer(find_replica("xlm-roberta-base"), None, offline_stand_in=False)


def test_the_stand_in_says_so_in_the_provenance():
    spec = find_replica("intfloat/multilingual-e5-small")
    text, source = replica_tokenizer(spec, None, offline_stand_in=True)
    assert "STAND-IN" in source and "differ" in source
    assert json.loads(text)["model"]["vocab"]["[PAD]"] == 1


def test_a_replica_folder_has_the_real_graph_shape_and_a_replica_manifest(tmp_path):
    spec = find_replica("sentence-transformers/LaBSE")
    tiny = replace(spec, encoder=replace(spec.encoder, vocab_size=40, hidden_size=16, num_layers=1, num_heads=2, intermediate_size=32, max_positions=300))
    tokenizer = json.dumps(wordpiece_tokenizer_json(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a"]))
    folder, manifest = generate_replica(tiny, tmp_path, tokenizer, "test tokenizer")
    assert folder == tmp_path / "labse-replica"
    assert manifest["checkpoint"] == "replica" and manifest["pooling"] == "none" and manifest["output"] == "sentence_embedding"
    assert "random weights" in manifest["provenance"] and manifest["maxLength"] == 256
    graph = onnx.load(str(folder / "model.onnx")).graph
    ops = {node.op_type for node in graph.node}
    assert {"Tanh", "Erf", "Softmax", "Gather"} <= ops  # CLS dense tanh head, erf GELU, attention


def test_xlm_r_style_replicas_keep_the_padding_offset_position_ops(tmp_path):
    spec = find_replica("xlm-roberta-base")
    tiny = replace(spec, encoder=replace(spec.encoder, vocab_size=40, hidden_size=16, num_layers=1, num_heads=2, intermediate_size=32), max_length=64)
    tokenizer = json.dumps(wordpiece_tokenizer_json(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a"]))
    folder, _ = generate_replica(tiny, tmp_path, tokenizer, "test")
    assert "CumSum" in {node.op_type for node in onnx.load(str(folder / "model.onnx")).graph.node}


def test_configs_are_the_published_ones():
    # Values from the config.json files cited in replicas/configs.py.
    expected = {
        "xlm-roberta-base": (250002, 768, 12, 12, 3072, 514),
        "labse": (501153, 768, 12, 12, 3072, 512),
        "paraphrase-multilingual-minilm-l12-v2": (250037, 384, 12, 12, 1536, 512),
        "multilingual-e5-small": (250037, 384, 12, 12, 1536, 512),
    }
    for key, values in expected.items():
        c: EncoderConfig = REPLICAS[key].encoder
        assert (c.vocab_size, c.hidden_size, c.num_layers, c.num_heads, c.intermediate_size, c.max_positions) == values
