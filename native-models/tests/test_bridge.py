"""The dictionary-bridge encoder (native-models/bridge): its pre-tokenizer agrees with the engine's
tokenizer, its vectors are the weighted trigram sums the module documents (checked against a plain
dict computation over the token strings), a word spelled in characters lands on the trigrams its
whole-word token would, and the exported folder runs in the engine with the same vectors."""

import json
import math
import random
from collections import Counter

import numpy as np
import torch

from bridge.model import TRIGRAMS_PER_CONCEPT, TRIGRAMS_PER_WORD, BridgeEncoder
from bridge.trigrams import code, trigram_bucket, word_buckets
from bridge.vocabulary import MAX_CHARS_PER_WORD, PREFIX_CHARS, Vocabulary, bucket_idf, character_count, in_unspaced_script, inverse_document_frequency, pre_tokenize, translated_prefixes
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
    "والكتาب على الطاولة",
    "Η Αθήνα είναι η ΠΡΩΤΕΥΟΥΣΑ!",
]


def make_vocabulary(words: list[str], concepts_of, dimension: int) -> Vocabulary:
    """The build's order (special tokens, characters, the same as continuations, words), idf per bucket from TEXTS."""
    chars = sorted({c for w in words for c in w})
    multi = sorted({w for w in words if len(w) > 1})
    tokens = list(SPECIAL_TOKENS) + chars + [CONTINUATION_PREFIX + c for c in chars] + multi
    concepts = [concepts_of(t) if len(t.removeprefix(CONTINUATION_PREFIX)) > 1 and t not in SPECIAL_TOKENS else [] for t in tokens]
    rng = random.Random(len(tokens))
    idf = [rng.uniform(0.1, 1.0) if c else 0.0 for c in concepts]
    return Vocabulary(tokens, concepts, idf, bucket_idf([pre_tokenize(t) for t in TEXTS], dimension))


def small_vocabulary(words: list[str], dimension: int, seed: int = 0) -> Vocabulary:
    """Every word and character of TEXTS, random translations among the words."""
    rng = random.Random(seed)
    translations = lambda token: [(f"={token}", 1.0)] + [(f"={rng.choice(words)}", rng.random()) for _ in range(rng.randrange(4))]
    return make_vocabulary(words, translations, dimension)


def words_of(texts: list[str]) -> list[str]:
    return sorted({w for t in texts for w in pre_tokenize(t)})


def test_pre_tokenize_splits_as_the_engine_tokenizer_does(tmp_path):
    words = words_of(TEXTS)
    tokens = small_vocabulary(words, 97).tokens
    path = write_tokenizer_json(tokens, tmp_path / "tokenizer.json", split_chinese=False, max_chars_per_word=MAX_CHARS_PER_WORD)
    for text, ids in zip(TEXTS, node_encode(path, TEXTS)):
        # Every word is in the vocabulary, so the engine's tokens are exactly the pre-tokenizer's words.
        assert [tokens[i] for i in ids[1:-1]] == pre_tokenize(text), text
    # Lowercased, accents kept, a Chinese run whole, punctuation on its own.
    assert {"我们明天去北京", "panthers", "'", "αθήνα", "πρωτευουσα"} <= set(words)


def reference_vector(vocabulary: Vocabulary, model: BridgeEncoder, ids: list[int]) -> np.ndarray:
    """The documented sum, computed with dicts from the token strings: a word token adds its own first trigrams
    (weight 0) and its translations' (weights 1…); a character adds its trigram with the characters of its word
    next to it (a continuation looks back, the next continuation forward), weighted by its bucket."""
    dimension = model.config.dimension
    out = np.zeros(dimension)
    tokens = [vocabulary.tokens[i] for i in ids]
    weights = model.token_weights.detach().numpy()
    for at, (token, i) in enumerate(zip(tokens, ids)):
        bare = token.removeprefix(CONTINUATION_PREFIX)
        if token in SPECIAL_TOKENS:
            continue
        if len(bare) == 1:
            continues = token.startswith(CONTINUATION_PREFIX)
            before = tokens[at - 1] if continues and at > 0 else ""
            after = tokens[at + 1] if at + 1 < len(tokens) else ""
            a = code(before[-1]) if len(before.removeprefix(CONTINUATION_PREFIX)) == 1 and before not in SPECIAL_TOKENS else 0
            c = code(after[-1]) if after.startswith(CONTINUATION_PREFIX) and len(after) == 3 else 0
            b = trigram_bucket(a, code(bare), c, dimension)
            out[b] += float(model.bucket_weights[b])
            continue
        for slot, (concept, _) in enumerate(vocabulary.concepts[i]):
            limit = TRIGRAMS_PER_WORD if slot == 0 else TRIGRAMS_PER_CONCEPT
            for b in word_buckets(concept[1:], dimension)[:limit]:
                out[b] += float(weights[i, slot])
    return out


