import { z } from 'zod';
import { createRng, type Rng } from '../random/seeded.ts';
import type { StageTimes } from './latency-sample.ts';
import { nearestRank, percentileOfSorted, sortedCopy } from './percentiles.ts';
import { StageSharesSchema, stageShares } from './stage-breakdown.ts';
import { LatencySummarySchema, summarizeSorted } from './summary.ts';

export interface CompareOptions {
  /** Seeds the bootstrap: the same seed gives the same intervals. */
  seed: number;
  /** Bootstrap resamples; 2000 keeps the 95% interval's ends stable to about ±0.1%. */
  resamples?: number;
  /** Coverage of the interval. */
  confidence?: number;
  /** |ratio − 1| below this counts as practically equal. */
  practicalThreshold?: number;
  labels?: { baseline?: string; candidate?: string };
}

/** One statistic of the two samples, candidate ÷ baseline, with its bootstrap interval. */
export const RatioEstimateSchema = z.object({
  statistic: z.enum(['median', 'mean']),
  baselineMs: z.number(),
  candidateMs: z.number(),
  ratio: z.number(),
  ciLow: z.number(),
  ciHigh: z.number(),
  /** The interval contains 1: the data cannot tell the two apart. */
  withinNoise: z.boolean(),
  /** |ratio − 1| < practicalThreshold: too small a difference to matter, whether or not it is real. */
  practicallyEqual: z.boolean(),
  verdict: z.string(),
});

export type RatioEstimate = z.infer<typeof RatioEstimateSchema>;

export const LatencyComparisonSchema = z.object({
  labels: z.object({ baseline: z.string(), candidate: z.string() }),
  confidence: z.number(),
  practicalThreshold: z.number(),
  resamples: z.number().int(),
  seed: z.number().int(),
  baseline: LatencySummarySchema,
  candidate: LatencySummarySchema,
  median: RatioEstimateSchema,
  mean: RatioEstimateSchema,
  /** The headline: the median's verdict (robust to the occasional stall that moves the mean). */
  verdict: z.string(),
  stages: z.object({ baseline: StageSharesSchema, candidate: StageSharesSchema }),
});

export type LatencyComparison = z.infer<typeof LatencyComparisonSchema>;

/**
 * Compares the total latency of two traces (e.g. baseline vs hybrid checkpoint): the ratio of
 * medians and of means, candidate ÷ baseline, each with a percentile-bootstrap interval, and a
 * plain-language verdict. The verdict states two separate things, by explicit rules:
 * - **within noise**: the interval contains 1;
 * - **practically equal**: |ratio − 1| < `practicalThreshold` (default 2%).
 * A difference can be real yet practically equal, or within noise yet not shown to be small (a
 * wide interval: measure longer).
 *
 * The two traces are resampled independently (separate runs are separate samples). Like every
 * bootstrap it treats each trace's queries as exchangeable; slow drift during a run (thermal
 * throttling, other load) violates that, and interleaving the models' runs is the remedy.
 */
