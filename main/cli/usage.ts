import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A mistake in the command line itself: exit code 2 and a pointer to `xlir help`. */
export class CliUsageError extends Error {}

export const HELP = `xlir: latency per query and retrieval quality of multilingual sentence encoders

Usage: xlir <command> [flags]

Commands
  run        Benchmark models: retrieval quality (mAP) and latency per query
  models     List the models found (bundled, user folder, --model-dir)
  datasets   List the datasets the tool knows and whether their files are at hand
  doctor     What can run here: execution providers, CPU features, GPU
  help       This text

xlir run
  --model NAME|DIR        Model to run; repeat for several (default: the bundled
                          baseline/hybrid pair). NAME is looked up by xlir models.
  --dataset NAME          xquad-r (default), mlqa-r or custom
  --data-dir DIR          Folder holding xquad-r/ (else $XLIR_DATA_DIR, else the
                          pinned upstream files are downloaded and sha256-checked)
  --dataset-path DIR      Folder of an mlqa-r copy or of a custom dataset
  --langs L1,L2,...       Languages to use (default: all of the dataset)
  --max-queries N         Deterministic subset of N questions per language
  --seed N                Seed for the subset, query order and bootstrap (default 1)
  --ep LIST               Execution providers in order of preference: cpu (default),
                          cuda (fails if CUDA cannot run), cuda,cpu (falls back)
  --threads N             Intra-op threads (default: ONNX Runtime's choice)
  --inter-op-threads N    Inter-op threads
  --graph-opt LEVEL       disabled | basic | extended | all (default)
  --scenario NAME         single-stream (default) | offline | server
  --warmup N              Warm-up queries, not recorded (default 20)
  --min-queries N         Minimum measured queries (default 200)
  --min-duration SEC      Minimum measured duration (default 5)
  --batch-sizes LIST      offline: batch sizes (default 1,8,32)
  --target-qps N          server: Poisson arrival rate
  --encode-batch N        Batch size for encoding the candidate pool (default 32)
  --no-quality            Latency only
  --no-lexical-floor      Skip the character 3-gram TF-IDF row (no model; the
                          floor an encoder must beat across languages)
  --no-roofline           Skip FLOP counting and the peak MatMul measurement
                          (measured once per machine, provider and threads)
  --bootstrap N           Bootstrap resamples for the comparison (default 2000)
  --save-embeddings DIR   Write DIR/<model>/{queries,candidates}.{npy,json}
  --json FILE             Write the full result (schema: main/contract/run-result.schema.json)

xlir models    [--model-dir DIR] [--json]
xlir datasets  [--data-dir DIR] [--json]
xlir doctor    [--json]

Environment: XLIR_DATA_DIR (data folder), XLIR_MODELS_DIR (extra model folder,
default ~/.cache/xlir-bench/models), XLIR_CACHE_DIR (download cache).
Exit codes: 0 ok, 1 error, 2 bad usage, 130 cancelled.
`;

/** `parseArgs` with usage errors turned into CliUsageError (strict: unknown flags are errors). */
export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false, allowNegative: true }).values;
  } catch (err) {
    throw new CliUsageError((err as Error).message);
  }
}

export function parseList(value: string | undefined): string[] | undefined {
  return value === undefined ? undefined : value.split(',').map((s) => s.trim()).filter(Boolean);
}

export function parseNumber(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new CliUsageError(`--${flag} expects a number, got "${value}"`);
  return n;
}
