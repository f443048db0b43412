import type { PrecisionTable } from '../engine/run/precision-table.ts';
import { formatMs, formatPoints, formatScore } from './format-numbers.ts';

const SETTINGS = [
  ['monolingual', 'mono'],
  ['crossLingual', 'cross'],
  ['multilingual', 'multi'],
] as const;

/**
 * A model's precisions side by side, as Geekbench AI shows them: per variant its size and latency,
 * and per setting the mAP with its loss against the model's own graph (points, 95% paired-bootstrap
 * interval). The CLI, the HTML report and the app print these same cells.
 */
export function precisionRows(table: PrecisionTable): { title: string; note: string; header: string[]; rows: string[][] } {
  return {
    title: `Precision: ${table.model}`,
    note: "Each variant against the model's own graph, on the same queries. mAP loss in points with its 95% paired-bootstrap interval over question groups; speed-up = the graph's p50 / the variant's p50; * made by XLIR Bench from the graph.",
    header: ['variant', 'precision', 'size', 'p50 ms', 'p99 ms', 'speed-up', ...SETTINGS.map(([, label]) => `mAP ${label}`)],
    rows: table.rows.map((r) => [
      r.variant ?? '(graph)',
      `${r.precision}${r.derived ? '*' : ''}`,
      `${(r.bytes / 1e6).toFixed(1)} MB`,
      formatMs(r.p50Ms),
      formatMs(r.p99Ms),
      r.speedup === null ? '-' : `${r.speedup.toFixed(2)}x`,
      ...SETTINGS.map(([setting]) => {
        const q = r.quality.find((x) => x.setting === setting);
        if (!q) return '-';
        return q.difference === undefined ? formatScore(q.map) : `${formatScore(q.map)} (${formatPoints(q.difference)}; ${formatPoints(q.ciLow)} to ${formatPoints(q.ciHigh)})`;
      }),
    ]),
  };
}
