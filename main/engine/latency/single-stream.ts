import { EventBatcher } from './event-batcher.ts';
import { concatBlocks, interleave, blockOptions, type InterleavedScenarioOptions, type MeasuredBlock, type Measurement } from './interleaved.ts';
import { querySample, type LatencySample } from './latency-sample.ts';
import { timedProcess, type QueryProcessor } from './query-processor.ts';
import { createQueryOrder } from './query-order.ts';
import { runLengthReached, type RunLength } from './run-length.ts';
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
  return singleStreamResult(await measureSingleStream(processor, options), options);
}

/** `runSingleStream` for several systems in interleaved rounds (interleaved.ts), one result each. */
export async function runSingleStreamInterleaved(processors: readonly QueryProcessor[], options: InterleavedScenarioOptions<LatencySample>): Promise<SingleStreamResult[]> {
  const blocks = await interleave(processors.length, options, (system, round) => measureSingleStream(processors[system], blockOptions(options, system, round)));
  return blocks.map((b) => {
    const result = singleStreamResult(concatBlocks(b), options);
    return b.length < options.rounds ? { ...result, cancelled: true } : result;
  });
}

async function measureSingleStream(processor: QueryProcessor, options: ScenarioOptions<LatencySample>): Promise<Measurement<LatencySample>> {
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
  return { warmup, measureStartMs: measureStartMs - originMs, durationMs: endMs - measureStartMs, samples };
}

function singleStreamResult(m: Measurement<LatencySample> & { blocks?: MeasuredBlock[] }, length: RunLength): SingleStreamResult {
  return {
    scenario: 'single-stream',
    cancelled: !runLengthReached(m.samples.length, m.durationMs, length),
    ...m,
    stages: summarizeStages(m.samples),
    throughputQps: queriesPerSecond(m.samples.length, m.durationMs),
    minQueriesMet: m.samples.length >= length.minQueries,
    minDurationMet: m.durationMs >= length.minDurationMs,
  };
}
