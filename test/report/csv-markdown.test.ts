import { describe, expect, it } from 'vitest';
import { CSV_HEADER, csvCell, csvLines } from '../../main/report/csv-report.ts';
import { latencyTraces } from '../../main/report/latency-traces.ts';
import { mdText, renderMarkdownReport } from '../../main/report/markdown-report.ts';
import { syntheticResult } from '../store/synthetic-result.ts';

describe('the CSV export', () => {
  it('has one row per query with its stage times, at full precision', () => {
    const result = syntheticResult({ samples: 30, scenario: 'server' });
    const traces = latencyTraces(result).map((t) => ({ runId: result.id, model: t.model.name, scenario: t.scenario, batchSize: t.batchSize, samples: t.samples }));
    const lines = [...csvLines(traces)];
    expect(lines[0]).toBe(`${CSV_HEADER.join(',')}\r\n`);
    expect(lines).toHaveLength(1 + 2 * 30);
    const first = result.models[0].latency.scenario === 'server' ? result.models[0].latency.samples[0] : undefined;
    const cells = lines[1].trimEnd().split(',');
    expect(Object.fromEntries(CSV_HEADER.map((h, i) => [h, cells[i]]))).toEqual({
      run_id: result.id,
      model: 'synthetic-baseline',
      scenario: 'server',
      batch_size: '1',
      seq: '0',
      query_index: String(first!.queryIndex),
      lang: first!.lang,
      tokens: String(first!.tokens),
      tokenize_ms: String(first!.tokenizeMs),
      encode_ms: String(first!.encodeMs),
      search_ms: String(first!.searchMs),
      total_ms: String(first!.totalMs),
      start_ms: String(first!.startMs),
      queue_ms: String(first!.queueMs),
    });
    expect(Number(cells[11])).toBe(first!.totalMs);
  });

  it('writes an offline batch as one row with its query indices', () => {
    const result = syntheticResult({ samples: 16, scenario: 'offline' });
    const trace = latencyTraces(result).find((t) => t.batchSize === 8)!;
    const lines = [...csvLines([{ runId: 'r', model: 'm', scenario: 'offline', batchSize: 8, samples: trace.samples }])];
    expect(lines).toHaveLength(3);
    expect(lines[1].split(',')[5].split(' ')).toHaveLength(8);
  });

  it('quotes what needs quoting and defuses spreadsheet formulas', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"\n')).toBe('"say ""hi""\n"');
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell(-1.5)).toBe('-1.5');
    expect(csvCell(null)).toBe('');
  });
});

describe('the Markdown export', () => {
  it('keeps text from the data inert', () => {
    expect(mdText('a|b *c* [x](javascript:alert(1)) <b>\nnext')).toBe('a\\|b \\*c\\* \\[x\\](javascript:alert(1)) &lt;b&gt; next');
  });

  it('has the verdict, the quality per setting and the latency table', () => {
    const result = syntheticResult({ samples: 100, models: ['base|line', 'hybrid'] });
    const md = renderMarkdownReport([{ result, machine: { id: '0123456789abcdef', label: 'lab <pc>' } }]);
    expect(md).toContain('### hybrid vs base\\|line');
    expect(md).toContain('Machine **lab &lt;pc&gt;**');
    expect(md).toMatch(/\| mAP cross-lingual \| 0\.\d{3} \| 0\.\d{3} \| 0\.\d{3} \|/);
    expect(md).toMatch(/\| base\\\|line \| 100 \|/);
    expect(md).not.toContain('<pc>');
    expect(md).toContain('Measurement quality: not monitored (a run recorded before this version)');
    expect(md).toMatch(/Mean: hybrid mean .*\. Interval: bootstrap of queries as independent samples, 200 resamples, seed 1/);
  });

  it('has the precision table of a model run with variants: size, latency and the mAP loss with its interval', () => {
    const result = syntheticResult({ samples: 10, models: ['hybrid'] });
    result.precision = [
      {
        model: 'hybrid',
        dir: '/models/hybrid',
        rows: [
          { name: 'hybrid', variant: null, precision: 'fp32', bytes: 8_860_000, derived: false, p50Ms: 2.5, p99Ms: 4, speedup: null, quality: [{ setting: 'monolingual', map: 0.365 }] },
          {
            name: 'hybrid@int8',
            variant: 'model_quantized',
            precision: 'int8',
            bytes: 2_300_000,
            derived: true,
            p50Ms: 1.25,
            p99Ms: 2,
            speedup: 2,
            quality: [{ setting: 'monolingual', map: 0.36, difference: -0.005, ciLow: -0.009, ciHigh: -0.001, pValue: 0.02 }],
          },
        ],
      },
    ];
    const md = renderMarkdownReport([{ result, machine: { id: 'm', label: 'lab' } }]);
    expect(md).toContain('### Precision: hybrid');
    expect(md).toContain('| (graph) | fp32 | 8.9 MB | 2.500 | 4.000 | - | 0.365 | - | - |');
    expect(md).toContain('| model\\_quantized | int8\\* | 2.3 MB | 1.250 | 2.000 | 2.00x | 0.360 (-0.50; -0.90 to -0.10) | - | - |');
    expect(md).toContain("Each variant against the model's own graph");
  });
});
