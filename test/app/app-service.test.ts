import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listAppModels, resolveRunModels } from '../../main/app/app-models.ts';
import { createAppService } from '../../main/app/app-service.ts';
import type { ApiOutputs, ExportedReport, Preferences } from '../../main/contract/app-api.ts';
import { bundledModelsDir } from '../../main/engine/models/model-locations.ts';
import { findChromium } from '../../main/report/pdf-report.ts';
import { openHistory } from '../../main/store/open-history.ts';
import { startRecording } from '../../main/store/run-recorder.ts';
import { storeResult } from '../../main/store/runs.ts';
import type { RunResult } from '../../main/engine/run/run-result.ts';
import { bundledDataDir } from '../../main/engine/datasets/bundled-data.ts';
import { dataDir, quickConfig, tinyEncoderDir, tinyModelCopy } from '../run/fixtures.ts';
import { syntheticResult } from '../store/synthetic-result.ts';
import { failure } from './call-failure.ts';
import { syntheticSweep } from '../store/synthetic-sweep.ts';
import { machineId } from '../../main/store/machine-identity.ts';
import { storeSweep } from '../../main/store/sweeps.ts';

const tmp = (name: string) => mkdtempSync(path.join(os.tmpdir(), `xlir-app-${name}-`));

/** A service on a fresh home folder, its warnings collected. */
function freshService(options: { dataDir?: string } = {}) {
  const homeDir = tmp('home');
  const warnings: string[] = [];
  const service = createAppService({ homeDir, warn: (m) => warnings.push(m), ...options });
  return { homeDir, warnings, service };
}

/** Stores finished runs straight into the service's history, as if `xlir run` had made them. */
function seed(homeDir: string, ...results: RunResult[]): void {
  const history = openHistory({ file: path.join(homeDir, 'history.sqlite') });
  for (const r of results) storeResult(history.db, r, 'local');
  history.close();
}


