import { randomUUID } from 'node:crypto';
import { loadDataset } from '../datasets/registry.ts';
import type { RetrievalDataset } from '../datasets/retrieval-dataset.ts';
import { saveEmbeddings } from '../embeddings/save-embeddings.ts';
import { XlirError } from '../errors.ts';
import { createSystemClock, type Clock } from '../latency/clock.ts';
import { latencyByLanguage } from '../latency/by-language.ts';
import type { LatencySample } from '../latency/latency-sample.ts';
import { runOfflineInterleaved } from '../latency/offline.ts';
import type { LatencyEvent } from '../latency/scenario.ts';
import { runServerInterleaved } from '../latency/server.ts';
import { runSingleStreamInterleaved } from '../latency/single-stream.ts';
import { stageShares } from '../latency/stage-breakdown.ts';
import { tokenCost } from '../latency/token-cost.ts';
import { noiseFloorOf, type NoiseFloor } from '../calibration/noise-floor.ts';
import { captureMachineProfile } from '../machine/machine-profile.ts';
import type { MeasurementQuality } from '../measurement-quality/measurement-quality.ts';
import { startMeasurementMonitor } from '../measurement-quality/monitor.ts';
import { systemProbes, type OtherRun } from '../measurement-quality/probes.ts';
import { evaluateQuality, type QualityDetail } from '../metrics/evaluate-quality.ts';
import type { EncoderText } from '../models/encoder.ts';
import { encodeTexts } from '../models/encode-texts.ts';
import { sha256Model, sha256Tokenizer } from '../models/file-hash.ts';
import { loadModel } from '../models/load-model.ts';
import { modelFileBytes } from '../models/model-folder.ts';
import type { OnnxEncoder } from '../models/onnx-encoder.ts';
import type { ModelCost } from '../roofline/model-cost.ts';
import { CandidateIndex } from '../retrieval/exact-search.ts';
import { tfidfChar3ScoreSource } from '../retrieval/tfidf-char3.ts';
import { graphPrecision } from '../precision/graph-precision.ts';
import { compareModels, comparisonPairs } from './compare-models.ts';
import { loadModelCost, modelRoofline, profileModel, providerCeilings } from './model-roofline.ts';
import { precisionTables } from './precision-table.ts';
import { RetrievalQueryProcessor } from './retrieval-processor.ts';
import type { RunConfig } from './run-config.ts';
import type { RunEvent } from './run-events.ts';
import { candidateInputs, planRunModels, type RunModel } from './run-models.ts';
import { RUN_RESULT_VERSION, type Comparison, type LatencyResult, type ModelRun, type RunResult } from './run-result.ts';
import { toolVersion } from './tool-version.ts';

export interface RunContext {
  /**
   * Cancels the run. The quality evaluation is synchronous, so no message can abort it mid-way;
   * the worker therefore checks a shared cancel flag inside `emit` (benchmark-worker.ts), and the
   * synchronous loops, which report progress through `emit`, see the abort at their next block.
   */
  signal: AbortSignal;
  emit: (event: RunEvent) => void;
  /** Other xlir runs active on this machine (the store's registry, reached through the caller). */
  otherRuns?: () => Promise<OtherRun[] | null>;
}

/** The name the lexical floor's progress events carry in place of a model's. */
export const LEXICAL_FLOOR_NAME = 'TF-IDF (char 3-grams)';

/** `work()`'s value, or null where the run was cancelled while it ran (its abort is not an error). */
function cancellable<T>(signal: AbortSignal, work: () => T): T | null;
function cancellable<T>(signal: AbortSignal, work: () => Promise<T>): Promise<T | null>;
function cancellable<T>(signal: AbortSignal, work: () => T | Promise<T>): T | null | Promise<T | null> {
  const cancelled = (err: unknown) => {
    if (signal.aborted && (err === signal.reason || (err as Error)?.cause === signal.reason)) return null;
    throw err;
  };
  try {
    const value = work();
    return value instanceof Promise ? value.catch(cancelled) : value;
  } catch (err) {
    return cancelled(err);
  }
}

/** Warm-up queries at the start of each later interleaved block: caches are cold after a switch. */
const REWARM_QUERIES = 5;

/** A model loaded, its pool embedded and its quality measured: ready for the latency phase. */
interface PreparedModel {
  encoder: OnnxEncoder;
  processor: RetrievalQueryProcessor;
  run: Omit<ModelRun, 'latency' | 'roofline'>;
  detail?: QualityDetail;
  /** Null with --no-roofline or when the graph could not be counted. */
  cost: ModelCost | null;
}

