import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { XlirError } from '../../main/engine/errors.ts';
import { parseReportText, readReportFile, upgradeToCurrent } from '../../main/report/import-report.ts';
import { REPORT_VERSION, renderJsonReport } from '../../main/report/json-report.ts';
import { syntheticResult } from '../store/synthetic-result.ts';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'xlir-import-'));
const machine = { id: '0123456789abcdef', label: 'Lab desktop' };

async function rejection(promise: Promise<unknown>): Promise<XlirError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof XlirError) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof XlirError) return err.code;
    throw err;
  }
  return 'accepted';
}

describe('reading a report file', () => {
  it('gives back exactly the runs and labels an export wrote', () => {
    const result = syntheticResult({ samples: 300 });
    const runs = parseReportText(renderJsonReport([{ result, machine }]), 'r.json');
    expect(runs).toEqual([{ result, label: 'Lab desktop' }]);
  });

  it('takes a bare run result as "xlir run --json" writes it, with no label', () => {
    const result = syntheticResult({ samples: 5 });
    expect(parseReportText(JSON.stringify(result), 'run.json')).toEqual([{ result }]);
  });

  it('still takes a version-1 result written before lexicalFloor existed', () => {
    const { lexicalFloor: _, ...early } = syntheticResult({ samples: 5 });
    const [run] = parseReportText(JSON.stringify(early), 'early.json');
    expect(run.result.lexicalFloor).toBeNull();
  });

  it('refuses what is not JSON, not UTF-8, or JSON of another kind, saying what it wants', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'notes.json'), '{"runs": [1, 2,');
    expect((await rejection(readReportFile(path.join(dir, 'notes.json')))).message).toMatch(/notes\.json is not JSON.*xlir export --format json/);
    writeFileSync(path.join(dir, 'latin1.json'), Buffer.from([0x7b, 0x22, 0xe9, 0x22, 0x7d]));
    expect((await rejection(readReportFile(path.join(dir, 'latin1.json')))).code).toBe('REPORT_NOT_JSON');
    expect(codeOf(() => parseReportText('[1, 2, 3]', 'a.json'))).toBe('REPORT_INVALID');
    expect(codeOf(() => parseReportText('{"name": "package"}', 'package.json'))).toBe('REPORT_INVALID');
    expect((await rejection(readReportFile(path.join(dir, 'missing.json')))).message).toMatch(/missing\.json: no such file/);
  });

  it('refuses a file over the size limit without reading it', async () => {
    const file = path.join(tmp(), 'big.json');
    writeFileSync(file, renderJsonReport([{ result: syntheticResult({ samples: 2000 }), machine }]));
    const err = await rejection(readReportFile(file, 64 * 1024));
    expect(err.code).toBe('REPORT_TOO_LARGE');
    expect(err.message).toMatch(/over the 0 MiB a report may have: refused unread/);
    expect(await readReportFile(file)).toHaveLength(1);
  });

  it('refuses versions from the future, and versions that never existed, by name', () => {
    const report = JSON.parse(renderJsonReport([{ result: syntheticResult({ samples: 5 }), machine }]));
    expect(() => parseReportText(JSON.stringify({ ...report, version: REPORT_VERSION + 1 }), 'new.json')).toThrow(/version 2, newer than this XLIR Bench reads \(1\): update/);
    expect(codeOf(() => parseReportText(JSON.stringify({ ...report, version: 0 }), 'old.json'))).toBe('REPORT_INVALID');
    report.runs[0].result.version = 7;
    expect(codeOf(() => parseReportText(JSON.stringify(report), 'r.json'))).toBe('REPORT_TOO_NEW');
  });

  it('upgrades an older version step by step (here a made-up version 0 of a result)', () => {
    // Version 0 as a test defines it: `machine` was called `host`, `warnings` did not exist.
    const v0 = { version: 0, host: { name: 'x' } };
    const upgrades = { 0: ({ host, ...rest }: Record<string, unknown>) => ({ ...rest, version: 1, machine: host, warnings: [] }) };
    expect(upgradeToCurrent(v0, 1, upgrades, 'v0.json')).toEqual({ version: 1, machine: { name: 'x' }, warnings: [] });
    expect(() => upgradeToCurrent({ version: 0 }, 1, {}, 'v0.json')).toThrow(/version 0, which no XLIR Bench ever wrote/);
    expect(() => upgradeToCurrent({ version: '1' }, 1, {}, 'odd.json')).toThrow(/no version number/);
  });

  it('names the first fields that break the schema', () => {
    const result = syntheticResult({ samples: 5 }) as unknown as { models: { latency: { samples: { totalMs: unknown }[] } }[] };
    result.models[0].latency.samples[3].totalMs = 'fast';
    expect(() => parseReportText(JSON.stringify(result), 'bad.json')).toThrow(/bad\.json does not match the run result schema.*models\.0\.latency\.samples\.3\.totalMs/);
  });

  it('refuses terminal escapes and reordering marks in any string, keeps markup as plain text', () => {
    const evil = syntheticResult({ samples: 5, models: ['\u001b]0;pwned\u0007model'] });
    expect(() => parseReportText(JSON.stringify(evil), 'esc.json')).toThrow(/contains the control character U\+001B/);
    const rtl = syntheticResult({ samples: 5 });
    rtl.warnings.push('harmless \u202e txt.exe');
    expect(codeOf(() => parseReportText(JSON.stringify(rtl), 'rtl.json'))).toBe('REPORT_UNSAFE');
    const label = JSON.parse(renderJsonReport([{ result: syntheticResult({ samples: 5 }), machine }]));
    label.runs[0].machine.label = 'desk\u0000top';
    expect(codeOf(() => parseReportText(JSON.stringify(label), 'label.json'))).toBe('REPORT_INVALID');
    // Markup is text like any other: it is the HTML report's job to escape it (tested there).
    const markup = syntheticResult({ samples: 5, models: ['<script>alert(1)</script>'] });
    expect(parseReportText(JSON.stringify(markup), 'markup.json')[0].result.models[0].name).toBe('<script>alert(1)</script>');
  });

  it('refuses zero-width, bidi and line-separator marks as it refuses ESC and overrides', () => {
    // Invisible or reordering: RLM, ALM, LRM, ZWSP, ZWJ, word joiner, LRI, line and paragraph separators, BOM, tags.
    for (const mark of ['\u200f', '\u061c', '\u200e', '\u200b', '\u200d', '\u2060', '\u2066', '\u2028', '\u2029', '\ufeff', '\u{e0041}']) {
      const code = `U+${mark.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
      const inWarning = syntheticResult({ samples: 5 });
      inWarning.warnings.push(`look${mark}alike`);
      expect(() => parseReportText(JSON.stringify(inWarning), 'w.json'), code).toThrow(new RegExp(`contains the (control|invisible or reordering) character ${code.replace('+', '\\+')}`));
      const label = JSON.parse(renderJsonReport([{ result: syntheticResult({ samples: 5 }), machine }]));
      label.runs[0].machine.label = `Lab${mark} desktop`;
      expect(codeOf(() => parseReportText(JSON.stringify(label), 'label.json')), code).toBe('REPORT_INVALID');
    }
    // Letters of every script, accents and emoji stay welcome.
    const plain = syntheticResult({ samples: 5 });
    plain.warnings.push('العربية · 中文 · Ελληνικά · café · 👍');
    expect(parseReportText(JSON.stringify(plain), 'ok.json')[0].result.warnings).toContain('العربية · 中文 · Ελληνικά · café · 👍');
  });

  it('drops fields the schema does not know, a "__proto__" key included', () => {
    const text = `{"__proto__": {"polluted": true}, "extra": "x", ${JSON.stringify(syntheticResult({ samples: 5 })).slice(1)}`;
    const [run] = parseReportText(text, 'extra.json');
    expect(run.result).not.toHaveProperty('extra');
    expect(Object.getPrototypeOf(run.result)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((run.result as unknown as Record<string, unknown>).polluted).toBeUndefined();
  });
});
