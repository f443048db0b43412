import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { XlirError } from '../../engine/errors.ts';
import { modelSearchDirs, resolveModelArgument, bundledModelsDir } from '../../engine/models/model-locations.ts';
import { listModels } from '../../engine/models/discover.ts';
import { startBenchmark } from '../../engine/run/benchmark-job.ts';
import { boundedRunConfigSchema, runLimitsFor } from '../../engine/run/bounded-config.ts';
import type { RunConfigInput } from '../../engine/run/run-config.ts';
import { planRunModels } from '../../engine/run/run-models.ts';
import { randomUUID } from 'node:crypto';
import type { RunResult } from '../../engine/run/run-result.ts';
import { listActiveRuns, registerActiveRun } from '../../store/active-runs.ts';
import { applySavedCalibration } from '../../store/calibration-file.ts';
import { startHistoryRecording } from '../../store/history-access.ts';
import { optionUsageError, RUN_OPTION_FLAGS } from '../option-flags.ts';
import { xlirHomeDir } from '../../store/history-path.ts';
import { replicaOnFirstUse } from '../replica-on-first-use.ts';
import { printRunSummary } from '../run-summary.ts';
import { onStopSignal, signalExitCode } from '../stop-signals.ts';
import { createProgressBar } from '../terminal.ts';
import { CliUsageError, parseFlags, parseList, parseNumber } from '../usage.ts';

const RUN_FLAGS = {
  model: { type: 'string', multiple: true },
  dataset: { type: 'string' },
  'data-dir': { type: 'string' },
  'dataset-path': { type: 'string' },
  langs: { type: 'string' },
  'max-queries': { type: 'string' },
  seed: { type: 'string' },
  ep: { type: 'string' },
  threads: { type: 'string' },
  'inter-op-threads': { type: 'string' },
  'graph-opt': { type: 'string' },
  scenario: { type: 'string' },
  warmup: { type: 'string' },
  'min-queries': { type: 'string' },
  'min-duration': { type: 'string' },
  rounds: { type: 'string' },
  'batch-sizes': { type: 'string' },
  'target-qps': { type: 'string' },
  'encode-batch': { type: 'string' },
  quality: { type: 'boolean' },
  'lexical-floor': { type: 'boolean' },
  roofline: { type: 'boolean' },
  'remeasure-peak': { type: 'boolean' },
  'op-profile': { type: 'boolean' },
  bootstrap: { type: 'string' },
  'save-embeddings': { type: 'string' },
  json: { type: 'string' },
  history: { type: 'boolean' },
  variant: { type: 'string', multiple: true },
  pair: { type: 'string', multiple: true },
  'candidate-context': { type: 'string' },
} as const;

/** The bundled baseline/hybrid pair, baseline first: the default when no --model is given. */
async function bundledPair(): Promise<string[]> {
  const models = (await listModels([bundledModelsDir()])).filter((m) => m.ok);
  const order = { baseline: 0, hybrid: 1, other: 2, replica: 3 } as const;
  const dirs = models.sort((a, b) => order[a.checkpoint] - order[b.checkpoint]).map((m) => m.dir);
  if (dirs.length === 0) throw new XlirError('MODEL_NOT_FOUND', `No bundled models in ${bundledModelsDir()}: pass --model DIR (a model folder: see xlir inspect DIR).`);
  return dirs;
}

async function resolveModels(values: string[] | undefined): Promise<string[]> {
  if (!values || values.length === 0) return bundledPair();
  const searchDirs = modelSearchDirs();
  const dirs: string[] = [];
  for (const value of values) {
    const dir = resolveModelArgument(value, searchDirs) ?? (await replicaOnFirstUse(value));
    if (!dir) throw new XlirError('MODEL_NOT_FOUND', `--model ${value}: no such model folder, and no model of that name in ${searchDirs.join(', ')} (see "xlir models").`);
    dirs.push(dir);
  }
  return dirs;
}

/** `--pair BASELINE:HYBRID`, split at the first colon that does not start a Windows path (`C:\\`). */
function parsePair(value: string): { baseline: string; candidate: string } {
  const at = value.search(/:(?![\\/])/);
  if (at <= 0 || at === value.length - 1) throw new CliUsageError(`--pair takes BASELINE:HYBRID (model names or folders), got "${value}"`);
  return { baseline: value.slice(0, at), candidate: value.slice(at + 1) };
}