/**
 * One benchmark run. The dataset is loaded once; each model is loaded, its candidate pool embedded
 * and its quality measured (all queries, batched); then latency is measured for all models — in
 * alternating blocks where the scenario allows, so that machine drift cannot pose as a difference
 * between models. Quality and latency use separate encodings on purpose: quality wants
 * throughput, latency wants each query alone as a user sends it.
 */
export async function runBenchmark(config: RunConfig, ctx: RunContext): Promise<RunResult> {
  const startedAt = new Date().toISOString();
  const { emit, signal } = ctx;
  const warnings: string[] = [];
  const warn = (message: string, model?: string) => {
    warnings.push(model ? `${model}: ${message}` : message);
    emit({ type: 'warning', message, ...(model && { model }) });
  };

  // Models first: a folder that is not a model fails here, before any dataset work.
  const planned = await planRunModels(config);
  emit({ type: 'phase', phase: 'machine' });
  const machine = await captureMachineProfile();
  emit({ type: 'phase', phase: 'dataset', detail: config.dataset.name });
  const loaded = await loadDataset({ ...config.dataset, seed: config.seed });
  for (const w of loaded.warnings) warn(w);
  const dataset = loaded.dataset;
  const candidateTexts = new Map(planned.map((m) => [m.candidateContext, candidateInputs(dataset, m.candidateContext)]));

  let lexicalFloor: RunResult['lexicalFloor'] = null;
  if (config.lexicalFloor && !signal.aborted) {
    emit({ type: 'phase', phase: 'lexical-floor' });
    lexicalFloor = cancellable(signal, () =>
      evaluateQuality({
        queries: dataset.queries,
        candidates: dataset.candidates,
        languages: dataset.languages,
        scores: tfidfChar3ScoreSource(
          dataset.queries.map((q) => q.text),
          dataset.candidates.map((c) => c.text),
        ),
        onProgress: (done, total) => emit({ type: 'progress', phase: 'lexical-floor', model: LEXICAL_FLOOR_NAME, done, total }),
        signal,
      }).result,
    );
    if (lexicalFloor) emit({ type: 'quality-done', model: LEXICAL_FLOOR_NAME, lexicalFloor: true, quality: lexicalFloor });
  }

  const clock = createSystemClock();
  const prepared: PreparedModel[] = [];
  let models: ModelRun[] = [];
  let measurementQuality: MeasurementQuality | null = null;
  try {
    for (const entry of planned) {
      const model = await cancellable(signal, () => prepareModel(entry, candidateTexts.get(entry.candidateContext)!, dataset, config, ctx, clock, warn));
      if (!model) break;
      prepared.push(model);
    }
    const ceilings = config.roofline && !signal.aborted ? await providerCeilings(prepared.map((p) => p.encoder.provider), machine, config, ctx, warn) : new Map();
    // Even when cancelled: the scenarios then return at once, and what was measured is kept.
    let latencies: LatencyResult[] = [];
    if (prepared.length > 0) {
      const monitor = startMeasurementMonitor(systemProbes(ctx.otherRuns), clock);
      latencies = await measureLatency(prepared, config, ctx, clock, () => monitor.sample());
      measurementQuality = await monitor.finish();
      // Told live; the result carries it as `measurementQuality`, not among the warnings.
      if (measurementQuality.level !== 'quiet') emit({ type: 'warning', message: `measurement quality: ${measurementQuality.summary}` });
    }
    models = [];
    for (const [i, latency] of latencies.entries()) {
      const { run, cost, encoder } = prepared[i];
      // After every measurement: the profiled session never runs beside a timed one.
      const operators = cost && config.operatorProfile ? await profileModel(encoder, run.variant?.name, latency, dataset.queries, config, cost, ctx, (message) => warn(message, run.name)) : [];
      models.push({ ...run, latency, roofline: cost ? modelRoofline(latency, cost, ceilings.get(encoder.provider), operators) : null });
    }
  } finally {
    await Promise.all(prepared.map((p) => p.encoder.dispose()));
  }
  for (const m of models) emit({ type: 'model-done', model: m.name });

  const status = signal.aborted ? 'cancelled' : 'completed';
  const details = new Map(prepared.flatMap((p) => (p.detail ? [[p.run.name, p.detail] as const] : [])));
  if (status === 'completed' && models.length > 1) emit({ type: 'phase', phase: 'compare' });
  const comparisons = status === 'completed' ? compareModels(models, details, config, measurementQuality?.busyReason ?? null) : [];
  const noiseFloor = measurementQuality && aaNoiseFloor(models, comparisons, config, measurementQuality.measuredMs);
  return {
    version: RUN_RESULT_VERSION,
    id: randomUUID(),
    tool: { name: 'xlir-bench', version: toolVersion() },
    status,
    startedAt,
    finishedAt: new Date().toISOString(),
    config,
    machine,
    dataset: {
      name: dataset.name,
      languages: dataset.languages,
      queryCount: dataset.queries.length,
      candidateCount: dataset.candidates.length,
      files: dataset.files,
    },
    lexicalFloor,
    models,
    comparisons,
    ...(status === 'completed' && { pairingNotes: comparisonPairs(models, config.pairs).notes }),
    ...(status === 'completed' && config.variants.length > 0 && { precision: precisionTables(models, details, config) }),
    ...(measurementQuality && { measurementQuality }),
    ...(noiseFloor && { noiseFloor }),
    warnings,
  };
}

