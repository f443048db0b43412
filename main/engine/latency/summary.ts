import { z } from 'zod';
import { percentileOfSorted, sortedCopy } from './percentiles.ts';

/** Exact order statistics of one latency sample, in milliseconds (percentiles: nearest rank). */
export const LatencySummarySchema = z.object({
  count: z.number().int(),
  meanMs: z.number(),
  /** Sample standard deviation (n − 1); null for a single value, where it is undefined. */
  stdDevMs: z.number().nullable(),
  minMs: z.number(),
  p50Ms: z.number(),
  p90Ms: z.number(),
  p95Ms: z.number(),
  p99Ms: z.number(),
  p999Ms: z.number(),
  maxMs: z.number(),
});

export type LatencySummary = z.infer<typeof LatencySummarySchema>;

/** Summarises a non-empty sample; the input is not modified. */
export function summarize(values: ArrayLike<number>): LatencySummary {
  return summarizeSorted(sortedCopy(values));
}

/** As `summarize`, for values already sorted ascending (callers that keep a sorted copy). */
export function summarizeSorted(sorted: ArrayLike<number>): LatencySummary {
  const n = sorted.length;
  if (n === 0) throw new RangeError('cannot summarise an empty latency sample');
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i];
  const mean = sum / n;
  // Two passes (mean first, then squared deviations): no catastrophic cancellation.
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (sorted[i] - mean) ** 2;
  return {
    count: n,
    meanMs: mean,
    stdDevMs: n > 1 ? Math.sqrt(squares / (n - 1)) : null,
    minMs: sorted[0],
    p50Ms: percentileOfSorted(sorted, 50),
    p90Ms: percentileOfSorted(sorted, 90),
    p95Ms: percentileOfSorted(sorted, 95),
    p99Ms: percentileOfSorted(sorted, 99),
    p999Ms: percentileOfSorted(sorted, 99.9),
    maxMs: sorted[n - 1],
  };
}

/** Queries per second for `count` queries completed in `elapsedMs`; null when no time passed. */
export function queriesPerSecond(count: number, elapsedMs: number): number | null {
  return elapsedMs > 0 ? (count * 1000) / elapsedMs : null;
}
