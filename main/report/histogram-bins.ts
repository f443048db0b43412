import { percentileOfSorted, sortedCopy } from '../engine/latency/percentiles.ts';

export interface HistogramSeries {
  name: string;
  values: ArrayLike<number>;
}

export interface Histogram {
  lo: number;
  hi: number;
  binWidth: number;
  /** Per series: share of its samples in each bin (series of different lengths compare). */
  series: { name: string; shares: number[]; p50: number; count: number; beyond: number; max: number }[];
  top: number;
}

/**
 * Shared bins for overlaid latency distributions, as the HTML report draws them: about 2√n bins
 * (10 to 48), the axis ending at the largest p99.9 but no further than 1.15 × the largest p99 so
 * that a few stalls do not squeeze the distribution into a corner; what lies beyond is counted.
 */
export function histogramBins(input: readonly HistogramSeries[]): Histogram | null {
  const sorted = input.filter((s) => s.values.length > 0).map((s) => ({ name: s.name, sorted: sortedCopy(s.values) }));
  if (sorted.length === 0) return null;
  const lo = Math.min(...sorted.map((s) => s.sorted[0]));
  let hi = Math.min(Math.max(...sorted.map((s) => percentileOfSorted(s.sorted, 99.9))), 1.15 * Math.max(...sorted.map((s) => percentileOfSorted(s.sorted, 99))));
  if (!(hi > lo)) hi = lo + Math.max(Math.abs(lo) * 0.1, 1e-3);
  const bins = Math.min(48, Math.max(10, Math.ceil(2 * Math.sqrt(Math.max(...sorted.map((s) => s.sorted.length))))));
  const binWidth = (hi - lo) / bins;
  const series = sorted.map((s) => {
    const counts = new Array<number>(bins).fill(0);
    let beyond = 0;
    for (const v of s.sorted) {
      if (v > hi) beyond++;
      else counts[Math.min(bins - 1, Math.floor((v - lo) / binWidth))]++;
    }
    const n = s.sorted.length;
    return { name: s.name, shares: counts.map((c) => c / n), p50: percentileOfSorted(s.sorted, 50), count: n, beyond, max: s.sorted[n - 1] };
  });
  const top = Math.max(...series.flatMap((s) => s.shares)) * 1.08;
  return { lo, hi, binWidth, series, top };
}
