import { randomUUID } from 'node:crypto';
import { loadDataset } from '../datasets/registry.ts';
import type { RetrievalDataset } from '../datasets/retrieval-dataset.ts';
import { saveEmbeddings } from '../embeddings/save-embeddings.ts';
import { XlirError } from '../errors.ts';
import { createSystemClock, type Clock } from '../latency/clock.ts';
import { latencyByLanguage } from '../latency/by-language.ts';
import { runInterleavedSingleStream } from '../latency/interleaved.ts';
import type { LatencySample } from '../latency/latency-sample.ts';
import { runOffline } from '../latency/offline.ts';
import type { LatencyEvent } from '../latency/scenario.ts';
import { runServer } from '../latency/server.ts';
import { runSingleStream, type SingleStreamResult } from '../latency/single-stream.ts';
import { stageShares } from '../latency/stage-breakdown.ts';
import { tokenCost } from '../latency/token-cost.ts';
import { captureMachineProfile } from '../machine/machine-profile.ts';
import { evaluateQuality, type QualityDetail } from '../metrics/evaluate-quality.ts';
import type { EncoderText } from '../models/encoder.ts';
import { encodeTexts } from '../models/encode-texts.ts';
import { sha256Model, sha256Tokenizer } from '../models/file-hash.ts';
import { loadModel } from '../models/load-model.ts';
import { modelFileBytes } from '../models/model-folder.ts';
import type { OnnxEncoder } from '../models/onnx-encoder.ts';
import type { ModelFlops } from '../roofline/flop-count.ts';
import { CandidateIndex } from '../retrieval/exact-search.ts';
import { tfidfChar3ScoreSource } from '../retrieval/tfidf-char3.ts';
import { graphPrecision } from '../precision/graph-precision.ts';
import { compareModels, comparisonPairs } from './compare-models.ts';
import { loadModelFlops, modelRoofline, providerPeaks } from './model-roofline.ts';
import { precisionTables } from './precision-table.ts';
import { RetrievalQueryProcessor } from './retrieval-processor.ts';
import type { RunConfig } from './run-config.ts';
import type { RunEvent } from './run-events.ts';
import { candidateInputs, planRunModels, type RunModel } from './run-models.ts';
import { RUN_RESULT_VERSION, type LatencyResult, type ModelRun, type RunResult } from './run-result.ts';
import { toolVersion } from './tool-version.ts';

export interface RunContext {
  /**
   * Cancels the run. The quality evaluation is synchronous, so no message can abort it mid-way;
   * the worker therefore checks a shared cancel flag inside `emit` (benchmark-worker.ts), and the
   * synchronous loops, which report progress through `emit`, see the abort at their next block.
   */
  signal: AbortSignal;
  emit: (event: RunEvent) => void;
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
  flops: ModelFlops | null;
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
  try {
    for (const entry of planned) {
      const model = await cancellable(signal, () => prepareModel(entry, candidateTexts.get(entry.candidateContext)!, dataset, config, ctx, clock, warn));
      if (!model) break;
      prepared.push(model);
    }
    const peaks = config.roofline && !signal.aborted ? await providerPeaks(prepared.map((p) => p.encoder.provider), machine, config, ctx, warn) : new Map();
    // Even when cancelled: the scenarios then return at once, and what was measured is kept.
    const latencies = prepared.length > 0 ? await measureLatency(prepared, config, ctx, clock) : [];
    models = latencies.map((latency, i) => {
      const { run, flops, encoder } = prepared[i];
      return { ...run, latency, roofline: flops ? modelRoofline(latency, flops, peaks.get(encoder.provider)) : null };
    });
  } finally {
    await Promise.all(prepared.map((p) => p.encoder.dispose()));
  }
  for (const m of models) emit({ type: 'model-done', model: m.name });

  const status = signal.aborted ? 'cancelled' : 'completed';
  const details = new Map(prepared.flatMap((p) => (p.detail ? [[p.run.name, p.detail] as const] : [])));
  if (status === 'completed' && models.length > 1) emit({ type: 'phase', phase: 'compare' });
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
    comparisons: status === 'completed' ? compareModels(models, details, config) : [],
    ...(status === 'completed' && { pairingNotes: comparisonPairs(models, config.pairs).notes }),
    ...(status === 'completed' && config.variants.length > 0 && { precision: precisionTables(models, details, config) }),
    warnings,
  };
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

    const flops = config.roofline ? await loadModelFlops(modelFile, (message) => warn(message, name)) : null;
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
      flops,
    };
  } catch (err) {
    await encoder.dispose();
    if (err instanceof XlirError) throw err;
    throw new Error(`while benchmarking ${name}: ${(err as Error).message}`, { cause: err });
  }
}

/** Latency for every prepared model: interleaved blocks for single-stream, one model after another otherwise. */
async function measureLatency(prepared: PreparedModel[], config: RunConfig, ctx: RunContext, clock: Clock): Promise<LatencyResult[]> {
  const scenario = config.scenario;
  const onEvent = (model: string) => (event: LatencyEvent<unknown>) =>
    ctx.emit({
      type: 'latency',
      model,
      scenario: event.scenario,
      phase: event.phase,
      ...(event.batchSize !== undefined && { batchSize: event.batchSize }),
      samples: event.samples as LatencySample[],
      progress: event.progress,
      live: event.live,
    });
  const common = {
    clock,
    seed: config.seed,
    warmupQueries: scenario.warmupQueries,
    minQueries: scenario.minQueries,
    minDurationMs: scenario.minDurationMs,
    signal: ctx.signal,
  };
  for (const p of prepared) ctx.emit({ type: 'phase', phase: 'latency', model: p.run.name, detail: scenario.kind });

  if (scenario.kind === 'single-stream') {
    const rounds = prepared.length > 1 ? scenario.rounds : 1;
    const results: SingleStreamResult[] =
      rounds > 1
        ? await runInterleavedSingleStream(
            prepared.map((p) => p.processor),
            { ...common, rounds, rewarmQueries: Math.min(REWARM_QUERIES, scenario.warmupQueries), onEvent: (i, e) => onEvent(prepared[i].run.name)(e) },
          )
        : [await runSingleStream(prepared[0].processor, { ...common, onEvent: onEvent(prepared[0].run.name) })];
    return results.map((r) => ({ ...r, rounds, ...streamExtras(r.samples) }));
  }
  const out: LatencyResult[] = [];
  for (const p of prepared) {
    const events = onEvent(p.run.name);
    if (scenario.kind === 'offline') {
      out.push(await runOffline(p.processor, { ...common, batchSizes: scenario.batchSizes, onEvent: events }));
    } else {
      const r = await runServer(p.processor, { ...common, targetQps: scenario.targetQps, onEvent: events });
      out.push({ ...r, ...streamExtras(r.samples) });
    }
  }
  return out;
}

/** Latency per query language, where the time goes, and latency against tokens, for the per-query scenarios. */
function streamExtras(samples: readonly LatencySample[]) {
  return {
    byLanguage: latencyByLanguage(samples),
    breakdown: stageShares(samples),
    tokenCost: tokenCost(samples),
  };
}
