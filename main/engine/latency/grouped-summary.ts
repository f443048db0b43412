import { summarize, type LatencySummary } from './summary.ts';

/**
 * Total-latency summaries per group, e.g. per query language or per token count: the same
 * question costs different numbers of tokens in Thai than in English, and that is where users'
 * real latency differences are. Groups come back sorted by key; samples whose key is undefined
 * are left out.
 */
export function summarizeBy<S extends { totalMs: number }, K extends string | number>(
  samples: readonly S[],
  keyOf: (sample: S) => K | undefined,
): { key: K; summary: LatencySummary }[] {
  const groups = new Map<K, number[]>();
  for (const sample of samples) {
    const key = keyOf(sample);
    if (key === undefined) continue;
    let values = groups.get(key);
    if (!values) groups.set(key, (values = []));
    values.push(sample.totalMs);
  }
  return [...groups]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, values]) => ({ key, summary: summarize(values) }));
}
