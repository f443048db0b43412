import os from 'node:os';
import { z } from 'zod';
import { ExecutionProviderSchema } from '../models/execution-providers.ts';

/** The folder's graph itself (model.onnx); other names are the folder's variants or those XLIR Bench derives (int8, fp16). */
export const DEFAULT_VARIANT = 'default';

/** 1, 2, 4 … up to `cores`, and `cores` itself: the thread counts worth trying without trying them all. */
export function defaultThreadCounts(cores = os.availableParallelism()): number[] {
  const counts: number[] = [];
  for (let t = 1; t < cores; t *= 2) counts.push(t);
  counts.push(cores);
  return counts;
}

const positiveList = z.array(z.number().int().positive()).min(1).refine((list) => new Set(list).size === list.length, 'lists a value twice');

/**
 * One model measured over a grid of settings (provider × precision variant × intra-op threads:
 * one session each) and of workloads (batch size × tokens per input: synthetic inputs made with
 * the model's own tokenizer). The defaults keep a sweep of a BERT-base-sized model on a 2-core
 * machine under a minute.
 */
export const SweepConfigSchema = z.object({
  /** Model folder. */
  model: z.string().min(1),
  providers: z.array(ExecutionProviderSchema).min(1).default(['cpu']),
  /** Variant names; `default` is the graph itself, `int8`/`fp16` are derived when the folder lacks them. Unset: the graph and the folder's variant files. */
  variants: z.array(z.string().min(1)).min(1).optional(),
  /** Intra-op thread counts. Unset: 1, 2, 4 … and the number of cores. */
  threads: positiveList.optional(),
  batchSizes: positiveList.default([1]),
  /** Tokens per input, special tokens included. */
  sequenceLengths: positiveList.default([32]),
  graphOptimizationLevel: z.enum(['disabled', 'basic', 'extended', 'all']).default('all'),
  /** Round-robin passes over every configuration: drift during the sweep hits all alike. */
  rounds: z.number().int().min(1).default(3),
  /** Timed runs of each configuration per round. */
  runsPerRound: z.number().int().min(1).default(10),
  /** Untimed runs before a configuration's first round (kernel selection, allocator, caches). */
  warmupRuns: z.number().int().nonnegative().default(5),
  /** Untimed runs before each later round: caches are cold after the other configurations ran. */
  rewarmRuns: z.number().int().nonnegative().default(2),
  /** Count FLOPs and compare with the peak MatMul rate (cached per machine, provider and threads). */
  roofline: z.boolean().default(true),
  /** Measure the peak again rather than read the cache. */
  remeasurePeak: z.boolean().default(false),
});

export type SweepConfig = z.infer<typeof SweepConfigSchema>;
export type SweepConfigInput = z.input<typeof SweepConfigSchema>;
