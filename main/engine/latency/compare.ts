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
  /**
   * How the interval was formed (VERDICT.md): `paired-rounds`, a t interval over the per-round
   * ratios of interleaved blocks (covers drift between blocks); `independent-bootstrap`, a
   * bootstrap of the two traces' queries as independent samples (separate runs). Absent in
   * results written before rounds were compared: those are `independent-bootstrap`.
   */
  method: z.enum(['paired-rounds', 'independent-bootstrap']).optional(),
  confidence: z.number(),
  practicalThreshold: z.number(),
  /** Where the practical threshold came from, when not the default (e.g. this machine's calibration). */
  practicalThresholdSource: z.string().optional(),
  /** The bootstrap's resamples and seed; absent for `paired-rounds`, which draws nothing at random. */
  resamples: z.number().int().optional(),
  seed: z.number().int().optional(),
  /** `paired-rounds`: the candidate ÷ baseline ratio of block medians, one per round, in round order. */
  roundRatios: z.array(z.number()).optional(),
  baseline: LatencySummarySchema,
  candidate: LatencySummarySchema,
  median: RatioEstimateSchema,
  mean: RatioEstimateSchema,
  /**
   * Why no difference may be declared although the interval excludes 1 (e.g. the machine was
   * busy); the verdicts then say "inconclusive". Absent when the verdict stands.
   */
  inconclusive: z.string().optional(),
  /** The headline: the median's verdict (robust to the occasional stall that moves the mean). */
  verdict: z.string(),
  stages: z.object({ baseline: StageSharesSchema, candidate: StageSharesSchema }),
});

export type LatencyComparison = z.infer<typeof LatencyComparisonSchema>;

/** The two-sided rules every latency verdict follows (VERDICT.md). */
export interface VerdictRules {
  confidence: number;
  practicalThreshold: number;
  labels: LatencyComparison['labels'];
  /** Said after the interval, e.g. "20 paired rounds"; nothing for the bootstrap of queries. */
  basis?: string;
}

