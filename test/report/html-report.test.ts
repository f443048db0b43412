import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findChromium } from '../../main/report/pdf-report.ts';
import { REPORT_CSP, renderHtmlReport } from '../../main/report/html/html-report.ts';
import { escapeHtml, html } from '../../main/report/html/safe-html.ts';
import type { ReportRun } from '../../main/report/report-run.ts';
import { withheldDifference } from '../../main/engine/latency/compare.ts';
import { assessMeasurementQuality } from '../../main/engine/measurement-quality/measurement-quality.ts';
import { syntheticResult } from '../store/synthetic-result.ts';

const EVIL = '<script>alert(1)</script></style><img src=x onerror=alert(2)>"\'&';

/** A run whose every free-text field carries markup. */
function maliciousRun(): ReportRun {
  const result = syntheticResult({ models: [`base${EVIL}`, `hyb${EVIL}`], languages: ['en', `de${EVIL}`], samples: 50, ceilings: { peakGflops: 100, bandwidthGBs: 20 } });
  result.models[0].roofline!.notes.push(`note ${EVIL}`);
  result.warnings.push(`warning ${EVIL}`);
  result.machine.hostname = `host${EVIL}`;
  result.machine.cpu.model = `cpu${EVIL}`;
  result.machine.gpus.push({ name: `gpu${EVIL}`, memoryMiB: 1, driver: EVIL, smClockMHz: null, memClockMHz: null });
  result.models[1].qualityNote = `note ${EVIL}`;
  result.comparisons[0].latency!.verdict = `verdict ${EVIL}`;
  result.comparisons[0].quality[0].verdict = `q ${EVIL}`;
  return { result, machine: { id: '0123456789abcdef', label: `label${EVIL}` } };
}

/** Every tag name the report may contain: structure, tables, inline SVG. */
const ALLOWED_TAGS = new Set([
  '!doctype', 'html', 'head', 'meta', 'title', 'style', 'body', 'main', 'header', 'footer', 'section', 'h1', 'h2', 'h3', 'p', 'div', 'span', 'strong', 'i', 'ul', 'li', 'dl', 'dt', 'dd',
  'table', 'thead', 'tbody', 'tr', 'th', 'td', 'figure', 'figcaption', 'svg', 'g', 'path', 'line', 'rect', 'text', 'br', 'polyline', 'circle',
]);

