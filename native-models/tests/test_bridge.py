"""The dictionary-bridge encoder (native-models/bridge): its pre-tokenizer agrees with the engine's
tokenizer, its vectors are the weighted trigram sums the module documents (checked against a plain
dict computation), and the exported folder runs in the engine with the same vectors."""

import json
import math
import random

import numpy as np
import torch

from bridge.model import BridgeEncoder, bucket, trigrams
from bridge.vocabulary import MAX_CHARS_PER_WORD, Vocabulary, in_unspaced_script, inverse_document_frequency, pre_tokenize
from xlir_encoder.model_folder import build_manifest, write_manifest
from xlir_encoder.node_tokenizer import REPO_ROOT, node_encode, run_node
from xlir_encoder.onnx_export import SENTENCE_OUTPUT
from xlir_encoder.tokenizer_json import CONTINUATION_PREFIX, SPECIAL_TOKENS, write_tokenizer_json

ENGINE_VECTORS = REPO_ROOT / "native-models" / "tests" / "engine_vectors.mjs"
TEXTS = [
    "Wie viele Punkte gab die Verteidigung der Panthers ab?",
    "The Panthers' defense gave up just 308 points.",
    "我们明天去北京。",
    "เขาไปโรงเรียน ทุกวัน",
    "والكتاب على الطاولة",
    "Η Αθήνα είναι η ΠΡΩΤΕΥΟΥΣΑ!",
]


def small_vocabulary(words: list[str], seed: int = 0) -> Vocabulary:
    """Every word and character of TEXTS (characters also as continuations), random concepts."""
    rng = random.Random(seed)
    chars = sorted({c for w in words for c in w})
    tokens = list(SPECIAL_TOKENS) + sorted(set(words) | set(chars) | {CONTINUATION_PREFIX + c for c in chars})
    concepts, idf = [], []
    for token in tokens:
        if token in SPECIAL_TOKENS:
            concepts.append([]), idf.append(0.0)
            continue
        own = [(f"={token}", 1.0)]
        translations = [(f"={rng.choice(words)}", rng.random()) for _ in range(rng.randrange(4))]
        concepts.append(own + translations)
        idf.append(rng.uniform(0.1, 1.0))
    return Vocabulary(tokens, concepts, idf)


def words_of(texts: list[str]) -> list[str]:
    return sorted({w for t in texts for w in pre_tokenize(t)})


def test_pre_tokenize_splits_as_the_engine_tokenizer_does(tmp_path):
    words = words_of(TEXTS)
    path = write_tokenizer_json(small_vocabulary(words).tokens, tmp_path / "tokenizer.json", split_chinese=False, max_chars_per_word=MAX_CHARS_PER_WORD)
    tokens = small_vocabulary(words).tokens
    for text, ids in zip(TEXTS, node_encode(path, TEXTS)):
        # Every word is in the vocabulary, so the engine's tokens are exactly the pre-tokenizer's words.
        assert [tokens[i] for i in ids[1:-1]] == pre_tokenize(text), text
    # Lowercased, accents kept, a Chinese run whole, punctuation on its own.
    assert {"我们明天去北京", "panthers", "'", "αθήνα", "πρωτευουσα"} <= set(words)


def reference_vector(vocabulary: Vocabulary, model: BridgeEncoder, ids: list[int]) -> np.ndarray:
    """The documented sum, computed with dicts: Σ tokens Σ concepts weight × trigram one-hots / √trigrams."""
    out = np.zeros(model.config.dimension)
    for token in ids:
        for slot, (concept, _) in enumerate(vocabulary.concepts[token][: model.config.concepts_per_token]):
            grams = trigrams(concept[1:])[: model.config.trigrams_per_concept]
            for gram in grams:
                out[bucket(gram, model.config.dimension)] += float(model.token_weights[token, slot]) / math.sqrt(len(grams))
    return out