/** The noise floor, when the run compared a model with itself (an A/A run: `xlir calibrate`). */
function aaNoiseFloor(models: readonly ModelRun[], comparisons: readonly Comparison[], config: RunConfig, latencyPhaseMs: number): NoiseFloor | null {
  for (const c of comparisons) {
    const a = models.find((m) => m.name === c.baseline);
    const b = models.find((m) => m.name === c.candidate);
    if (!a || !b || !c.latency || a.model.sha256 !== b.model.sha256) continue;
    return noiseFloorOf(c.latency, { model: a.name, sha256: a.model.sha256, scenario: config.scenario.kind, intraOpThreads: config.provider.intraOpThreads ?? null, latencyPhaseMs });
  }
  return null;
}

async function prepareModel(
  entry: RunModel,
  candidateTexts: EncoderText[],
  dataset: RetrievalDataset,
  config: RunConfig,
  ctx: RunContext,
  clock: Clock,
  warn: (message: string, model?: string) => void,
): Promise<PreparedModel> {
  const { emit, signal } = ctx;
  const { dir, variant, candidateContext } = entry;
  emit({ type: 'phase', phase: 'load-model', model: dir, ...(variant !== undefined && { detail: `variant ${variant}` }) });
  const t0 = clock.nowMs();
  const encoder = await loadModel(dir, {
    ...(variant !== undefined && { variant }),
    executionProviders: config.provider.executionProviders,
    graphOptimizationLevel: config.provider.graphOptimizationLevel,
    ...(config.provider.intraOpThreads !== undefined && { intraOpThreads: config.provider.intraOpThreads }),
    ...(config.provider.interOpThreads !== undefined && { interOpThreads: config.provider.interOpThreads }),
    onWarning: (message) => warn(message, dir),
  });
  const loadMs = clock.nowMs() - t0;
  const name = entry.runName;
  const standIn = encoder.manifest.tokenizerStandIn;
  if (standIn) warn(standIn.reason, name);
  try {
    const modelFile = encoder.graph.file;
    const [sha256, size, tokenizerSha256] = await Promise.all([sha256Model(modelFile), modelFileBytes(modelFile), sha256Tokenizer(dir)]);
    const encode = async (texts: EncoderText[], kind: 'query' | 'passage', phase: 'encode-candidates' | 'encode-queries') => {
      emit({ type: 'phase', phase, model: name });
      const start = clock.nowMs();
      const vectors = await encodeTexts(encoder, texts, kind, config.encodeBatchSize, (done, total) => emit({ type: 'progress', phase, model: name, done, total }), signal);
      return { vectors, ms: clock.nowMs() - start };
    };

    const cost = config.roofline ? await loadModelCost(modelFile, (message) => warn(message, name)) : null;
    const candidates = await encode(candidateTexts, 'passage', 'encode-candidates');
    const index = new CandidateIndex(candidates.vectors, encoder.dimension);

    let quality: ModelRun['quality'] = null;
    let qualityNote: string | undefined;
    let detail: QualityDetail | undefined;
    let encodeQueriesMs: number | null = null;
    let qualityMs: number | null = null;
    if (encoder.manifest.checkpoint === 'replica') {
      qualityNote = 'replica: a real architecture with random weights; its latency is real, its retrieval quality meaningless, so none is reported';
    } else if (!config.quality) {
      qualityNote = 'quality not measured (--no-quality)';
    } else if (!signal.aborted) {
      const queries = await encode(dataset.queries.map((q) => q.text), 'query', 'encode-queries');
      encodeQueriesMs = queries.ms;
      emit({ type: 'phase', phase: 'quality', model: name });
      const t1 = clock.nowMs();
      const evaluated = cancellable(signal, () =>
        evaluateQuality({
          queries: dataset.queries,
          candidates: dataset.candidates,
          queryEmbeddings: queries.vectors,
          candidateEmbeddings: candidates.vectors,
          dim: encoder.dimension,
          languages: dataset.languages,
          onProgress: (done, total) => emit({ type: 'progress', phase: 'quality', model: name, done, total }),
          signal,
        }),
      );
      qualityMs = clock.nowMs() - t1;
      quality = evaluated?.result ?? null;
      detail = evaluated?.detail;
      if (evaluated) emit({ type: 'quality-done', model: name, quality: evaluated.result });
      if (!evaluated) qualityNote = 'run cancelled during the quality evaluation';
      else if (config.saveEmbeddingsDir) {
        const where = await saveEmbeddings(config.saveEmbeddingsDir, name, {
          queries: dataset.queries,
          candidates: dataset.candidates,
          queryEmbeddings: queries.vectors,
          candidateEmbeddings: candidates.vectors,
          dimension: encoder.dimension,
        });
        emit({ type: 'phase', phase: 'saved-embeddings', model: name, detail: where });
      }
    } else {
      qualityNote = 'run cancelled before quality was measured';
    }

    return {
      encoder,
      processor: new RetrievalQueryProcessor(encoder, dataset.queries, index),
      run: {
        name,
        dir,
        manifest: encoder.manifest,
        model: { file: modelFile, bytes: size, sha256, tokenizerSha256 },
        ...(variant !== undefined && { variant: { name: variant, ...(encoder.graph.derived && { derived: { source: encoder.graph.derived.source, recipe: encoder.graph.derived.recipe } }) } }),
        ...(config.variants.length > 0 && { precision: await graphPrecision(modelFile) }),
        candidateContext,
        provider: {
          requested: config.provider.executionProviders,
          actual: encoder.provider,
          ...(encoder.fallbackReason !== undefined && { fallbackReason: encoder.fallbackReason }),
          intraOpThreads: config.provider.intraOpThreads ?? null,
          interOpThreads: config.provider.interOpThreads ?? null,
          graphOptimizationLevel: config.provider.graphOptimizationLevel,
        },
        timings: { loadMs, encodeCandidatesMs: candidates.ms, encodeQueriesMs, qualityMs },
        quality,
        ...(qualityNote !== undefined && { qualityNote }),
      },
      ...(detail && { detail }),
      cost,
    };
  } catch (err) {
    await encoder.dispose();
    if (err instanceof XlirError) throw err;
    throw new Error(`while benchmarking ${name}: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Latency for every prepared model: with several models, in interleaved rounds (every scenario),
 * so that machine drift cannot pose as a difference between models.
 */
async function measureLatency(prepared: PreparedModel[], config: RunConfig, ctx: RunContext, clock: Clock, betweenBlocks: () => Promise<void>): Promise<LatencyResult[]> {
  const scenario = config.scenario;
  const onEvent = (system: number, event: LatencyEvent<unknown>) =>
    ctx.emit({
      type: 'latency',
      model: prepared[system].run.name,
      scenario: event.scenario,
      phase: event.phase,
      ...(event.batchSize !== undefined && { batchSize: event.batchSize }),
      samples: event.samples as LatencySample[],
      progress: event.progress,
      live: event.live,
    });
  const options = {
    clock,
    seed: config.seed,
    warmupQueries: scenario.warmupQueries,
    minQueries: scenario.minQueries,
    minDurationMs: scenario.minDurationMs,
    signal: ctx.signal,
    // One model alone has nothing to interleave with: one block.
    rounds: prepared.length > 1 ? scenario.rounds : 1,
    rewarmQueries: Math.min(REWARM_QUERIES, scenario.warmupQueries),
    onEvent,
    betweenBlocks,
  };
  for (const p of prepared) ctx.emit({ type: 'phase', phase: 'latency', model: p.run.name, detail: scenario.kind });
  const processors = prepared.map((p) => p.processor);

  if (scenario.kind === 'single-stream') {
    const results = await runSingleStreamInterleaved(processors, options);
    return results.map((r) => ({ ...r, rounds: options.rounds, ...streamExtras(r.samples) }));
  }
  if (scenario.kind === 'offline') return runOfflineInterleaved(processors, { ...options, batchSizes: scenario.batchSizes });
  const results = await runServerInterleaved(processors, { ...options, targetQps: scenario.targetQps });
  return results.map((r) => ({ ...r, ...streamExtras(r.samples) }));
}

/** Latency per query language, where the time goes, and latency against tokens, for the per-query scenarios. */
function streamExtras(samples: readonly LatencySample[]) {
  return {
    byLanguage: latencyByLanguage(samples),
    breakdown: stageShares(samples),
    tokenCost: tokenCost(samples),
  };
}
