import { EventBatcher } from './event-batcher.ts';
import { querySample, type LatencySample } from './latency-sample.ts';
import { timedProcess, type QueryProcessor } from './query-processor.ts';
import { createQueryOrder } from './query-order.ts';
import { runLengthReached } from './run-length.ts';
import type { ScenarioOptions, StreamResult } from './scenario.ts';
import { summarizeStages } from './stage-breakdown.ts';
import { queriesPerSecond } from './summary.ts';
import { warmUp } from './warm-up.ts';

export interface SingleStreamResult extends StreamResult {
  scenario: 'single-stream';
  /** Measured queries per second of the measured phase; null when nothing was measured. */
  throughputQps: number | null;
}

/**
 * MLPerf LoadGen's single-stream scenario: one query at a time, the next issued when the
 * previous completes. After the warm-up it runs until BOTH `minQueries` queries and
 * `minDurationMs` are done, in a seeded shuffled order that cycles over the query set.
 */
export async function runSingleStream(processor: QueryProcessor, options: ScenarioOptions<LatencySample>): Promise<SingleStreamResult> {
  const { clock, signal } = options;
  const originMs = clock.nowMs();
  const nextQuery = createQueryOrder(processor.queryCount, options.seed);
  const warmup = await warmUp(options, { scenario: 'single-stream' }, async () => {
    await processor.process([nextQuery()], clock);
    return 1;
  });

  const measureStartMs = clock.nowMs();
  const events = new EventBatcher<LatencySample>({ scenario: 'single-stream', phase: 'measure' }, options, options);
  const samples: LatencySample[] = [];
  let endMs = measureStartMs;
  while (!signal?.aborted && !runLengthReached(samples.length, endMs - measureStartMs, options)) {
    const queryIndex = nextQuery();
    const batch = await timedProcess(processor, [queryIndex], clock);
    endMs = batch.endMs;
    const sample = querySample(processor, samples.length, queryIndex, batch, originMs);
    samples.push(sample);
    events.record(1, sample);
  }
  if (samples.length > 0) events.flush();

  const durationMs = endMs - measureStartMs;
  return {
    scenario: 'single-stream',
    cancelled: !runLengthReached(samples.length, durationMs, options),
    warmup,
    measureStartMs: measureStartMs - originMs,
    durationMs,
    samples,
    stages: summarizeStages(samples),
    throughputQps: queriesPerSecond(samples.length, durationMs),
    minQueriesMet: samples.length >= options.minQueries,
    minDurationMet: durationMs >= options.minDurationMs,
  };
}
