import { z } from 'zod';
import type { LatencyComparison, RatioEstimate } from '../latency/compare.ts';
import type { BatchSample, LatencySample } from '../latency/latency-sample.ts';
import type { OfflineBatchRun, OfflineResult } from '../latency/offline.ts';
import type { StageShares, StageSummaries } from '../latency/stage-breakdown.ts';
import type { LatencySummary } from '../latency/summary.ts';
import type { WarmUpReport } from '../latency/warm-up.ts';
import { MachineProfileSchema } from '../machine/machine-profile.ts';
import { QualityResultSchema } from '../metrics/quality-result.ts';
import { ModelManifestSchema } from '../models/manifest.ts';
import { RunConfigSchema } from './run-config.ts';

/**
 * The result of a run as the `--json` file holds it (and, later, the history and reports).
 * `main/contract/run-result.schema.json` is generated from this schema; bump the version on any
 * change a reader of an older file could trip over.
 */
export const RUN_RESULT_VERSION = 1;

// The latency engine's plain types, with schemas held to them by `satisfies`: a field added
// there and not here fails the type check.
const LatencySummarySchema = z.object({
  count: z.number().int(),
  meanMs: z.number(),
  stdDevMs: z.number().nullable(),
  minMs: z.number(),
  p50Ms: z.number(),
  p90Ms: z.number(),
  p95Ms: z.number(),
  p99Ms: z.number(),
  p999Ms: z.number(),
  maxMs: z.number(),
}) satisfies z.ZodType<LatencySummary>;

const StageSummariesSchema = z.object({
  total: LatencySummarySchema,
  tokenize: LatencySummarySchema,
  encode: LatencySummarySchema,
  search: LatencySummarySchema,
  queue: LatencySummarySchema.optional(),
}) satisfies z.ZodType<StageSummaries>;

const StageTimesShape = { tokenizeMs: z.number(), encodeMs: z.number(), searchMs: z.number(), totalMs: z.number() };

const LatencySampleSchema = z.object({
  ...StageTimesShape,
  seq: z.number().int(),
  queryIndex: z.number().int(),
  lang: z.string().optional(),
  tokens: z.number().int(),
  startMs: z.number(),
  queueMs: z.number().optional(),
}) satisfies z.ZodType<LatencySample>;

const BatchSampleSchema = z.object({
  ...StageTimesShape,
  seq: z.number().int(),
  batchSize: z.number().int(),
  queryIndices: z.array(z.number().int()),
  tokens: z.number().int(),
  maxTokens: z.number().int(),
  startMs: z.number(),
}) satisfies z.ZodType<BatchSample>;

const WarmUpReportSchema = z.object({ queries: z.number().int(), durationMs: z.number() }) satisfies z.ZodType<WarmUpReport>;

const StageSharesSchema = z.object({
  meanMs: z.object({ tokenize: z.number(), encode: z.number(), search: z.number(), other: z.number(), total: z.number() }),
  share: z.object({ tokenize: z.number(), encode: z.number(), search: z.number(), other: z.number() }),
}) satisfies z.ZodType<StageShares>;

const StreamShape = {
  cancelled: z.boolean(),
  warmup: WarmUpReportSchema,
  measureStartMs: z.number(),
  durationMs: z.number(),
  samples: z.array(LatencySampleSchema),
  stages: StageSummariesSchema.nullable(),
  minQueriesMet: z.boolean(),
  minDurationMet: z.boolean(),
  /** Total latency per query language: the same question costs more tokens in some languages. */
  byLanguage: z.array(z.object({ lang: z.string(), summary: LatencySummarySchema })),
  breakdown: StageSharesSchema.nullable(),
};

const SingleStreamLatencySchema = z.object({
  scenario: z.literal('single-stream'),
  ...StreamShape,
  throughputQps: z.number().nullable(),
  /** Blocks this model was measured in, alternating with the run's other models (1: not interleaved). */
  rounds: z.number().int().positive(),
});

const ServerLatencySchema = z.object({
  scenario: z.literal('server'),
  ...StreamShape,
  targetQps: z.number(),
  scheduledQps: z.number().nullable(),
  completedQps: z.number().nullable(),
  offeredLoad: z.number().nullable(),
  latencyBound: z.object({ ms: z.number(), percentile: z.number(), observedMs: z.number().nullable(), met: z.boolean() }).optional(),
  keptUp: z.boolean(),
});

const OfflineBatchRunSchema = z.object({
  batchSize: z.number().int(),
  cancelled: z.boolean(),
  warmup: WarmUpReportSchema,
  measureStartMs: z.number(),
  durationMs: z.number(),
  queries: z.number().int(),
  batches: z.array(BatchSampleSchema),
  stages: StageSummariesSchema.nullable(),
  queriesPerSecond: z.number().nullable(),
  minQueriesMet: z.boolean(),
  minDurationMet: z.boolean(),
}) satisfies z.ZodType<OfflineBatchRun>;

