// The models the benches measure by default, how a bench's --model value becomes a folder, and the
// line each bench prints first to say which model it measured.
//
// Two defaults, by what a bench measures:
// - the engine's own cost around the graph (bench/overhead.ts) or its handling of bad inputs
//   (bench/bad-inputs.ts): the bundled baseline, native-models/default/xlir-bridge-baseline
//   (a dictionary bridge: Gathers and integer arithmetic, no MatMul, sentence_embedding [batch, 4096]
//   with pooling none; it runs in under a millisecond). Committed, so these benches need nothing else.
// - a transformer graph's latency (bench/aa.ts, bench/aa-bias.ts, bench/precision.ts): the
//   bundled bridge has no MatMul to slow down, quantise or time meaningfully, so these measure
//   BENCH_REPLICA, the latency replica of intfloat/multilingual-e5-small (12 BERT layers, 384 wide,
//   FFN 1536, vocabulary 250037, mean pooling; 0.47 GB of fp32 weights). XLIR Bench's Node generator
//   (main/engine/replicas) writes it deterministically (seeded weights) into the user models folder
//   ($XLIR_MODELS_DIR, else ~/.cache/xlir-bench/models) on first use, with the offline stand-in
//   tokenizer: nothing is downloaded. Its latency is a real architecture's; its quality is meaningless
//   (the benches that use it measure no quality), and its stand-in tokenizer's token counts differ
//   from the real model's (the manifest records both per language). A replica already in that folder
//   (e.g. one `xlir run --model multilingual-e5-small-replica` generated with the real tokenizer) is
//   used as it is; the model line says which tokenizer it has.
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { replicaOnFirstUse } from '../main/cli/replica-on-first-use.ts';
import { MODEL_FOLDER_FILES, openModelFolder } from '../main/engine/models/model-folder.ts';
import { bundledModelsDir, modelSearchDirs, resolveModelArgument } from '../main/engine/models/model-locations.ts';
import { findReplica } from '../main/engine/replicas/replica-catalog.ts';

/** The transformer the latency benches measure unless given --model. */
export const BENCH_REPLICA = 'multilingual-e5-small-replica';

/** The bundled baseline: the overhead and bad-input benches' default. */
export const bundledBaselineDir = () => path.join(bundledModelsDir(), 'xlir-bridge-baseline');

/** A catalogued replica's folder in the user models folder, generated there (offline stand-in tokenizer) if missing. */
export async function benchReplicaDir(name: string = BENCH_REPLICA): Promise<string> {
  const dir = await replicaOnFirstUse(name, undefined, { offline: true });
  if (!dir) throw new Error(`${name} is no catalogued replica (main/engine/replicas/replica-catalog.ts)`);
  return dir;
}

/**
 * The folder a bench's --model value names: a folder path, a model name in the model search
 * folders (bundled, then the user models folder), or a catalogued replica's name or Hub id
 * (generated on first use); `fallback` when no value was given.
 */
export async function benchModelDir(value: string | undefined, fallback: () => string | Promise<string>): Promise<string> {
  if (value === undefined) return await fallback();
  const dir = resolveModelArgument(value, modelSearchDirs());
  if (dir !== undefined && existsSync(dir)) return dir;
  if (findReplica(value)) return await benchReplicaDir(value);
  throw new Error(`no model at ${value}: pass --model with a model folder, a model name, or a replica name such as ${BENCH_REPLICA}`);
}

/** One line naming the model a bench measures: name, folder, architecture facts from its manifest, graph size. */
export async function modelLine(dir: string): Promise<string> {
  const folder = await openModelFolder(dir);
  const manifestFile = path.join(dir, MODEL_FOLDER_FILES.manifest);
  const m = existsSync(manifestFile) ? JSON.parse(await readFile(manifestFile, 'utf8')) : {};
  const facts = [
    m.checkpoint && `checkpoint ${m.checkpoint}`,
    m.family && `family ${m.family}`,
    m.output && `output ${m.output}`,
    m.pooling && `pooling ${m.pooling}`,
    m.dimension && `dimension ${m.dimension}`,
    `graph ${(statSync(folder.graphFile).size / 1e6).toFixed(1)} MB`,
    m.tokenizerStandIn ? 'stand-in tokenizer (token counts differ from the real model\'s)' : undefined,
  ].filter(Boolean);
  return `model: ${m.name ?? path.basename(dir)} (${dir}): ${facts.join(', ')}`;
}
