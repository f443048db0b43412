import pytest

from train.model_card import read_run_results, render_model_card

RECORD = {
    "name": "xlir-mini-hybrid", "checkpoint": "hybrid", "sibling_names": ["xlir-mini-baseline", "xlir-mini-hybrid"],
    "seed": 13, "max_length": 128, "parameters": 1000, "build_command": "npm run models:build-transformer", "onnx_bytes": 4000, "weights_licence": "GPL-3.0-or-later",
    "encoder": {"num_layers": 2, "hidden_size": 128, "num_heads": 4, "intermediate_size": 512, "max_positions": 128, "vocab_size": 14000},
    "init": {"steps": 1500, "batch_size": 64, "pairs": 500000, "seconds": 60.0, "sha256": "ab" * 32},
    "training": {"regime_label": "hybrid", "alpha": 0.5, "mono_batches": 120, "cross_batches": 130, "steps": 250, "batch_size": 32,
                 "temperature": 0.05, "learning_rate": 5e-4, "weight_decay": 0.01, "warmup_fraction": 0.1, "seconds": 300.0,
                 "device": "cpu", "threads": 2, "final_loss": 1.234, "validation_loss": {"mono": 1.5, "cross": 1.0}},
    "unknown_token_rate": {"zh": {"unknown": 0.0123, "tokens_per_text": 30.5}, "th": {"unknown": 0.0, "tokens_per_text": 40.0}},
    "build_timings": {"data": {"wall_s": 120.0, "cpu_s": 60.0}, "init": {"wall_s": 600.0, "cpu_s": 1100.0}},
    "machine": "test cpu", "torch": "1.13", "onnx": "1.12", "built": "2026-01-01",
    "data": {
        "sources": [{"package": "trans-de-en", "version": "1.9-6", "role": "dictionary de↔en (Ding)", "licence": "GPL-2+"}],
        "shared_data": ["squad-train-sample/squad-v1.1-train-first11articles.json"],
        "parallel_rows": {"de": {"lexicon": 20000, "cldr": 2500, "libreoffice": 14000}},
        "qa_items_per_language": {"de": 5000, "en": 5202},
        "qa_word_coverage": {"de": {"words": 100, "translated": 0.8}},
    },
}  # fmt: skip


def run_result(quality_hybrid):
    def model(name, quality):
        return {"name": name, "quality": quality}

    return {
        "id": "run-1", "finishedAt": "2026-01-02T00:00:00Z", "tool": {"version": "0.1.0"},
        "dataset": {"name": "xquad-r", "queryCount": 13090, "candidateCount": 13014, "languages": ["ar", "en"]},
        "lexicalFloor": {"monolingual": {"map": 0.742}, "crossLingual": {"map": 0.126}, "multilingual": {"map": 0.091}, "languageBias": None},
        "models": [
            model("xlir-mini-baseline", {"monolingual": {"map": 0.5}, "crossLingual": {"map": 0.1}, "multilingual": {"map": 0.05},
                                         "languageBias": {"meanMaxMinRankGap": 4000.0},
                                         "pairMatrix": {"languages": ["ar", "en"], "map": [[0.6, 0.2], [0.1, 0.4]]}}),
            model("xlir-mini-hybrid", quality_hybrid),
            model("xlm-roberta-base-replica", None),
        ],
        "comparisons": [{"baseline": "xlir-mini-baseline", "candidate": "xlir-mini-hybrid",
                         "latency": {"verdict": "ratio 1.004 (95% CI 0.980–1.030): no difference beyond noise"},
                         "quality": [
            {"setting": "crossLingual", "difference": 0.05, "ciLow": 0.03, "ciHigh": 0.07, "pValue": 0.001}]}],
    }  # fmt: skip


def test_without_results_the_card_says_not_yet_measured():
    card = render_model_card(RECORD)
    assert "## XQuAD-R mAP measured by the engine" in card and card.count("not yet measured") == 8
    assert "250 × 32 pairs" in card and "1.234" in card and "**GPL-3.0-or-later**" in card
    assert "| zh | 1.230% | 30.5 |" in card  # the unknown-token rate per language
    assert "| `trans-de-en` | 1.9-6 | dictionary de↔en (Ding) | GPL-2+ |" in card
    assert "| de | 20,000 | 2,500 | 14,000 | 5,000 | 80% |" in card and "| en | 0 | 0 | 0 | 5,202 | original |" in card
    assert "| init | 10.0 min | 18.3 min |" in card and "| all | 12.0 min | 19.3 min |" in card
    assert "`npm run models:build-transformer` on test cpu" in card  # the command that built it, as the record says


def test_an_engine_run_fills_both_columns_and_the_paired_difference():
    results = read_run_results(run_result({"monolingual": {"map": 0.48}, "crossLingual": {"map": 0.15}, "multilingual": {"map": 0.07}, "languageBias": None}))
    card = render_model_card(RECORD, results)
    assert "| cross-lingual | 0.150 | 0.100 | 0.126 |" in card
    assert "| language bias (mean max − min rank, lower is better) | not yet measured | 4000.0 | not yet measured |" in card
    assert "| crossLingual | +0.050 | [+0.030, +0.070] | 0.001 |" in card
    assert "Latency per query (the engine's verdict): ratio 1.004 (95% CI 0.980–1.030): no difference beyond noise" in card
    assert "13090 queries" in card and "xlm-roberta-base-replica" not in card
    # Per query language: the diagonal, and the mean of the row without it.
    assert "| ar | — | 0.600 / 0.200 | — |" in card and "| en | — | 0.400 / 0.100 | — |" in card


def test_a_file_that_is_not_a_run_result_is_refused():
    with pytest.raises(ValueError, match="xlir run"):
        read_run_results({"models": {}})


def test_a_bridge_card_describes_the_dictionary_bridge_and_its_build_command():
    record = {
        **RECORD, "name": "xlir-bridge-hybrid", "sibling_names": ["xlir-bridge-baseline", "xlir-bridge-hybrid"], "architecture": "bridge",
        "encoder": {"vocab_size": 187555, "concept_count": 52000, "dimension": 4096, "concepts_per_token": 4, "trigrams_per_word": 6, "trigrams_per_concept": 8},
        "init": {"kind": "dictionary bridge", "sha256": "cd" * 32}, "tokenizer_bytes": 3_500_000, "tokens_with_translations": 178426,
        "build_command": "npm run models:build-default",
    }  # fmt: skip
    card = render_model_card(record)
    assert card.startswith("# xlir-bridge-hybrid — dictionary-bridge encoder (hybrid)")
    assert "hashed into 4,096 dimensions" in card and "not a transformer" in card and "178,426 word tokens" in card
    assert "| shared initialisation | the dictionary bridge (a word token's weights = its idf" in card and "`cdcdcdcdcdcdcdcd…`" in card
    assert "by `npm run models:build-default`" in card and "`npm run models:build-default` on test cpu" in card
    assert "Same architecture, tokenizer, initialisation, seed, steps and (per batch kind) data order as `xlir-bridge-baseline`" in card
    assert "BERT-style" not in card