/** Checks and fills in the options both comparison methods share. */
export function verdictRules(options: Pick<CompareOptions, 'confidence' | 'practicalThreshold' | 'labels'>): VerdictRules {
  const confidence = options.confidence ?? 0.95;
  const practicalThreshold = options.practicalThreshold ?? 0.02;
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be within (0, 1), got ${confidence}`);
  if (!(practicalThreshold >= 0 && practicalThreshold < 1)) throw new RangeError(`practicalThreshold must be within [0, 1), got ${practicalThreshold}`);
  return { confidence, practicalThreshold, labels: { baseline: options.labels?.baseline ?? 'baseline', candidate: options.labels?.candidate ?? 'hybrid' } };
}

/**
 * Compares the total latency of two independent traces (e.g. the same model in two separate
 * runs): the ratio of medians and of means, candidate ÷ baseline, each with a percentile-bootstrap
 * interval, and a plain-language verdict (`ratioEstimate`).
 *
 * The two traces are resampled independently, query by query. Like every bootstrap it treats each
 * trace's queries as exchangeable; drift during a run (other load, frequency, thermal) violates
 * that and shows up as a difference. Models measured in one run are compared with
 * `compareRounds` (paired-rounds.ts) instead, whose interval covers that drift.
 */
export function compareLatency(baseline: readonly StageTimes[], candidate: readonly StageTimes[], options: CompareOptions): LatencyComparison {
  if (baseline.length === 0 || candidate.length === 0) throw new RangeError('comparing latency needs at least one sample on each side');
  const resamples = options.resamples ?? 2000;
  if (!Number.isInteger(resamples) || resamples < 1) throw new RangeError(`resamples must be a positive integer, got ${resamples}`);
  const rules = verdictRules(options);

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

  const median = ratioEstimate({ statistic: 'median', baselineMs: baseSummary.p50Ms, candidateMs: candSummary.p50Ms, ratio: candSummary.p50Ms / baseSummary.p50Ms, ...bootstrapInterval(medianRatios, rules.confidence) }, rules);
  const mean = ratioEstimate({ statistic: 'mean', baselineMs: baseSummary.meanMs, candidateMs: candSummary.meanMs, ratio: candSummary.meanMs / baseSummary.meanMs, ...bootstrapInterval(meanRatios, rules.confidence) }, rules);
  return assembleComparison(rules, { baseline, candidate }, { baseline: baseSummary, candidate: candSummary, median, mean }, { method: 'independent-bootstrap', resamples, seed: options.seed });
}

/** The parts every comparison has, with the method's own fields. */
export function assembleComparison(
  rules: VerdictRules,
  traces: { baseline: readonly StageTimes[]; candidate: readonly StageTimes[] },
  figures: Pick<LatencyComparison, 'baseline' | 'candidate' | 'median' | 'mean'>,
  method: Pick<LatencyComparison, 'method' | 'resamples' | 'seed' | 'roundRatios'>,
): LatencyComparison {
  return {
    labels: rules.labels,
    ...method,
    confidence: rules.confidence,
    practicalThreshold: rules.practicalThreshold,
    ...figures,
    verdict: figures.median.verdict,
    stages: { baseline: stageShares(traces.baseline)!, candidate: stageShares(traces.candidate)! },
  };
}

/**
 * Median (nearest rank, as everywhere) and mean of one bootstrap resample of `sorted`, in O(n):
 * drawing indices into the sorted sample and counting them finds the median without sorting.
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

function bootstrapInterval(replicates: Float64Array, confidence: number): { ciLow: number; ciHigh: number } {
  const sorted = replicates.sort();
  const tail = ((1 - confidence) / 2) * 100;
  return { ciLow: percentileOfSorted(sorted, tail), ciHigh: percentileOfSorted(sorted, 100 - tail) };
}

/** A ratio and its interval, judged by the rules: within noise, practically equal, and the verdict. */
export function ratioEstimate(e: Omit<RatioEstimate, 'withinNoise' | 'practicallyEqual' | 'verdict'>, rules: VerdictRules): RatioEstimate {
  const withinNoise = e.ciLow <= 1 && 1 <= e.ciHigh;
  const practicallyEqual = Math.abs(e.ratio - 1) < rules.practicalThreshold;
  const estimate = { ...e, withinNoise, practicallyEqual };
  return { ...estimate, verdict: verdictOf(estimate, rules) };
}

function verdictOf(e: Omit<RatioEstimate, 'verdict'>, rules: VerdictRules): string {
  const { baseline, candidate } = rules.labels;
  const name = e.statistic === 'median' ? 'p50' : 'mean';
  const level = `${percent(rules.confidence)}% CI`;
  const basis = rules.basis ? `, ${rules.basis}` : '';
  const threshold = `${percent(rules.practicalThreshold)}%`;
  const head = `${candidate} ${name} ${ms(e.candidateMs)} vs ${baseline} ${ms(e.baselineMs)}`;
  const slower = e.ratio >= 1;
  // "x% slower" is (ratio − 1); "x% faster" is (1 − ratio): the share of time saved.
  const change = (r: number) => percent(slower ? r - 1 : 1 - r);
  const [from, to] = slower ? [change(e.ciLow), change(e.ciHigh)] : [change(e.ciHigh), change(e.ciLow)];
  const direction = `${candidate} is ${change(e.ratio)}% ${slower ? 'slower' : 'faster'}`;
  const ratioText = `ratio ${e.ratio.toFixed(3)} (${level} ${e.ciLow.toFixed(3)}–${e.ciHigh.toFixed(3)}${basis})`;
  if (e.withinNoise) {
    return e.practicallyEqual
      ? `${head}: ${ratioText}: no difference beyond noise, and practically equal (|ratio − 1| < ${threshold})`
      : `${head}: ${ratioText}: no difference beyond noise, but not practically equal either (the estimate differs by ${threshold} or more): measure longer to narrow the interval`;
  }
  return e.practicallyEqual
    ? `${head}: ${direction} (${level} ${from}%–${to}%${basis}): a real difference, but practically equal (under ${threshold})`
    : `${head}: ${direction} (${level} ${from}%–${to}%${basis})`;
}

/**
 * The comparison with its difference withheld: where `reason` holds (e.g. the machine was busy),
 * an interval that excludes 1 is not trusted to mean a difference, so each verdict that would
 * declare one says "inconclusive" and why. A verdict of "no difference beyond noise" stands.
 */
export function withheldDifference(comparison: LatencyComparison, reason: string): LatencyComparison {
  const withhold = (e: RatioEstimate): RatioEstimate =>
    e.withinNoise ? e : { ...e, verdict: `inconclusive: ${reason}; measured: ${e.verdict}` };
  const median = withhold(comparison.median);
  const mean = withhold(comparison.mean);
  if (median === comparison.median && mean === comparison.mean) return comparison;
  return { ...comparison, median, mean, inconclusive: reason, verdict: median.verdict };
}

function ms(value: number): string {
  return `${value >= 100 ? value.toFixed(1) : value.toPrecision(3)} ms`;
}

/** A fraction as a percentage with at most one decimal: 0.95 → "95", 0.0712 → "7.1". */
function percent(fraction: number): string {
  return String(Math.round(fraction * 1000) / 10);
}
