import type { InferenceSession } from 'onnxruntime-node';
import { createSystemClock, type Clock } from '../latency/clock.ts';
import { percentileOfSorted, sortedCopy } from '../latency/percentiles.ts';
import type { ExecutionProvider } from '../models/encoder.ts';
import type { SessionSettings } from '../models/execution-providers.ts';

/**
 * How the roofline's ceilings (the MatMul peak, the memory bandwidth) are timed: a one-node graph
 * on the same provider and intra-op thread count as the models, warmed up, then run for at least
 * `minRuns` runs and `minDurationMs` milliseconds; the median run is the figure.
 */
export interface CeilingOptions {
  provider: ExecutionProvider;
  intraOpThreads?: number;
  /** Timed runs per graph: at least this many and at least `minDurationMs`. */
  minRuns?: number;
  minDurationMs?: number;
  warmupRuns?: number;
  clock?: Clock;
  signal?: AbortSignal;
}

/** CUDA selects kernels and allocates workspaces on a shape's first runs; the CPU needs only its caches warm. */
const defaultWarmupRuns = (provider: ExecutionProvider) => (provider === 'cuda' ? 10 : 2);

export function ceilingSessionSettings(options: CeilingOptions): SessionSettings {
  return { graphOptimizationLevel: 'all', ...(options.intraOpThreads !== undefined && { intraOpThreads: options.intraOpThreads }) };
}

export interface TimedRuns {
  runs: number;
  medianMs: number;
  minMs: number;
  /** The slowest decile's edge: with the median and the minimum, the spread other load caused. */
  p90Ms: number;
}

/** Times `session.run(feeds, fetches)` as `CeilingOptions` says; null when cancelled before the first timed run. */
export async function timeSessionRuns(session: InferenceSession, feeds: InferenceSession.FeedsType, fetches: readonly string[], options: CeilingOptions): Promise<TimedRuns | null> {
  const clock = options.clock ?? createSystemClock();
  for (let i = 0; i < (options.warmupRuns ?? defaultWarmupRuns(options.provider)); i++) await session.run(feeds, [...fetches]);
  const minRuns = options.minRuns ?? 5;
  const minDurationMs = options.minDurationMs ?? 600;
  const times: number[] = [];
  const start = clock.nowMs();
  while ((times.length < minRuns || clock.nowMs() - start < minDurationMs) && !options.signal?.aborted) {
    const t0 = clock.nowMs();
    await session.run(feeds, [...fetches]);
    times.push(clock.nowMs() - t0);
  }
  if (times.length === 0) return null;
  const sorted = sortedCopy(times);
  return { runs: times.length, medianMs: percentileOfSorted(sorted, 50), minMs: sorted[0], p90Ms: percentileOfSorted(sorted, 90) };
}