const OfflineLatencySchema = z.object({
  scenario: z.literal('offline'),
  cancelled: z.boolean(),
  runs: z.array(OfflineBatchRunSchema),
}) satisfies z.ZodType<OfflineResult>;

export const LatencyResultSchema = z.discriminatedUnion('scenario', [SingleStreamLatencySchema, ServerLatencySchema, OfflineLatencySchema]);

const RatioEstimateSchema = z.object({
  statistic: z.enum(['median', 'mean']),
  baselineMs: z.number(),
  candidateMs: z.number(),
  ratio: z.number(),
  ciLow: z.number(),
  ciHigh: z.number(),
  withinNoise: z.boolean(),
  practicallyEqual: z.boolean(),
  verdict: z.string(),
}) satisfies z.ZodType<RatioEstimate>;

const LatencyComparisonSchema = z.object({
  labels: z.object({ baseline: z.string(), candidate: z.string() }),
  confidence: z.number(),
  practicalThreshold: z.number(),
  resamples: z.number().int(),
  seed: z.number().int(),
  baseline: LatencySummarySchema,
  candidate: LatencySummarySchema,
  median: RatioEstimateSchema,
  mean: RatioEstimateSchema,
  verdict: z.string(),
  stages: z.object({ baseline: StageSharesSchema, candidate: StageSharesSchema }),
}) satisfies z.ZodType<LatencyComparison>;

export const ModelRunSchema = z.object({
  name: z.string(),
  dir: z.string(),
  manifest: ModelManifestSchema,
  model: z.object({ file: z.string(), bytes: z.number().int(), sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
  provider: z.object({
    requested: z.array(z.enum(['cpu', 'cuda'])),
    /** The provider that actually ran the graph. */
    actual: z.enum(['cpu', 'cuda']),
    fallbackReason: z.string().optional(),
    intraOpThreads: z.number().int().nullable(),
    interOpThreads: z.number().int().nullable(),
    graphOptimizationLevel: z.string(),
  }),
  timings: z.object({ loadMs: z.number(), encodeCandidatesMs: z.number(), encodeQueriesMs: z.number().nullable(), qualityMs: z.number().nullable() }),
  /** Null for replicas, for --no-quality, and for a run cancelled before quality. */
  quality: QualityResultSchema.nullable(),
  qualityNote: z.string().optional(),
  latency: LatencyResultSchema,
});

const QualityDifferenceSchema = z.object({
  setting: z.enum(['monolingual', 'crossLingual', 'multilingual']),
  baseline: z.number(),
  candidate: z.number(),
  /** candidate − baseline, in mAP points (0–1 scale). */
  difference: z.number(),
  ciLow: z.number(),
  ciHigh: z.number(),
  /** Two-sided bootstrap p-value (share of resamples on the other side of 0, doubled). */
  pValue: z.number(),
  verdict: z.string(),
});

export const ComparisonSchema = z.object({
  baseline: z.string(),
  candidate: z.string(),
  latency: LatencyComparisonSchema.nullable(),
  quality: z.array(QualityDifferenceSchema),
  /** Language bias (mean max−min rank gap): candidate − baseline, lower is better. */
  languageBias: z.object({ baseline: z.number(), candidate: z.number(), difference: z.number(), ciLow: z.number(), ciHigh: z.number() }).nullable(),
  summary: z.string(),
});

export const RunResultSchema = z.object({
  version: z.literal(RUN_RESULT_VERSION),
  id: z.string().uuid(),
  tool: z.object({ name: z.literal('xlir-bench'), version: z.string() }),
  status: z.enum(['completed', 'cancelled']),
  startedAt: z.string().datetime(),
  finishedAt: z.string().datetime(),
  config: RunConfigSchema,
  machine: MachineProfileSchema,
  dataset: z.object({
    name: z.string(),
    languages: z.array(z.string()),
    queryCount: z.number().int(),
    candidateCount: z.number().int(),
    files: z.array(z.object({ path: z.string(), sha256: z.string(), bytes: z.number().int() })),
  }),
  /** Character 3-gram TF-IDF on the same queries and pool (null with --no-lexical-floor). */
  lexicalFloor: QualityResultSchema.nullable(),
  models: z.array(ModelRunSchema),
  comparisons: z.array(ComparisonSchema),
  warnings: z.array(z.string()),
});

export type RunResult = z.infer<typeof RunResultSchema>;
export type ModelRun = z.infer<typeof ModelRunSchema>;
export type LatencyResult = z.infer<typeof LatencyResultSchema>;
export type Comparison = z.infer<typeof ComparisonSchema>;
export type QualityDifference = z.infer<typeof QualityDifferenceSchema>;
