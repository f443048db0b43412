"""Writes MODEL-CARD.md of a bundled model from its `training.json` and, once the engine has
measured them, the XQuAD-R results of an `xlir run --json FILE` (schema:
main/contract/run-result.schema.json).

    bash native-models/python.sh train.model_card --model-dir native-models/default/xlir-bridge-hybrid \
        [--results run.json]

Without results the table says "not yet measured". Both bundled models are shown when the run has
them, so each card compares baseline and hybrid, with the engine's paired bootstrap intervals.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

SETTINGS = (("monolingual", "monolingual"), ("crossLingual", "cross-lingual"), ("multilingual", "multilingual"))
MEASURED_HEADING = "## XQuAD-R mAP measured by the engine"
LEXICAL_FLOOR = "TF-IDF floor"
SHARED_DATA_LICENCES = {
    "squad-train-sample": "CC BY-SA 4.0",
    "arcd": "MIT (text: Wikipedia, CC BY-SA)",
    "tatoeba": "CC BY 2.0 FR",
}


def language_rows(matrix: dict) -> dict[str, dict[str, float | None]]:
    """Per query language: its monolingual mAP (the diagonal) and its mean cross-lingual mAP
    (the row without the diagonal), from the engine's pair matrix."""
    rows = {}
    languages = matrix["languages"]
    for i, language in enumerate(languages):
        row = matrix["map"][i]
        cross = [v for j, v in enumerate(row) if j != i and v is not None]
        rows[language] = {"mono": row[i], "cross": sum(cross) / len(cross) if cross else None}
    return rows


def read_run_results(run: dict) -> dict:
    """The figures a card shows, from an engine run result: per model name, mAP per setting, the
    language bias and per-language mAP; per (baseline, candidate) comparison, the mAP differences
    with their intervals."""
    if not isinstance(run, dict) or not isinstance(run.get("models"), list) or "dataset" not in run:
        raise ValueError("results: not an `xlir run --json` result (no models / dataset)")

    def figures(quality: dict) -> dict:
        found = {key: (quality.get(key) or {}).get("map") for key, _ in SETTINGS}
        bias = quality.get("languageBias")
        found["languageBias"] = bias["meanMaxMinRankGap"] if bias else None
        found["perLanguage"] = language_rows(quality["pairMatrix"]) if quality.get("pairMatrix") else {}
        return found

    models = {entry["name"]: figures(entry["quality"]) for entry in run["models"] if entry.get("quality") is not None}
    if run.get("lexicalFloor"):  # the engine's character 3-gram TF-IDF on the same queries
        models[LEXICAL_FLOOR] = figures(run["lexicalFloor"])
    dataset = run["dataset"]
    source = (
        f"`xlir run` {run.get('tool', {}).get('version', '?')}, finished {run.get('finishedAt', '?')}, "
        f"{dataset.get('name')} ({dataset.get('queryCount')} queries, {dataset.get('candidateCount')} candidates, "
        f"languages {', '.join(dataset.get('languages', []))}), run id {run.get('id', '?')}"
    )
    return {"source": source, "models": models, "comparisons": run.get("comparisons", [])}


def format_map(value: float | None) -> str:
    return "not yet measured" if value is None else f"{value:.3f}"


