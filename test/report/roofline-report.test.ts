import { describe, expect, it } from 'vitest';
import { RunResultSchema } from '../../main/engine/run/run-result.ts';
import { compareRuns } from '../../main/report/compare-runs.ts';
import { renderHtmlReport } from '../../main/report/html/html-report.ts';
import { machinesTable } from '../../main/report/machines-table.ts';
import { renderMarkdownReport } from '../../main/report/markdown-report.ts';
import type { ReportRun } from '../../main/report/report-run.ts';
import { rooflineGeometry, rooflinePlotOfComparison, rooflinePlotOfRuns, type RooflinePlotData } from '../../main/report/roofline-plot.ts';
import { operatorShareTable, rooflineTable, workLine } from '../../main/report/roofline-tables.ts';
import { ModelCost } from '../../main/engine/roofline/model-cost.ts';
import { modelRoofline } from '../../main/engine/run/model-roofline.ts';
import { fakeBandwidth, fakePeak } from '../roofline/fake-ceilings.ts';
import { bucketBag } from '../roofline/graphs.ts';
import { syntheticResult, type SyntheticOptions } from '../store/synthetic-result.ts';
import { syntheticSweep } from '../store/synthetic-sweep.ts';

const ceilings = { peakGflops: 100, bandwidthGBs: 20 };
const run = (label: string, options: SyntheticOptions = {}): ReportRun => ({ result: syntheticResult({ samples: 120, ceilings, ...options }), machine: { id: label.padEnd(16, '0').slice(0, 16), label } });

describe('rooflineGeometry', () => {
  const data = (points: [number, number][], bandwidth: number | null = 10): RooflinePlotData => ({
    ceilings: [{ label: 'box', peakGflops: 100, bandwidthGBs: bandwidth }],
    series: ['m'],
    points: points.map(([intensity, gflops]) => ({ intensity, gflops, series: 0, ceilings: 0, source: 'run', title: '' })),
  });

  it('maps both axes by decades, and meets the ceilings at the ridge (peak ÷ bandwidth)', () => {
    const g = rooflineGeometry(data([[1, 5], [100, 50]]), { width: 720, height: 360 })!;
    // Intensities 1–100 and ridge 10 → x decades 0.1 … 1000; rates 5–100 → y decades 1 … 1000.
    expect(g.xTicks.map((t) => t.label)).toEqual(['0.1', '1', '10', '100', '1000']);
    expect(g.yTicks.map((t) => t.label)).toEqual(['1', '10', '100', '1000']);
    const { left, right, top, bottom } = g.area;
    const x = (v: number) => left + ((Math.log10(v) + 1) / 4) * (right - left);
    const y = (v: number) => bottom - (Math.log10(v) / 3) * (bottom - top);
    expect(g.ceilings[0].ridge).toEqual({ x: expect.closeTo(x(10), 1), y: expect.closeTo(y(100), 1), intensity: 10 });
    // The bandwidth line enters at the lowest intensity shown (0.1 × 10 GB/s = 1 GFLOP/s), then runs flat.
    const vertices = g.ceilings[0].line.split(' ').map((p) => p.split(',').map(Number));
    expect(vertices).toHaveLength(3);
    expect(vertices[0][0]).toBeCloseTo(x(0.1), 1);
    expect(vertices[0][1]).toBeCloseTo(y(1), 1);
    expect(vertices[2]).toEqual([expect.closeTo(right, 1), expect.closeTo(y(100), 1)]);
    expect(g.points.map((p) => [p.x, p.y])).toEqual([[expect.closeTo(x(1), 1), expect.closeTo(y(5), 1)], [expect.closeTo(x(100), 1), expect.closeTo(y(50), 1)]]);
  });

  it('draws the peak alone where no bandwidth was measured, and nothing without points', () => {
    const g = rooflineGeometry(data([[2, 5]], null))!;
    expect(g.ceilings[0].ridge).toBeNull();
    expect(g.ceilings[0].label.text).toMatch(/bandwidth not measured/);
    expect(g.ceilings[0].line.split(' ')).toHaveLength(2);
    expect(rooflineGeometry(data([]))).toBeNull();
  });
});