/** Every tag with its quoted attribute values emptied: what is left are names, which data cannot reach. */
function tagSkeletons(markup: string): string[] {
  return (markup.match(/<[^>]*>/g) ?? []).map((t) => t.replace(/"[^"]*"/g, '""'));
}

function tagsOf(markup: string): string[] {
  return [...markup.matchAll(/<\/?([!a-zA-Z][\w-]*)/g)].map((m) => m[1].toLowerCase());
}

describe('the HTML report', () => {
  it('escapes every string from the data: no markup, script or handler gets through', () => {
    const page = renderHtmlReport([maliciousRun()]);
    expect(new Set(tagsOf(page))).toEqual(new Set([...tagsOf(page)].filter((t) => ALLOWED_TAGS.has(t))));
    expect(page).not.toMatch(/<script/i);
    expect(page).not.toMatch(/<img/i);
    // No tag carries an event handler (the text "onerror=" may appear, escaped, between tags).
    expect(tagSkeletons(page).filter((t) => /\son\w+\s*=/i.test(t))).toEqual([]);
    expect(tagSkeletons(page).filter((t) => /'/.test(t))).toEqual([]); // every attribute value double-quoted
    expect(page.match(/<\/style/gi)).toHaveLength(1); // the stylesheet's own end, nothing a name closed early
    expect(page).toContain('label&lt;script&gt;alert(1)&lt;/script&gt;&lt;/style&gt;&lt;img src=x onerror=alert(2)&gt;&quot;&#39;&amp;');
    // The text is still there for the reader, as text.
    expect(page).toContain('warning &lt;script&gt;');
    expect(page).toContain('gpu&lt;script&gt;');
  });

  const chromium = findChromium();
  it.skipIf(!chromium)('parses in Chromium into a page with no script, image or handler (where Chromium is installed)', () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'xlir-html-')), 'evil.html');
    writeFileSync(file, renderHtmlReport([maliciousRun()]));
    const flags = ['--headless', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', `--user-data-dir=${path.dirname(file)}/profile`];
    const dom = execFileSync(chromium!, [...flags, ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), '--dump-dom', pathToFileURL(file).href], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 60_000 });
    expect(dom).toContain('</main>');
    expect(dom).not.toMatch(/<(script|img|iframe|object|embed)\b/i);
    expect(tagSkeletons(dom).filter((t) => /\son\w+\s*=/i.test(t))).toEqual([]);
    expect(dom).toContain('label&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('loads nothing: a strict CSP, no external reference, no script', () => {
    const page = renderHtmlReport([maliciousRun()]);
    expect(page).toContain(`<meta http-equiv="Content-Security-Policy" content="${escapeHtml(REPORT_CSP)}">`);
    expect(REPORT_CSP).toBe("default-src 'none'; style-src 'unsafe-inline'; img-src data:");
    expect(tagSkeletons(page).filter((t) => /\s(src|href|xlink:href|action|formaction)\s*=/i.test(t))).toEqual([]);
    expect(page).not.toMatch(/url\(|@import|@font-face/i);
  });

  it('has the summary, verdict, quality, matrix, charts, percentiles, machine and configuration', () => {
    const run: ReportRun = { result: syntheticResult({ samples: 400 }), machine: { id: '0123456789abcdef', label: 'Lab desktop' } };
    const page = renderHtmlReport([run]);
    for (const heading of ['synthetic-hybrid vs synthetic-baseline', 'Retrieval quality per setting', 'Cross-lingual matrix', 'Latency per query', 'Machine', 'Configuration']) expect(page).toContain(heading);
    expect(page).toContain(escapeHtml(run.result.comparisons[0].latency!.verdict));
    // 2 charts of latency, a bar chart of stages, 3 heat maps (two models and the TF-IDF floor).
    expect(page.match(/<svg /g)).toHaveLength(6);
    expect(page.match(/aria-label="Latency histogram"/g)).toHaveLength(1);
    // 4 languages: 16 cells per map.
    expect(page.match(/<title>ar → de: mAP /g)).toHaveLength(3);
    expect(page).toContain('<td class="num">400</td>');
  });

  it('shows the measurement-quality line, a withheld verdict, the method of the interval and an A/A run\'s noise floor', () => {
    const result = syntheticResult({ samples: 100, factors: [1, 1.5] });
    const old = renderHtmlReport([{ result, machine: { id: '0123456789abcdef', label: 'm' } }]);
    expect(old).toContain('Measurement quality: not monitored (a run recorded before this version).');
    expect(old).toMatch(/Interval: bootstrap of queries as independent samples, 200 resamples, seed 1 \(drift between the two measurements counts as a difference\)/);
    const busy = assessMeasurementQuality({ platform: 'linux', measuredMs: 9000, cpu: { logicalCores: 2, othersShare: 0.8, othersPeakShare: 0.9, ownCores: 1, stealShare: null }, loadAverage: null, otherRuns: [], frequency: null, throttleEvents: null, notMeasured: ['thermal throttling'] });
    result.measurementQuality = busy;
    result.comparisons[0].latency = withheldDifference(result.comparisons[0].latency!, busy.busyReason!);
    result.noiseFloor = { model: 'synthetic-baseline', sha256: 'a'.repeat(64), scenario: 'single-stream', intraOpThreads: null, rounds: 20, roundSeconds: 0.5, roundSpread: 0.05, ratio: 1.01, ciLow: 0.98, ciHigh: 1.04, resolvable: 0.0336, lengths: [{ rounds: 20, seconds: 10, resolvable: 0.0336 }], for2Percent: { rounds: 53, seconds: 26.5 } };
    const page = renderHtmlReport([{ result, machine: { id: '0123456789abcdef', label: 'm' } }]);
    expect(page).toContain('<p class="quality busy"><strong>Measurement quality:</strong> <span class="badge busy">busy</span> other processes took 80% of the CPU (1.6 of 2 cores) during the 9.0 s measured; not measured: thermal throttling A latency difference measured then is reported as inconclusive.</p>');
    expect(page).toContain('Noise floor of synthetic-baseline: a run of 20 rounds (10 s) resolves differences of 3.4% or more; A/A ratio 1.010 (95% CI 0.980–1.040); resolving 2% takes about 53 rounds (27 s)');
    expect(page).toContain('<strong>Latency:</strong> inconclusive: the machine was busy (other processes took 80% of the CPU');
  });

  it('compares several runs side by side before the runs themselves', () => {
    const runs: ReportRun[] = [
      { result: syntheticResult({ seed: 1, samples: 300 }), machine: { id: '0123456789abcdef', label: 'laptop' } },
      { result: syntheticResult({ seed: 2, samples: 300, factors: [2, 2], machine: { hostname: 'desktop' } }), machine: { id: 'fedcba9876543210', label: 'desktop' } },
    ];
    const page = renderHtmlReport(runs);
    expect(page.indexOf('Runs compared')).toBeLessThan(page.indexOf('id="run-1"'));
    expect(page).toMatch(/slower, beyond noise/);
    expect(page).toContain('id="run-2"');
  });

  it('draws offline and server runs too', () => {
    for (const scenario of ['offline', 'server'] as const) {
      const page = renderHtmlReport([{ result: syntheticResult({ scenario, samples: 80 }), machine: { id: '0123456789abcdef', label: 'm' } }]);
      expect(page).toContain(scenario === 'offline' ? 'Offline, batches of 8' : 'queue');
    }
  });
});

describe('safe HTML templates', () => {
  it('escape interpolations, keep nested templates, drop null, false and non-finite numbers', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    const inner = html`<b>${'<i>'}</b>`;
    expect(html`<p>${inner}${null}${false}${undefined}${[1, '<', inner]}${Number.NaN}</p>`.toString()).toBe('<p><b>&lt;i&gt;</b>1&lt;<b>&lt;i&gt;</b></p>');
  });
});