def test_vectors_are_the_weighted_trigram_sums_and_padding_adds_nothing():
    words = words_of(TEXTS)
    vocabulary = small_vocabulary(words, 97, seed=3)
    model = BridgeEncoder.from_vocabulary(vocabulary, dimension=97, translation_weight=0.5)
    index = {t: i for i, t in enumerate(vocabulary.tokens)}
    spelled = [index["v"]] + [index[CONTINUATION_PREFIX + c] for c in "iele"] + [index["panthers"], index["##?"], index["##!"], index["308"]]
    rows = [[2, index["punkte"], index["北京"] if "北京" in index else index["panthers"], 3] + [0] * (len(spelled) - 2), [2] + spelled + [3], [2, index["?"], 3] + [0] * (len(spelled) - 1)]
    input_ids = torch.tensor(rows)
    with torch.no_grad():
        vectors = model(input_ids, (input_ids != 0).long()).numpy()
    assert vectors.shape == (3, 97)
    for row, vector in zip(rows, vectors):
        np.testing.assert_allclose(vector, reference_vector(vocabulary, model, [i for i in row if i != 0]), rtol=1e-5, atol=1e-6)
    # Initial weights: the token's idf for itself, idf × share × translation_weight for a translation, each per √trigrams.
    token = next(i for i, c in enumerate(vocabulary.concepts) if len(c) >= 2)
    own, english = vocabulary.concepts[token][0][0][1:], vocabulary.concepts[token][1][0][1:]
    assert math.isclose(float(model.token_weights[token, 0]), vocabulary.idf[token] / math.sqrt(len(word_buckets(own, 97)[:TRIGRAMS_PER_WORD])), rel_tol=1e-6)
    assert math.isclose(float(model.token_weights[token, 1]), vocabulary.idf[token] * vocabulary.concepts[token][1][1] * 0.5 / math.sqrt(len(word_buckets(english, 97)[:TRIGRAMS_PER_CONCEPT])), rel_tol=1e-6)
    assert model.config.character_tokens == character_count(vocabulary.tokens) == len(SPECIAL_TOKENS) + 2 * len({c for w in words for c in w})


def test_a_word_spelled_in_characters_has_the_trigrams_of_its_word_token():
    # The graph's character trigrams and the tables' word trigrams hash alike: "verteidigung" spelled out
    # reaches exactly the buckets of word_buckets("verteidigung"), each once, weighted by its bucket.
    vocabulary = make_vocabulary(words_of(TEXTS), lambda t: [(f"={t}", 1.0)], 32766)
    model = BridgeEncoder.from_vocabulary(vocabulary, dimension=32766)
    index = {t: i for i, t in enumerate(vocabulary.tokens)}
    word = "verteidigung"
    ids = torch.tensor([[2, index[word[0]]] + [index[CONTINUATION_PREFIX + c] for c in word[1:]] + [3]])
    with torch.no_grad():
        vector = model(ids, torch.ones_like(ids))[0].numpy()
    expected = np.zeros(32766)
    for b, n in Counter(word_buckets(word, 32766)).items():
        expected[b] = n * float(model.bucket_weights[b])
    np.testing.assert_allclose(vector, expected, rtol=1e-6)
    assert np.count_nonzero(vector) == len(set(word_buckets(word, 32766))) == len(word)