describe('app service: calls', () => {
  it('refuses unknown calls and invalid input with the issue named', async () => {
    const { service } = freshService();
    expect(await failure(service, 'dropTables', {})).toMatchObject({ status: 404, code: 'UNKNOWN_METHOD' });
    expect(await failure(service, 'toString', {})).toMatchObject({ status: 404, code: 'UNKNOWN_METHOD' });
    const bad = await failure(service, 'listRuns', { limit: -3 });
    expect(bad).toMatchObject({ status: 400, code: 'INVALID_INPUT' });
    expect(bad.message).toMatch(/limit/);
    expect(await failure(service, 'listRuns', { extra: 1 })).toMatchObject({ status: 400, code: 'INVALID_INPUT' });
    expect(await failure(service, 'getRun', { ref: '../../etc' })).toMatchObject({ status: 400, code: 'INVALID_INPUT' });
    expect(await failure(service, 'startRun', { config: { models: [] } })).toMatchObject({ status: 400, code: 'INVALID_INPUT' });
    // No input is the empty object.
    expect(await service.call('listRuns', undefined)).toEqual([]);
  });

  it('lists, shows, labels, compares and deletes runs of the history', async () => {
    const { service, homeDir } = freshService();
    const a = syntheticResult({ id: randomUUID(), seed: 1, startedAt: '2026-01-01T00:00:00.000Z' });
    const b = syntheticResult({ id: randomUUID(), seed: 2, startedAt: '2026-01-02T00:00:00.000Z', factors: [1.3, 1.3] });
    seed(homeDir, a, b);

    const runs = (await service.call('listRuns', {})) as ApiOutputs['listRuns'];
    expect(runs.map((r) => r.id)).toEqual([b.id, a.id]);
    expect((await service.call('listRuns', { limit: 1 })) as unknown[]).toHaveLength(1);
    const run = (await service.call('getRun', { ref: a.id.slice(0, 8) })) as ApiOutputs['getRun'];
    expect(run.result).toStrictEqual(a);
    expect(await failure(service, 'getRun', { ref: 'ffffffff' })).toMatchObject({ status: 404, code: 'RUN_NOT_FOUND' });

    const [machine] = (await service.call('listMachines', {})) as ApiOutputs['listMachines'];
    expect(machine.runs).toBe(2);
    expect(await service.call('labelMachine', { ref: machine.id, label: '  lab box  ' })).toEqual({ id: machine.id, label: 'lab box' });
    expect(((await service.call('listMachines', {})) as ApiOutputs['listMachines'])[0].label).toBe('lab box');
    expect(await failure(service, 'labelMachine', { ref: machine.id, label: 'a\u001b[31mb' })).toMatchObject({ status: 400, code: 'INVALID_INPUT' });

    const comparison = (await service.call('compareRuns', { refs: [a.id, b.id], resamples: 200 })) as ApiOutputs['compareRuns'];
    expect(comparison.method.resamples).toBe(200);
    expect(comparison.groups.map((g) => g.entries.map((e) => e.runId))).toEqual([
      [a.id, b.id],
      [a.id, b.id],
    ]);

    expect(await service.call('deleteRun', { ref: a.id.slice(0, 8) })).toEqual({ deleted: a.id });
    expect(((await service.call('listRuns', {})) as ApiOutputs['listRuns']).map((r) => r.id)).toEqual([b.id]);
    expect(await failure(service, 'deleteRun', { ref: a.id })).toMatchObject({ status: 404, code: 'RUN_NOT_FOUND' });
  });

  it('lists the sweeps of a machine and models, for the roofline plot of a run', async () => {
    const { service, homeDir } = freshService();
    const history = openHistory({ file: path.join(homeDir, 'history.sqlite') });
    const sweep = syntheticSweep();
    storeSweep(history.db, sweep);
    storeSweep(history.db, syntheticSweep({ model: 'other' }));
    history.close();
    const machine = machineId(sweep.machine);
    const listed = (await service.call('listSweeps', { machine, models: ['synthetic-baseline'] })) as ApiOutputs['listSweeps'];
    expect(listed.map((s) => [s.machine.id, s.result])).toEqual([[machine, sweep]]);
    expect((await service.call('listSweeps', {})) as unknown[]).toHaveLength(2);
    expect(await failure(service, 'listSweeps', { machine: '../x' })).toMatchObject({ status: 400, code: 'INVALID_INPUT' });
  });

  it('exports html, json, md and csv, and imports the json into another history', async () => {
    const { service, homeDir } = freshService();
    const a = syntheticResult({ id: randomUUID(), seed: 3, samples: 50 });
    seed(homeDir, a);
    const id8 = a.id.slice(0, 8);

    const html = (await service.call('exportReport', { refs: [id8], format: 'html' })) as ExportedReport;
    expect(html).toMatchObject({ fileName: `xlir-${id8}.html`, mimeType: 'text/html; charset=utf-8', encoding: 'utf8' });
    expect(html.content).toContain('Content-Security-Policy');
    const md = (await service.call('exportReport', { refs: [id8], format: 'md' })) as ExportedReport;
    expect(md.content).toContain('synthetic-hybrid');
    const csv = (await service.call('exportReport', { refs: [id8], format: 'csv' })) as ExportedReport;
    expect(csv.mimeType).toBe('text/csv; charset=utf-8');
    expect(csv.content.trimEnd().split('\r\n')).toHaveLength(1 + 2 * 50);
    const json = (await service.call('exportReport', { refs: [id8], format: 'json' })) as ExportedReport;
    expect(json.fileName).toBe(`xlir-${id8}.json`);

    const other = freshService();
    const outcome = await other.service.call('importReport', { fileName: json.fileName, text: json.content });
    expect(outcome).toEqual([{ runId: a.id, machineId: expect.any(String), outcome: 'imported', warnings: [] }]);
    expect(((await other.service.call('importReport', { fileName: json.fileName, text: json.content })) as ApiOutputs['importReport'])[0].outcome).toBe('exists');
    const imported = (await other.service.call('getRun', { ref: a.id })) as ApiOutputs['getRun'];
    expect(imported.origin).toBe('imported');
    expect(imported.result).toStrictEqual(a);

    const notJson = await failure(other.service, 'importReport', { fileName: 'notes.txt', text: 'hello' });
    expect(notJson).toMatchObject({ status: 400, code: 'REPORT_NOT_JSON' });
    expect(notJson.message).toContain('notes.txt');
  });

  it('exports a redacted report for sharing: no host name, no absolute paths', async () => {
    const { service, homeDir } = freshService();
    const a = syntheticResult({ id: randomUUID(), seed: 6, samples: 20, machine: { hostname: 'alice-thinkpad' } });
    a.models[0].dir = '/home/alice/models/e5-small';
    seed(homeDir, a);
    for (const format of ['json', 'html', 'md'] as const) {
      const plain = (await service.call('exportReport', { refs: [a.id], format })) as ExportedReport;
      expect(plain.content).toContain('alice');
      const redacted = (await service.call('exportReport', { refs: [a.id], format, redact: true })) as ExportedReport;
      expect(redacted.content, format).not.toMatch(/alice|thinkpad|\/home\//);
      if (format === 'json') expect(redacted.content).toContain('"dir":"…/e5-small"');
    }
  });

  it('exports the recorded samples of an unfinished run as csv, and refuses other formats for it', async () => {
    const { service, homeDir } = freshService();
    const a = syntheticResult({ id: randomUUID(), seed: 4, samples: 20 });
    const history = openHistory({ file: path.join(homeDir, 'history.sqlite') });
    const recorder = startRecording(history.db, { config: a.config, machine: a.machine });
    const samples = a.models[0].latency.scenario === 'offline' ? [] : a.models[0].latency.samples;
    recorder.record({ type: 'latency', model: 'tiny', scenario: 'single-stream', phase: 'measure', samples, progress: { done: 20, target: 20, elapsedMs: 1, etaMs: null }, live: null });
    recorder.fail('stopped');
    history.close();

    const csv = (await service.call('exportReport', { refs: [recorder.runId], format: 'csv' })) as ExportedReport;
    expect(csv.content.trimEnd().split('\r\n')).toHaveLength(21);
    expect(await failure(service, 'exportReport', { refs: [recorder.runId], format: 'html' })).toMatchObject({ status: 400, code: 'RUN_UNFINISHED' });
  });

  it('exports a pdf as base64', async (ctx) => {
    if (!findChromium()) ctx.skip('no Chromium or Chrome here (/usr/bin/chromium or CHROME_PATH): PDF export cannot run');
    const { service, homeDir } = freshService();
    const a = syntheticResult({ id: randomUUID(), seed: 5, samples: 30 });
    seed(homeDir, a);
    const pdf = (await service.call('exportReport', { refs: [a.id], format: 'pdf' })) as ExportedReport;
    expect(pdf).toMatchObject({ mimeType: 'application/pdf', encoding: 'base64', fileName: `xlir-${a.id.slice(0, 8)}.pdf` });
    expect(Buffer.from(pdf.content, 'base64').subarray(0, 5).toString()).toBe('%PDF-');
  });
});

describe('app service: run options out of bounds', () => {
  it('refuses what the machine cannot do, with the limit and why, before anything runs or is recorded', async () => {
    const { service } = freshService({ dataDir });
    const cores = os.availableParallelism();
    const threads = await failure(service, 'startRun', { config: quickConfig([tinyEncoderDir], { provider: { intraOpThreads: 100_000 } }) });
    expect(threads).toMatchObject({ status: 400, code: 'CONFIG_INVALID' });
    expect(threads.message).toContain(`provider.intraOpThreads: must be at most ${cores}: this machine has ${cores} logical cores`);
    const rate = await failure(service, 'startRun', { config: quickConfig([tinyEncoderDir], { scenario: { kind: 'server', targetQps: 0.000001, warmupQueries: 1, minQueries: 5, minDurationMs: 0 } }) });
    expect(rate.message).toMatch(/scenario\.targetQps: must be at least 0\.1 queries\/s/);
    const batch = await failure(service, 'startRun', { config: quickConfig([tinyEncoderDir], { encodeBatchSize: 1_000_000_000 }) });
    expect(batch.message).toMatch(/encodeBatchSize: must be at most \d+: a sequence of 64 tokens takes about/);
    expect(await service.call('listRuns', {})).toEqual([]);
    expect(await service.call('activeRun', {})).toBeNull();
    await service.close();
  });
});

describe('app service: models, datasets and preferences', () => {
  it('keeps preferences across services and returns defaults where there are none', async () => {
    const { service, homeDir, warnings } = freshService();
    expect(await service.call('getPreferences', {})).toEqual({ theme: 'system', modelFolders: [] });
    const saved = (await service.call('savePreferences', { theme: 'dark', modelFolders: ['/models/mine'] })) as Preferences;
    expect(saved).toEqual({ theme: 'dark', modelFolders: ['/models/mine'] });
    expect(await failure(service, 'savePreferences', { theme: 'neon' })).toMatchObject({ status: 400, code: 'INVALID_INPUT' });

    const again = createAppService({ homeDir, warn: (m) => warnings.push(m) });
    expect(await again.call('getPreferences', {})).toEqual(saved);
    expect(JSON.parse(readFileSync(path.join(homeDir, 'preferences.json'), 'utf8'))).toEqual(saved);
    expect(warnings).toEqual([]);
  });

  it('sets a damaged preferences file aside with a warning and never overwrites it', async () => {
    const { service, homeDir, warnings } = freshService();
    const file = path.join(homeDir, 'preferences.json');
    mkdirSync(homeDir, { recursive: true });
    writeFileSync(file, '{"theme": "dark", ');
    expect(await service.call('getPreferences', {})).toEqual({ theme: 'system', modelFolders: [] });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/not JSON/);
    expect(warnings[0]).toContain(`${file}.bad`);
    expect(readFileSync(`${file}.bad`, 'utf8')).toBe('{"theme": "dark", ');
    expect(existsSync(file)).toBe(false);

    // Valid JSON, but not preferences: kept beside the first bad file, not over it.
    writeFileSync(file, JSON.stringify({ theme: 'neon' }));
    await service.call('savePreferences', { theme: 'light' });
    expect(warnings[1]).toMatch(/theme/);
    expect(readFileSync(`${file}.bad`, 'utf8')).toBe('{"theme": "dark", ');
    expect(JSON.parse(readFileSync(`${file}.bad-2`, 'utf8'))).toEqual({ theme: 'neon' });
    expect(await service.call('getPreferences', {})).toEqual({ theme: 'light', modelFolders: [] });
    expect(readdirSync(homeDir).sort()).toEqual(['preferences.json', 'preferences.json.bad', 'preferences.json.bad-2']);
  });

  it('lists models with their source and adds a user folder that holds one', async () => {
    const { service } = freshService();
    const before = (await service.call('listModels', {})) as ApiOutputs['listModels'];
    expect(before.filter((m) => m.source === 'user')).toEqual([]);
    const bundled = before.filter((m) => m.source === 'bundled');
    expect(bundled.map((m) => m.ok && m.name)).toEqual(['xlir-bridge-baseline', 'xlir-bridge-hybrid']);
    for (const m of bundled) expect(m.dir.startsWith(bundledModelsDir())).toBe(true);

    const empty = tmp('empty');
    expect(await failure(service, 'addModelFolder', { path: empty })).toMatchObject({ status: 400, code: 'MODEL_FOLDER_EMPTY' });
    expect(await failure(service, 'addModelFolder', { path: path.join(empty, 'nope') })).toMatchObject({ status: 404, code: 'MODEL_FOLDER_NOT_FOUND' });

    const added = (await service.call('addModelFolder', { path: tinyEncoderDir })) as ApiOutputs['addModelFolder'];
    expect(added.preferences.modelFolders).toEqual([tinyEncoderDir]);
    expect(added.models.filter((m) => m.source === 'user')).toEqual([expect.objectContaining({ dir: tinyEncoderDir, ok: true, name: 'xlir-tiny-test', source: 'user' })]);
    // Adding it again changes nothing.
    const twice = (await service.call('addModelFolder', { path: tinyEncoderDir })) as ApiOutputs['addModelFolder'];
    expect(twice.preferences.modelFolders).toEqual([tinyEncoderDir]);
    expect((await service.call('listModels', {})) as unknown[]).toHaveLength(before.length + 1);
  });

  it('marks models in the replica folder, and lists a folder given twice once', async () => {
    const replicas = path.dirname(tinyModelCopy({ name: 'tiny-replica', checkpoint: 'replica' }));
    const env = { XLIR_MODELS_DIR: replicas };
    const listed = await listAppModels([replicas, path.join(replicas, 'tiny-replica'), tinyEncoderDir], env);
    expect(listed.filter((m) => m.source !== 'bundled').map((m) => [m.ok && m.name, m.source])).toEqual([
      ['tiny-replica', 'replica'],
      ['xlir-tiny-test', 'user'],
    ]);
    expect(resolveRunModels(['tiny-replica', tinyEncoderDir], [], env)).toEqual([path.join(replicas, 'tiny-replica'), tinyEncoderDir]);
    expect(() => resolveRunModels(['/no/such/model'], [], env)).toThrow(expect.objectContaining({ code: 'MODEL_NOT_FOUND' }));
  });

  it('lists datasets in the serve data folder unless the call names another', async () => {
    const { service } = freshService({ dataDir });
    const datasets = (await service.call('listDatasets', {})) as ApiOutputs['listDatasets'];
    expect(datasets.find((d) => d.name === 'xquad-r')).toMatchObject({ found: true, location: path.join(dataDir, 'xquad-r') });
    const elsewhere = (await service.call('listDatasets', { dataDir: tmp('other') })) as ApiOutputs['listDatasets'];
    expect(elsewhere.find((d) => d.name === 'xquad-r')?.found).toBe(false);
  });

  it('uses the bundled XQuAD-R when serve names no data folder (and XLIR_DATA_DIR is unset)', async () => {
    const saved = process.env.XLIR_DATA_DIR;
    delete process.env.XLIR_DATA_DIR;
    try {
      const { service } = freshService();
      const datasets = (await service.call('listDatasets', {})) as ApiOutputs['listDatasets'];
      expect(datasets.find((d) => d.name === 'xquad-r')).toMatchObject({ found: true, bundled: true, location: path.join(bundledDataDir(), 'xquad-r') });
    } finally {
      if (saved !== undefined) process.env.XLIR_DATA_DIR = saved;
    }
  });
});
