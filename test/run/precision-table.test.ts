import { describe, expect, it } from 'vitest';
import type { QualityDetail } from '../../main/engine/metrics/evaluate-quality.ts';
import { precisionTables } from '../../main/engine/run/precision-table.ts';
import { precisionRows } from '../../main/report/precision-rows.ts';
import { syntheticResult } from '../store/synthetic-result.ts';

/** Per-query AP of English queries, one question group each: enough for the paired bootstrap. */
function detail(ap: number[]): QualityDetail {
  const n = ap.length;
  return {
    languages: ['en'],
    queryIds: ap.map((_, i) => `en_${i}`),
    queryGroups: ap.map((_, i) => `g${i}`),
    queryLanguage: new Int32Array(n),
    pairAp: Float64Array.from(ap),
    multilingualAp: Float64Array.from(ap),
    rankGap: new Float64Array(n).fill(Number.NaN),
  };
}

describe('precisionTables', () => {
  it('puts each model\'s graph first, then its variants, with size, speed-up, mAP and the loss with its interval', () => {
    const result = syntheticResult({ models: ['m', 'm@int8', 'other'], factors: [1, 0.5, 1], samples: 100 });
    const [graph, int8, other] = result.models;
    const models = [graph, { ...int8, dir: graph.dir, variant: { name: 'int8', derived: { source: { file: 'x', sha256: 'y' }, recipe: 'r' } }, precision: 'int8' as const, model: { ...int8.model, bytes: 500 } }, other];
    const ap = Array.from({ length: 40 }, (_, i) => (i % 4) / 4);
    const details = new Map([
      ['m', detail(ap)],
      ['m@int8', detail(ap.map((v, i) => (i === 0 ? v - 0.2 : v)))],
    ]);
    const tables = precisionTables(models, details, { ...result.config, variants: ['int8'] });
    expect(tables).toHaveLength(1); // `other` ran without variants
    const [table] = tables;
    expect(table.rows.map((r) => [r.variant, r.precision, r.derived, r.bytes])).toEqual([
      [null, 'fp32', false, graph.model.bytes],
      ['int8', 'int8', true, 500],
    ]);
    expect(table.rows[0].speedup).toBe(1);
    expect(table.rows[1].speedup).toBeGreaterThan(1.5);
    expect(table.rows[0].quality.every((q) => q.difference === undefined)).toBe(true);
    const loss = table.rows[1].quality.find((q) => q.setting === 'multilingual')!;
    expect(loss.difference).toBeCloseTo(-0.2 / 40, 12);
    expect(loss.ciLow!).toBeLessThanOrEqual(loss.difference!);
    expect(loss.ciHigh!).toBeGreaterThanOrEqual(loss.difference!);

    const printed = precisionRows(table);
    expect(printed.header).toEqual(['variant', 'precision', 'size', 'p50 ms', 'p99 ms', 'speed-up', 'mAP mono', 'mAP cross', 'mAP multi']);
    expect(printed.rows[1].slice(0, 3)).toEqual(['int8', 'int8*', '0.0 MB']);
    expect(printed.rows[1][8]).toMatch(/^\d\.\d{3} \(-0\.50; -?\d\.\d{2} to [+-]?\d\.\d{2}\)$/);
  });
});