def measured_section(record: dict, results: dict | None) -> str:
    names = [record["name"]] + [n for n in record.get("sibling_names", []) if n != record["name"]]
    models = (results or {}).get("models", {})
    columns = names + ([LEXICAL_FLOOR] if LEXICAL_FLOOR in models else [])
    lines = [MEASURED_HEADING, ""]
    if results is None or not any(n in models for n in names):
        lines += ["Not yet measured: `xlir run --json run.json`, then `train.model_card --results run.json` fills this in.", ""]
    else:
        lines += [f"Source: {results['source']}.", ""]
    lines.append("| setting | " + " | ".join(n if n == LEXICAL_FLOOR else f"`{n}`" for n in columns) + " |")
    lines.append("|---|" + "---|" * len(columns))
    for key, label in SETTINGS:
        lines.append(f"| {label} | " + " | ".join(format_map(models.get(n, {}).get(key)) for n in columns) + " |")
    bias = [models.get(n, {}).get("languageBias") for n in columns]
    lines.append("| language bias (mean max − min rank, lower is better) | " + " | ".join("not yet measured" if b is None else f"{b:.1f}" for b in bias) + " |")
    for comparison in (results or {}).get("comparisons", []):
        if {comparison.get("baseline"), comparison.get("candidate")} <= set(names) and comparison.get("quality"):
            lines += ["", f"Paired difference `{comparison['candidate']}` − `{comparison['baseline']}` (bootstrap over queries):", ""]
            lines += ["| setting | difference | 95% CI | p |", "|---|---|---|---|"]
            for q in comparison["quality"]:
                lines.append(f"| {q['setting']} | {q['difference']:+.3f} | [{q['ciLow']:+.3f}, {q['ciHigh']:+.3f}] | {q['pValue']:.3f} |")
            latency = comparison.get("latency")
            if latency:
                lines += ["", f"Latency per query (the engine's verdict): {latency['verdict']}"]
    per_language = {n: models.get(n, {}).get("perLanguage") or {} for n in columns}
    languages = sorted({lang for rows in per_language.values() for lang in rows})
    if languages:
        lines += ["", "Per query language (monolingual mAP / mean cross-lingual mAP to the other languages):", ""]
        lines.append("| language | " + " | ".join(n if n == LEXICAL_FLOOR else f"`{n}`" for n in columns) + " |")
        lines.append("|---|" + "---|" * len(columns))
        for language in languages:
            cells = []
            for n in columns:
                row = per_language[n].get(language)
                cells.append("—" if row is None else f"{format_map(row['mono'])} / {format_map(row['cross'])}")
            lines.append(f"| {language} | " + " | ".join(cells) + " |")
    floor = models.get(LEXICAL_FLOOR)
    if floor:
        for name in names:
            below = [label for key, label in SETTINGS if models.get(name, {}).get(key) is not None and floor.get(key) is not None and models[name][key] < floor[key]]
            if below:
                lines += ["", f"`{name}` is below the TF-IDF floor in: {', '.join(below)}."]
    lines += [
        "",
        "TF-IDF floor: character 3-gram TF-IDF, no training (RESEARCH.md). For scale, the paper's XLM-R hybrid: 0.798 / 0.705 / 0.593.",
    ]
    return "\n".join(lines)


def unknown_rate_section(record: dict) -> str:
    rates = record.get("unknown_token_rate") or {}
    if not rates:
        return ""
    lines = ["## Vocabulary coverage on XQuAD-R", "", "Share of `[UNK]` tokens and tokens per text (questions and candidate sentences), read by the engine's tokenizer:", ""]
    lines += ["| language | [UNK] share | tokens per text |", "|---|---|---|"]
    lines += [f"| {lang} | {r['unknown']:.3%} | {r['tokens_per_text']:.1f} |" for lang, r in sorted(rates.items())]
    return "\n".join(lines) + "\n"


def data_section(record: dict) -> str:
    data = record["data"]
    lines = ["## Data and licences", "", "Training sets only; never XQuAD, XQuAD-R or SQuAD dev (native-models/tests/test_leakage.py checks every training text).", ""]
    lines += ["| source | version | role | licence (from its copyright file) |", "|---|---|---|---|"]
    lines += [f"| `{s['package']}` | {s['version']} | {s['role']} | {s['licence']} |" for s in data["sources"]]
    for path in data["shared_data"] + ["tatoeba/"]:
        lines.append(f"| `{path}` (shared data) | — | {'translation pairs (shared initialisation)' if path.startswith('tatoeba') else 'QA items rendered into 11 languages'} | {SHARED_DATA_LICENCES[path.split('/')[0]]} |")
    coverage = data["qa_word_coverage"]
    items = data.get("qa_items_per_language", {})
    rows = data["parallel_rows"]
    lines += ["", "Per language: translation pairs of the shared initialisation, QA items, and the share of English QA words the lexicon translated (Spanish: apertium translates whole sentences):", ""]
    lines += ["| language | word pairs | CLDR names | UI strings | QA items | words translated |", "|---|---|---|---|---|---|"]
    for language in sorted(set(rows) | set(items)):
        r = rows.get(language, {})
        c = coverage.get(language, {})
        translated = "original" if language == "en" else ("apertium" if language == "es" else f"{c.get('translated', 0):.0%}")
        lines.append(f"| {language} | {r.get('lexicon', 0):,} | {r.get('cldr', 0):,} | {r.get('libreoffice', 0):,} | {items.get(language, 0):,} | {translated} |")
    return "\n".join(lines) + "\n"


