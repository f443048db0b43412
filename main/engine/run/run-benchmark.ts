import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { loadDataset } from '../datasets/registry.ts';
import type { RetrievalDataset } from '../datasets/retrieval-dataset.ts';
import { saveEmbeddings } from '../embeddings/save-embeddings.ts';
import { XlirError } from '../errors.ts';
import { createSystemClock } from '../latency/clock.ts';
import { summarizeBy } from '../latency/grouped-summary.ts';
import type { LatencyEvent } from '../latency/scenario.ts';
import { runSingleStream } from '../latency/single-stream.ts';
import { runOffline } from '../latency/offline.ts';
import { runServer } from '../latency/server.ts';
import { stageShares } from '../latency/stage-breakdown.ts';
import { captureMachineProfile } from '../machine/machine-profile.ts';
import { evaluateQuality, type QualityDetail } from '../metrics/evaluate-quality.ts';
import { hashModelFile } from '../models/discover.ts';
import { encodeTexts } from '../models/encode-texts.ts';
import { loadModel } from '../models/load-model.ts';
import { modelFilePath } from '../models/model-folder.ts';
import { CandidateIndex } from '../retrieval/exact-search.ts';
import { compareModels } from './compare-models.ts';
import { RetrievalQueryProcessor } from './retrieval-processor.ts';
import type { RunConfig } from './run-config.ts';
import type { RunEvent } from './run-events.ts';
import type { LatencyResult, ModelRun, RunResult } from './run-result.ts';
import { RUN_RESULT_VERSION } from './run-result.ts';
import { toolVersion } from './tool-version.ts';

export interface RunContext {
  signal: AbortSignal;
  emit: (event: RunEvent) => void;
}

const cancelled = (signal: AbortSignal) => signal.aborted;

/**
 * One benchmark run: the dataset once, then per model: load, embed the candidate pool, quality
 * (all queries, batched), latency (the configured scenario, one query or batch at a time).
 * Quality and latency use separate encodings on purpose: quality wants throughput, latency wants
 * each query alone as a user would send it.
 */
export async function runBenchmark(config: RunConfig, ctx: RunContext): Promise<RunResult> {
  const startedAt = new Date().toISOString();
  const { emit, signal } = ctx;
  const warnings: string[] = [];
  const warn = (message: string, model?: string) => {
    warnings.push(model ? `${model}: ${message}` : message);
    emit({ type: 'warning', message, ...(model && { model }) });
  };

  emit({ type: 'phase', phase: 'machine' });
  const machine = await captureMachineProfile();

  emit({ type: 'phase', phase: 'dataset', detail: config.dataset.name });
  const loaded = await loadDataset({ ...config.dataset, seed: config.seed });
  for (const w of loaded.warnings) warn(w);
  const dataset = loaded.dataset;

  const models: ModelRun[] = [];
  const details = new Map<string, QualityDetail>();
  for (const dir of config.models) {
    if (cancelled(signal)) break;
    const { run, detail } = await benchmarkModel(dir, dataset, config, ctx, warn);
    models.push(run);
    if (detail) details.set(run.name, detail);
    emit({ type: 'model-done', model: run.name });
  }

  const status = cancelled(signal) ? 'cancelled' : 'completed';
  const comparisons = status === 'completed' ? compareModels(models, details, config) : [];
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
    models,
    comparisons,
    warnings,
  };
}

