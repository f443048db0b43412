import { z } from 'zod';
import type { StageTimes } from './latency-sample.ts';
import { LatencySummarySchema, summarize } from './summary.ts';

/** Exact summaries of each stage over a trace. */
export const StageSummariesSchema = z.object({
  total: LatencySummarySchema,
  tokenize: LatencySummarySchema,
  encode: LatencySummarySchema,
  search: LatencySummarySchema,
  /** Server traces only: time spent waiting to start. */
  queue: LatencySummarySchema.optional(),
});

export type StageSummaries = z.infer<typeof StageSummariesSchema>;

/** Null for an empty trace (e.g. a run cancelled during warm-up). */
export function summarizeStages(samples: readonly (StageTimes & { queueMs?: number })[]): StageSummaries | null {
  if (samples.length === 0) return null;
  const stages: StageSummaries = {
    total: summarize(samples.map((s) => s.totalMs)),
    tokenize: summarize(samples.map((s) => s.tokenizeMs)),
    encode: summarize(samples.map((s) => s.encodeMs)),
    search: summarize(samples.map((s) => s.searchMs)),
  };
  if (samples.every((s) => s.queueMs !== undefined)) stages.queue = summarize(samples.map((s) => s.queueMs as number));
  return stages;
}

/**
 * Where the time goes: mean milliseconds per stage and each stage's share of the mean total.
 * `other` is the total not spent in a stage: call glue, and in server traces the queueing.
 */
export const StageSharesSchema = z.object({
  meanMs: z.object({ tokenize: z.number(), encode: z.number(), search: z.number(), other: z.number(), total: z.number() }),
  share: z.object({ tokenize: z.number(), encode: z.number(), search: z.number(), other: z.number() }),
});

export type StageShares = z.infer<typeof StageSharesSchema>;

export function stageShares(samples: readonly StageTimes[]): StageShares | null {
  if (samples.length === 0) return null;
  let tokenize = 0;
  let encode = 0;
  let search = 0;
  let total = 0;
  for (const s of samples) {
    tokenize += s.tokenizeMs;
    encode += s.encodeMs;
    search += s.searchMs;
    total += s.totalMs;
  }
  const n = samples.length;
  const other = total - tokenize - encode - search;
  const shareOf = (ms: number) => (total > 0 ? ms / total : 0);
  return {
    meanMs: { tokenize: tokenize / n, encode: encode / n, search: search / n, other: other / n, total: total / n },
    share: { tokenize: shareOf(tokenize), encode: shareOf(encode), search: shareOf(search), other: shareOf(other) },
  };
}
