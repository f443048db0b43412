import { z } from 'zod';
import { EventBatcher } from './event-batcher.ts';
import { blockOptions, concatBlocks, interleave, MeasuredBlockSchema, type InterleavedScenarioOptions, type MeasuredBlock, type Measurement } from './interleaved.ts';
import { BatchSampleSchema, type BatchSample } from './latency-sample.ts';
import { timedProcess, type QueryProcessor } from './query-processor.ts';
import { createQueryOrder } from './query-order.ts';
import { runLengthReached, type RunLength } from './run-length.ts';
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
  /** Interleaved runs: where each round's block lies in `batches`; absent in results from before interleaving. */
  blocks: z.array(MeasuredBlockSchema).optional(),
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
  checkBatchSizes(options.batchSizes);
  const originMs = options.clock.nowMs();
  const runs: OfflineBatchRun[] = [];
  for (const batchSize of options.batchSizes) {
    if (options.signal?.aborted) break;
    runs.push(batchRun(batchSize, await measureBatchSize(processor, options, batchSize, originMs), options));
  }
  return offlineResult(runs, options.batchSizes);
}

/**
 * `runOffline` for several systems: each batch size in interleaved rounds (interleaved.ts), so the
 * blocks of one batch size lie close together in time and every system meets the same machine.
 */
export async function runOfflineInterleaved(processors: readonly QueryProcessor[], options: InterleavedScenarioOptions<BatchSample> & Omit<OfflineOptions, 'onEvent'>): Promise<OfflineResult[]> {
  checkBatchSizes(options.batchSizes);
  const originMs = options.clock.nowMs();
  const runs: OfflineBatchRun[][] = processors.map(() => []);
  for (const batchSize of options.batchSizes) {
    if (options.signal?.aborted) break;
    // Each block's times are relative to its own start; concatBlocks puts them on the axis from `originMs`.
    const blocks = await interleave(processors.length, { ...options, originMs }, (system, round) =>
      measureBatchSize(processors[system], blockOptions(options, system, round), batchSize, options.clock.nowMs()),
    );
    blocks.forEach((b, system) => {
      const run = batchRun(batchSize, concatBlocks(b), options);
      runs[system].push(b.length < options.rounds ? { ...run, cancelled: true } : run);
    });
  }
  return runs.map((r) => offlineResult(r, options.batchSizes));
}

function checkBatchSizes(batchSizes: readonly number[]): void {
  for (const size of batchSizes) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`batch sizes must be positive integers, got ${size}`);
  }
}

function offlineResult(runs: OfflineBatchRun[], batchSizes: readonly number[]): OfflineResult {
  return { scenario: 'offline', cancelled: runs.length < batchSizes.length || runs.some((run) => run.cancelled), runs };
}

/** One batch size's warm-up and measurement; times relative to `originMs`. */
async function measureBatchSize(processor: QueryProcessor, options: ScenarioOptions<BatchSample>, batchSize: number, originMs: number): Promise<Measurement<BatchSample>> {
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
  let endMs = measureStartMs;
  while (!signal?.aborted && !runLengthReached(batches.length * batchSize, endMs - measureStartMs, options)) {
    const queryIndices = nextBatch();
    const batch = await timedProcess(processor, queryIndices, clock);
    endMs = batch.endMs;
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
  return { warmup, measureStartMs: measureStartMs - originMs, durationMs: endMs - measureStartMs, samples: batches };
}

function batchRun(batchSize: number, m: Measurement<BatchSample> & { blocks?: MeasuredBlock[] }, length: RunLength): OfflineBatchRun {
  const queries = m.samples.length * batchSize;
  return {
    batchSize,
    cancelled: !runLengthReached(queries, m.durationMs, length),
    warmup: m.warmup,
    measureStartMs: m.measureStartMs,
    durationMs: m.durationMs,
    queries,
    batches: m.samples,
    ...(m.blocks && { blocks: m.blocks }),
    stages: summarizeStages(m.samples),
    queriesPerSecond: queriesPerSecond(queries, m.durationMs),
    minQueriesMet: queries >= length.minQueries,
    minDurationMet: m.durationMs >= length.minDurationMs,
  };
}
