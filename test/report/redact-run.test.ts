import { describe, expect, it } from 'vitest';
import { RunResultSchema, type RunResult } from '../../main/engine/run/run-result.ts';
import { parseReportText } from '../../main/report/import-report.ts';
import { renderJsonReport } from '../../main/report/json-report.ts';
import { redactReportRun } from '../../main/report/redact-run.ts';
import { renderReportText } from '../../main/report/render-report.ts';
import { syntheticResult } from '../store/synthetic-result.ts';

/** A run as it comes out of a real history: the machine's name and the user's folders in many places. */
function revealingRun(): { result: RunResult; machine: { id: string; label: string } } {
  const result = syntheticResult({ samples: 40, machine: { hostname: 'alice-thinkpad' } });
  const home = '/home/alice';
  result.config.models = [`${home}/models/e5-small`, 'C:\\Users\\alice\\models\\labse'];
  result.config.dataset.dataDir = `${home}/data`;
  result.config.saveEmbeddingsDir = `${home}/out/embeddings`;
  result.models[0].dir = `${home}/models/e5-small`;
  result.models[0].model.file = `${home}/models/e5-small/model.onnx`;
  result.models[1].dir = 'C:\\Users\\alice\\models\\labse';
  result.dataset.files = [{ path: `${home}/data/xquad-r/de.json`, sha256: 'a'.repeat(64), bytes: 10 }];
  result.warnings.push(`could not read ${home}/.cache/xlir-bench/peaks.json on alice-thinkpad (owner alice); see https://github.com/xlir/bench/issues/1`);
  return { result, machine: { id: '0123456789abcdef', label: 'alice-thinkpad' } };
}

describe('redacting a run for sharing', () => {
  it('removes the host name, absolute paths and the user name, everywhere in the report', () => {
    const run = revealingRun();
    const redacted = redactReportRun(run, { userNames: ['alice'] });
    for (const format of ['json', 'html', 'md'] as const) {
      const text = renderReportText([redacted], format);
      expect(text, format).not.toMatch(/alice|thinkpad|\/home\/|C:\\\\Users/i);
    }
    const r = redacted.result;
    expect(r.machine.hostname).toBe('machine-01234567');
    expect(redacted.machine).toEqual({ id: run.machine.id, label: 'machine-01234567' });
    // What tells a reader which model and files were used stays: the last part of each path.
    expect(r.config.models).toEqual(['…/e5-small', '…\\labse']);
    expect(r.models.map((m) => m.dir)).toEqual(['…/e5-small', '…\\labse']);
    expect(r.models[0].model.file).toBe('…/model.onnx');
    expect(r.dataset.files[0].path).toBe('…/de.json');
    expect(r.warnings.at(-1)).toBe('could not read …/peaks.json on machine-01234567 (owner <user>); see https://github.com/xlir/bench/issues/1');
  });

  it('changes nothing a reader compares: figures, hashes, samples, hardware', () => {
    const run = revealingRun();
    const r = redactReportRun(run, { userNames: ['alice'] }).result;
    expect(() => RunResultSchema.parse(r)).not.toThrow();
    expect(r.models.map((m) => [m.latency, m.quality, m.model.sha256])).toEqual(run.result.models.map((m) => [m.latency, m.quality, m.model.sha256]));
    expect(r.dataset.files[0].sha256).toBe(run.result.dataset.files[0].sha256);
    expect({ ...r.machine, hostname: '' }).toEqual({ ...run.result.machine, hostname: '' });
    expect(r.id).toBe(run.result.id);
    // A host named like a value the result holds (a provider, a scenario) leaves those values alone.
    for (const hostname of ['cpu', 'server']) {
      const plain = syntheticResult({ samples: 5, scenario: 'server', machine: { hostname } });
      const same = redactReportRun({ result: plain, machine: { id: 'fedcba9876543210', label: hostname } }, { userNames: [] });
      expect(same.result.machine).toEqual({ ...plain.machine, hostname: 'machine-fedcba98' });
      expect(same.result.models.map((m) => [m.provider, m.latency, m.qualityNote])).toEqual(plain.models.map((m) => [m.provider, m.latency, m.qualityNote]));
      expect([same.result.config.scenario, same.result.config.provider, same.result.comparisons]).toEqual([plain.config.scenario, plain.config.provider, plain.comparisons]);
      expect(same.machine.label).toBe('machine-fedcba98');
    }
  });

  it('gives a report that imports, under a machine that stays the same across redacted exports', () => {
    const one = redactReportRun(revealingRun(), { userNames: ['alice'] });
    const two = redactReportRun(revealingRun(), { userNames: ['alice'] });
    const [imported] = parseReportText(renderJsonReport([one]), 'redacted.json');
    expect(imported.label).toBe('machine-01234567');
    expect(imported.result.machine).toEqual(two.result.machine);
  });

  it('finds the user name in home folders even when not told it', () => {
    const run = revealingRun();
    const text = JSON.stringify(redactReportRun(run, { userNames: [] }));
    expect(text).not.toMatch(/alice/i);
  });
});
