import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderHtmlReport } from '../../main/report/html/html-report.ts';
import { findChromium, printReportToPdf } from '../../main/report/pdf-report.ts';
import { syntheticResult } from '../store/synthetic-result.ts';

describe('PDF export', () => {
  it('prefers the Chromium that CHROME_PATH names', () => {
    expect(findChromium({ CHROME_PATH: process.execPath }, 'linux')).toBe(process.execPath);
    expect(findChromium({ CHROME_PATH: '/no/such/chrome' }, 'darwin')).not.toBe('/no/such/chrome');
  });

  it.skipIf(!findChromium())('prints the HTML report to a PDF with the Chromium at hand', async () => {
    const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'xlir-pdf-test-')), 'r.pdf');
    await printReportToPdf(renderHtmlReport([{ result: syntheticResult({ samples: 100 }), machine: { id: '0123456789abcdef', label: 'm' } }]), out);
    const bytes = readFileSync(out);
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect(bytes.length).toBeGreaterThan(10_000);
  });
});