def test_a_translation_shares_trigrams_with_its_english_word_and_an_inflection_with_its_base():
    translations = {"verteidigung": [("=verteidigung", 1.0), ("=defense", 1.0)], "haus": [("=haus", 1.0), ("=home", 1.0)]}
    vocabulary = make_vocabulary(["defense", "defensive", "verteidigung", "haus"], lambda t: translations.get(t, [(f"={t}", 1.0)]), 32766)
    model = BridgeEncoder.from_vocabulary(vocabulary, dimension=32766)
    ids = [[vocabulary.tokens.index(w)] for w in ("defense", "defensive", "verteidigung", "haus")]
    with torch.no_grad():
        v = torch.nn.functional.normalize(model(torch.tensor(ids), torch.ones(4, 1, dtype=torch.long)), dim=-1)
    cosine = v @ v.T
    assert cosine[2, 0] > 0.6  # verteidigung → defense: half of its vector is defense's
    assert 0.2 < cosine[1, 0] < 1  # defensive shares #de def efe fen ens with defense
    assert cosine[3, 0] == 0 and cosine[3, 2] == 0  # haus / home: no trigram in common with defense


def test_a_long_word_becomes_its_prefix_with_the_translations_of_the_words_it_begins():
    entries = {
        "verteidigung": [("=verteidigung", 1.0), ("=defense", 1.0)],
        "verteidiger": [("=verteidiger", 1.0), ("=defender", 0.5), ("=back", 0.5)],
        "haus": [("=haus", 1.0), ("=house", 1.0)],
        "frei": [("=frei", 1.0)],  # no translation: no token, the graph spells it
        "##北京": [("=北京", 1.0), ("=beijing", 1.0)],
        "我们明天去北京": [("=我们明天去北京", 1.0), ("=tomorrow", 1.0)],
    }
    seen = {"verteidigung": 3.0, "verteidiger": 1.0}
    idf = {"verteidigung": 0.4, "verteidiger": 0.7}
    tokens = translated_prefixes(entries, lambda w: idf.get(w, 0.9), lambda w: seen.get(w, 1.0))
    assert set(tokens) == {"vertei", "haus", "##北京", "我们明天去北京"}  # Chinese words stay whole
    concepts, token_idf = tokens["vertei"]
    assert len("vertei") == PREFIX_CHARS and token_idf == 0.4  # the commonest word's idf
    assert concepts[0] == ("=vertei", 1.0)
    shares = dict(concepts[1:])  # 3 × 1.0 for defense, 1 × 0.5 each for defender and back
    assert math.isclose(shares["=defense"], 3 / 4) and math.isclose(shares["=defender"], 0.5 / 4) and math.isclose(shares["=back"], 0.5 / 4)
    assert tokens["##北京"][0][0] == ("=北京", 1.0)


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

    vocabulary = small_vocabulary(words_of(TEXTS), 512, seed=5)
    model = BridgeEncoder.from_vocabulary(vocabulary, dimension=512).eval()
    folder = tmp_path / "xlir-bridge-baseline"
    folder.mkdir()
    export_bridge(model, folder / "model.onnx")
    write_tokenizer_json(vocabulary.tokens, folder / "tokenizer.json", split_chinese=False, max_chars_per_word=MAX_CHARS_PER_WORD)
    write_manifest(build_manifest(
        name="xlir-bridge-baseline", family="xlir-bridge", checkpoint="baseline", pooling="none", normalize=True, max_length=128,
        output=SENTENCE_OUTPUT, dimension=512, licence="MIT", provenance="test",
    ), folder)  # fmt: skip
    # Words the vocabulary lacks are spelled in characters, so the graph's own trigram arithmetic runs too.
    texts = TEXTS + ["Unbekannte Wörter: Quarterback, Москве, 2016."]
    result = json.loads(run_node(ENGINE_VECTORS, stdin=json.dumps({"model": str(folder), "texts": texts, "kind": "query"})))
    assert result["manifest"]["dimension"] == 512 and result["manifest"]["pooling"] == "none"
    ids = node_encode(folder / "tokenizer.json", texts)
    assert any(len(vocabulary.tokens[i]) == 3 and vocabulary.tokens[i].startswith(CONTINUATION_PREFIX) for i in ids[-1])
    with torch.no_grad():
        expected = [torch.nn.functional.normalize(model(torch.tensor([row]), torch.ones(1, len(row), dtype=torch.long)), dim=-1)[0].numpy() for row in ids]
    # The graph holds the token weights as float16: equal to the float32 module within half precision.
    np.testing.assert_allclose(np.array(result["vectors"]), np.stack(expected), atol=2e-3)
