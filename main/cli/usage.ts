import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A mistake in the command line itself: exit code 2 and a pointer to `xlir help`. */
export class CliUsageError extends Error {}

export const HELP = `xlir: latency per query and retrieval quality of multilingual sentence encoders

Usage: xlir <command> [flags]

Commands
  run        Benchmark models: retrieval quality (mAP) and latency per query
  calibrate  A/A self-test: this machine's noise floor (the smallest latency
             difference a run can resolve), used by later runs
  models     List the models found (bundled, user folder, --model-dir)
  inspect    One model folder: what it holds, what is inferred, what is missing
  variants   A model's precision variants; --make writes int8/fp16 beside its graph
  datasets   List the datasets the tool knows and whether their files are at hand
  doctor     What can run here: execution providers, CPU features, GPU
  sweep      One model over threads, batch sizes, token counts, providers, variants
  history    The runs kept so far (every xlir run is), newest first
  show       One run from the history: its summary, or what an unfinished run recorded
  delete     Runs out of the history, with their samples
  compare    Runs side by side (machines, settings): percentiles, throughput, mAP
  export     Runs as a report: html (one offline file), json, csv, md, pdf
  import     Runs from other machines, from their exported json reports
  machines   The machines in the history; give them readable labels
  serve      The app's UI in a browser, served on this machine only
  help       This text

xlir run
  --model NAME|DIR        Model to run; repeat for several (default: the bundled
                          baseline/hybrid pair). NAME is looked up by xlir models;
                          a replica name (xlm-roberta-base-replica, ...) is
                          generated on first use, in Node, no download.
                          DIR: an Optimum, transformers.js or sentence-transformers
                          ONNX folder, or XLIR Bench's own (see xlir inspect DIR)
  --variant NAME          Also run each model as precision variant NAME (repeat,
                          or a list): int8 and fp16 are made from the graph on
                          first use and cached; a folder's own files by name
                          (e.g. quantized). Adds a precision table: size, p50,
                          mAP per setting and its loss with a 95% interval
  --pair BASE:HYBRID      Compare these two (model names or folders; repeat);
                          default: each hybrid with the baseline of its family
  --candidate-context C   none: the sentence alone | paragraph: the sentence with
                          its paragraph, as LAReQA's reference encodes candidates
                          (default: the model's manifest, else none)
  --dataset NAME          xquad-r (default), mlqa-r or custom
  --data-dir DIR          Folder holding xquad-r/ (else $XLIR_DATA_DIR, else the
                          XQuAD-R bundled with the tool, the pinned upstream bytes)
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
  --rounds N              With several models: interleaved rounds, one block per
                          model each; the latency verdict's interval is formed
                          across rounds (default 20)
  --batch-sizes LIST      offline: batch sizes (default 1,8,32)
  --target-qps N          server: Poisson arrival rate
  --encode-batch N        Batch size for encoding the candidate pool (default 32)
  --no-quality            Latency only
  --no-lexical-floor      Skip the character 3-gram TF-IDF row (no model; the
                          floor an encoder must beat across languages)
  --no-roofline           Skip the roofline: FLOPs and bytes per query against the
                          peak MatMul rate and the memory bandwidth (both measured
                          once per machine, provider and threads, then cached)
  --remeasure-peak        Measure both ceilings again (e.g. they were measured while
                          the machine was busy); the cache keeps the better rates
  --no-op-profile         No per-operator shares (ONNX Runtime's profiler, run on a
                          separate session after the measurement)
  --bootstrap N           Bootstrap resamples for the comparison (default 2000)
  --save-embeddings DIR   Write DIR/<model>/{queries,candidates}.{npy,json}
  --json FILE             Write the full result (schema: main/contract/run-result.schema.json)
  --no-history            Do not keep this run in the history

xlir calibrate
  Measures one model (--model, default the bundled baseline) as two systems in
  interleaved rounds, latency only, and reports the noise floor: the smallest
  difference a run of this length resolves, and the run length that resolves
  2%. Takes xlir run's flags (--rounds, --min-duration, --threads, --scenario,
  --data-dir, --langs, --json ...). Saved in XLIR_HOME/calibration.json: later
  runs of the same set-up count differences below it as practically equal.

xlir sweep
  --model NAME|DIR        The model to sweep (required)
  --threads LIST          Intra-op thread counts (default: 1, 2, 4 ... and the cores)
  --batch-sizes LIST      Batch sizes (default 1)
  --tokens LIST           Tokens per input, synthetic from the model's tokenizer
                          (default 32)
  --ep LIST               Providers, e.g. cpu,cuda (default cpu); one that cannot
                          run here is skipped and the reason printed
  --variants LIST         default (the graph), the folder's variant files, int8
                          and fp16 (made on first use); default: the graph and
                          the folder's variant files
  --graph-opt LEVEL       disabled | basic | extended | all (default)
  --rounds N              Round-robin passes over all configurations (default 3)
  --runs N                Timed runs per configuration and round (default 10)
  --warmup N              Untimed runs before the first round (default 5)
  --no-roofline           No GFLOP/s against the peak and the attainable ceiling
  --remeasure-peak        Measure both ceilings again rather than read the cache
  --no-history            Do not keep the sweep in the history
  --json FILE             Write the full sweep (every timed run)

xlir models    [--model-dir DIR] [--json]
xlir inspect   DIR|NAME [--json]   What is found and inferred (and from which file),
               what is missing and how to fix it; exit 1 when it cannot run
xlir variants  DIR|NAME [--make int8,fp16]   Lists the variants; --make writes
               model_int8.onnx / model_fp16.onnx beside the graph (no Python needed)
xlir datasets  [--data-dir DIR] [--json]
xlir doctor    [--json]

xlir history   [--machine ID|LABEL] [--model NAME] [--dataset NAME] [--limit N] [--json]
               Filters match part of a machine label or model name, or an id prefix.
xlir show      RUN                 RUN: an id from xlir history (or its start), or last
               (the run this history got last, recorded or imported)
xlir delete    RUN [RUN...] [--force]
               Removes finished, failed or incomplete runs. --force also removes one
               shown as running whose process id went to another program.
xlir compare   RUN[:MODEL] RUN[:MODEL]... [--resamples N] [--json]
               Same models side by side, ratios to the first run, and whether a latency
               difference is beyond noise (bootstrap). RUN:MODEL picks one model.
xlir export    RUN [RUN...] --out FILE|- [--format html|json|csv|md|pdf] [--redact]
               Format from --out's extension if not given. html: one self-contained
               file with charts; json: the full runs, for xlir import; csv: one row per
               query with stage times; pdf: needs Chromium (CHROME_PATH). --redact: for
               sharing, host name, absolute paths and user name left out.
xlir import    FILE...             Reports from xlir export --format json or xlir run --json
xlir machines  [--json]            Machines, with their id and label
xlir machines  label ID "LABEL"    Rename a machine
xlir serve     [--port N] [--data-dir DIR]
               Serves the UI on 127.0.0.1 only (--port, default a free port) and
               prints its address with a one-time access token. Runs started there
               use DIR (else $XLIR_DATA_DIR, else the bundled XQuAD-R) for data
               when they name none.
               Ctrl-C stops it; a run in progress is cancelled and kept.

Environment: XLIR_DATA_DIR (data folder), XLIR_MODELS_DIR (extra model folder, where
replicas are generated; default ~/.cache/xlir-bench/models), XLIR_CACHE_DIR
(download cache), XLIR_HOME
(history folder, default ~/.local/share/xlir-bench, ~/Library/Application
Support/xlir-bench or %APPDATA%\\xlir-bench).
Exit codes: 0 ok, 1 error, 2 bad usage; a run or sweep stopped by a signal is
cancelled, stored, and exits 128 + the signal: 130 Ctrl-C, 143 SIGTERM, 129 SIGHUP.
141: standard output was closed (xlir ... | head).
`;

