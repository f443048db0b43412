import { describe, expect, it } from 'vitest';
import { compareRuns } from '../../main/report/compare-runs.ts';
import { comparisonTable, shortVerdict } from '../../main/report/comparison-table.ts';
import type { ReportRun } from '../../main/report/report-run.ts';
import { syntheticResult, type SyntheticOptions } from '../store/synthetic-result.ts';

const run = (label: string, options: SyntheticOptions): ReportRun => ({ result: syntheticResult({ samples: 400, ...options }), machine: { id: label.padEnd(16, '0').slice(0, 16), label } });

describe('comparing runs', () => {
  it('puts the same model of each run side by side, against the first run', () => {
    const laptop = run('laptop', { seed: 1 });
    const desktop = run('desktop', { seed: 2, factors: [0.5, 0.5] });
    const c = compareRuns([laptop, desktop], { resamples: 200 });
    expect(c.groups.map((g) => g.title)).toEqual(['synthetic-baseline (single-stream)', 'synthetic-hybrid (single-stream)']);
    const [reference, faster] = c.groups[0].entries;
    expect(reference.vsReference).toBeNull();
    expect(faster.label).toBe(`desktop (${desktop.result.id.slice(0, 8)})`);
    // Ratios are the plain quotients of the two summaries.
    expect(faster.vsReference!.ratios!.p50).toBeCloseTo(faster.latency!.p50Ms / reference.latency!.p50Ms, 12);
    expect(faster.vsReference!.ratios!.p50).toBeGreaterThan(0.4);
    expect(faster.vsReference!.ratios!.p50).toBeLessThan(0.6);
    expect(faster.vsReference!.latency!.median.withinNoise).toBe(false);
    expect(shortVerdict(faster.vsReference!.latency!.median, 0.02)).toMatch(/% faster, beyond noise/);
    expect(faster.vsReference!.throughputRatio).toBeGreaterThan(1.5);
    // Different seeds, different mAPs: same weights, same query set, so said as such.
    expect(faster.vsReference!.quality).toMatchObject({ comparable: true, note: expect.stringMatching(/same weights: different arithmetic/) });
  });

  it('calls the same trace against itself identical and within noise', () => {
    const a = run('a', { seed: 3 });
    const c = compareRuns([a, { ...a, machine: { id: 'b'.repeat(16), label: 'b' } }], { resamples: 200 });
    const e = c.groups[0].entries[1];
    expect(e.vsReference!.ratios).toEqual({ p50: 1, p90: 1, p99: 1, p999: 1, mean: 1 });
    expect(e.vsReference!.latency!.median).toMatchObject({ ratio: 1, withinNoise: true, practicallyEqual: true });
    expect(e.vsReference!.quality.note).toBe('identical (same weights, same queries)');
  });

  it('says "same workload" only when the graph and the tokenizer hashes match', () => {
    const a = run('a', { seed: 1 });
    const withModel = (r: ReportRun, sha256: string, tokenizerSha256?: string): ReportRun => ({
      ...r,
      result: { ...r.result, models: r.result.models.map((m) => ({ ...m, model: { ...m.model, sha256, ...(tokenizerSha256 !== undefined && { tokenizerSha256 }) } })) },
    });
    const [g, t, other] = ['1'.repeat(64), '2'.repeat(64), '3'.repeat(64)];
    const workload = (x: ReportRun, y: ReportRun) => compareRuns([x, y], { resamples: 100 }).groups[0].entries[1].vsReference!.workload;
    const b = run('b', { seed: 2 });
    expect(workload(withModel(a, g, t), withModel(b, g, t))).toEqual({ same: true, note: 'same workload: graph sha256 111111111111…, same tokenizer' });
    expect(workload(withModel(a, g, t), withModel(b, other, t))).toMatchObject({ same: false, note: expect.stringMatching(/^different graphs \(sha256 111111111111… vs 333333333333…\)/) });
    expect(workload(withModel(a, g, t), withModel(b, g, other))).toMatchObject({ same: false, note: expect.stringMatching(/different tokenizers/) });
    expect(workload(withModel(a, g), withModel(b, g, t))).toMatchObject({ same: true, note: expect.stringMatching(/tokenizer not recorded/) });
  });

  it('will not compare mAP over different query sets', () => {
    const c = compareRuns([run('a', { seed: 1 }), run('b', { seed: 1, languages: ['en', 'de'] })], { resamples: 100 });
    expect(c.groups[0].entries[1].vsReference!.quality).toMatchObject({ comparable: false, note: expect.stringMatching(/different queries/) });
  });

  it('compares chosen models of different names as one group, and runs with no model in common too', () => {
    const a = run('a', { seed: 1 });
    const b = run('b', { seed: 2, models: ['e5-small'] });
    const chosen = compareRuns([{ ...a, model: 'synthetic-hybrid' }, { ...b, model: 'e5-small' }], { resamples: 100 });
    expect(chosen.groups).toHaveLength(1);
    expect(chosen.groups[0].entries.map((e) => e.label)).toEqual([`synthetic-hybrid @ a (${a.result.id.slice(0, 8)})`, `e5-small @ b (${b.result.id.slice(0, 8)})`]);
    const disjoint = compareRuns([run('c', { seed: 4, models: ['x'] }), run('d', { seed: 5, models: ['y'] })], { resamples: 100 });
    expect(disjoint.groups).toHaveLength(1);
    expect(disjoint.notes).toContain('the runs share no model: every trace is compared with the first');
    expect(() => compareRuns([{ ...a, model: 'nope' }, b])).toThrow(/has no model "nope"/);
  });

  it('compares offline runs batch size by batch size', () => {
    const c = compareRuns([run('a', { seed: 1, scenario: 'offline' }), run('b', { seed: 2, scenario: 'offline' })], { resamples: 100 });
    expect(c.groups.map((g) => g.title)).toEqual([
      'synthetic-baseline, batch 1 (offline)',
      'synthetic-baseline, batch 8 (offline)',
      'synthetic-hybrid, batch 1 (offline)',
      'synthetic-hybrid, batch 8 (offline)',
    ]);
  });

  it('lays a group out as rows of text, ratios in brackets after the first column', () => {
    const c = compareRuns([run('a', { seed: 1 }), run('b', { seed: 2, factors: [2, 2] })], { resamples: 100 });
    const t = comparisonTable(c.groups[0], 0.02);
    const row = (label: string) => t.rows.find((r) => r.label === label)!.cells;
    expect(row('machine')).toEqual(['a', 'b']);
    expect(row('p50 ms')[1]).toMatch(/^\d+\.\d+ \((1\.9|2\.0|2\.1)\d*x\)$/);
    expect(row('latency vs reference')[1]).toMatch(/slower, beyond noise/);
  });
});