/** Flags → run configuration; the bounded schema then validates ranges and combinations. */
export async function buildRunConfig(args: string[]): Promise<{ config: RunConfigInput; jsonOut?: string; history: boolean }> {
  const f = parseFlags(args, RUN_FLAGS);
  const scenarioKind = f.scenario ?? 'single-stream';
  if (!['single-stream', 'offline', 'server'].includes(scenarioKind)) throw new CliUsageError(`--scenario must be single-stream, offline or server, got "${scenarioKind}"`);
  if (scenarioKind === 'server' && f['target-qps'] === undefined) throw new CliUsageError('--scenario server needs --target-qps N (queries per second)');
  const minDuration = parseNumber('min-duration', f['min-duration']);
  const scenario = {
    kind: scenarioKind,
    ...(f.warmup !== undefined && { warmupQueries: parseNumber('warmup', f.warmup) }),
    ...(f['min-queries'] !== undefined && { minQueries: parseNumber('min-queries', f['min-queries']) }),
    ...(minDuration !== undefined && { minDurationMs: minDuration * 1000 }),
    ...(f.rounds !== undefined && { rounds: parseNumber('rounds', f.rounds) }),
    ...(scenarioKind === 'offline' && f['batch-sizes'] !== undefined && { batchSizes: parseList(f['batch-sizes'])!.map((s) => parseNumber('batch-sizes', s)!) }),
    ...(scenarioKind === 'server' && { targetQps: parseNumber('target-qps', f['target-qps']) }),
  };
  const eps = parseList(f.ep);
  if (eps && eps.some((ep) => ep !== 'cpu' && ep !== 'cuda')) throw new CliUsageError(`--ep takes cpu, cuda or a list such as cuda,cpu; got "${f.ep}"`);
  const config = {
    models: await resolveModels(f.model),
    dataset: {
      name: f.dataset ?? 'xquad-r',
      ...(f['data-dir'] !== undefined && { dataDir: path.resolve(f['data-dir']) }),
      ...(f['dataset-path'] !== undefined && { path: path.resolve(f['dataset-path']) }),
      ...(f.langs !== undefined && { langs: parseList(f.langs) }),
      ...(f['max-queries'] !== undefined && { maxQueries: parseNumber('max-queries', f['max-queries']) }),
    },
    provider: {
      ...(eps && { executionProviders: eps }),
      ...(f.threads !== undefined && { intraOpThreads: parseNumber('threads', f.threads) }),
      ...(f['inter-op-threads'] !== undefined && { interOpThreads: parseNumber('inter-op-threads', f['inter-op-threads']) }),
      ...(f['graph-opt'] !== undefined && { graphOptimizationLevel: f['graph-opt'] }),
    },
    scenario,
    ...(f.quality !== undefined && { quality: f.quality }),
    ...(f['lexical-floor'] !== undefined && { lexicalFloor: f['lexical-floor'] }),
    ...(f.roofline !== undefined && { roofline: f.roofline }),
    ...(f['remeasure-peak'] !== undefined && { remeasurePeak: f['remeasure-peak'] }),
    ...(f['op-profile'] !== undefined && { operatorProfile: f['op-profile'] }),
    ...(f['encode-batch'] !== undefined && { encodeBatchSize: parseNumber('encode-batch', f['encode-batch']) }),
    ...(f.bootstrap !== undefined && { bootstrapResamples: parseNumber('bootstrap', f.bootstrap) }),
    ...(f['save-embeddings'] !== undefined && { saveEmbeddingsDir: path.resolve(f['save-embeddings']) }),
    ...(f.seed !== undefined && { seed: parseNumber('seed', f.seed) }),
    ...(f.variant !== undefined && { variants: f.variant.flatMap((v) => parseList(v) ?? []) }),
    ...(f.pair !== undefined && { pairs: f.pair.map(parsePair) }),
    ...(f['candidate-context'] !== undefined && { candidateContext: f['candidate-context'] }),
  } as RunConfigInput;
  return { config, history: f.history !== false, ...(f.json !== undefined && { jsonOut: path.resolve(f.json) }) };
}

