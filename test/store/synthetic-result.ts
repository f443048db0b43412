import { compareLatency } from '../../main/engine/latency/compare.ts';
import { summarizeBy } from '../../main/engine/latency/grouped-summary.ts';
import type { BatchSample, LatencySample } from '../../main/engine/latency/latency-sample.ts';
import { stageShares, summarizeStages } from '../../main/engine/latency/stage-breakdown.ts';
import { queriesPerSecond } from '../../main/engine/latency/summary.ts';
import type { MachineProfile } from '../../main/engine/machine/machine-profile.ts';
import type { QualityResult } from '../../main/engine/metrics/quality-result.ts';
import { createRng, type Rng } from '../../main/engine/random/seeded.ts';
import { ModelCost } from '../../main/engine/roofline/model-cost.ts';
import { modelRoofline } from '../../main/engine/run/model-roofline.ts';
import { RunConfigSchema } from '../../main/engine/run/run-config.ts';
import { RUN_RESULT_VERSION, RunResultSchema, type LatencyResult, type ModelRun, type RunResult } from '../../main/engine/run/run-result.ts';
import { fakeBandwidth, fakePeak } from '../roofline/fake-ceilings.ts';
import { attentionBlock } from '../roofline/graphs.ts';

/**
 * A valid run result made up from a seed, for the store, report and bench: any number of samples
 * without running a model. Latencies are log-normal-ish around `baseMs` × the model's factor.
 */
export interface SyntheticOptions {
  id?: string;
  seed?: number;
  /** Model names; the first is the baseline, the others hybrids of the same family. */
  models?: string[];
  /** Latency factor per model (default 1 each). */
  factors?: number[];
  samples?: number;
  scenario?: 'single-stream' | 'server' | 'offline';
  languages?: string[];
  machine?: Partial<MachineProfile>;
  startedAt?: string;
  baseMs?: number;
  /** mAP shift per model (default 0 each). */
  mapShift?: number[];
  /** Intra-op threads the models ran with (default 4). */
  threads?: number;
  /** With ceilings: a roofline per model, its FLOPs and bytes those of test/roofline's attention block. */
  ceilings?: { peakGflops: number; bandwidthGBs: number };
}

export function syntheticMachine(overrides: Partial<MachineProfile> = {}): MachineProfile {
  return {
    hostname: 'bench-host',
    os: { platform: 'linux', release: '6.1.0', arch: 'x64' },
    cpu: { model: 'Synthetic CPU @ 3.0GHz', logicalCores: 8, physicalCores: 4, flags: ['avx2', 'fma'] },
    memoryBytes: 16 * 2 ** 30,
    gpus: [],
    gpuNote: 'nvidia-smi not found: no NVIDIA driver on this machine',
    software: { node: '24.0.0', onnxruntime: '1.30.0', v8: '13.0' },
    ...overrides,
  };
}

function querySamples(rng: Rng, n: number, baseMs: number, langs: string[], queued: boolean): LatencySample[] {
  let clock = 100;
  return Array.from({ length: n }, (_, seq) => {
    const tokenizeMs = 0.05 + rng() * 0.02;
    const encodeMs = baseMs * Math.exp((rng() + rng() + rng() - 1.5) * 0.2) * (rng() < 0.005 ? 4 : 1);
    const searchMs = 0.1 + rng() * 0.05;
    const queueMs = queued ? rng() * 0.5 : undefined;
    const totalMs = tokenizeMs + encodeMs + searchMs + 0.01 + (queueMs ?? 0);
    const startMs = clock;
    clock += totalMs + 0.02;
    return { seq, queryIndex: Math.floor(rng() * 1000), lang: langs[seq % langs.length], tokens: 8 + Math.floor(rng() * 30), tokenizeMs, encodeMs, searchMs, totalMs, startMs, ...(queueMs !== undefined && { queueMs }) };
  });
}