def timings_section(record: dict) -> str:
    timings = record.get("build_timings") or {}
    if not timings:
        return ""
    lines = ["## Build time", "", f"`{record['build_command']}` on {record['machine']}:", "", "| step | wall | CPU |", "|---|---|---|"]
    lines += [f"| {step} | {t['wall_s'] / 60:.1f} min | {t['cpu_s'] / 60:.1f} min |" for step, t in timings.items()]
    lines.append(f"| all | {sum(t['wall_s'] for t in timings.values()) / 60:.1f} min | {sum(t['cpu_s'] for t in timings.values()) / 60:.1f} min |")
    return "\n".join(lines) + "\n"


def transformer_parts(record: dict) -> tuple[str, str, str, str, str]:
    """(title, what the model is, its files, its architecture, its shared initialisation) for the transformer pair."""
    c, init = record["encoder"], record["init"]
    intro = f"""A {c['num_layers']}-layer, {c['hidden_size']}-wide encoder trained from scratch on a CPU, on multilingual data built from
Debian's dictionaries, name lists and translation catalogues, so that XLIR Bench runs on a fresh machine with
nothing downloaded and compares the two batch regimes of the paper. It is small, trained for minutes, and its
training text is word-by-word renderings: the measured table below says where it stands against the TF-IDF floor
(and whether it shows the paper's effect); use a real checkpoint (native-models/export) for real-world figures."""
    files = f"""`model.onnx` ({record['onnx_bytes']:,} bytes, float32, opset 14, inputs `input_ids`/`attention_mask` int64
  [batch, seq], output `last_hidden_state`) — the bundled file; `tokenizer.json` (WordPiece, {c['vocab_size']:,} tokens),
  `manifest.json` (mean pooling, L2 normalised, max {record['max_length']} tokens, prefixes `Query: ` / `Passage: `)."""
    architecture = f"""BERT-style post-LN encoder: vocabulary {c['vocab_size']:,}, hidden {c['hidden_size']}, {c['num_layers']} layers, {c['num_heads']} heads,
intermediate {c['intermediate_size']}, {c['max_positions']} positions, GELU(erf); {record['parameters']:,} parameters."""
    init_row = f"random (seed {record['seed']}), then {init['steps']} steps × {init['batch_size']} of translation ranking on {init['pairs']:,} pairs (dictionary words, CLDR names, UI strings, Tatoeba; {init['seconds']:.0f} s); sha256 `{init['sha256'][:16]}…`"
    return "bundled encoder", intro, files, architecture, init_row


def bridge_parts(record: dict) -> tuple[str, str, str, str, str]:
    """The same for the dictionary-bridge pair (native-models/bridge)."""
    c, init = record["encoder"], record["init"]
    intro = f"""A dictionary-bridge encoder built on a CPU from Debian's dictionaries, name lists and translation catalogues:
each of the {record['tokens_with_translations']:,} word tokens (a word the lexicons translate, a longer one as its first six characters) stands
for itself and up to three English translations, any other word is spelled in characters, and a sentence is the
weighted sum of all their character trigrams, hashed into {c['dimension']:,} dimensions (a sparse vector). It is the character
3-gram TF-IDF floor seen through a dictionary, with learned weights: not a transformer, and not the XLM-R/LaBSE scale
of the paper. The two batch regimes fine-tune the weights from one shared dictionary bridge; the table below says
where they stand against the TF-IDF floor and each other."""
    files = f"""`model.onnx` ({record['onnx_bytes']:,} bytes: int16 trigram buckets and concept ids, float16 token weights;
  opset 16, inputs `input_ids`/`attention_mask` int64 [batch, seq], output `sentence_embedding` [batch, {c['dimension']}]);
  `tokenizer.json` ({record['tokenizer_bytes']:,} bytes: WordPiece, {c['vocab_size']:,} tokens: characters first, then words; Chinese runs kept whole),
  `manifest.json` (no pooling, L2 normalised, max {record['max_length']} tokens, no prefixes)."""
    architecture = f"""A character token adds its trigram with its word's neighbouring characters (computed in the graph from the ids), weighted
per bucket; a word token adds its own first {c['trigrams_per_word']} trigrams and up to {c['concepts_per_token'] - 1} English translations' first {c['trigrams_per_concept']}, each
with a learned weight; trigrams hashed ((a·P1 + b)·P2 + c mod {c['dimension']:,}) alike in both; {record['parameters']:,} parameters;
{c['concept_count']:,} English concepts. Gathers, integer arithmetic, ScatterElements(add)."""
    init_row = f"the dictionary bridge (a word token's weights = its idf × each concept's share of the lexicon scores, a character trigram's = its bucket's idf in real text; no training, no regime's data); sha256 `{init['sha256'][:16]}…`"
    return "dictionary-bridge encoder", intro, files, architecture, init_row