export async function runRunCommand(args: string[]): Promise<number> {
  const { config, jsonOut, history } = await buildRunConfig(args);
  const { result, exitCode, savedAs } = await executeRun(config, { history, kind: 'run', ...(jsonOut && { jsonOut }) });
  printRunSummary(result, process.stdout);
  if (jsonOut) process.stdout.write(`\nFull result: ${jsonOut}\n`);
  if (savedAs) process.stdout.write(`\n${savedAs}\n`);
  return exitCode;
}

/**
 * Runs a benchmark from the terminal, as `xlir run` and `xlir calibrate` do: checked against this
 * machine's bounds, registered among the machine's active runs (so that other runs see it, and it
 * sees them), recorded in the history unless told not to, with a progress bar, Ctrl-C or a signal
 * to cancel, and the result written to `jsonOut`.
 */
export async function executeRun(
  input: RunConfigInput,
  options: { history: boolean; kind: 'run' | 'calibrate'; jsonOut?: string },
): Promise<{ result: RunResult; exitCode: number; savedAs?: string }> {
  // Every number within what this machine can do, before anything loads or is recorded.
  const parsed = boundedRunConfigSchema(await runLimitsFor(input.models)).safeParse(input);
  if (!parsed.success) throw optionUsageError(parsed.error, RUN_OPTION_FLAGS);
  const bar = createProgressBar();
  const warn = (message: string) => bar.log(`warning: ${message}`);
  const home = xlirHomeDir();
  const config = applySavedCalibration(parsed.data, home, warn);
  // A folder that is not a model (or an unknown variant or pair) fails here and leaves no run in the history.
  await planRunModels(config);
  // Every run is kept unless --no-history.
  const recording = options.history ? await startHistoryRecording(config, warn) : undefined;
  const runId = recording?.runId ?? randomUUID();
  let job: ReturnType<typeof startBenchmark>;
  let registration: { release(): void } | undefined;
  try {
    registration = registerActiveRun(home, { runId, kind: options.kind });
    job = startBenchmark(config, { otherRuns: () => listActiveRuns(home).filter((r) => r.runId !== runId) });
  } catch (err) {
    registration?.release();
    recording?.fail((err as Error).message);
    recording?.close();
    throw err;
  }
  const stopSignals = onStopSignal((signal) => {
    bar.log(`${signal}: cancelling after the query in flight, then storing what was measured (${signal === 'SIGINT' ? 'Ctrl-C' : 'the signal'} again to quit at once)…`);
    job.cancel();
  });
  try {
    for await (const event of job.events) {
      recording?.record(event);
      if (event.type === 'phase') bar.log(`[${event.phase}]${event.model ? ` ${path.basename(event.model)}` : ''}${event.detail ? `: ${event.detail}` : ''}`);
      else if (event.type === 'warning') bar.log(`warning: ${event.model ? `${path.basename(event.model)}: ` : ''}${event.message}`);
      else if (event.type === 'progress') bar.update(`${event.phase} ${event.model}`, event.done, event.total);
      else if (event.type === 'latency') {
        const live = event.live ? ` p50 ${event.live.p50Ms.toFixed(2)} ms p99 ${event.live.p99Ms.toFixed(2)} ms` : '';
        bar.update(`${event.phase === 'warmup' ? 'warm-up' : 'latency'} ${event.model}${live}`, event.progress.done, event.progress.target, event.progress.etaMs ?? undefined);
      }
    }
    let result: RunResult;
    try {
      result = await job.result;
    } catch (err) {
      recording?.fail((err as Error).message);
      throw err;
    }
    if (recording) result = recording.complete(result);
    bar.done();
    if (options.jsonOut) await writeFile(options.jsonOut, `${JSON.stringify(result, null, 2)}\n`);
    const savedAs = recording && result.id === recording.runId ? `Saved in the history as ${result.id.slice(0, 8)} (${recording.file}): xlir show ${result.id.slice(0, 8)}` : undefined;
    return { result, exitCode: result.status === 'cancelled' ? signalExitCode(stopSignals.received ?? 'SIGINT') : 0, ...(savedAs && { savedAs }) };
  } finally {
    bar.done();
    stopSignals.dispose();
    registration.release();
    recording?.close();
  }
}
