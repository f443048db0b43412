import type { LatencySample } from './latency-sample.ts';
import type { QueryProcessor } from './query-processor.ts';
import { runLengthReached } from './run-length.ts';
import type { LatencyEvent, ScenarioOptions } from './scenario.ts';
import { runSingleStream, type SingleStreamResult } from './single-stream.ts';
import { summarizeStages } from './stage-breakdown.ts';
import { queriesPerSecond } from './summary.ts';

export interface InterleavedOptions extends Omit<ScenarioOptions<LatencySample>, 'onEvent'> {
  /** Blocks per system; each measures 1/rounds of the run length. */
  rounds: number;
  /** Warm-up queries at the start of every later block (caches are cold after a switch). */
  rewarmQueries: number;
  onEvent?: (system: number, event: LatencyEvent<LatencySample>) => void;
}

/**
 * Single-stream for several systems under test (e.g. baseline and hybrid), measured in
 * alternating blocks — A B, B A, A B … — rather than one after the other. Run one after the other,
 * two identical models differ by several percent, beyond their bootstrap intervals: the machine
 * drifts (other load, frequency, caches) and whoever runs second sees a different machine.
 * Interleaving spreads that drift over both, so the comparison's interval means what it says.
 *
 * Every block is a complete single-stream run (own warm-up, `1/rounds` of the count and of the
 * duration); a round's blocks use the same seed, so both systems answer the same queries. The
 * blocks of each system are merged into one result whose `startMs` are relative to the start of
 * this call, on the shared clock.
 */
export async function runInterleavedSingleStream(processors: readonly QueryProcessor[], options: InterleavedOptions): Promise<SingleStreamResult[]> {
  const { clock, signal, rounds } = options;
  if (!Number.isInteger(rounds) || rounds < 1) throw new RangeError(`rounds must be a positive integer, got ${rounds}`);
  const originMs = clock.nowMs();
  const blocks: { offsetMs: number; result: SingleStreamResult }[][] = processors.map(() => []);
  for (let round = 0; round < rounds && !signal?.aborted; round++) {
    const order = processors.map((_, i) => i);
    if (round % 2 === 1) order.reverse();
    for (const p of order) {
      if (signal?.aborted) break;
      const offsetMs = clock.nowMs() - originMs;
      const result = await runSingleStream(processors[p], {
        ...options,
        seed: options.seed + round,
        warmupQueries: round === 0 ? options.warmupQueries : options.rewarmQueries,
        minQueries: Math.ceil(options.minQueries / rounds),
        minDurationMs: options.minDurationMs / rounds,
        onEvent: options.onEvent && ((event) => options.onEvent!(p, event)),
      });
      blocks[p].push({ offsetMs, result });
    }
  }
  return blocks.map((b) => mergeBlocks(b, options));
}

/** One system's blocks as one single-stream result: a trace in time order, statistics over all of it. */
function mergeBlocks(blocks: { offsetMs: number; result: SingleStreamResult }[], length: { minQueries: number; minDurationMs: number }): SingleStreamResult {
  const samples: LatencySample[] = [];
  let durationMs = 0;
  let warmupQueries = 0;
  let warmupMs = 0;
  for (const { offsetMs, result } of blocks) {
    for (const s of result.samples) samples.push({ ...s, seq: samples.length, startMs: s.startMs + offsetMs });
    durationMs += result.durationMs;
    warmupQueries += result.warmup.queries;
    warmupMs += result.warmup.durationMs;
  }
  const first = blocks[0];
  return {
    scenario: 'single-stream',
    cancelled: blocks.length === 0 || blocks.some((b) => b.result.cancelled) || !runLengthReached(samples.length, durationMs, length),
    warmup: { queries: warmupQueries, durationMs: warmupMs },
    measureStartMs: first ? first.offsetMs + first.result.measureStartMs : 0,
    durationMs,
    samples,
    stages: summarizeStages(samples),
    throughputQps: queriesPerSecond(samples.length, durationMs),
    minQueriesMet: samples.length >= length.minQueries,
    minDurationMet: durationMs >= length.minDurationMs,
  };
}
