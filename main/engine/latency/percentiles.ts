/**
 * Percentiles by the nearest-rank method (Hyndman & Fan type 1, the inverse of the empirical
 * CDF): the p-th percentile of n sorted values is the value of rank ⌈p/100 · n⌉ (1-based; rank 1
 * for p = 0).
 *
 * Why this definition: every reported percentile is a latency that was actually observed, and
 * "p99 = 12.3 ms" means exactly "at least 99% of the queries finished within 12.3 ms". It is the
 * family MLPerf LoadGen uses; LoadGen takes 0-based index ⌊p · n⌋, which is the same value except
 * where p · n is a whole number, where LoadGen takes the next one up. Unlike numpy's default
 * (linear interpolation, type 7) the median of an even count is the lower middle value, not the
 * average of the two.
 */

/** Sorted ascending copy; the input is left untouched. NaN is a bug upstream and is rejected. */
export function sortedCopy(values: ArrayLike<number>): Float64Array {
  const sorted = Float64Array.from(values);
  if (sorted.some(Number.isNaN)) throw new RangeError('latency values contain NaN');
  return sorted.sort();
}

/** 1-based nearest rank of percentile `p` (0–100) among `n` values. */
export function nearestRank(p: number, n: number): number {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0–100, got ${p}`);
  if (!(n >= 1)) throw new RangeError('a percentile of an empty sample is undefined');
  // p/100 · n is computed as p · n / 100 and nudged down by a few ulps, so that e.g. 99.9 % of
  // 1000 is rank 999 even where floating point lands a hair above the whole number.
  const exact = (p * n) / 100;
  const rank = Math.ceil(exact - exact * 4 * Number.EPSILON);
  return Math.min(n, Math.max(1, rank));
}

/** Percentile `p` (0–100) of values already sorted ascending. */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number {
  return sorted[nearestRank(p, sorted.length) - 1];
}