export function compareLatency(baseline: readonly StageTimes[], candidate: readonly StageTimes[], options: CompareOptions): LatencyComparison {
  if (baseline.length === 0 || candidate.length === 0) throw new RangeError('comparing latency needs at least one sample on each side');
  const resamples = options.resamples ?? 2000;
  const confidence = options.confidence ?? 0.95;
  const practicalThreshold = options.practicalThreshold ?? 0.02;
  if (!Number.isInteger(resamples) || resamples < 1) throw new RangeError(`resamples must be a positive integer, got ${resamples}`);
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be within (0, 1), got ${confidence}`);
  const labels = { baseline: options.labels?.baseline ?? 'baseline', candidate: options.labels?.candidate ?? 'hybrid' };

  const sortedBase = sortedCopy(baseline.map((s) => s.totalMs));
  const sortedCand = sortedCopy(candidate.map((s) => s.totalMs));
  const baseSummary = summarizeSorted(sortedBase);
  const candSummary = summarizeSorted(sortedCand);

  const rng = createRng(options.seed);
  const medianRatios = new Float64Array(resamples);
  const meanRatios = new Float64Array(resamples);
  const baseScratch = new Uint32Array(sortedBase.length);
  const candScratch = new Uint32Array(sortedCand.length);
  for (let b = 0; b < resamples; b++) {
    const base = resampleStatistics(sortedBase, baseScratch, rng);
    const cand = resampleStatistics(sortedCand, candScratch, rng);
    medianRatios[b] = cand.median / base.median;
    meanRatios[b] = cand.mean / base.mean;
  }

  const rules = { confidence, practicalThreshold, labels };
  const median = ratioEstimate('median', baseSummary.p50Ms, candSummary.p50Ms, medianRatios, rules);
  const mean = ratioEstimate('mean', baseSummary.meanMs, candSummary.meanMs, meanRatios, rules);
  return {
    labels,
    confidence,
    practicalThreshold,
    resamples,
    seed: options.seed,
    baseline: baseSummary,
    candidate: candSummary,
    median,
    mean,
    verdict: median.verdict,
    stages: { baseline: stageShares(baseline)!, candidate: stageShares(candidate)! },
  };
}

/**
 * Median (nearest rank, as everywhere) and mean of one bootstrap resample of `sorted`, in O(n):
 * drawing indices into the sorted sample and counting them finds the median without sorting.
 * TODO(unify): the generic `bootstrapCi` of metrics/bootstrap.ts did not exist when this was written.
 */
function resampleStatistics(sorted: Float64Array, counts: Uint32Array, rng: Rng): { median: number; mean: number } {
  const n = sorted.length;
  counts.fill(0);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const index = Math.floor(rng() * n);
    counts[index]++;
    sum += sorted[index];
  }
  const rank = nearestRank(50, n);
  let seen = 0;
  let index = 0;
  for (; index < n; index++) {
    seen += counts[index];
    if (seen >= rank) break;
  }
  return { median: sorted[index], mean: sum / n };
}

function ratioEstimate(
  statistic: RatioEstimate['statistic'],
  baselineMs: number,
  candidateMs: number,
  replicates: Float64Array,
  rules: { confidence: number; practicalThreshold: number; labels: LatencyComparison['labels'] },
): RatioEstimate {
  const sorted = replicates.sort();
  const tail = ((1 - rules.confidence) / 2) * 100;
  const ciLow = percentileOfSorted(sorted, tail);
  const ciHigh = percentileOfSorted(sorted, 100 - tail);
  const ratio = candidateMs / baselineMs;
  const withinNoise = ciLow <= 1 && 1 <= ciHigh;
  const practicallyEqual = Math.abs(ratio - 1) < rules.practicalThreshold;
  const estimate = { statistic, baselineMs, candidateMs, ratio, ciLow, ciHigh, withinNoise, practicallyEqual };
  return { ...estimate, verdict: verdictOf(estimate, rules) };
}

function verdictOf(e: Omit<RatioEstimate, 'verdict'>, rules: { confidence: number; practicalThreshold: number; labels: LatencyComparison['labels'] }): string {
  const { baseline, candidate } = rules.labels;
  const name = e.statistic === 'median' ? 'p50' : 'mean';
  const level = `${percent(rules.confidence)}% CI`;
  const threshold = `${percent(rules.practicalThreshold)}%`;
  const head = `${candidate} ${name} ${ms(e.candidateMs)} vs ${baseline} ${ms(e.baselineMs)}`;
  const slower = e.ratio >= 1;
  // "x% slower" is (ratio − 1); "x% faster" is (1 − ratio): the share of time saved.
  const change = (r: number) => percent(slower ? r - 1 : 1 - r);
  const [from, to] = slower ? [change(e.ciLow), change(e.ciHigh)] : [change(e.ciHigh), change(e.ciLow)];
  const direction = `${candidate} is ${change(e.ratio)}% ${slower ? 'slower' : 'faster'}`;
  const ratioText = `ratio ${e.ratio.toFixed(3)} (${level} ${e.ciLow.toFixed(3)}–${e.ciHigh.toFixed(3)})`;
  if (e.withinNoise) {
    return e.practicallyEqual
      ? `${head}: ${ratioText}: no difference beyond noise, and practically equal (|ratio − 1| < ${threshold})`
      : `${head}: ${ratioText}: no difference beyond noise, but not practically equal either (the estimate differs by ${threshold} or more): measure longer to narrow the interval`;
  }
  return e.practicallyEqual
    ? `${head}: ${direction} (${level} ${from}%–${to}%): a real difference, but practically equal (under ${threshold})`
    : `${head}: ${direction} (${level} ${from}%–${to}%)`;
}

function ms(value: number): string {
  return `${value >= 100 ? value.toFixed(1) : value.toPrecision(3)} ms`;
}

/** A fraction as a percentage with at most one decimal: 0.95 → "95", 0.0712 → "7.1". */
function percent(fraction: number): string {
  return String(Math.round(fraction * 1000) / 10);
}