function batchSamples(rng: Rng, n: number, batchSize: number, baseMs: number): BatchSample[] {
  let clock = 100;
  return Array.from({ length: n }, (_, seq) => {
    const encodeMs = baseMs * Math.sqrt(batchSize) * (0.9 + rng() * 0.2);
    const tokenizeMs = 0.05 * batchSize;
    const searchMs = 0.1 * batchSize;
    const totalMs = tokenizeMs + encodeMs + searchMs + 0.01;
    const startMs = clock;
    clock += totalMs;
    const queryIndices = Array.from({ length: batchSize }, () => Math.floor(rng() * 1000));
    return { seq, batchSize, queryIndices, tokens: batchSize * 20, maxTokens: 30, tokenizeMs, encodeMs, searchMs, totalMs, startMs };
  });
}

function latencyOf(rng: Rng, scenario: SyntheticOptions['scenario'], n: number, baseMs: number, langs: string[]): LatencyResult {
  const common = { cancelled: false, warmup: { queries: 20, durationMs: 25 }, measureStartMs: 100, minQueriesMet: true, minDurationMet: true };
  if (scenario === 'offline') {
    const runs = [1, 8].map((batchSize) => {
      const batches = batchSamples(rng, Math.max(1, Math.floor(n / batchSize)), batchSize, baseMs);
      const durationMs = batches.reduce((s, b) => s + b.totalMs, 0);
      const queries = batches.length * batchSize;
      return { ...common, batchSize, durationMs, queries, batches, stages: summarizeStages(batches), queriesPerSecond: queriesPerSecond(queries, durationMs) };
    });
    return { scenario: 'offline', cancelled: false, runs };
  }
  const samples = querySamples(rng, n, baseMs, langs, scenario === 'server');
  const durationMs = samples.reduce((s, q) => s + q.totalMs, 0);
  const stream = {
    ...common,
    durationMs,
    samples,
    stages: summarizeStages(samples),
    byLanguage: summarizeBy(samples, (s) => s.lang).map(({ key, summary }) => ({ lang: key, summary })),
    breakdown: stageShares(samples),
  };
  if (scenario === 'server') {
    const qps = queriesPerSecond(n, durationMs);
    return { scenario: 'server', ...stream, targetQps: 100, scheduledQps: 100, completedQps: qps, offeredLoad: 0.5, keptUp: true };
  }
  return { scenario: 'single-stream', ...stream, throughputQps: queriesPerSecond(n, durationMs), rounds: 10 };
}

function qualityOf(rng: Rng, langs: string[], shift: number): QualityResult {
  const map = langs.map((x) => langs.map((y) => Math.min(1, (x === y ? 0.8 : 0.5) + shift + rng() * 0.05)));
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const mono = mean(langs.map((_, i) => map[i][i]));
  const cross = mean(langs.flatMap((_, i) => langs.flatMap((__, j) => (i === j ? [] : [map[i][j]]))));
  const setting = (m: number, pairs: number) => ({ map: m, recall: { '1': m * 0.9, '5': Math.min(1, m * 1.1), '10': Math.min(1, m * 1.2) }, ndcg10: m, pairs });
  return {
    languages: langs,
    queryCount: 100 * langs.length,
    candidateCount: 1000 * langs.length,
    ties: 'pessimistic',
    monolingual: setting(mono, langs.length),
    crossLingual: langs.length > 1 ? setting(cross, langs.length * (langs.length - 1)) : null,
    multilingual: { map: (mono + cross) / 2, recall: { '1': 0.4, '5': 0.6, '10': 0.7 }, ndcg10: 0.5, queries: 100 * langs.length },
    languageBias: { meanMaxMinRankGap: 12.5, medianMaxMinRankGap: 9, meanRankByLanguage: Object.fromEntries(langs.map((l, i) => [l, 3 + i])), sameLanguageFirstRate: 0.7, queries: 100 * langs.length },
    pairMatrix: { languages: langs, map },
  };
}

