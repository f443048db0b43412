import { z } from 'zod';
import { EventBatcher } from './event-batcher.ts';
import { BatchSampleSchema, type BatchSample } from './latency-sample.ts';
import { timedProcess, type QueryProcessor } from './query-processor.ts';
import { createQueryOrder } from './query-order.ts';
import { runLengthReached } from './run-length.ts';
import type { ScenarioOptions } from './scenario.ts';
import { StageSummariesSchema, summarizeStages } from './stage-breakdown.ts';
import { queriesPerSecond } from './summary.ts';
import { warmUp, WarmUpReportSchema } from './warm-up.ts';

export interface OfflineOptions extends ScenarioOptions<BatchSample> {
  batchSizes: number[];
}

/** The measurement at one batch size. */
export const OfflineBatchRunSchema = z.object({
  batchSize: z.number().int(),
  cancelled: z.boolean(),
  warmup: WarmUpReportSchema,
  measureStartMs: z.number(),
  /** From the start of measurement to the last batch's completion. */
  durationMs: z.number(),
  /** Queries processed (batches × batch size). */
  queries: z.number().int(),
  batches: z.array(BatchSampleSchema),
  /** Per-batch latency; null when nothing was measured. */
  stages: StageSummariesSchema.nullable(),
  queriesPerSecond: z.number().nullable(),
  minQueriesMet: z.boolean(),
  minDurationMet: z.boolean(),
});

export type OfflineBatchRun = z.infer<typeof OfflineBatchRunSchema>;

export const OfflineResultSchema = z.object({
  scenario: z.literal('offline'),
  cancelled: z.boolean(),
  /** One per batch size in the order given; a cancelled run stops at the one in progress. */
  runs: z.array(OfflineBatchRunSchema),
});

export type OfflineResult = z.infer<typeof OfflineResultSchema>;

/**
 * MLPerf LoadGen's offline scenario, one batch size at a time: batches issued back to back, each
 * batch size with its own warm-up (a new batch shape can select new kernels) and its own run
 * length (BOTH `minQueries` and `minDurationMs`, counted in queries). Every batch size starts the
 * same seeded query order, so batch sizes — and models run with the same seed — see the same
 * queries.
 */
export async function runOffline(processor: QueryProcessor, options: OfflineOptions): Promise<OfflineResult> {
  for (const size of options.batchSizes) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`batch sizes must be positive integers, got ${size}`);
  }
  const originMs = options.clock.nowMs();
  const runs: OfflineBatchRun[] = [];
  for (const batchSize of options.batchSizes) {
    if (options.signal?.aborted) break;
    runs.push(await runBatchSize(processor, options, batchSize, originMs));
  }
  return {
    scenario: 'offline',
    cancelled: runs.length < options.batchSizes.length || runs.some((run) => run.cancelled),
    runs,
  };
}

async function runBatchSize(processor: QueryProcessor, options: OfflineOptions, batchSize: number, originMs: number): Promise<OfflineBatchRun> {
  const { clock, signal } = options;
  const nextQuery = createQueryOrder(processor.queryCount, options.seed);
  const nextBatch = () => Array.from({ length: batchSize }, nextQuery);
  const warmup = await warmUp(options, { scenario: 'offline', batchSize }, async () => {
    await processor.process(nextBatch(), clock);
    return batchSize;
  });

  const measureStartMs = clock.nowMs();
  const events = new EventBatcher<BatchSample>({ scenario: 'offline', phase: 'measure', batchSize }, options, options);
  const batches: BatchSample[] = [];
  let queries = 0;
  let endMs = measureStartMs;
  while (!signal?.aborted && !runLengthReached(queries, endMs - measureStartMs, options)) {
    const queryIndices = nextBatch();
    const batch = await timedProcess(processor, queryIndices, clock);
    endMs = batch.endMs;
    queries += batchSize;
    const sample: BatchSample = {
      seq: batches.length,
      batchSize,
      queryIndices,
      tokens: batch.tokens.reduce((sum, t) => sum + t, 0),
      maxTokens: Math.max(...batch.tokens),
      tokenizeMs: batch.tokenizeMs,
      encodeMs: batch.encodeMs,
      searchMs: batch.searchMs,
      totalMs: batch.endMs - batch.startMs,
      startMs: batch.startMs - originMs,
    };
    batches.push(sample);
    events.record(batchSize, sample);
  }
  if (batches.length > 0) events.flush();

  const durationMs = endMs - measureStartMs;
  return {
    batchSize,
    cancelled: !runLengthReached(queries, durationMs, options),
    warmup,
    measureStartMs: measureStartMs - originMs,
    durationMs,
    queries,
    batches,
    stages: summarizeStages(batches),
    queriesPerSecond: queriesPerSecond(queries, durationMs),
    minQueriesMet: queries >= options.minQueries,
    minDurationMet: durationMs >= options.minDurationMs,
  };
}