describe('the roofline of runs, with sweeps', () => {
  it('gives each measured shape a point under its system\'s ceilings, and a sweep grid its own series', () => {
    const r = run('box');
    const plot = rooflinePlotOfRuns([r], [{ machine: r.machine, result: syntheticSweep() }, { machine: r.machine, result: syntheticSweep({ threads: 1, ceilings: { peakGflops: 40, bandwidthGBs: 12 } }) }]);
    // The run's 4 threads and the first sweep's share one set of ceilings; the 1-thread sweep has its own.
    expect(plot.ceilings.map((c) => [c.label, c.peakGflops, c.bandwidthGBs])).toEqual([['box, cpu, 4 threads', 100, 20], ['box, cpu, 1 thread', 40, 12]]);
    expect(plot.series).toEqual(['synthetic-baseline', 'synthetic-hybrid', 'synthetic-baseline sweep, box, cpu, 4 threads', 'synthetic-baseline sweep, box, cpu, 1 thread']);
    const runPoints = plot.points.filter((p) => p.source === 'run');
    const tokenCounts = new Set(r.result.models[0].latency.scenario === 'offline' ? [] : r.result.models[0].latency.samples.map((s) => s.tokens));
    expect(runPoints.filter((p) => p.series === 0)).toHaveLength(tokenCounts.size);
    expect(plot.points.filter((p) => p.source === 'sweep').map((p) => p.ceilings)).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
  });

  it('leaves out runs without a roofline, and old results without byte counts', () => {
    const plain = { result: syntheticResult({ samples: 20 }), machine: { id: '1'.repeat(16), label: 'plain' } };
    expect(rooflinePlotOfRuns([plain])).toEqual({ ceilings: [], series: [], points: [] });
  });

  it('tabulates achieved, ceilings, bound and fractions per model and batch size, and operator shares where profiled', () => {
    const r = run('box');
    const t = rooflineTable(r.result.models);
    expect(t.header).toEqual(['model', 'batch', 'GFLOP/s', 'FLOP/byte', 'peak GFLOP/s', 'read GB/s', 'attainable GFLOP/s', 'bound', 'of attainable', 'of peak']);
    const e = r.result.models[0].roofline!.efficiency[0];
    // The attention block's 0.0057 GFLOP/s (0.0057% of 100) is below 0.1: 2 significant digits, not 0.0.
    expect(e.achievedGflops).toBeCloseTo(0.0057, 4);
    expect(t.rows[0]).toEqual(['synthetic-baseline', '1', '0.0057', expect.any(String), '100.0', '20.0', e.attainableGflops!.toFixed(1), `${e.bound}-bound`, '0.0057%', '0.0057%']);
    expect(operatorShareTable(r.result.models).rows).toEqual([]);
  });
});

describe('a graph whose only FLOPs are a scatter-add (the dictionary bridge)', () => {
  const ceilingsAt = { peak: fakePeak(146), bandwidth: fakeBandwidth(28.8), peakFromCache: true, bandwidthFromCache: true, file: '' };
  const result = syntheticResult({ samples: 40, models: ['bridge'] });
  const m = result.models[0];
  m.roofline = modelRoofline(m.latency, new ModelCost(bucketBag('add')), ceilingsAt);
  const r = m.roofline;

  it('lists the scatter FLOPs in the work line, in a unit that reads: FLOP, not 6.82e-7 GFLOP', () => {
    // 3 updates per token at the median token count.
    const scatter = 3 * r.flops.sequence;
    expect(r.flops).toMatchObject({ total: scatter, scatter, weights: 0, attention: 0 });
    expect(workLine(r)).toMatch(new RegExp(`^${scatter} FLOP per query at ${r.flops.sequence} tokens \\(MatMul/Gemm 0, attention 0, reducing scatters ${scatter}\\); `));
    // Without scatters, no mention of them.
    expect(workLine({ ...r, flops: { ...r.flops, scatter: 0, weights: 22.4e9, total: 22.4e9 } })).toMatch(/^22\.4 GFLOP per query at \d+ tokens \(MatMul\/Gemm 22\.4, attention 0\); /);
  });

  it('gives tiny achieved rates and fractions of the peak in significant digits, not 0.0 and 0.0%', () => {
    const e = r.efficiency[0];
    expect(e.achievedGflops).toBeLessThan(0.01);
    const [, , achieved, , peak, bandwidth, , , , ofPeak] = rooflineTable(result.models).rows[0];
    expect([peak, bandwidth]).toEqual(['146.0', '28.8']);
    expect(achieved).toMatch(/^0\.0+[1-9]\d$/);
    expect(Number(achieved)).toBeCloseTo(e.achievedGflops!, 1 - Math.floor(Math.log10(e.achievedGflops!)));
    expect(ofPeak).toMatch(/^0\.0+[1-9]\d%$/);
    expect(Number(ofPeak.slice(0, -1)) / 100).toBeCloseTo(e.fractionOfPeak!, 1 - Math.floor(Math.log10(e.fractionOfPeak!)));
    // The plot's hover text says the same.
    const point = rooflinePlotOfRuns([{ result, machine: { id: '0'.repeat(16), label: 'box' } }]).points[0];
    expect(point.title).toMatch(/: 0\.0+[1-9]\d GFLOP\/s at /);
  });
});