async function benchmarkModel(
  dir: string,
  dataset: RetrievalDataset,
  config: RunConfig,
  ctx: RunContext,
  warn: (message: string, model?: string) => void,
): Promise<{ run: ModelRun; detail?: QualityDetail }> {
  const { emit, signal } = ctx;
  const clock = createSystemClock();
  emit({ type: 'phase', phase: 'load-model', model: dir });
  const t0 = clock.nowMs();
  const encoder = await loadModel(dir, {
    executionProviders: config.provider.executionProviders,
    graphOptimizationLevel: config.provider.graphOptimizationLevel,
    ...(config.provider.intraOpThreads !== undefined && { intraOpThreads: config.provider.intraOpThreads }),
    ...(config.provider.interOpThreads !== undefined && { interOpThreads: config.provider.interOpThreads }),
    onWarning: (message) => warn(message, dir),
  });
  const name = encoder.manifest.name;
  const loadMs = clock.nowMs() - t0;
  try {
    const modelFile = modelFilePath(dir, encoder.manifest);
    const [sha256, { size }] = await Promise.all([hashModelFile(dir), stat(modelFile)]);

    emit({ type: 'phase', phase: 'encode-candidates', model: name });
    const t1 = clock.nowMs();
    const candidateEmbeddings = await encodeTexts(encoder, dataset.candidates.map((c) => c.text), 'passage', config.encodeBatchSize, (done, total) =>
      emit({ type: 'progress', phase: 'encode-candidates', model: name, done, total }),
    );
    const encodeCandidatesMs = clock.nowMs() - t1;
    const index = new CandidateIndex(candidateEmbeddings, encoder.dimension);

    let quality: ModelRun['quality'] = null;
    let qualityNote: string | undefined;
    let detail: QualityDetail | undefined;
    let encodeQueriesMs: number | undefined;
    let qualityMs: number | undefined;
    if (encoder.manifest.checkpoint === 'replica') {
      qualityNote = 'replica: random weights with a real architecture; its latency is real, its retrieval quality meaningless, so none is reported';
    } else if (!config.quality) {
      qualityNote = 'quality not measured (--no-quality)';
    } else if (!cancelled(signal)) {
      emit({ type: 'phase', phase: 'encode-queries', model: name });
      const t2 = clock.nowMs();
      const queryEmbeddings = await encodeTexts(encoder, dataset.queries.map((q) => q.text), 'query', config.encodeBatchSize, (done, total) =>
        emit({ type: 'progress', phase: 'encode-queries', model: name, done, total }),
      );
      encodeQueriesMs = clock.nowMs() - t2;
      emit({ type: 'phase', phase: 'quality', model: name });
      const t3 = clock.nowMs();
      const evaluated = evaluateQuality({
        queries: dataset.queries,
        candidates: dataset.candidates,
        queryEmbeddings,
        candidateEmbeddings,
        dim: encoder.dimension,
        languages: dataset.languages,
        onProgress: (done, total) => emit({ type: 'progress', phase: 'quality', model: name, done, total }),
      });
      qualityMs = clock.nowMs() - t3;
      quality = evaluated.result;
      detail = evaluated.detail;
      if (config.saveEmbeddingsDir) {
        const where = await saveEmbeddings(config.saveEmbeddingsDir, name, {
          queries: dataset.queries,
          candidates: dataset.candidates,
          queryEmbeddings,
          candidateEmbeddings,
          dimension: encoder.dimension,
        });
        emit({ type: 'phase', phase: 'saved-embeddings', model: name, detail: where });
      }
    }

    emit({ type: 'phase', phase: 'latency', model: name, detail: config.scenario.kind });
    const latency = await measureLatency(new RetrievalQueryProcessor(encoder, dataset.queries, index), config, ctx, name, clock);

    const run: ModelRun = {
      name,
      dir,
      manifest: encoder.manifest,
      model: { file: modelFile, bytes: size, sha256 },
      provider: {
        requested: config.provider.executionProviders,
        actual: encoder.provider,
        ...(encoder.fallbackReason !== undefined && { fallbackReason: encoder.fallbackReason }),
        intraOpThreads: config.provider.intraOpThreads ?? null,
        interOpThreads: config.provider.interOpThreads ?? null,
        graphOptimizationLevel: config.provider.graphOptimizationLevel,
      },
      timings: { loadMs, encodeCandidatesMs, encodeQueriesMs: encodeQueriesMs ?? null, qualityMs: qualityMs ?? null },
      quality,
      ...(qualityNote !== undefined && { qualityNote }),
      latency,
    };
    return { run, ...(detail && { detail }) };
  } catch (err) {
    if (err instanceof XlirError) throw err;
    throw new Error(`while benchmarking ${name}: ${(err as Error).message}`, { cause: err });
  } finally {
    await encoder.dispose();
  }
}

async function measureLatency(
  processor: RetrievalQueryProcessor,
  config: RunConfig,
  ctx: RunContext,
  model: string,
  clock: ReturnType<typeof createSystemClock>,
): Promise<LatencyResult> {
  const scenario = config.scenario;
  const onEvent = (event: LatencyEvent<unknown>) =>
    ctx.emit({
      type: 'latency',
      model,
      scenario: event.scenario,
      phase: event.phase,
      ...(event.batchSize !== undefined && { batchSize: event.batchSize }),
      samples: event.samples as never,
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
    onEvent,
  };
  if (scenario.kind === 'offline') {
    return await runOffline(processor, { ...common, batchSizes: scenario.batchSizes });
  }
  const stream =
    scenario.kind === 'server' ? await runServer(processor, { ...common, targetQps: scenario.targetQps }) : await runSingleStream(processor, common);
  return {
    ...stream,
    byLanguage: summarizeBy(stream.samples, (s) => s.lang).map(({ key, summary }) => ({ lang: key, summary })),
    breakdown: stageShares(stream.samples),
  };
}
