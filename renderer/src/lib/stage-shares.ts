import type { StageShares, StageSummaries } from '../../../main/engine/latency/stage-breakdown.ts';
import type { LatencyTrace } from '../../../main/report/latency-traces.ts';

/**
 * Where a trace's time goes, from its stage summaries: the mean of each stage over the mean total
 * (the same shares `stageShares` computes from the samples, since a mean of sums is the sum of means).
 */
export function sharesOf(stages: StageSummaries): StageShares {
  const total = stages.total.meanMs;
  const tokenize = stages.tokenize.meanMs;
  const encode = stages.encode.meanMs;
  const search = stages.search.meanMs;
  const other = total - tokenize - encode - search;
  const share = (ms: number) => (total > 0 ? ms / total : 0);
  return {
    meanMs: { tokenize, encode, search, other, total },
    share: { tokenize: share(tokenize), encode: share(encode), search: share(search), other: share(other) },
  };
}

export function traceShares(trace: LatencyTrace): StageShares | null {
  return trace.stages ? sharesOf(trace.stages) : null;
}