describe('results written before the memory side was measured', () => {
  it('still load, tabulate and report, with no point to plot', async () => {
    const r = run('box');
    // As an older version wrote it: no bytes, bandwidth, points or operators, efficiency against the peak only.
    const old = JSON.parse(JSON.stringify(r.result));
    for (const m of old.models) {
      delete m.roofline.bytes;
      delete m.roofline.bandwidth;
      delete m.roofline.bandwidthFromCache;
      delete m.roofline.points;
      delete m.roofline.operators;
      delete m.roofline.peak.load;
      m.roofline.efficiency = m.roofline.efficiency.map(({ batchSize, runs, flops, encodeMs, achievedGflops, precision, peakGflops, fractionOfPeak }: Record<string, unknown>) => ({ batchSize, runs, flops, encodeMs, achievedGflops, precision, peakGflops, fractionOfPeak }));
    }
    const parsed = RunResultSchema.parse(old);
    const t = rooflineTable(parsed.models);
    expect(t.rows[0].slice(2)).toEqual([expect.any(String), '-', '100.0', '-', '-', '-', '-', expect.stringMatching(/%$/)]);
    expect(rooflinePlotOfRuns([{ result: parsed, machine: r.machine }]).points).toEqual([]);
    expect(renderHtmlReport([{ result: parsed, machine: r.machine }])).toContain('No roofline to plot');
  });
});

describe('machines on one page', () => {
  const one = run('laptop', { seed: 1, threads: 4 });
  const two = { ...run('desktop', { seed: 2, threads: 8, factors: [0.5, 0.5], ceilings: { peakGflops: 300, bandwidthGBs: 50 } }) };

  it('tabulates machines × models with each machine\'s own ceilings and the verdict against the reference', () => {
    const comparison = compareRuns([one, two], { resamples: 200 });
    const t = machinesTable(comparison)!;
    expect(t.rows.map((row) => [row[0].replace(/ \(.*\)$/, ''), row[1], row[2], row[10]])).toEqual([
      ['laptop, cpu, 4 threads', '100.0 GFLOP/s, 20.0 GB/s', 'synthetic-baseline', 'reference'],
      ['desktop, cpu, 8 threads', '300.0 GFLOP/s, 50.0 GB/s', 'synthetic-baseline', expect.stringMatching(/faster, beyond noise/)],
      ['laptop, cpu, 4 threads', '100.0 GFLOP/s, 20.0 GB/s', 'synthetic-hybrid', 'reference'],
      ['desktop, cpu, 8 threads', '300.0 GFLOP/s, 50.0 GB/s', 'synthetic-hybrid', expect.stringMatching(/faster, beyond noise/)],
    ]);
    const entry = comparison.groups[0].entries[1];
    // Below 0.1%: 2 significant digits (0.0044%), not 0.0%.
    expect(entry.roofline!.fractionOfAttainable! * 100).toBeLessThan(0.1);
    expect(t.rows[1][8]).toBe(`${Number((entry.roofline!.fractionOfAttainable! * 100).toPrecision(2))}% (${entry.roofline!.bound}-bound)`);
    // One plot, both machines' ceilings.
    const plot = rooflinePlotOfComparison(comparison);
    expect(plot.ceilings.map((c) => c.label)).toEqual(['laptop, cpu, 4 threads', 'desktop, cpu, 8 threads']);
    expect(plot.series).toEqual(['synthetic-baseline @ laptop, cpu, 4 threads', 'synthetic-baseline @ desktop, cpu, 8 threads', 'synthetic-hybrid @ laptop, cpu, 4 threads', 'synthetic-hybrid @ desktop, cpu, 8 threads']);
    expect(plot.points).toHaveLength(4);
  });

  it('has nothing to add for runs of a single system', () => {
    expect(machinesTable(compareRuns([one, run('laptop', { seed: 5, threads: 4 })], { resamples: 200 }))).toBeNull();
  });

  it('appears in the HTML and Markdown reports with the roofline of each run', () => {
    const page = renderHtmlReport([one, two]);
    expect(page).toContain('<h3>Machines × models</h3>');
    expect(page).toMatch(/<figure class="chart roofline" data-points="4" data-ceilings="2">/);
    // Each run section: its own roofline plot, one set of ceilings.
    expect(page.match(/<figure class="chart roofline" data-points="\d+" data-ceilings="1">/g)).toHaveLength(2);
    const md = renderMarkdownReport([one, two]);
    expect(md).toContain('### Machines × models');
    expect(md).toContain('### Roofline');
    expect(md).toMatch(/\| synthetic-baseline \| 1 \| [\d.]+ \|/);
  });
});
