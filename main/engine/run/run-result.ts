import { z } from 'zod';
import { LanguageLatencySchema } from '../latency/by-language.ts';
import { LatencyComparisonSchema } from '../latency/compare.ts';
import { MeasuredBlockSchema } from '../latency/interleaved.ts';
import { LatencySampleSchema } from '../latency/latency-sample.ts';
import { OfflineResultSchema } from '../latency/offline.ts';
import { StageSharesSchema, StageSummariesSchema } from '../latency/stage-breakdown.ts';
import { TokenCostSchema } from '../latency/token-cost.ts';
import { WarmUpReportSchema } from '../latency/warm-up.ts';
import { NoiseFloorSchema } from '../calibration/noise-floor.ts';
import { MachineProfileSchema } from '../machine/machine-profile.ts';
import { MeasurementQualitySchema } from '../measurement-quality/measurement-quality.ts';
import { QualityResultSchema } from '../metrics/quality-result.ts';
import { CandidateContextSchema, ModelManifestSchema } from '../models/manifest.ts';
import { RooflineSchema } from '../roofline/efficiency.ts';
import { PrecisionSchema, PrecisionTableSchema } from './precision-table.ts';
import { RunConfigSchema } from './run-config.ts';

/**
 * The result of a run as the `--json` file holds it (and, later, the history and reports).
 * `main/contract/run-result.schema.json` is generated from this schema; bump the version on any
 * change a reader of an older file could trip over.
 */
export const RUN_RESULT_VERSION = 1;

const StreamShape = {
  cancelled: z.boolean(),
  warmup: WarmUpReportSchema,
  measureStartMs: z.number(),
  durationMs: z.number(),
  samples: z.array(LatencySampleSchema),
  stages: StageSummariesSchema.nullable(),
  minQueriesMet: z.boolean(),
  minDurationMet: z.boolean(),
  /**
   * Total latency per query language, with its token counts: the same question costs more tokens
   * in some languages. `tokens` is absent in results written before it was recorded.
   */
  byLanguage: z.array(LanguageLatencySchema.partial({ tokens: true })),
  breakdown: StageSharesSchema.nullable(),
  /** Latency against token count (fixed + per-token cost); absent in results written before it existed. */
  tokenCost: TokenCostSchema.optional(),
  /** Interleaved runs: where each round's block lies in `samples` (latency/interleaved.ts); absent otherwise and in older results. */
  blocks: z.array(MeasuredBlockSchema).optional(),
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

export const LatencyResultSchema = z.discriminatedUnion('scenario', [SingleStreamLatencySchema, ServerLatencySchema, OfflineResultSchema]);

export const ModelRunSchema = z.object({
  name: z.string(),
  dir: z.string(),
  manifest: ModelManifestSchema,
  /**
   * The graph: sha256 of the ONNX file and its external data (same sha256, same computation), and
   * of tokenizer.json (same tokens per text); tokenizerSha256 is absent in results written before it was recorded.
   */
  model: z.object({ file: z.string(), bytes: z.number().int(), sha256: z.string().regex(/^[0-9a-f]{64}$/), tokenizerSha256: z.string().regex(/^[0-9a-f]{64}$/).optional() }),
  /** A precision variant of the folder's model (absent: its graph itself); `derived` when XLIR Bench made the file. */
  variant: z
    .object({
      name: z.string(),
      derived: z.object({ source: z.object({ file: z.string(), sha256: z.string() }), recipe: z.string() }).optional(),
    })
    .optional(),
  /** What the graph computes in, read from its operators and weights (recorded in runs with variants). */
  precision: PrecisionSchema.optional(),
  /** How candidates were encoded: the sentence alone, or with its paragraph; absent in results written before it was recorded (none). */
  candidateContext: CandidateContextSchema.optional(),
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
  /**
   * FLOPs counted from the graph, achieved GFLOP/s and the fraction of the measured peak. Null
   * with --no-roofline and when the graph could not be counted; absent in results written before it existed.
   */
  roofline: RooflineSchema.nullable().optional(),
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
  /** Why models of the run were not compared, or how they were paired when no family did it. */
  pairingNotes: z.array(z.string()).optional(),
  /** Per model run with `--variant`: its precisions side by side (size, latency, mAP and its loss). */
  precision: z.array(PrecisionTableSchema).optional(),
  /**
   * How quiet the machine was while latency was measured (measurement-quality/QUALITY.md); absent
   * in results written before it was monitored, and when no latency was measured.
   */
  measurementQuality: MeasurementQualitySchema.optional(),
  /** A run that compared a model with itself (`xlir calibrate`): this machine's noise floor. */
  noiseFloor: NoiseFloorSchema.optional(),
  warnings: z.array(z.string()),
});

export type RunResult = z.infer<typeof RunResultSchema>;
export type ModelRun = z.infer<typeof ModelRunSchema>;
export type LatencyResult = z.infer<typeof LatencyResultSchema>;
export type Comparison = z.infer<typeof ComparisonSchema>;
export type QualityDifference = z.infer<typeof QualityDifferenceSchema>;
