import { EventBatcher } from './event-batcher.ts';
import { blockOptions, concatBlocks, interleave, type InterleavedScenarioOptions, type MeasuredBlock, type Measurement } from './interleaved.ts';
import { querySample, type LatencySample } from './latency-sample.ts';
import { createPoissonArrivals } from './poisson-arrivals.ts';
import { percentileOfSorted, sortedCopy } from './percentiles.ts';
import { timedProcess, type QueryProcessor } from './query-processor.ts';
import { createQueryOrder } from './query-order.ts';
import type { RunLength } from './run-length.ts';
import type { ScenarioOptions, StreamResult } from './scenario.ts';
import { summarizeStages } from './stage-breakdown.ts';
import { queriesPerSecond } from './summary.ts';
import { warmUp } from './warm-up.ts';

export interface ServerOptions extends ScenarioOptions<LatencySample> {
  /** Poisson arrival rate, queries per second. */
  targetQps: number;
  /** Optional LoadGen-style bound: the run kept up only if this percentile of latency is within it. */
  latencyBound?: { ms: number; percentile: number };
}

export interface ServerResult extends StreamResult {
  scenario: 'server';
  targetQps: number;
  /** Arrivals per second of the realised schedule (first arrival to last). */
  scheduledQps: number | null;
  /** Completions per second, from the start of measurement to the last completion. */
  completedQps: number | null;
  /**
   * Realised offered load ρ = arrival rate × mean service time = busy time ÷ span of the arrival
   * schedule. Below 1 the queue is stable; at or above 1 it grows without bound.
   */
  offeredLoad: number | null;
  /** The bound's percentile of total latency, and whether it was met; absent without a bound. */
  latencyBound?: { ms: number; percentile: number; observedMs: number | null; met: boolean };
  /** offeredLoad < 1, and the latency bound met where one was given. */
  keptUp: boolean;
}

/** The arrival schedule and the query order are independent streams drawn from the run's one seed. */
const ARRIVAL_SEED_OFFSET = 0x9e3779b9;

/**
 * MLPerf LoadGen's server scenario with one worker: queries arrive as a seeded Poisson process at
 * `targetQps` and are processed one at a time in arrival order. A query's latency runs from its
 * *scheduled* arrival to its completion, so time spent queued behind earlier queries counts, as
 * it would for a user. Arrivals are generated until BOTH `minQueries` and a schedule of
 * `minDurationMs` are reached (LoadGen: the final query's scheduled time), then every issued
 * query is completed. Warm-up runs single-stream before the schedule starts.
 *
 * The worker waits for an arrival only when idle, with `clock.waitUntil` (a timer, then a short
 * poll: see `createSystemClock`); whatever lag that wait has lands in `queueMs`, never hidden.
 */
export async function runServer(processor: QueryProcessor, options: ServerOptions): Promise<ServerResult> {
  return serverResult(await measureServer(processor, options), options);
}

/** `runServer` for several systems in interleaved rounds (interleaved.ts): each block its own arrival schedule. */
export async function runServerInterleaved(processors: readonly QueryProcessor[], options: InterleavedScenarioOptions<LatencySample> & Omit<ServerOptions, 'onEvent'>): Promise<ServerResult[]> {
  const blocks = await interleave(processors.length, options, (system, round) => measureServer(processors[system], blockOptions(options, system, round)));
  return blocks.map((b) => {
    const merged = concatBlocks(b);
    const sum = (key: 'scheduleMs' | 'busyMs') => b.reduce((total, block) => total + block.measurement[key], 0);
    const result = serverResult({ ...merged, scheduleMs: sum('scheduleMs'), busyMs: sum('busyMs') }, options);
    return b.length < options.rounds ? { ...result, cancelled: true } : result;
  });
}

interface ServerMeasurement extends Measurement<LatencySample> {
  /** The arrival schedule's span: from the start of measurement to the last arrival. */
  scheduleMs: number;
  /** Time spent processing queries. */
  busyMs: number;
  blocks?: MeasuredBlock[];
}

async function measureServer(processor: QueryProcessor, options: ServerOptions): Promise<ServerMeasurement> {
  const { clock, signal } = options;
  const originMs = clock.nowMs();
  const nextQuery = createQueryOrder(processor.queryCount, options.seed);
  const nextGapMs = createPoissonArrivals(options.targetQps, (options.seed + ARRIVAL_SEED_OFFSET) >>> 0);
  const warmup = await warmUp(options, { scenario: 'server' }, async () => {
    await processor.process([nextQuery()], clock);
    return 1;
  });

  const measureStartMs = clock.nowMs();
  const events = new EventBatcher<LatencySample>({ scenario: 'server', phase: 'measure' }, options, options);
  const samples: LatencySample[] = [];
  let scheduleMs = 0; // the latest arrival, relative to measureStartMs
  let busyMs = 0;
  let endMs = measureStartMs;
  while (!signal?.aborted && !scheduleComplete(samples.length, scheduleMs, options)) {
    const nextScheduleMs = scheduleMs + nextGapMs();
    const scheduledMs = measureStartMs + nextScheduleMs;
    await clock.waitUntil(scheduledMs, signal);
    if (signal?.aborted) break;
    scheduleMs = nextScheduleMs;
    const queryIndex = nextQuery();
    const batch = await timedProcess(processor, [queryIndex], clock);
    busyMs += batch.endMs - batch.startMs;
    endMs = batch.endMs;
    const sample = querySample(processor, samples.length, queryIndex, batch, originMs, scheduledMs);
    samples.push(sample);
    events.record(1, sample);
  }
  if (samples.length > 0) events.flush();
  return { warmup, measureStartMs: measureStartMs - originMs, durationMs: endMs - measureStartMs, samples, scheduleMs, busyMs };
}

function scheduleComplete(queries: number, scheduleMs: number, length: RunLength): boolean {
  return queries >= length.minQueries && scheduleMs >= length.minDurationMs;
}

function serverResult(m: ServerMeasurement, options: Pick<ServerOptions, 'minQueries' | 'minDurationMs' | 'targetQps' | 'latencyBound'>): ServerResult {
  const { scheduleMs, busyMs, samples, ...rest } = m;
  const offeredLoad = scheduleMs > 0 ? busyMs / scheduleMs : null;
  const latencyBound = options.latencyBound && boundCheck(samples, options.latencyBound);
  return {
    scenario: 'server',
    cancelled: !scheduleComplete(samples.length, scheduleMs, options),
    ...rest,
    samples,
    stages: summarizeStages(samples),
    minQueriesMet: samples.length >= options.minQueries,
    minDurationMet: scheduleMs >= options.minDurationMs,
    targetQps: options.targetQps,
    scheduledQps: queriesPerSecond(samples.length, scheduleMs),
    completedQps: queriesPerSecond(samples.length, m.durationMs),
    offeredLoad,
    ...(latencyBound && { latencyBound }),
    keptUp: offeredLoad !== null && offeredLoad < 1 && (latencyBound?.met ?? true),
  };
}

function boundCheck(samples: readonly LatencySample[], bound: { ms: number; percentile: number }): NonNullable<ServerResult['latencyBound']> {
  const observedMs = samples.length > 0 ? percentileOfSorted(sortedCopy(samples.map((s) => s.totalMs)), bound.percentile) : null;
  return { ...bound, observedMs, met: observedMs !== null && observedMs <= bound.ms };
}