/**
 * `--flag -1` as `--flag=-1`: parseArgs takes a value that starts with "-" for a flag of its own
 * ("argument is ambiguous"), so a negative number would never reach the message that says what
 * the flag allows.
 */
function joinNegativeNumbers(args: readonly string[], options: NonNullable<ParseArgsConfig['options']>): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const name = /^--([^=]+)$/.exec(args[i])?.[1];
    const next = args[i + 1];
    if (name !== undefined && options[name]?.type === 'string' && next !== undefined && /^-(\d|\.\d|Infinity)/.test(next)) {
      out.push(`${args[i]}=${next}`);
      i++;
    } else {
      out.push(args[i]);
    }
  }
  return out;
}

/** `parseArgs` with usage errors turned into CliUsageError (strict: unknown flags are errors). */
export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T) {
  try {
    return parseArgs({ args: joinNegativeNumbers(args, options), options, strict: true, allowPositionals: false, allowNegative: true }).values;
  } catch (err) {
    throw new CliUsageError((err as Error).message);
  }
}

/** As `parseFlags`, for commands that also take operands (run ids, files). */
export function parseFlagsAndOperands<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T) {
  try {
    const { values, positionals } = parseArgs({ args: joinNegativeNumbers(args, options), options, strict: true, allowPositionals: true, allowNegative: true });
    return { flags: values, operands: positionals };
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