export function syntheticResult(options: SyntheticOptions = {}): RunResult {
  const seed = options.seed ?? 1;
  const rng = createRng(seed);
  const names = options.models ?? ['synthetic-baseline', 'synthetic-hybrid'];
  const langs = options.languages ?? ['ar', 'de', 'en', 'zh'];
  const n = options.samples ?? 200;
  const scenario = options.scenario ?? 'single-stream';
  const baseMs = options.baseMs ?? 5;
  const models: ModelRun[] = names.map((name, i) => ({
    name,
    dir: `/models/${name}`,
    manifest: {
      name: name.replace(/[^A-Za-z0-9._-]/g, '_') || 'model',
      family: 'synthetic',
      checkpoint: i === 0 ? 'baseline' : 'hybrid',
      pooling: 'mean',
      normalize: true,
      maxLength: 128,
      prefixes: { query: '', passage: '' },
      inputs: { inputIds: 'input_ids', attentionMask: 'attention_mask' },
      output: 'last_hidden_state',
      dimension: 384,
      licence: 'MIT',
      provenance: 'synthetic',
    },
    model: { file: `/models/${name}/model.onnx`, bytes: 1000 + i, sha256: (i.toString(16) + 'a'.repeat(64)).slice(0, 64) },
    provider: { requested: ['cpu'], actual: 'cpu', intraOpThreads: options.threads ?? 4, interOpThreads: null, graphOptimizationLevel: 'all' },
    timings: { loadMs: 100, encodeCandidatesMs: 1000, encodeQueriesMs: 100, qualityMs: 50 },
    quality: qualityOf(rng, langs, options.mapShift?.[i] ?? 0),
    latency: latencyOf(rng, scenario, n, baseMs * (options.factors?.[i] ?? 1), langs),
  }));
  if (options.ceilings) {
    const threads = options.threads ?? 4;
    const ceilings = { peak: fakePeak(options.ceilings.peakGflops, { threads }), bandwidth: fakeBandwidth(options.ceilings.bandwidthGBs, { threads }), peakFromCache: true, bandwidthFromCache: true, file: '' };
    for (const m of models) m.roofline = modelRoofline(m.latency, new ModelCost(attentionBlock()), ceilings);
  }
  const comparable = (m: ModelRun) => (m.latency.scenario === 'offline' ? m.latency.runs[m.latency.runs.length - 1].batches : m.latency.samples);
  const comparisons = models.slice(1).map((candidate) => ({
    baseline: models[0].name,
    candidate: candidate.name,
    latency: compareLatency(comparable(models[0]), comparable(candidate), { seed, resamples: 200, labels: { baseline: models[0].name, candidate: candidate.name } }),
    quality: (['monolingual', 'crossLingual', 'multilingual'] as const).map((setting) => {
      const a = setting === 'multilingual' ? models[0].quality!.multilingual.map : models[0].quality![setting]!.map;
      const b = setting === 'multilingual' ? candidate.quality!.multilingual.map : candidate.quality![setting]!.map;
      return { setting, baseline: a, candidate: b, difference: b - a, ciLow: b - a - 0.01, ciHigh: b - a + 0.01, pValue: 0.5, verdict: 'synthetic' };
    }),
    languageBias: null,
    summary: 'synthetic comparison',
  }));
  const startedAt = options.startedAt ?? '2026-01-01T00:00:00.000Z';
  const config = RunConfigSchema.parse({
    models: names.map((name) => `/models/${name}`),
    dataset: { name: 'xquad-r', langs, maxQueries: 100 },
    scenario: scenario === 'server' ? { kind: 'server', targetQps: 100 } : { kind: scenario },
  });
  return RunResultSchema.parse({
    version: RUN_RESULT_VERSION,
    id: options.id ?? '00000000-0000-4000-8000-' + seed.toString(16).padStart(12, '0'),
    tool: { name: 'xlir-bench', version: '0.1.0' },
    status: 'completed',
    startedAt,
    finishedAt: new Date(Date.parse(startedAt) + 60_000).toISOString(),
    config,
    machine: syntheticMachine(options.machine),
    dataset: { name: 'xquad-r', languages: langs, queryCount: 100 * langs.length, candidateCount: 1000 * langs.length, files: [{ path: '/data/xquad-r/en.json', sha256: 'b'.repeat(64), bytes: 1 }] },
    lexicalFloor: qualityOf(rng, langs, -0.3),
    models,
    comparisons,
    warnings: [],
  });
}
