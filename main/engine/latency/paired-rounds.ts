import type { StageTimes } from './latency-sample.ts';
import { percentileOfSorted, sortedCopy } from './percentiles.ts';
import { assembleComparison, ratioEstimate, verdictRules, type CompareOptions, type LatencyComparison, type RatioEstimate, type VerdictRules } from './compare.ts';
import { studentTQuantile } from './student-t.ts';
import { summarize } from './summary.ts';

/** One round of an interleaved measurement: each system's block, the same queries in both. */
export interface RoundBlocks {
  baseline: readonly StageTimes[];
  candidate: readonly StageTimes[];
}

export type RoundCompareOptions = Omit<CompareOptions, 'seed' | 'resamples'>;

/** The fewest rounds an interval across rounds can be formed from (one degree of freedom). */
export const MIN_PAIRED_ROUNDS = 2;

/**
 * Compares two systems measured in interleaved rounds (`interleaved.ts`): the unit of the
 * interval is the round, not the query (VERDICT.md has the method and why).
 *
 * Per round r, d_r = ln(median of the candidate's block ÷ median of the baseline's block) (and the
 * same with means). The ratio is exp(mean of d_r), the geometric mean of the per-round ratios; its
 * interval is exp(mean ± t · sd / √n), Student's t with n − 1 degrees of freedom over the n rounds.
 * Whatever moves one round's blocks against each other — drift, a burst of other load, a
 * switch's cold caches — is in the spread of the d_r, so the interval covers it; queries within a
 * block, which share the machine's state, are never counted as independent evidence.
 */
export function compareRounds(rounds: readonly RoundBlocks[], options: RoundCompareOptions = {}): LatencyComparison {
  if (rounds.length < MIN_PAIRED_ROUNDS) throw new RangeError(`an interval across rounds needs at least ${MIN_PAIRED_ROUNDS} rounds, got ${rounds.length}`);
  if (rounds.some((r) => r.baseline.length === 0 || r.candidate.length === 0)) throw new RangeError('every round needs at least one sample of each system');
  const rules: VerdictRules = { ...verdictRules(options), basis: `${rounds.length} paired rounds` };

  const medianRatios = rounds.map((r) => blockMedian(r.candidate) / blockMedian(r.baseline));
  const meanRatios = rounds.map((r) => blockMean(r.candidate) / blockMean(r.baseline));
  const baseline = rounds.flatMap((r) => r.baseline);
  const candidate = rounds.flatMap((r) => r.candidate);
  const baseSummary = summarize(baseline.map((s) => s.totalMs));
  const candSummary = summarize(candidate.map((s) => s.totalMs));

  const median = ratioEstimate({ statistic: 'median', baselineMs: baseSummary.p50Ms, candidateMs: candSummary.p50Ms, ...logRatioInterval(medianRatios, rules.confidence) }, rules);
  const mean = ratioEstimate({ statistic: 'mean', baselineMs: baseSummary.meanMs, candidateMs: candSummary.meanMs, ...logRatioInterval(meanRatios, rules.confidence) }, rules);
  return assembleComparison(rules, { baseline, candidate }, { baseline: baseSummary, candidate: candSummary, median, mean }, { method: 'paired-rounds', roundRatios: medianRatios });
}

/**
 * The geometric mean of `ratios` and its t interval: exp(m ± t_{(1+c)/2, n−1} · s / √n) where m
 * and s are the mean and sample standard deviation of ln(ratio).
 */
export function logRatioInterval(ratios: readonly number[], confidence: number): Pick<RatioEstimate, 'ratio' | 'ciLow' | 'ciHigh'> {
  const n = ratios.length;
  if (n < MIN_PAIRED_ROUNDS) throw new RangeError(`an interval needs at least ${MIN_PAIRED_ROUNDS} ratios, got ${n}`);
  if (ratios.some((r) => !(r > 0 && Number.isFinite(r)))) throw new RangeError('every ratio must be a positive finite number');
  const logs = ratios.map(Math.log);
  const meanLog = logs.reduce((sum, d) => sum + d, 0) / n;
  const variance = logs.reduce((sum, d) => sum + (d - meanLog) ** 2, 0) / (n - 1);
  const halfWidth = studentTQuantile((1 + confidence) / 2, n - 1) * Math.sqrt(variance / n);
  return { ratio: Math.exp(meanLog), ciLow: Math.exp(meanLog - halfWidth), ciHigh: Math.exp(meanLog + halfWidth) };
}

function blockMedian(block: readonly StageTimes[]): number {
  return percentileOfSorted(sortedCopy(block.map((s) => s.totalMs)), 50);
}

function blockMean(block: readonly StageTimes[]): number {
  return block.reduce((sum, s) => sum + s.totalMs, 0) / block.length;
}
