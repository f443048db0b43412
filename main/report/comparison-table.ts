import type { RatioEstimate } from '../engine/latency/compare.ts';
import type { ComparedGroup } from './compare-runs.ts';
import { formatMs, formatQps, formatRatio, formatScore } from './format-numbers.ts';

/** A run comparison as rows of text, one column per entry: what the CLI, Markdown and HTML all show. */
export interface ComparisonTable {
  header: string[];
  rows: { label: string; cells: string[] }[];
}

/** "12.3% faster, beyond noise" and the like, from a bootstrap ratio estimate. */
export function shortVerdict(e: RatioEstimate, threshold: number): string {
  const change = Math.abs(e.ratio - 1) * 100;
  const direction = e.ratio < 1 ? `${change.toFixed(1)}% faster` : `${change.toFixed(1)}% slower`;
  if (e.withinNoise) return e.practicallyEqual ? 'same: within noise' : 'within noise, but the interval is wide: measure longer';
  return e.practicallyEqual ? `${direction}: real, but under ${threshold * 100}%` : `${direction}, beyond noise`;
}

export function comparisonTable(group: ComparedGroup, practicalThreshold: number): ComparisonTable {
  const entries = group.entries;
  const withRatio = (value: string, ratio: number | null | undefined, first: boolean) => (first || ratio === null || ratio === undefined ? value : `${value} (${formatRatio(ratio)})`);
  const row = (label: string, cell: (i: number) => string) => ({ label, cells: entries.map((_, i) => cell(i)) });
  const stat = (label: string, key: 'p50Ms' | 'p90Ms' | 'p99Ms' | 'p999Ms' | 'meanMs', ratioKey: 'p50' | 'p90' | 'p99' | 'p999' | 'mean') =>
    row(label, (i) => withRatio(formatMs(entries[i].latency?.[key]), entries[i].vsReference?.ratios?.[ratioKey], i === 0));
  const q = (i: number) => entries[i].quality;
  return {
    header: entries.map((e, i) => (i === 0 ? `${e.runId.slice(0, 8)} (reference)` : e.runId.slice(0, 8))),
    rows: [
      row('machine', (i) => entries[i].machine.label),
      row('model', (i) => (entries[i].batchSize === null ? entries[i].model : `${entries[i].model}, batch ${entries[i].batchSize}`)),
      row('provider', (i) => `${entries[i].provider}${entries[i].threads ? `, ${entries[i].threads} threads` : ''}`),
      row(entries.some((e) => e.batchSize !== null) ? 'samples (batches)' : 'queries', (i) => String(entries[i].latency?.count ?? 0)),
      stat('p50 ms', 'p50Ms', 'p50'),
      stat('p90 ms', 'p90Ms', 'p90'),
      stat('p99 ms', 'p99Ms', 'p99'),
      stat('p99.9 ms', 'p999Ms', 'p999'),
      stat('mean ms', 'meanMs', 'mean'),
      row('throughput q/s', (i) => withRatio(formatQps(entries[i].throughputQps), entries[i].vsReference?.throughputRatio, i === 0)),
      row('p50 ratio, 95% CI', (i) => {
        const m = entries[i].vsReference?.latency?.median;
        return i === 0 ? '1' : m ? `${m.ratio.toFixed(3)} [${m.ciLow.toFixed(3)}, ${m.ciHigh.toFixed(3)}]` : '-';
      }),
      row('latency vs reference', (i) => {
        const m = entries[i].vsReference?.latency?.median;
        return i === 0 ? '' : m ? shortVerdict(m, practicalThreshold) : 'no samples to compare';
      }),
      row('mAP mono / cross / multi', (i) => (q(i) ? `${formatScore(q(i)!.monolingual)} / ${formatScore(q(i)!.crossLingual)} / ${formatScore(q(i)!.multilingual)}` : 'not measured')),
      row('quality vs reference', (i) => (i === 0 ? '' : (entries[i].vsReference?.quality.note ?? ''))),
    ],
  };
}
