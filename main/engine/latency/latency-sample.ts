import { z } from 'zod';
import type { QueryProcessor, TimedBatch } from './query-processor.ts';

/**
 * The trace every scenario keeps: one record per measured query (single-stream, server) or per
 * measured batch (offline). Summaries, comparisons and reports are derived from these; warm-up
 * queries are never recorded. Times are milliseconds on the scenario's clock.
 */

/** The stage times every record carries; what stage breakdowns and comparisons read. */
export const StageTimesSchema = z.object({
  tokenizeMs: z.number(),
  encodeMs: z.number(),
  searchMs: z.number(),
  /** Single-stream and offline: the processing call. Server: completion − scheduled arrival. */
  totalMs: z.number(),
});

export type StageTimes = z.infer<typeof StageTimesSchema>;

export const LatencySampleSchema = StageTimesSchema.extend({
  /** 0-based position among the recorded samples of this scenario run. */
  seq: z.number().int(),
  queryIndex: z.number().int(),
  lang: z.string().optional(),
  tokens: z.number().int(),
  /** When processing started, relative to the start of the scenario call (warm-up included). */
  startMs: z.number(),
  /** Server only: start − scheduled arrival (waiting behind earlier queries, plus issue lag). */
  queueMs: z.number().optional(),
});

export type LatencySample = z.infer<typeof LatencySampleSchema>;

/** One offline batch: the stage times are the whole batch's. */
export const BatchSampleSchema = StageTimesSchema.extend({
  seq: z.number().int(),
  batchSize: z.number().int(),
  queryIndices: z.array(z.number().int()),
  /** Sum of the queries' unpadded token counts. */
  tokens: z.number().int(),
  /** The longest query's token count: the padded length that sets the batch's cost. */
  maxTokens: z.number().int(),
  startMs: z.number(),
});

export type BatchSample = z.infer<typeof BatchSampleSchema>;

/**
 * The record of one query processed alone. `scheduledMs` (server scenario) is its arrival time:
 * latency then counts from it, and the wait before processing is recorded as `queueMs`.
 */
export function querySample(
  processor: QueryProcessor,
  seq: number,
  queryIndex: number,
  batch: TimedBatch,
  originMs: number,
  scheduledMs?: number,
): LatencySample {
  const lang = processor.languageOf?.(queryIndex);
  return {
    seq,
    queryIndex,
    ...(lang !== undefined && { lang }),
    tokens: batch.tokens[0],
    tokenizeMs: batch.tokenizeMs,
    encodeMs: batch.encodeMs,
    searchMs: batch.searchMs,
    totalMs: batch.endMs - (scheduledMs ?? batch.startMs),
    startMs: batch.startMs - originMs,
    ...(scheduledMs !== undefined && { queueMs: batch.startMs - scheduledMs }),
  };
}