def test_vectors_are_the_weighted_trigram_sums_and_padding_adds_nothing():
    vocabulary = small_vocabulary(words_of(TEXTS), seed=3)
    model = BridgeEncoder.from_vocabulary(vocabulary, dimension=97, translation_weight=0.5)
    rows = [[2, 10, 11, 12, 3], [2, 40, 3, 0, 0]]
    input_ids = torch.tensor(rows)
    with torch.no_grad():
        vectors = model(input_ids, (input_ids != 0).long()).numpy()
    assert vectors.shape == (2, 97)
    for row, vector in zip(rows, vectors):
        np.testing.assert_allclose(vector, reference_vector(vocabulary, model, [i for i in row if i != 0]), rtol=1e-5, atol=1e-6)
    # Initial weights: the token's idf for itself, idf × share × translation_weight for a translation.
    token = next(i for i, c in enumerate(vocabulary.concepts) if len(c) >= 2)
    assert math.isclose(float(model.token_weights[token, 0]), vocabulary.idf[token], rel_tol=1e-6)
    assert math.isclose(float(model.token_weights[token, 1]), vocabulary.idf[token] * vocabulary.concepts[token][1][1] * 0.5, rel_tol=1e-6)


def test_a_translation_shares_trigrams_with_its_english_word_and_an_inflection_with_its_base():
    vocabulary = Vocabulary(
        tokens=list(SPECIAL_TOKENS) + ["defense", "defensive", "verteidigung", "haus"],
        concepts=[[]] * len(SPECIAL_TOKENS) + [[("=defense", 1.0)], [("=defensive", 1.0)], [("=verteidigung", 1.0), ("=defense", 1.0)], [("=haus", 1.0), ("=home", 1.0)]],
        idf=[0.0] * len(SPECIAL_TOKENS) + [1.0, 1.0, 1.0, 1.0],
    )
    model = BridgeEncoder.from_vocabulary(vocabulary, dimension=32766)
    with torch.no_grad():
        v = torch.nn.functional.normalize(model(torch.tensor([[5], [6], [7], [8]]), torch.ones(4, 1, dtype=torch.long)), dim=-1)
    cosine = v @ v.T
    assert cosine[2, 0] > 0.6  # verteidigung → defense: half of its vector is defense's
    assert 0.2 < cosine[1, 0] < 1  # defensive shares #de def efe fen ens with defense
    assert cosine[3, 0] == 0 and cosine[3, 2] == 0  # haus / home: no trigram in common with defense


def test_continuations_carry_meaning_only_in_unspaced_scripts():
    # A Chinese or Thai character inside a run is content; a Cyrillic or Latin continuation is an ending.
    assert in_unspaced_script("京") and in_unspaced_script("ร")
    assert not in_unspaced_script("е") and not in_unspaced_script("s") and not in_unspaced_script("ة")


def test_idf_is_scaled_to_one_for_unseen_words():
    idf = inverse_document_frequency({"der": 9, "haus": 1}, 9)
    assert idf("unseen") == 1.0 and idf("der") == 0.0
    assert 0 < idf("haus") < 1


def test_the_exported_folder_runs_in_the_engine_with_the_torch_vectors(tmp_path):
    from bridge.model import export_bridge

    vocabulary = small_vocabulary(words_of(TEXTS), seed=5)
    model = BridgeEncoder.from_vocabulary(vocabulary, dimension=512).eval()
    folder = tmp_path / "xlir-bridge-baseline"
    folder.mkdir()
    export_bridge(model, folder / "model.onnx")
    write_tokenizer_json(vocabulary.tokens, folder / "tokenizer.json", split_chinese=False, max_chars_per_word=MAX_CHARS_PER_WORD)
    write_manifest(build_manifest(
        name="xlir-bridge-baseline", family="xlir-bridge", checkpoint="baseline", pooling="none", normalize=True, max_length=128,
        output=SENTENCE_OUTPUT, dimension=512, licence="MIT", provenance="test",
    ), folder)  # fmt: skip
    result = json.loads(run_node(ENGINE_VECTORS, stdin=json.dumps({"model": str(folder), "texts": TEXTS, "kind": "query"})))
    assert result["manifest"]["dimension"] == 512 and result["manifest"]["pooling"] == "none"
    ids = node_encode(folder / "tokenizer.json", TEXTS)
    with torch.no_grad():
        expected = [torch.nn.functional.normalize(model(torch.tensor([row]), torch.ones(1, len(row), dtype=torch.long)), dim=-1)[0].numpy() for row in ids]
    # The graph holds the weights as float16: equal to the float32 module within half precision.
    np.testing.assert_allclose(np.array(result["vectors"]), np.stack(expected), atol=2e-3)
