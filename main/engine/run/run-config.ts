import { z } from 'zod';
import { DATASET_NAMES } from '../datasets/registry.ts';
import { CandidateContextSchema } from '../models/manifest.ts';

/**
 * Everything that defines a benchmark run. The CLI builds it from flags, the desktop app from its
 * form; both go through this schema, and the result embeds it so a run can be repeated.
 */
export const ProviderConfigSchema = z.object({
  /** Ordered preference: `['cuda']` fails where CUDA cannot run; `['cuda', 'cpu']` falls back and says so. */
  executionProviders: z.array(z.enum(['cpu', 'cuda'])).min(1).default(['cpu']),
  /** Threads for one operator; unset lets ONNX Runtime use one per physical core. */
  intraOpThreads: z.number().int().positive().optional(),
  interOpThreads: z.number().int().positive().optional(),
  graphOptimizationLevel: z.enum(['disabled', 'basic', 'extended', 'all']).default('all'),
});

const ScenarioCommon = {
  /** Queries run first and thrown away: kernel selection, caches, allocator. */
  warmupQueries: z.number().int().nonnegative().default(20),
  /** LoadGen semantics: stop once BOTH the count and the duration are reached. */
  minQueries: z.number().int().positive().default(200),
  minDurationMs: z.number().nonnegative().default(5_000),
  /**
   * With several models: interleaved rounds, one block per model each (A B, B A, …), so that
   * machine drift hits all alike; each block measures 1/rounds of the run length, and the
   * latency verdict's interval is formed across rounds (latency/VERDICT.md).
   */
  rounds: z.number().int().positive().default(20),
};

export const ScenarioConfigSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('single-stream'),
    ...ScenarioCommon,
  }),
  z.object({
    kind: z.literal('offline'),
    ...ScenarioCommon,
    batchSizes: z.array(z.number().int().positive()).min(1).default([1, 8, 32]),
  }),
  z.object({
    kind: z.literal('server'),
    ...ScenarioCommon,
    /** Poisson arrival rate, queries per second. */
    targetQps: z.number().positive(),
  }),
]);

export const DatasetSelectionSchema = z.object({
  name: z.enum(DATASET_NAMES).default('xquad-r'),
  /** Folder that holds `xquad-r/` (or `mlqa-r/`); unset: XLIR_DATA_DIR, else the download cache. */
  dataDir: z.string().optional(),
  /** For `mlqa-r` and `custom`: the folder with the files. */
  path: z.string().optional(),
  langs: z.array(z.string().min(2)).optional(),
  /** Deterministic subset of questions (the candidate pool is never reduced by it). */
  maxQueries: z.number().int().positive().optional(),
});

export const RunConfigSchema = z.object({
  /** Model folders: XLIR Bench's own, or Optimum, transformers.js or sentence-transformers exports. */
  models: z.array(z.string().min(1)).min(1),
  /** Precision variants to run besides each model's graph (`int8`, `fp16`, or a variant file of the folder). */
  variants: z.array(z.string().min(1)).refine((list) => new Set(list).size === list.length, 'lists a variant twice').default([]),
  /** Pairs to compare, by model name or folder; unset: each hybrid with the baseline of its family. */
  pairs: z.array(z.object({ baseline: z.string().min(1), candidate: z.string().min(1) })).optional(),
  /** How candidates are encoded; unset: each model's manifest (`candidateContext`), else the sentence alone. */
  candidateContext: CandidateContextSchema.optional(),
  dataset: DatasetSelectionSchema.default({ name: 'xquad-r' }),
  provider: ProviderConfigSchema.default({ executionProviders: ['cpu'], graphOptimizationLevel: 'all' }),
  scenario: ScenarioConfigSchema.default({ kind: 'single-stream', warmupQueries: 20, minQueries: 200, minDurationMs: 5_000, rounds: 20 }),
  /** Retrieval quality (mAP etc.); replicas never get it, whatever this says. */
  quality: z.boolean().default(true),
  /**
   * Also score the dataset with character 3-gram TF-IDF (no model, no training): the lexical floor
   * a multilingual encoder must beat in the cross-lingual and multilingual settings.
   */
  lexicalFloor: z.boolean().default(true),
  /**
   * Count each model's FLOPs and bytes from its graph and report achieved GFLOP/s against the
   * machine's peak MatMul rate and memory bandwidth (measured once per machine, provider and
   * threads, then cached).
   */
  roofline: z.boolean().default(true),
  /** Measure both ceilings again rather than read the cache (which then keeps the better of old and new). */
  remeasurePeak: z.boolean().default(false),
  /** With the roofline: per-operator times from ONNX Runtime's profiler, on a separate session after the measurement. */
  operatorProfile: z.boolean().default(true),
  /** Batch size for encoding the candidate pool and the queries for quality. */
  encodeBatchSize: z.number().int().positive().default(32),
  /** Write queries.npy/candidates.npy and their ids per model here. */
  saveEmbeddingsDir: z.string().optional(),
  /** Seeds the query subset, the query order in latency scenarios and the bootstrap. */
  seed: z.number().int().nonnegative().default(1),
  bootstrapResamples: z.number().int().min(100).max(100_000).default(2000),
  /**
   * |ratio − 1| below which two latencies count as practically equal (default 2%), and where it
   * came from: e.g. this machine's noise floor measured by `xlir calibrate`.
   */
  practicalThreshold: z.object({ fraction: z.number().positive().max(0.5), source: z.string().min(1) }).optional(),
});

export type RunConfig = z.infer<typeof RunConfigSchema>;
export type RunConfigInput = z.input<typeof RunConfigSchema>;
export type ProviderConfig = z.infer<typeof ProviderConfigSchema>;
export type ScenarioConfig = z.infer<typeof ScenarioConfigSchema>;