def render_model_card(record: dict, results: dict | None = None) -> str:
    t = record["training"]
    title, intro, files, architecture, init_row = (bridge_parts if record.get("architecture") == "bridge" else transformer_parts)(record)
    validation = ", ".join(f"{k} {v:.3f}" for k, v in t["validation_loss"].items())
    siblings = "`, `".join(n for n in record.get("sibling_names", []) if n != record["name"])
    command = record["build_command"]
    return f"""# {record['name']} — {title} ({record['checkpoint']})

{intro}

- Checkpoint: `{record['checkpoint']}` — batch regime **{t['regime_label']}**.
- Same architecture, tokenizer, initialisation, seed, steps and (per batch kind) data order as `{siblings}`:
  the regime is the only difference (native-models/TRAINING.md).
- Files: {files}

## Architecture
{architecture}

## Training
| | value |
|---|---|
| shared initialisation | {init_row} |
| regime | {t['regime_label']} (α = {t['alpha']:.2f}; {t['mono_batches']} X-X-mono and {t['cross_batches']} X-Y batches) over QA items in 11 languages |
| steps × batch | {t['steps']} × {t['batch_size']} pairs (+ one hard negative per pair where the paragraph has one) |
| loss | InfoNCE, cosine / τ = {t['temperature']}, in-batch negatives |
| optimiser | AdamW, lr {t['learning_rate']}, weight decay {t['weight_decay']}, {int(t['warmup_fraction'] * 100)}% warm-up then linear decay |
| seed | {record['seed']} |
| training time | {t['seconds']:.0f} s on {t['device']} ({t['threads']} threads) |
| final training loss (last 10% of steps) | {t['final_loss']:.3f} |
| validation loss (held-out 2% of items) | {validation} |
| software | torch {record['torch']}, onnx {record['onnx']} |
| built | {record['built']} by `{command}` |

{timings_section(record)}
{unknown_rate_section(record)}
{data_section(record)}
## Licence of the weights
**{record['weights_licence']}** for `model.onnx` and `tokenizer.json` (XLIR Bench's code stays MIT). The weights and
the vocabulary are learned from text that copies dictionary entries licensed GPL-2.0-or-later (FreeDict, Ding,
Mueller) and from CC BY-SA text (SQuAD 4.0, Wikipedia via ARCD, WikDict 3.0); whether trained weights are a
derivative work of their training data is unsettled, so the bundle takes the licence that can carry every share-alike
source at once: GPL-2.0-or-later allows GPL-3.0, CC BY-SA 4.0 (and 3.0 through its later-version clause) is one-way
compatible with GPL-3.0, MPL-2.0 allows GPL as a secondary licence, and the Unicode, CC BY and MIT sources only ask
for attribution, which the table above gives. Apertium's program (GPL-2.0) is used as a tool; its translations are
program output.

{measured_section(record, results)}
"""


def write_model_card(model_dir: Path, results_path: Path | None = None) -> Path:
    record = json.loads((model_dir / "training.json").read_text(encoding="utf-8"))
    results = read_run_results(json.loads(results_path.read_text(encoding="utf-8"))) if results_path else None
    path = model_dir / "MODEL-CARD.md"
    path.write_text(render_model_card(record, results), encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model-dir", type=Path, required=True, help="a bundled model folder with training.json")
    parser.add_argument("--results", type=Path, default=None, help="the JSON of an `xlir run --json` over the bundled pair")
    args = parser.parse_args()
    print(write_model_card(args.model_dir, args.results))


if __name__ == "__main__":
    main()
